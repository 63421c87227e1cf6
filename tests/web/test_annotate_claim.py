"""Annotating a claim or its evidence: /claims/<id>/annotate/ (annotation_views.claim_annotate)."""

from django.urls import reverse

from claims.actions import remove_attribution
from claims.models import Annotation
from tests.base import BaseTestCase
from tests.factories import make_annotation, make_attribution, make_claim, make_source

# The form page (GET, or a POST with errors) runs these queries, whatever the data:
#  1. the session
#  2. the signed-in user
#  3. the user's own permissions     } require_perm("claims.view_claim",
#  4. the user's groups' permissions }              "claims.add_annotation")
#  5. the claim
#  6. its live attributions, with their sources' titles (the targets to choose from)
FORM_PAGE_QUERIES = 6


class AnnotateClaimTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.claim = make_claim("The talks were useful")
        cls.source = make_source("The minister said the talks were useful.", title="Talks")
        cls.attribution = make_attribution(cls.claim, cls.source, "the talks were useful")
        cls.url = reverse("claim-annotate", args=[cls.claim.pk])
        cls.page = reverse("claim-detail", args=[cls.claim.pk])

    def post(self, user, target="claim", text="A note."):
        self.login(user)
        return self.client.post(self.url, {"target": target, "text": text})

    def test_signed_out_visitor_is_sent_to_sign_in(self):
        response = self.client.post(self.url, {"target": "claim", "text": "x"})
        self.assertRedirects(
            response, f"{reverse('login')}?next={self.url}", fetch_redirect_response=False
        )
        self.assertFalse(Annotation.objects.exists())

    def test_fact_checkers_and_outsiders_may_not_annotate(self):
        for user in (self.factchecker, self.outsider):
            with self.subTest(user=user.username):
                self.assertEqual(self.post(user).status_code, 403)
        self.assertFalse(Annotation.objects.exists())

    def test_editors_and_admins_annotate_the_claim(self):
        for user in (self.editor, self.admin):
            with self.subTest(user=user.username):
                response = self.post(user, text=f"By {user}")
                note = Annotation.objects.get(text=f"By {user}")
                self.assertRedirects(
                    response, f"{self.page}#note-{note.pk}", fetch_redirect_response=False
                )
                self.assertEqual(
                    (note.claim, note.attribution, note.author), (self.claim, None, user)
                )

    def test_an_attribution_of_the_claim_can_be_annotated(self):
        self.post(self.editor, target=f"a{self.attribution.pk}", text="Check the wire copy.")
        note = Annotation.objects.get()
        self.assertEqual((note.claim, note.attribution), (None, self.attribution))
        self.assertEqual(note.target_kind, Annotation.Target.ATTRIBUTION)

    def test_attributions_of_other_claims_and_removed_ones_are_refused(self):
        other = make_attribution(make_claim("Other"), self.source, "The minister said")
        response = self.post(self.editor, target=f"a{other.pk}")
        self.assertContains(response, "Select a valid choice", status_code=400)
        remove_attribution(self.attribution, self.editor)
        response = self.post(self.editor, target=f"a{self.attribution.pk}")
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Annotation.objects.exists())

    def test_an_empty_note_is_refused(self):
        self.assertContains(self.post(self.editor, text="  "), "Write the note.", status_code=400)
        self.assertFalse(Annotation.objects.exists())

    def test_missing_claim_is_404(self):
        self.login(self.editor)
        self.assertEqual(self.client.get(reverse("claim-annotate", args=[999999])).status_code, 404)

    def test_query_count_does_not_grow_with_the_data(self):
        self.login(self.editor)
        self.client.get(self.url, {"target": f"a{self.attribution.pk}"})
        with self.assertNumQueries(FORM_PAGE_QUERIES):
            response = self.client.get(self.url, {"target": f"a{self.attribution.pk}"})
        self.assertContains(response, f'<option value="a{self.attribution.pk}" selected>')
        for n in range(10):
            source = make_source(f"Story {n}: the talks were useful.", title=f"Story {n}")
            attribution = make_attribution(self.claim, source, "the talks were useful")
            make_annotation(self.editor, attribution=attribution)
            make_annotation(self.editor, claim=self.claim)
        with self.assertNumQueries(FORM_PAGE_QUERIES):
            response = self.client.get(self.url)
        self.assertContains(response, "<option", count=12)
