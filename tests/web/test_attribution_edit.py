"""Editing an attribution: /attributions/<id>/edit/ (web.editor_views.attribution_edit)."""

from django.urls import reverse
from django.utils import timezone

from claims.actions import remove_attribution
from claims.models import Attribution, Claim
from tests.base import BaseTestCase
from tests.evidence import build_evidence
from tests.factories import make_actor, make_attribution, make_claim, make_outlet, make_source

# The edit form (GET) runs these queries, whatever the size of the database:
#  1. the session
#  2. the signed-in user
#  3. the user's own permissions     } require_perm("claims.view_claim",
#  4. the user's groups' permissions }              "claims.change_attribution")
#  5. the attribution, with its claim, source, speaker and relaying agency
EDIT_FORM_QUERIES = 5

BODY = "Officials said the dam was finished. Engineers said the dam was finished too."


class AttributionEditTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.paper = make_outlet("Morning Post")
        cls.tass = make_outlet("TASS", kind="wire")
        cls.source = make_source(BODY, outlet=cls.paper, title="The dam")
        cls.pundit = make_actor("Pundit Pete", kind="analyst", aliases=["Pete"])
        cls.claim = make_claim("The dam was finished")
        cls.attribution = make_attribution(
            cls.claim, cls.source, "Officials said the dam was finished"
        )
        cls.url = reverse("attribution-edit", args=[cls.attribution.pk])

    def form_data(self, **changes):
        self.attribution.refresh_from_db()
        data = {
            "exact": self.attribution.quote,
            "prefix": self.attribution.prefix,
            "suffix": self.attribution.suffix,
            "speaker": "",
            "kind": self.attribution.kind,
            "stance": self.attribution.stance,
            "relayed_via": "",
            "seen": self.attribution.updated_at.isoformat(),
        }
        data.update(changes)
        return data

    def post(self, user, **changes):
        data = self.form_data(**changes)
        self.login(user)
        return self.client.post(self.url, data)

    # Permissions ----------------------------------------------------------

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
                self.assertEqual(self.post(user, kind="speculation").status_code, 403)
        self.attribution.refresh_from_db()
        self.assertEqual(self.attribution.kind, Attribution.Kind.PARAPHRASE)

    def test_editors_and_admins_see_the_form(self):
        for user in (self.editor, self.admin):
            with self.subTest(user=user.username):
                self.login(user)
                response = self.client.get(self.url)
                self.assertContains(response, 'name="exact"')
                remove_url = reverse("attribution-remove", args=[self.attribution.pk])
                self.assertContains(response, f'action="{remove_url}"')

    def test_missing_attribution_is_404(self):
        self.login(self.editor)
        self.assertEqual(
            self.client.get(reverse("attribution-edit", args=[999999])).status_code, 404
        )

    # Editing --------------------------------------------------------------

    def test_kind_speaker_stance_and_relay_change_and_the_status_follows(self):
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.status, Claim.Status.SINGLE_SOURCE)
        response = self.post(self.editor, kind="speculation", speaker="Pete", relayed_via="TASS")
        self.assertRedirects(
            response,
            reverse("claim-detail", args=[self.claim.pk]) + f"#e{self.attribution.pk}",
            fetch_redirect_response=False,
        )
        self.attribution.refresh_from_db()
        self.assertEqual(self.attribution.kind, Attribution.Kind.SPECULATION)
        self.assertEqual(self.attribution.speaker, self.pundit)
        self.assertEqual(self.attribution.relayed_via, self.tass)
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.status, Claim.Status.SPECULATIVE)
        self.post(self.editor, kind="paraphrase", speaker="", stance="disputes", relayed_via="")
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.status, Claim.Status.UNSUPPORTED)
        reasons = list(self.attribution.history.values_list("history_change_reason", flat=True))
        self.assertEqual(reasons[:2], ["Attribution edited", "Attribution edited"])
        self.assertEqual(self.attribution.history.first().history_user, self.editor)

    def test_re_anchoring_to_another_occurrence_by_its_context(self):
        second = BODY.rindex("said the dam was finished")
        response = self.post(
            self.editor, exact="said the dam was finished", prefix="Engineers ", suffix=""
        )
        self.assertEqual(response.status_code, 302)
        self.attribution.refresh_from_db()
        self.assertEqual((self.attribution.start, self.attribution.quote[:4]), (second, "said"))
        self.assertEqual(self.attribution.prefix, BODY[second - 32 : second])

    def test_a_quote_not_in_the_text_is_refused_and_nothing_changes(self):
        response = self.post(self.editor, exact="the dam collapsed", kind="speculation")
        self.assertEqual(response.status_code, 400)
        self.assertIn("does not occur", str(response.context["form"].errors["exact"]))
        self.attribution.refresh_from_db()
        self.assertEqual(self.attribution.kind, Attribution.Kind.PARAPHRASE)
        self.assertEqual(self.attribution.quote, "Officials said the dam was finished")

    def test_an_ambiguous_quote_is_refused(self):
        response = self.post(self.editor, exact="said the dam was finished", prefix="", suffix="")
        self.assertEqual(response.status_code, 400)
        self.assertIn("more than once", str(response.context["form"].errors["exact"]))

    def test_moving_onto_a_passage_the_claim_already_cites_is_refused(self):
        other = make_attribution(self.claim, self.source, "Engineers said the dam was finished")
        response = self.post(self.editor, exact=other.quote, prefix="", suffix="")
        self.assertEqual(response.status_code, 400)
        self.assertIn(f"Attribution #{other.pk} already cites", str(response.context["form"]))

    def test_a_stale_form_gets_the_conflict_page_and_nothing_is_overwritten(self):
        stale = self.form_data(kind="speculation")
        self.login(self.admin)
        self.client.post(self.url, self.form_data(stance="disputes"))  # someone else saves
        self.login(self.editor)
        response = self.client.post(self.url, stale)
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "Someone else saved this attribution", status_code=409)
        self.assertContains(response, "Disputes", status_code=409)  # what they changed
        self.assertContains(response, "Speculation or opinion", status_code=409)  # yours
        self.attribution.refresh_from_db()
        self.assertEqual(self.attribution.kind, Attribution.Kind.PARAPHRASE)
        self.assertEqual(self.attribution.stance, Attribution.Stance.DISPUTES)
        # The conflict page's form carries the current state, so saving again works.
        form = response.context["form"]
        self.assertEqual(form.initial["seen"], self.attribution.updated_at.isoformat())

    def test_a_forged_seen_token_is_a_conflict(self):
        response = self.post(self.editor, seen="not a date", kind="speculation")
        self.assertEqual(response.status_code, 409)

    def test_saving_an_orphan_anchors_it_again(self):
        Attribution.objects.filter(pk=self.attribution.pk).update(
            orphaned_at=timezone.now(), orphan_reason="The quote no longer occurs."
        )
        self.login(self.editor)
        self.assertContains(self.client.get(self.url), "is <strong>orphaned</strong>")
        response = self.post(self.editor)
        self.assertEqual(response.status_code, 302)
        self.attribution.refresh_from_db()
        self.assertIsNone(self.attribution.orphaned_at)
        self.assertEqual(self.attribution.orphan_reason, "")
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.status, Claim.Status.SINGLE_SOURCE)

    def test_a_removed_attribution_cannot_be_edited(self):
        remove_attribution(self.attribution, self.editor)
        self.login(self.editor)
        response = self.client.get(self.url)
        self.assertRedirects(
            response, reverse("claim-detail", args=[self.claim.pk]), fetch_redirect_response=False
        )

    # Queries --------------------------------------------------------------

    def test_query_count_does_not_grow_with_the_data(self):
        self.login(self.editor)
        with self.assertNumQueries(EDIT_FORM_QUERIES):
            self.assertEqual(self.client.get(self.url).status_code, 200)
        for n in range(10):
            build_evidence(make_claim(f"Scaling claim {n}"), reviewer=self.factchecker)
        self.post(self.editor, kind="speculation")  # and some history of its own
        with self.assertNumQueries(EDIT_FORM_QUERIES):
            self.assertEqual(self.client.get(self.url).status_code, 200)
