"""Simultaneous identical writes: the first writer wins, the others get the existing
object or a clear 400/409 or form error, never a 500 (PostgreSQL; see tests/concurrency.py).
"""

from io import StringIO

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from claims.models import Actor, Attribution, Claim, Tag
from intake.models import Suggestion
from sources.models import Outlet
from tests.concurrency import ConcurrentTestCase, at_once
from tests.factories import make_attribution, make_claim, make_source

N = 4


class SimultaneousCreateTests(ConcurrentTestCase):
    def test_the_same_new_claim_through_the_api(self):
        def post(i):
            return self.api(self.editor).post(
                "/api/claims", {"statement": "The dam was finished in May."}, format="json"
            )

        statuses = self.assertNoServerErrors(at_once(N, post))
        self.assertEqual(sorted(statuses), [201] + [400] * (N - 1))
        self.assertEqual(Claim.objects.filter(statement="The dam was finished in May.").count(), 1)

    def test_the_same_new_claim_through_the_form(self):
        def post(i):
            client = Client()
            client.force_login(self.editor)
            return client.post(reverse("claim-create"), {"statement": "The dam burst."})

        statuses = self.assertNoServerErrors(at_once(N, post))
        self.assertEqual(sorted(statuses), [302] + [400] * (N - 1))
        self.assertEqual(Claim.objects.filter(statement="The dam burst.").count(), 1)

    def test_the_same_new_tag_inside_different_claims(self):
        def post(i):
            return self.api(self.editor).post(
                "/api/claims",
                {"statement": f"Claim {i} about the dam.", "tags": ["Dams", "Energy"]},
                format="json",
            )

        statuses = self.assertNoServerErrors(at_once(N, post))
        self.assertEqual(statuses, [201] * N)
        self.assertEqual(sorted(Tag.objects.values_list("name", flat=True)), ["Dams", "Energy"])
        self.assertEqual(Tag.objects.get(name="Dams").claims.count(), N)

    def test_the_same_new_actor_through_the_api(self):
        def post(i):
            return self.api(self.admin).post(
                "/api/actors", {"name": "Olena Kovalenko", "kind": "official"}, format="json"
            )

        statuses = self.assertNoServerErrors(at_once(N, post))
        self.assertEqual(sorted(statuses), [201] + [400] * (N - 1))
        self.assertEqual(Actor.objects.filter(name="Olena Kovalenko").count(), 1)

    def test_the_same_new_outlet_through_the_api(self):
        def post(i):
            return self.api(self.admin).post(
                "/api/outlets", {"name": "Dnipro Herald", "kind": "newspaper"}, format="json"
            )

        statuses = self.assertNoServerErrors(at_once(N, post))
        self.assertEqual(sorted(statuses), [201] + [400] * (N - 1))
        self.assertEqual(Outlet.objects.filter(name="Dnipro Herald").count(), 1)

    def test_the_same_passage_attributed_twice(self):
        source = make_source(body="The minister said the dam was finished in May.")
        claim = make_claim("The dam was finished in May.")

        def post(i):
            return self.api(self.editor).post(
                "/api/attributions",
                {
                    "claim": claim.pk,
                    "source": source.pk,
                    "quote": "the dam was finished in May",
                    "kind": "paraphrase",
                },
                format="json",
            )

        results = at_once(N, post)
        statuses = self.assertNoServerErrors(results)
        self.assertEqual(sorted(statuses), [201] + [400] * (N - 1))
        refused = next(r for r in results if r.status_code == 400)
        self.assertIn("already evidences", str(refused.json()["quote"]))
        self.assertEqual(claim.attributions.count(), 1)

    def test_the_same_passage_and_new_claim_from_the_reader_with_a_new_actor(self):
        # Two editors attribute one passage to the same new statement, with the same
        # new speaker: one claim, one actor, one attribution; the other gets a form error.
        source = make_source(body="Olena Kovalenko said the dam was finished in May.")

        def post(i):
            client = Client()
            client.force_login(self.editor)
            return client.post(
                reverse("source-attribute", args=[source.pk]),
                {
                    "exact": "the dam was finished in May",
                    "statement": "The dam was finished in May.",
                    "speaker": "Olena Kovalenko",
                    "new_speaker": "on",
                    "kind": "paraphrase",
                    "stance": "supports",
                },
            )

        statuses = self.assertNoServerErrors(at_once(N, post))
        self.assertEqual(sorted(statuses), [302] + [400] * (N - 1))
        self.assertEqual(Claim.objects.count(), 1)
        self.assertEqual(Actor.objects.filter(name="Olena Kovalenko").count(), 1)
        self.assertEqual(Attribution.objects.count(), 1)

    def test_different_passages_of_one_new_claim_and_actor_join_the_winners(self):
        # Attributing to a new statement that a simultaneous write created first adds
        # the evidence to that claim; a new speaker created first is that actor.
        source = make_source(
            body=" ".join(
                f"Olena Kovalenko said in interview {i}: the dam is done." for i in range(N)
            )
        )

        def post(i):
            client = Client()
            client.force_login(self.editor)
            return client.post(
                reverse("source-attribute", args=[source.pk]),
                {
                    "exact": f"in interview {i}",
                    "statement": "The dam is done.",
                    "speaker": "Olena Kovalenko",
                    "new_speaker": "on",
                    "kind": "paraphrase",
                    "stance": "supports",
                },
            )

        statuses = self.assertNoServerErrors(at_once(N, post))
        self.assertEqual(statuses, [302] * N)
        claim = Claim.objects.get()
        self.assertEqual(claim.attributions.count(), N)
        self.assertEqual(Actor.objects.get().attributions.count(), N)

    def test_the_same_suggestion_accepted_at_once(self):
        source = make_source(body="Ivan Petrov said the dam was finished in May.")
        suggestion = Suggestion.objects.create(
            source=source,
            start=0,
            end=len(source.body),
            quote=source.body,
            cue="said",
            speaker_name="Ivan Petrov",
            kind=Attribution.Kind.PARAPHRASE,
        )

        def post(i):
            client = Client()
            client.force_login(self.editor)
            return client.post(
                reverse("suggestion-accept", args=[suggestion.pk]),
                {
                    "exact": suggestion.quote,
                    "statement": "The dam was finished in May.",
                    "speaker": "Ivan Petrov",
                    "new_speaker": "on",
                    "kind": "paraphrase",
                    "stance": "supports",
                },
            )

        statuses = self.assertNoServerErrors(at_once(N, post))
        self.assertEqual(statuses, [302] * N)  # the others: "already accepted" message
        suggestion.refresh_from_db()
        self.assertEqual(suggestion.state, Suggestion.State.ACCEPTED)
        self.assertEqual(Attribution.objects.get(), suggestion.attribution)
        self.assertEqual((Claim.objects.count(), Actor.objects.count()), (1, 1))


class MergeWhileEditedTests(ConcurrentTestCase):
    """A claim with 30 attributions merged while they are edited and removed."""

    ATTRIBUTIONS = 30

    def test_no_deadlock_no_resurrection_statuses_current(self):
        for trial in range(3):
            with self.subTest(trial=trial):
                self.run_trial(trial)

    def run_trial(self, trial):
        claim = make_claim(f"The dam was finished in May ({trial}).")
        target = make_claim(f"The dam was completed in May ({trial}).")
        source = make_source(
            body=f"Trial {trial}. "
            + " ".join(f"Passage {i} says the dam was done." for i in range(self.ATTRIBUTIONS))
        )
        attributions = [
            make_attribution(claim, source, f"Passage {i} says") for i in range(self.ATTRIBUTIONS)
        ]
        removed = attributions[0::3]
        edited = attributions[1::3]
        workers = 1 + len(removed) + len(edited)

        def task(i):
            client = self.api(self.editor)
            if i == 0:
                browser = Client()
                browser.force_login(self.editor)
                return browser.post(
                    reverse("claim-merge", args=[claim.pk]),
                    {"target_number": target.pk, "version": claim.version},
                )
            i -= 1
            if i < len(removed):
                return client.delete(f"/api/attributions/{removed[i].pk}")
            attribution = edited[i - len(removed)]
            return client.patch(
                f"/api/attributions/{attribution.pk}",
                {"kind": "direct_quote", "updated_at": attribution.updated_at.isoformat()},
                format="json",
            )

        results = at_once(workers, task)
        self.assertNoServerErrors(results)
        try_again = [
            r
            for r in results
            if r.status_code == 409 and "at the same moment" in r.content.decode()
        ]
        self.assertEqual(try_again, [], "a deadlock surfaced")
        for attribution, response in zip(removed, results[1 : 1 + len(removed)], strict=True):
            self.assertEqual(response.status_code, 204)
            attribution.refresh_from_db()
            self.assertIsNotNone(attribution.deleted_at, f"#{attribution.pk} came back")
        claim.refresh_from_db()
        self.assertEqual(claim.merged_into, target)
        self.assertFalse(Attribution.objects.filter(claim=claim).exists())
        self.assertEqual(
            Attribution.objects.live().filter(claim=target).count(),
            self.ATTRIBUTIONS - len(removed),
        )
        call_command("recompute_status", "--check", stdout=StringIO())
