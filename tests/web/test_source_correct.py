"""Correcting an article's text: /sources/<id>/correct/ (web.source_views.source_correct)."""

from django.urls import reverse

from claims.models import Claim
from intake.actions import correct_source_text
from sources.models import SourceCorrection
from tests.base import BaseTestCase
from tests.evidence import build_evidence
from tests.factories import make_attribution, make_claim, make_outlet, make_source

# The correction form (GET) runs these queries, whatever the size of the database:
#  1. the session
#  2. the signed-in user
#  3. the user's own permissions     } require_perm("sources.view_source",
#  4. the user's groups' permissions }   "sources.change_source", "claims.view_claim")
#  5. the source
#  6. its earlier corrections, with who made them
CORRECT_FORM_QUERIES = 6

BODY = "Headline\n\nThe port was closed on Friday, officials said. Ships waited outside."


class SourceCorrectTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.source = make_source(BODY, outlet=make_outlet("Harbour News"), title="The port")
        cls.claim = make_claim("The port was closed")
        cls.closed = make_attribution(cls.claim, cls.source, "The port was closed on Friday")
        cls.waiting = make_attribution(make_claim("Ships waited"), cls.source, "Ships waited")
        cls.url = reverse("source-correct", args=[cls.source.pk])

    def post(self, user, body, note="Fix the day"):
        self.login(user)
        return self.client.post(self.url, {"body": body, "note": note})

    def test_signed_out_visitor_is_sent_to_sign_in(self):
        response = self.client.get(self.url)
        self.assertRedirects(
            response, f"{reverse('login')}?next={self.url}", fetch_redirect_response=False
        )

    def test_only_admins_may_correct_the_text(self):
        for user in (self.factchecker, self.editor, self.outsider):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)
                self.assertEqual(self.post(user, BODY + " More.").status_code, 403)
        self.source.refresh_from_db()
        self.assertEqual(self.source.body, BODY)

    def test_the_reader_links_the_form_for_admins_only(self):
        reader = reverse("source-detail", args=[self.source.pk])
        self.login(self.admin)
        self.assertContains(self.client.get(reader), f'href="{self.url}"')
        for user in (self.editor, self.factchecker):
            self.login(user)
            self.assertNotContains(self.client.get(reader), f'href="{self.url}"')

    def test_a_correction_re_anchors_and_orphans_and_says_so(self):
        new_body = (
            "Headline\n\nThe port was closed on Thursday, officials said. Ships waited outside."
        )
        response = self.post(self.admin, new_body)
        self.assertRedirects(
            response, reverse("source-detail", args=[self.source.pk]), fetch_redirect_response=False
        )
        messages = [str(m) for m in response.wsgi_request._messages]
        self.assertEqual(
            messages,
            [
                "Text corrected: 1 anchor(s) found again, "
                "1 orphaned (listed under Orphaned anchors)."
            ],
        )
        self.source.refresh_from_db()
        self.assertEqual(self.source.body, new_body)
        self.waiting.refresh_from_db()
        self.assertEqual(new_body[self.waiting.start : self.waiting.end], "Ships waited")
        self.closed.refresh_from_db()
        self.assertIsNotNone(self.closed.orphaned_at)
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.status, Claim.Status.UNSUPPORTED)  # the orphan does not count
        correction = SourceCorrection.objects.get()
        self.assertEqual((correction.corrected_by, correction.old_body), (self.admin, BODY))
        # The reader lists the orphan apart and highlights only the live anchor.
        page = self.client.get(reverse("source-detail", args=[self.source.pk]))
        self.assertEqual([a.pk for a in page.context["orphaned"]], [self.closed.pk])
        self.assertEqual([a.pk for a in page.context["attributions"]], [self.waiting.pk])
        self.assertContains(page, "Orphaned anchors")

    def test_errors(self):
        make_source("Somebody else's text.")
        for body, note, field, message in (
            (BODY, "x", "body", "unchanged"),
            ("Somebody else's   text.", "x", "body", "already has exactly this text"),
            ("", "x", "body", "This field is required."),
            (BODY + " More.", "", "note", "Say why"),
        ):
            with self.subTest(body=body, note=note):
                response = self.post(self.admin, body, note)
                self.assertEqual(response.status_code, 400)
                self.assertIn(message, " ".join(response.context["form"].errors[field]))
        self.source.refresh_from_db()
        self.assertEqual(self.source.body, BODY)
        self.assertFalse(SourceCorrection.objects.exists())

    def test_the_body_is_read_only_in_the_admin(self):
        self.login(self.admin)
        url = reverse("admin:sources_source_change", args=[self.source.pk])
        self.assertNotContains(self.client.get(url), 'name="body"')

    def test_query_count_does_not_grow_with_the_data(self):
        self.login(self.admin)
        with self.assertNumQueries(CORRECT_FORM_QUERIES):
            self.assertEqual(self.client.get(self.url).status_code, 200)
        for n in range(10):
            build_evidence(make_claim(f"Scaling claim {n}"), reviewer=self.factchecker)
            body = BODY + f" Update {n}."
            correct_source_text(self.source, body, self.admin, note=f"Update {n}")
        with self.assertNumQueries(CORRECT_FORM_QUERIES):
            self.assertEqual(self.client.get(self.url).status_code, 200)
