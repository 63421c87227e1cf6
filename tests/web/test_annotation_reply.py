"""Replying in a thread: /annotations/<id>/reply/ (web.annotation_views.annotation_reply)."""

from django.urls import reverse

from claims.models import Annotation
from tests.base import BaseTestCase
from tests.factories import make_annotation, make_attribution, make_claim, make_source

# The form page (GET, or a POST with errors) runs these queries, whatever the data:
#  1. the session
#  2. the signed-in user
#  3. the user's own permissions     } require_perm("claims.view_annotation",
#  4. the user's groups' permissions }              "claims.add_annotation")
#  5. the note, with author, source, attribution (and its source) and claim
FORM_PAGE_QUERIES = 5


class AnnotationReplyTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.source = make_source("The minister said the talks were useful.", title="Talks")
        cls.claim = make_claim("The talks were useful")
        cls.attribution = make_attribution(cls.claim, cls.source, "the talks were useful")
        cls.note = make_annotation(cls.editor, "Which talks?", source=cls.source, quote="the talks")
        cls.url = reverse("annotation-reply", args=[cls.note.pk])

    def reply(self, user, text="A reply.", note=None):
        self.login(user)
        url = reverse("annotation-reply", args=[(note or self.note).pk])
        return self.client.post(url, {"text": text})

    def test_signed_out_visitor_is_sent_to_sign_in(self):
        response = self.client.post(self.url, {"text": "x"})
        self.assertRedirects(
            response, f"{reverse('login')}?next={self.url}", fetch_redirect_response=False
        )

    def test_fact_checkers_and_outsiders_may_not_reply(self):
        for user in (self.factchecker, self.outsider):
            with self.subTest(user=user.username):
                self.assertEqual(self.reply(user).status_code, 403)
        self.assertEqual(Annotation.objects.count(), 1)

    def test_editors_and_admins_reply_on_the_thread_target(self):
        response = self.reply(self.admin, "The Moscow talks.")
        reply = Annotation.objects.get(parent=self.note)
        self.assertRedirects(
            response,
            f"{reverse('source-detail', args=[self.source.pk])}#note-{reply.pk}",
            fetch_redirect_response=False,
        )
        self.assertEqual((reply.author, reply.source, reply.exact), (self.admin, self.source, ""))
        self.reply(self.editor, "Thanks.", note=reply)
        deeper = Annotation.objects.get(parent=reply)
        self.assertEqual(deeper.source, self.source)

    def test_a_reply_on_an_attribution_note_returns_to_the_claim(self):
        note = make_annotation(self.editor, attribution=self.attribution)
        response = self.reply(self.admin, note=note)
        reply = Annotation.objects.get(parent=note)
        self.assertEqual(reply.attribution, self.attribution)
        self.assertRedirects(
            response,
            f"{reverse('claim-detail', args=[self.claim.pk])}#note-{reply.pk}",
            fetch_redirect_response=False,
        )

    def test_a_deleted_note_takes_no_replies(self):
        note = make_annotation(self.editor, claim=self.claim)
        note.soft_delete(self.editor)
        self.assertEqual(self.reply(self.admin, note=note).status_code, 404)
        self.assertFalse(Annotation.objects.filter(parent=note).exists())

    def test_an_empty_reply_is_refused(self):
        response = self.reply(self.editor, "")
        self.assertContains(response, "Write the note.", status_code=400)
        self.assertContains(response, "Which talks?", status_code=400)  # the note replied to

    def test_missing_note_is_404(self):
        self.login(self.editor)
        self.assertEqual(
            self.client.get(reverse("annotation-reply", args=[999999])).status_code, 404
        )

    def test_query_count_does_not_grow_with_the_data(self):
        self.login(self.editor)
        with self.assertNumQueries(FORM_PAGE_QUERIES):
            self.assertEqual(self.client.get(self.url).status_code, 200)
        parent = self.note
        for n in range(10):
            parent = make_annotation(self.admin, f"r{n}", parent=parent)
            make_annotation(self.editor, source=self.source, quote="The minister")
        with self.assertNumQueries(FORM_PAGE_QUERIES):
            self.assertEqual(self.client.get(self.url).status_code, 200)
