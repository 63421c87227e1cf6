"""Merging claims: /claims/<id>/merge/ (web.editor_views.claim_merge, actions.merge_claims)."""

from django.urls import reverse

from claims import engine
from claims.actions import merge_claims
from claims.models import Attribution, Claim
from tests.base import BaseTestCase
from tests.evidence import build_evidence
from tests.factories import make_attribution, make_claim, make_outlet, make_review, make_source

# The merge form (GET) runs these queries, whatever the size of the database:
#  1. the session
#  2. the signed-in user
#  3. the user's own permissions     } require_perm("claims.view_claim", "claims.change_claim",
#  4. the user's groups' permissions }              "claims.change_attribution")
#  5. the claim
#  6. the similar claims, offered as targets (claims.similar)
MERGE_FORM_QUERIES = 6


class ClaimMergeTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.post_story = make_source(
            "The envoys met in Beijing on Monday.", outlet=make_outlet("Morning Post")
        )
        cls.wire_story = make_source(
            "Envoys met in Beijing, the agency reported.", outlet=make_outlet("Wire Agency")
        )
        cls.target = make_claim("The envoys met in Beijing")
        cls.duplicate = make_claim("Envoys held a meeting in Beijing")
        cls.target_quote = make_attribution(cls.target, cls.post_story, "The envoys met in Beijing")
        cls.moving = make_attribution(cls.duplicate, cls.wire_story, "Envoys met in Beijing")
        cls.same_passage = make_attribution(
            cls.duplicate, cls.post_story, "The envoys met in Beijing"
        )
        cls.review = make_review(cls.duplicate, cls.factchecker, rationale="Checked the wire.")
        cls.url = reverse("claim-merge", args=[cls.duplicate.pk])

    def merge(self, user=None, target=None, version=None):
        if user is not None:
            self.login(user)
        return self.client.post(
            self.url,
            {
                "target_number": (target or self.target).pk,
                "version": version or Claim.objects.get(pk=self.duplicate.pk).version,
            },
        )

    # Permissions ----------------------------------------------------------

    def test_signed_out_visitor_is_sent_to_sign_in(self):
        response = self.merge()
        self.assertRedirects(
            response, f"{reverse('login')}?next={self.url}", fetch_redirect_response=False
        )

    def test_fact_checkers_and_outsiders_get_403(self):
        for user in (self.factchecker, self.outsider):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)
                self.assertEqual(self.merge(user).status_code, 403)
        self.assertIsNone(Claim.objects.get(pk=self.duplicate.pk).merged_into_id)

    def test_the_form_offers_similar_claims(self):
        self.login(self.editor)
        response = self.client.get(self.url)
        self.assertContains(response, f'name="target" value="{self.target.pk}"')

    # Merging --------------------------------------------------------------

    def test_attributions_move_duplicates_are_removed_statuses_recomputed(self):
        for claim in (self.target, self.duplicate):
            claim.refresh_from_db()
            self.assertEqual(
                claim.status,
                Claim.Status.SINGLE_SOURCE if claim == self.target else Claim.Status.CORROBORATED,
            )
        response = self.merge(self.editor)
        self.assertRedirects(
            response, reverse("claim-detail", args=[self.target.pk]), fetch_redirect_response=False
        )
        self.moving.refresh_from_db()
        self.same_passage.refresh_from_db()
        self.assertEqual(self.moving.claim, self.target)
        self.assertIsNone(self.moving.deleted_at)
        # The target already cites that passage: the duplicate is removed there, not lost.
        self.assertEqual(self.same_passage.claim, self.target)
        self.assertIsNotNone(self.same_passage.deleted_at)
        self.assertEqual(self.same_passage.deleted_by, self.editor)
        self.duplicate.refresh_from_db()
        self.target.refresh_from_db()
        self.assertEqual(self.duplicate.merged_into, self.target)
        self.assertIsNotNone(self.duplicate.merged_at)
        self.assertEqual(self.duplicate.status, Claim.Status.UNSUPPORTED)
        self.assertEqual(self.target.status, Claim.Status.CORROBORATED)
        self.assertEqual(engine.recompute_all(write=False).changed, 0)
        # History: both claims and the moved attributions.
        self.assertEqual(
            self.duplicate.history.first().history_change_reason,
            f"Merged into claim #{self.target.pk}",
        )
        self.assertEqual(self.duplicate.history.first().history_user, self.editor)
        self.assertIn(
            f"Claim #{self.duplicate.pk} merged into this one",
            self.target.history.first().history_change_reason,
        )
        self.assertEqual(
            self.moving.history.first().history_change_reason,
            f"Moved from claim #{self.duplicate.pk} by a merge",
        )

    def test_the_old_address_redirects_and_the_reviews_stay_visible(self):
        self.merge(self.editor)
        self.login(self.factchecker)
        response = self.client.get(reverse("claim-detail", args=[self.duplicate.pk]))
        self.assertRedirects(
            response,
            reverse("claim-detail", args=[self.target.pk]),
            status_code=301,
            fetch_redirect_response=False,
        )
        page = self.client.get(reverse("claim-detail", args=[self.target.pk]))
        self.assertEqual(page.context["merged_reviews"], [self.review])
        self.assertContains(page, "Checked the wire.")
        self.assertContains(page, f"on claim #{self.duplicate.pk}")
        self.assertEqual(page.context["reviews"], [])
        # Its history is on the target's page too: the moved attribution's records.
        self.assertContains(page, f"Moved from claim #{self.duplicate.pk} by a merge")

    def test_merged_claims_leave_lists_counts_csv_and_suggestions(self):
        self.merge(self.editor)
        self.login(self.factchecker)
        listed = self.client.get(reverse("claim-list")).context["claims"]
        self.assertEqual([c.pk for c in listed], [self.target.pk])
        facets = {f["name"]: f for f in self.client.get(reverse("claim-list")).context["facets"]}
        self.assertEqual(sum(o["count"] for o in facets["status"]["options"]), 1)
        csv = b"".join(self.client.get(reverse("claim-list-csv")))
        self.assertNotIn(b"Envoys held a meeting", csv)
        dashboard = self.client.get(reverse("dashboard"))
        self.assertEqual(dashboard.context["status_chart"]["total"], 1)
        self.assertEqual(dashboard.context["queue_total"], 1)
        similar = self.client.get(reverse("claim-similar"), {"q": "Envoys held a meeting"})
        self.assertNotIn(self.duplicate.pk, [r["id"] for r in similar.json()["results"]])

    def test_claims_merged_earlier_follow_to_the_new_target(self):
        older = make_claim("Envoys came together in Beijing")
        merge_claims(older, self.duplicate, self.editor)
        self.merge(self.editor)
        older.refresh_from_db()
        self.assertEqual(older.merged_into, self.target)
        self.login(self.factchecker)
        response = self.client.get(reverse("claim-detail", args=[older.pk]))
        self.assertRedirects(
            response,
            reverse("claim-detail", args=[self.target.pk]),
            status_code=301,
            fetch_redirect_response=False,
        )

    def test_errors(self):
        self.login(self.editor)
        tombstone = make_claim("Already merged")
        Claim.objects.filter(pk=tombstone.pk).update(merged_into=self.target)
        for number, message in (
            (self.duplicate.pk, "cannot be merged into itself"),
            (999999, "There is no claim #999999"),
            (tombstone.pk, f"merged into #{self.target.pk}"),
        ):
            with self.subTest(number=number):
                response = self.client.post(
                    self.url, {"target_number": number, "version": self.duplicate.version}
                )
                self.assertEqual(response.status_code, 400)
                self.assertIn(message, str(response.context["form"].non_field_errors()))
        response = self.client.post(self.url, {"version": self.duplicate.version})
        self.assertIn("Choose the claim", str(response.context["form"].non_field_errors()))
        self.assertIsNone(Claim.objects.get(pk=self.duplicate.pk).merged_into_id)

    def test_a_stale_version_is_refused(self):
        stale = self.duplicate.version
        self.duplicate.record_verdict(self.factchecker, Claim.Verdict.FALSE, "No.", stale)
        response = self.merge(self.editor, version=stale)
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "changed while you were looking", status_code=409)
        self.assertIsNone(Claim.objects.get(pk=self.duplicate.pk).merged_into_id)
        self.assertEqual(
            self.moving.__class__.objects.get(pk=self.moving.pk).claim_id, self.duplicate.pk
        )

    def test_a_merged_claim_cannot_be_merged_again(self):
        self.merge(self.editor)
        self.login(self.editor)
        response = self.client.get(self.url)
        self.assertRedirects(
            response, reverse("claim-detail", args=[self.target.pk]), fetch_redirect_response=False
        )

    def test_an_orphaned_attribution_moves_and_stays_orphaned(self):
        from django.utils import timezone

        Attribution.objects.filter(pk=self.moving.pk).update(orphaned_at=timezone.now())
        self.merge(self.editor)
        self.moving.refresh_from_db()
        self.assertEqual(self.moving.claim, self.target)
        self.assertIsNotNone(self.moving.orphaned_at)
        self.assertIsNone(self.moving.deleted_at)

    def test_query_count_does_not_grow_with_the_data(self):
        self.login(self.editor)
        with self.assertNumQueries(MERGE_FORM_QUERIES):
            self.assertEqual(self.client.get(self.url).status_code, 200)
        for n in range(10):
            build_evidence(make_claim(f"Envoys met in Beijing, version {n}"), self.factchecker)
        with self.assertNumQueries(MERGE_FORM_QUERIES):
            self.assertEqual(self.client.get(self.url).status_code, 200)
