"""Deleting a note: /annotations/<id>/delete/ (web.annotation_views.annotation_delete)."""

from django.urls import reverse

from tests.base import BaseTestCase
from tests.factories import make_annotation, make_claim, make_user


class AnnotationDeleteTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.claim = make_claim("The talks were useful")
        cls.page = reverse("claim-detail", args=[cls.claim.pk])

    def setUp(self):
        self.note = make_annotation(self.editor, "Delete me softly", claim=self.claim)
        self.reply = make_annotation(self.admin, "A reply that stays", parent=self.note)
        self.url = reverse("annotation-delete", args=[self.note.pk])

    def delete(self, user):
        self.login(user)
        return self.client.post(self.url)

    def test_signed_out_visitor_is_sent_to_sign_in(self):
        self.assertRedirects(
            self.client.post(self.url),
            f"{reverse('login')}?next={self.url}",
            fetch_redirect_response=False,
        )

    def test_only_post_deletes(self):
        self.login(self.editor)
        self.assertEqual(self.client.get(self.url).status_code, 405)
        self.note.refresh_from_db()
        self.assertIsNone(self.note.deleted_at)

    def test_others_may_not_delete(self):
        for user in (self.factchecker, self.outsider, make_user("edna", "Editor")):
            with self.subTest(user=user.username):
                self.assertEqual(self.delete(user).status_code, 403)
        self.note.refresh_from_db()
        self.assertIsNone(self.note.deleted_at)

    def test_the_author_deletes_softly(self):
        response = self.delete(self.editor)
        self.assertRedirects(
            response, f"{self.page}#note-{self.note.pk}", fetch_redirect_response=False
        )
        self.note.refresh_from_db()
        self.assertEqual(self.note.deleted_by, self.editor)
        self.assertEqual(self.note.text, "Delete me softly")  # kept, and in the history
        self.assertEqual(self.note.history.first().history_change_reason, "Deleted by its author")

    def test_an_admin_moderates_anyones_note(self):
        self.delete(self.admin)
        self.note.refresh_from_db()
        self.assertEqual(self.note.deleted_by, self.admin)
        self.assertEqual(self.note.history.first().history_change_reason, "Deleted by a moderator")

    def test_the_thread_shows_deleted_with_its_replies_kept(self):
        self.delete(self.editor)
        self.login(self.factchecker)
        response = self.client.get(self.page)
        thread = response.content.decode().split(f'id="note-{self.note.pk}"')[1]
        self.assertIn("[deleted]", thread)
        self.assertIn("A reply that stays", thread)
        self.assertNotContains(response, "Delete me softly")

    def test_a_deleted_note_is_not_deleted_again(self):
        self.delete(self.editor)
        self.assertEqual(self.delete(self.admin).status_code, 404)
        self.note.refresh_from_db()
        self.assertEqual(self.note.deleted_by, self.editor)
