"""Editing a claim: /claims/<id>/edit/ (web.editor_views.claim_edit), optimistic concurrency."""

import datetime

from django.urls import reverse

from claims import search
from claims.models import Claim
from tests.base import BaseTestCase
from tests.evidence import build_evidence
from tests.factories import make_attribution, make_claim, make_source, make_tag

# The edit form (GET) runs these queries, whatever the size of the database:
#  1. the session
#  2. the signed-in user
#  3. the user's own permissions     } require_perm("claims.view_claim", "claims.change_claim")
#  4. the user's groups' permissions }
#  5. the claim
#  6. its tags
EDIT_FORM_QUERIES = 6


class ClaimEditTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.claim = make_claim("The summit was postponed", created_by=cls.editor)
        cls.claim.tags.add(make_tag("Diplomacy"))
        cls.url = reverse("claim-edit", args=[cls.claim.pk])

    def data(self, **changes):
        return {
            "statement": "The summit was postponed",
            "event_start": "",
            "event_end": "",
            "tags": "Diplomacy",
            "version": self.claim.version,
            **changes,
        }

    def test_signed_out_visitor_is_sent_to_sign_in(self):
        response = self.client.get(self.url)
        self.assertRedirects(
            response, f"{reverse('login')}?next={self.url}", fetch_redirect_response=False
        )

    def test_fact_checkers_and_outsiders_get_403(self):
        for user in (self.factchecker, self.outsider):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)
                response = self.client.post(self.url, self.data(statement="Hacked"))
                self.assertEqual(response.status_code, 403)
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.statement, "The summit was postponed")

    def test_the_claim_page_offers_editing_to_editors_only(self):
        attribution = make_attribution(self.claim, make_source("The summit was postponed."))
        page = reverse("claim-detail", args=[self.claim.pk])
        links = [
            self.url,
            reverse("claim-merge", args=[self.claim.pk]),
            reverse("attribution-edit", args=[attribution.pk]),
        ]
        for user, shown in ((self.editor, True), (self.admin, True), (self.factchecker, False)):
            with self.subTest(user=user.username):
                self.login(user)
                response = self.client.get(page)
                for link in links:
                    if shown:
                        self.assertContains(response, f'href="{link}"')
                    else:
                        self.assertNotContains(response, f'href="{link}"')

    def test_the_form_shows_the_current_values(self):
        self.login(self.editor)
        response = self.client.get(self.url)
        self.assertContains(response, "The summit was postponed</textarea>")
        self.assertContains(response, 'value="Diplomacy"')
        self.assertContains(response, f'name="version" value="{self.claim.version}"')

    def test_an_edit_is_saved_with_history_version_and_search(self):
        self.login(self.editor)
        response = self.client.post(
            self.url,
            self.data(
                statement="The summit was cancelled",
                event_start="2022-02-01",
                tags="Diplomacy, Summits",
            ),
        )
        self.assertRedirects(
            response, reverse("claim-detail", args=[self.claim.pk]), fetch_redirect_response=False
        )
        before = self.claim.version
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.statement, "The summit was cancelled")
        self.assertEqual(self.claim.event_start, datetime.date(2022, 2, 1))
        self.assertEqual(self.claim.version, before + 1)
        self.assertEqual(sorted(t.name for t in self.claim.tags.all()), ["Diplomacy", "Summits"])
        record = self.claim.history.first()
        self.assertEqual(record.history_user, self.editor)
        self.assertEqual(record.statement, "The summit was cancelled")
        self.assertIn("tags: Diplomacy → Diplomacy, Summits", record.history_change_reason)
        found = search.search(Claim.objects.all(), "cancelled")
        self.assertEqual(list(found), [self.claim])

    def test_a_stale_version_gets_the_conflict_page_and_nothing_is_overwritten(self):
        stale = self.data(statement="Mine: the summit was moved")
        self.login(self.admin)
        self.client.post(self.url, self.data(statement="Theirs: the summit was cancelled"))
        self.login(self.editor)
        response = self.client.post(self.url, stale)
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "Someone else saved this claim first", status_code=409)
        self.assertContains(response, "Theirs: the summit was cancelled", status_code=409)
        self.assertContains(response, "Mine: the summit was moved", status_code=409)
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.statement, "Theirs: the summit was cancelled")
        # Saving again from the conflict page (its form has the current version) works.
        form = response.context["form"]
        self.assertEqual(form.initial["version"], self.claim.version)
        response = self.client.post(self.url, self.data(statement="Mine: the summit was moved"))
        self.assertEqual(response.status_code, 302)

    def test_a_verdict_in_between_is_a_conflict_too(self):
        stale = self.data(statement="Edited")
        self.claim.record_verdict(self.factchecker, Claim.Verdict.FALSE, "No.", self.claim.version)
        self.login(self.editor)
        response = self.client.post(self.url, stale)
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "Verdict recorded", status_code=409)

    def test_errors_keep_the_claim_unchanged(self):
        make_claim("The summit was cancelled")
        self.login(self.editor)
        for data, field in (
            (self.data(statement=""), "statement"),
            (self.data(statement="the summit was CANCELLED"), "statement"),
            (self.data(event_start="2022-01-02", event_end="2022-01-01"), "event_end"),
        ):
            with self.subTest(data=data):
                response = self.client.post(self.url, data)
                self.assertEqual(response.status_code, 400)
                self.assertIn(field, response.context["form"].errors)
        response = self.client.post(self.url, self.data(version=""))
        self.assertEqual(response.status_code, 400)
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.statement, "The summit was postponed")
        self.assertEqual(self.claim.version, 1)

    def test_a_merged_claim_is_edited_at_its_target(self):
        target = make_claim("Target claim")
        Claim.objects.filter(pk=self.claim.pk).update(merged_into=target)
        self.login(self.editor)
        response = self.client.get(self.url)
        self.assertRedirects(
            response, reverse("claim-edit", args=[target.pk]), fetch_redirect_response=False
        )

    def test_query_count_does_not_grow_with_the_data(self):
        self.login(self.editor)
        with self.assertNumQueries(EDIT_FORM_QUERIES):
            self.assertEqual(self.client.get(self.url).status_code, 200)
        for n in range(10):
            build_evidence(make_claim(f"Scaling claim {n}"), reviewer=self.factchecker)
            self.claim.tags.add(make_tag(f"Tag {n}"))
        with self.assertNumQueries(EDIT_FORM_QUERIES):
            self.assertEqual(self.client.get(self.url).status_code, 200)
