"""Recording a verdict: POST /claims/<id>/review/ (web.views.claim_review)."""

from django.urls import reverse

from claims.models import Claim, Review
from tests.base import BaseTestCase
from tests.evidence import build_evidence
from tests.factories import make_claim

# A saved verdict runs these queries, whatever the size of the claim or the database:
#  1. the session
#  2. the signed-in user
#  3. the user's own permissions     } require_perm("claims.view_claim",
#  4. the user's groups' permissions }              "claims.record_verdict")
#  5. the claim, with its creator
#  6. the claim's tags (prefetched with it)
#  7. SAVEPOINT / BEGIN of Claim.record_verdict's transaction
#  8. UPDATE claims_claim SET verdict, version = version + 1 WHERE id AND version
#  9. INSERT the review
# 10. the claim again (refresh_from_db, for the history record)
# 11. INSERT the claim's history record
# 12. RELEASE SAVEPOINT / COMMIT
# (The "verdict recorded" message travels in a cookie.)
SAVE_QUERIES = 12

# A conflicting save runs: 1-4 as above, 5-6 the claim and its tags, 7 SAVEPOINT,
# 8 the UPDATE that matches no row, 9-10 ROLLBACK TO SAVEPOINT and RELEASE SAVEPOINT
# (in a test's transaction; outside one, a rollback), 11 the claim again, 12 its
# history records, 13 the reviews saved since, with their reviewers.
CONFLICT_QUERIES = 13


class ReviewTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.claim = make_claim("The minister confirmed the visit")
        build_evidence(cls.claim, reviewer=cls.factchecker)
        cls.claim.refresh_from_db()
        cls.url = reverse("claim-review", args=[cls.claim.pk])
        cls.claim_url = reverse("claim-detail", args=[cls.claim.pk])

    def post(self, user=None, **data):
        if user is not None:
            self.login(user)
        data.setdefault("verdict", Claim.Verdict.FALSE)
        data.setdefault("rationale", "The ministry's own calendar shows no visit.")
        data.setdefault("version", self.claim.version)
        return self.client.post(self.url, data)

    # Permissions ----------------------------------------------------------

    def test_signed_out_visitor_is_sent_to_sign_in_and_nothing_is_saved(self):
        response = self.post()
        self.assertRedirects(
            response, f"{reverse('login')}?next={self.url}", fetch_redirect_response=False
        )
        self.assertEqual(Review.objects.filter(claim=self.claim).count(), 1)

    def test_roles_without_the_verdict_permission_get_403(self):
        for user in (self.editor, self.admin, self.outsider):
            with self.subTest(user=user.username):
                self.assertEqual(self.post(user).status_code, 403)
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.verdict, "")
        self.assertEqual(Review.objects.filter(claim=self.claim).count(), 1)

    def test_get_is_not_allowed(self):
        self.login(self.factchecker)
        self.assertEqual(self.client.get(self.url).status_code, 405)

    def test_missing_claim_is_404(self):
        self.login(self.factchecker)
        url = reverse("claim-review", args=[999999])
        response = self.client.post(url, {"verdict": "false", "rationale": "x", "version": 1})
        self.assertEqual(response.status_code, 404)

    # Saving ---------------------------------------------------------------

    def test_fact_checker_records_a_verdict_and_is_redirected_to_the_claim(self):
        version = self.claim.version
        response = self.post(self.factchecker)
        self.assertRedirects(response, self.claim_url, fetch_redirect_response=False)
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.verdict, Claim.Verdict.FALSE)
        self.assertEqual(self.claim.version, version + 1)
        review = Review.objects.filter(claim=self.claim).first()  # newest first
        self.assertEqual(review.reviewer, self.factchecker)
        self.assertEqual(review.verdict, Claim.Verdict.FALSE)
        self.assertEqual(review.rationale, "The ministry's own calendar shows no visit.")
        record = self.claim.history.first()
        self.assertEqual(record.history_user, self.factchecker)
        self.assertEqual(record.verdict, Claim.Verdict.FALSE)
        self.assertEqual(record.prev_record.verdict, "")

    def test_the_claim_page_then_shows_the_verdict_its_rationale_and_the_history(self):
        response = self.client.get(self.post(self.factchecker).url)
        self.assertContains(response, "Verdict recorded: False.")
        self.assertContains(response, 'class="verdict verdict-false"')
        self.assertContains(response, "The ministry&#x27;s own calendar shows no visit.")
        history = response.context["history"]
        [change] = [c for e in history for c in e.changes if c.field == "verdict"]
        self.assertEqual((change.old, change.new), ("—", "False"))
        self.assertEqual(history[0].who, self.factchecker)

    def test_each_verdict_change_is_kept_in_the_history(self):
        self.post(self.factchecker, verdict=Claim.Verdict.MISLEADING)
        self.claim.refresh_from_db()
        self.post(self.factchecker, verdict=Claim.Verdict.ACCURATE, version=self.claim.version)
        verdicts = [r.verdict for r in self.claim.history.order_by("history_date", "history_id")]
        self.assertEqual(verdicts[-2:], [Claim.Verdict.MISLEADING, Claim.Verdict.ACCURATE])
        self.assertEqual(Review.objects.filter(claim=self.claim).count(), 3)

    def test_invalid_input_is_shown_again_with_a_message_and_nothing_saved(self):
        response = self.post(self.factchecker, rationale="   ", verdict="misleading")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Write the rationale for your verdict.", status_code=400)
        self.assertContains(
            response, '<option value="misleading" selected>Misleading</option>', status_code=400
        )
        response = self.post(self.factchecker, verdict="made-up")
        self.assertEqual(response.status_code, 400)
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.verdict, "")
        self.assertEqual(Review.objects.filter(claim=self.claim).count(), 1)

    def test_hostile_rationale_is_escaped(self):
        payload = '<script>alert("r")</script><img src=x onerror=alert(1)>'
        response = self.client.get(self.post(self.factchecker, rationale=payload).url)
        self.assertNotContains(response, "<script>alert")
        self.assertNotContains(response, "<img src=x")
        self.assertContains(response, "&lt;script&gt;alert(&quot;r&quot;)&lt;/script&gt;")

    # Conflicts ------------------------------------------------------------

    def _someone_else_saves_first(self):
        self.claim.refresh_from_db()
        seen = self.claim.version
        self.claim.record_verdict(
            self.admin, Claim.Verdict.ACCURATE, "Confirmed by the embassy.", seen
        )
        return seen

    def test_a_save_on_an_outdated_version_gets_the_conflict_page(self):
        seen = self._someone_else_saves_first()
        response = self.post(
            self.factchecker,
            verdict=Claim.Verdict.FALSE,
            rationale="My careful notes.",
            version=seen,
        )
        self.assertEqual(response.status_code, 409)
        self.assertTemplateUsed(response, "claims/conflict.html")
        # What the other person changed: their verdict, rationale, who, old → new.
        self.assertContains(response, "Confirmed by the embassy.", status_code=409)
        self.assertContains(response, "ada", status_code=409)
        [change] = [c for e in response.context["changes"] for c in e.changes]
        self.assertEqual((change.field, change.old, change.new), ("verdict", "—", "Accurate"))
        # What this user submitted, kept, and a form to resubmit on the current version.
        self.assertContains(response, "My careful notes.", status_code=409)
        form = response.context["review_form"]
        self.assertEqual(form.initial["version"], seen + 1)
        self.assertEqual(form.initial["rationale"], "My careful notes.")
        self.assertEqual(form.initial["verdict"], Claim.Verdict.FALSE)
        self.assertContains(
            response, f'<input type="hidden" name="version" value="{seen + 1}"', status_code=409
        )
        # Nothing was overwritten.
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.verdict, Claim.Verdict.ACCURATE)
        self.assertFalse(Review.objects.filter(rationale="My careful notes.").exists())

    def test_resubmitting_on_top_of_the_current_version_saves(self):
        seen = self._someone_else_saves_first()
        form = self.post(self.factchecker, version=seen).context["review_form"]
        response = self.client.post(
            self.url,
            {
                "verdict": form.initial["verdict"],
                "rationale": form.initial["rationale"],
                "version": form.initial["version"],
            },
        )
        self.assertRedirects(response, self.claim_url, fetch_redirect_response=False)
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.verdict, Claim.Verdict.FALSE)
        self.assertEqual(self.claim.version, seen + 2)
        self.assertEqual(
            list(self.claim.history.values_list("verdict", flat=True)[:2]),
            [Claim.Verdict.FALSE, Claim.Verdict.ACCURATE],
        )

    def test_conflict_page_escapes_both_rationales(self):
        seen = self.claim.version
        self.claim.record_verdict(self.admin, Claim.Verdict.ACCURATE, "<b>theirs</b>", seen)
        response = self.post(self.factchecker, rationale="<i>mine</i>", version=seen)
        self.assertContains(response, "&lt;b&gt;theirs&lt;/b&gt;", status_code=409)
        self.assertContains(response, "&lt;i&gt;mine&lt;/i&gt;", status_code=409)
        self.assertNotContains(response, "<b>theirs</b>", status_code=409)

    # Query budget ---------------------------------------------------------

    def test_query_counts_do_not_grow_with_the_data(self):
        self.login(self.factchecker)
        with self.assertNumQueries(SAVE_QUERIES):
            self.assertEqual(self.post().status_code, 302)
        seen = self._someone_else_saves_first()
        with self.assertNumQueries(CONFLICT_QUERIES):
            self.assertEqual(self.post(version=seen).status_code, 409)
        for _ in range(9):
            build_evidence(self.claim, reviewer=self.factchecker)
        self.claim.refresh_from_db()
        with self.assertNumQueries(SAVE_QUERIES):
            self.assertEqual(self.post().status_code, 302)
        seen = self._someone_else_saves_first()
        with self.assertNumQueries(CONFLICT_QUERIES):
            self.assertEqual(self.post(version=seen).status_code, 409)
