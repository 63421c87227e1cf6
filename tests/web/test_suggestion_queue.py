"""The editors' queue of suggested attributions: list, review, accept, dismiss."""

from django.contrib.messages import get_messages
from django.urls import reverse

from claims.models import Actor, Attribution, Claim
from intake.actions import import_article
from intake.importer.articles import ArticleData
from intake.models import Suggestion
from tests.base import BaseTestCase
from tests.factories import make_actor, make_attribution, make_claim, make_outlet, make_source

QUEUE = reverse("suggestion-queue")

TEXT = (
    "Lavrov in Beijing\n\n"
    "“We see eye to eye on all major questions,” Sergey Lavrov said after the talks.\n\n"
    "Political scientist Ivan Petrovsky wrote that the visit could change the region.\n\n"
    "The talks lasted two days."
)


def import_text(text, title, outlet=None):
    outcome = import_article(ArticleData(body=text, title=title), label=title, outlet=outlet)
    return outcome.source


class QueueTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.lavrov = make_actor("Sergey Lavrov", role="Minister of Foreign Affairs of Russia")
        cls.paper = make_outlet("Morning Paper")
        cls.source = import_text(TEXT, "Lavrov in Beijing", outlet=cls.paper)
        cls.quote = cls.source.suggestions.get(speaker=cls.lavrov)
        cls.pundit = cls.source.suggestions.get(speaker_name="Ivan Petrovsky")

    def accept_data(self, suggestion, **changes):
        data = {
            "exact": suggestion.quote,
            "prefix": "",
            "suffix": "",
            "statement": "Russia and China agree on all major questions.",
            "speaker": suggestion.speaker.name
            if suggestion.speaker_id
            else suggestion.speaker_name,
            "kind": suggestion.kind,
            "stance": "supports",
            "relayed_via": "",
        }
        data.update(changes)
        return data

    def messages(self, response):
        return [str(m) for m in get_messages(response.wsgi_request)]


class PermissionTests(QueueTestCase):
    def test_roles(self):
        detail = reverse("suggestion-detail", args=[self.quote.pk])
        accept = reverse("suggestion-accept", args=[self.quote.pk])
        dismiss = reverse("suggestion-dismiss", args=[self.quote.pk])
        for url in (QUEUE, detail):
            self.assertRedirects(self.client.get(url), f"/accounts/login/?next={url}")
        for user in (self.factchecker, self.outsider):
            self.login(user)
            self.assertEqual(self.client.get(QUEUE).status_code, 403)
            self.assertEqual(self.client.get(detail).status_code, 403)
            self.assertEqual(
                self.client.post(accept, self.accept_data(self.quote)).status_code, 403
            )
            self.assertEqual(self.client.post(dismiss).status_code, 403)
        self.quote.refresh_from_db()
        self.assertEqual(self.quote.state, Suggestion.State.PENDING)
        self.login(self.editor)
        self.assertEqual(self.client.get(QUEUE).status_code, 200)
        self.assertEqual(self.client.get(accept).status_code, 405)
        self.assertEqual(self.client.get(dismiss).status_code, 405)

    def test_the_nav_links_the_queue_for_editors_only(self):
        self.login(self.editor)
        self.assertContains(self.client.get(reverse("claim-list")), f'href="{QUEUE}"')
        self.login(self.factchecker)
        self.assertNotContains(self.client.get(reverse("claim-list")), f'href="{QUEUE}"')


class QueuePageTests(QueueTestCase):
    def test_lists_pending_suggestions_with_their_cues(self):
        self.login(self.editor)

        response = self.client.get(QUEUE)

        self.assertContains(response, "We see eye to eye on all major questions")
        self.assertContains(response, "direct quote: “said”")
        self.assertContains(response, "Ivan Petrovsky")
        self.assertContains(response, "new actor?")
        self.assertContains(response, "pundit: “Political scientist”")
        self.assertContains(response, "speculative")
        self.assertEqual(
            [s.pk for s in response.context["suggestions"]], [self.quote.pk, self.pundit.pk]
        )

    def test_filters(self):
        self.login(self.editor)
        Suggestion.objects.filter(pk=self.pundit.pk).update(state=Suggestion.State.DISMISSED)

        self.assertEqual(
            [s.pk for s in self.client.get(QUEUE, {"state": "dismissed"}).context["suggestions"]],
            [self.pundit.pk],
        )
        self.assertEqual(
            [s.pk for s in self.client.get(QUEUE, {"speculative": "yes"}).context["suggestions"]],
            [],
        )
        other = import_text(TEXT.replace("Beijing", "Moscow"), "In Moscow")
        response = self.client.get(QUEUE, {"source": str(other.pk)})
        self.assertTrue(all(s.source_id == other.pk for s in response.context["suggestions"]))

    def test_imported_text_is_escaped(self):
        make_source(body="x")  # another source, so ids differ
        hostile = import_text(
            'Headline\n\n"<script>alert(1)</script> is fine," Sergey Lavrov said.', "Hostile"
        )
        self.assertTrue(hostile.suggestions.exists())
        self.login(self.editor)

        response = self.client.get(QUEUE)

        self.assertNotContains(response, "<script>alert(1)</script>")
        self.assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")

    def test_query_count_does_not_grow_with_the_queue(self):
        self.login(self.editor)
        # Session, user, the user's and the groups' permissions; the count; the page
        # (with source, outlet, speaker, relay, decider); the attributions on its sources.
        with self.assertNumQueries(7):
            self.client.get(QUEUE)
        for n in range(10):
            import_text(TEXT.replace("Beijing", f"City {n}"), f"Article {n}")
        with self.assertNumQueries(7):
            response = self.client.get(QUEUE)
        self.assertEqual(len(response.context["suggestions"]), 22)


class DetailTests(QueueTestCase):
    def test_the_form_is_filled_in_from_the_suggestion(self):
        self.login(self.editor)

        response = self.client.get(reverse("suggestion-detail", args=[self.pundit.pk]))

        form = response.context["form"]
        self.assertEqual(form.initial["exact"], self.pundit.quote)
        self.assertEqual(form.initial["speaker"], "Ivan Petrovsky")
        self.assertTrue(form.initial["new_speaker"])
        self.assertEqual(form.initial["kind"], "paraphrase")
        self.assertContains(response, "a new actor is proposed")

    def test_query_count(self):
        self.login(self.editor)
        # Session, user, permissions (2); the suggestion with its relations; the
        # attributions on its source; similar claims.
        with self.assertNumQueries(7):
            self.client.get(reverse("suggestion-detail", args=[self.quote.pk]))


class AcceptTests(QueueTestCase):
    def test_accepting_on_a_new_claim_takes_a_fixed_number_of_queries(self):
        self.login(self.editor)
        url = reverse("suggestion-accept", args=[self.quote.pk])
        data = self.accept_data(self.quote)

        # Queries: 1 the session, 2 the user, 3-4 the user's and the groups' permissions,
        # 5 the suggestion (with source, outlet, speaker, relay, decider, attribution),
        # 6 a claim that says the same already (the form), 7 the speaker by name or alias;
        # in the transaction: 8 the decision (a conditional UPDATE that locks the
        # suggestion), 9-12 the claim in a savepoint (its INSERT and history record),
        # 13-14 the attribution on the new claim (its INSERT and history record: no
        # twin check nor savepoint, no other transaction sees the claim), 15 the
        # suggestion's attribution, 16-19 the claim's status (the stored values, its
        # live attributions, their sources' relays, one UPDATE), 20 its search
        # document. The message's status is the batch's result (no query).
        with self.assertNumQueries(20):
            response = self.client.post(url, data)

        self.assertRedirects(response, QUEUE)
        claim = Claim.objects.get(statement="Russia and China agree on all major questions.")
        self.assertEqual(claim.status, Claim.Status.SINGLE_SOURCE)

    def test_accept_on_a_new_claim_records_the_attribution_and_its_status(self):
        self.login(self.editor)

        response = self.client.post(
            reverse("suggestion-accept", args=[self.quote.pk]), self.accept_data(self.quote)
        )

        self.assertRedirects(response, QUEUE)
        claim = Claim.objects.get(statement="Russia and China agree on all major questions.")
        attribution = claim.attributions.get()
        self.assertEqual(
            (attribution.source, attribution.quote, attribution.speaker, attribution.kind),
            (self.source, self.quote.quote, self.lavrov, "direct_quote"),
        )
        self.assertEqual((attribution.start, attribution.end), (self.quote.start, self.quote.end))
        self.assertEqual(attribution.created_by, self.editor)
        self.assertEqual(claim.status, Claim.Status.SINGLE_SOURCE)  # recomputed in the request
        self.quote.refresh_from_db()
        self.assertEqual(self.quote.state, Suggestion.State.ACCEPTED)
        self.assertEqual(
            (self.quote.attribution, self.quote.decided_by), (attribution, self.editor)
        )
        self.assertIn("Its status is now Single source", self.messages(response)[0])

    def test_accept_on_an_existing_claim_corroborates_it(self):
        other_outlet = make_outlet("Evening Paper")
        other = make_source(body="Lavrov said all was agreed.", outlet=other_outlet)
        claim = make_claim("Russia and China agree on all major questions.")
        make_attribution(claim, other, "Lavrov said all was agreed.", speaker=self.lavrov)
        claim.refresh_from_db()
        self.assertEqual(claim.status, Claim.Status.SINGLE_SOURCE)
        self.login(self.editor)

        response = self.client.post(
            reverse("suggestion-accept", args=[self.quote.pk]),
            self.accept_data(self.quote, claim=str(claim.pk), statement=""),
        )

        claim.refresh_from_db()
        self.assertEqual(claim.attributions.count(), 2)
        self.assertEqual(claim.status, Claim.Status.CORROBORATED)
        self.assertIn(f"Its status is now {claim.get_status_display()}", self.messages(response)[0])

    def test_accept_with_a_new_actor_and_a_trimmed_quote(self):
        self.login(self.editor)
        trimmed = "the visit could change the region"

        self.client.post(
            reverse("suggestion-accept", args=[self.pundit.pk]),
            self.accept_data(
                self.pundit,
                exact=trimmed,
                new_speaker="on",
                speaker_kind=Actor.Kind.ANALYST,
                speaker_role="Political scientist",
                kind="speculation",
            ),
        )

        attribution = Attribution.objects.get(quote=trimmed)
        self.assertEqual(attribution.speaker.name, "Ivan Petrovsky")
        self.assertEqual(attribution.speaker.kind, Actor.Kind.ANALYST)
        self.assertEqual(attribution.claim.status, Claim.Status.SPECULATIVE)

    def test_bad_input_is_shown_and_nothing_is_written(self):
        self.login(self.editor)
        url = reverse("suggestion-accept", args=[self.quote.pk])

        for changes, message in (
            ({"exact": "Words that are not in the article."}, "does not occur in"),
            ({"claim": "999999", "statement": ""}, "There is no claim #999999."),
            ({"speaker": "Nobody Known"}, "No actor is called “Nobody Known”"),
        ):
            with self.subTest(message=message):
                response = self.client.post(url, self.accept_data(self.quote, **changes))
                self.assertContains(response, message, status_code=400)
                # Still pending on the page too: the form is shown again, with its error.
                self.assertTrue(response.context["suggestion"].is_pending)
                self.assertContains(response, 'name="exact"', status_code=400)
        self.assertFalse(Attribution.objects.exists())
        self.assertEqual(Claim.objects.count(), 0)
        self.quote.refresh_from_db()
        self.assertEqual(self.quote.state, Suggestion.State.PENDING)

    def test_a_suggestion_is_decided_once(self):
        self.login(self.editor)
        url = reverse("suggestion-accept", args=[self.quote.pk])
        self.client.post(url, self.accept_data(self.quote))

        response = self.client.post(url, self.accept_data(self.quote, statement="Another claim."))

        self.assertRedirects(response, reverse("suggestion-detail", args=[self.quote.pk]))
        self.assertIn("already accepted by eddie", self.messages(response)[-1])
        self.assertEqual(Attribution.objects.count(), 1)
        self.assertFalse(Claim.objects.filter(statement="Another claim.").exists())

    def test_only_queue_addresses_are_followed_after_accepting(self):
        self.login(self.editor)
        data = self.accept_data(self.quote, next="https://evil.example/")

        response = self.client.post(reverse("suggestion-accept", args=[self.quote.pk]), data)

        self.assertRedirects(response, QUEUE)


class DismissTests(QueueTestCase):
    def test_dismiss(self):
        self.login(self.editor)
        back = f"{QUEUE}?state=pending&page=1"

        response = self.client.post(
            reverse("suggestion-dismiss", args=[self.pundit.pk]), {"next": back}
        )

        self.assertRedirects(response, back, fetch_redirect_response=False)
        self.pundit.refresh_from_db()
        self.assertEqual(
            (self.pundit.state, self.pundit.decided_by), (Suggestion.State.DISMISSED, self.editor)
        )
        response = self.client.post(reverse("suggestion-dismiss", args=[self.pundit.pk]))
        self.assertIn("already dismissed by eddie", self.messages(response)[-1])
