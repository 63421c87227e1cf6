"""The roles' annotation rights (claims/migrations/0006_annotation) and the read-only admin."""

from django.urls import reverse

from tests.base import BaseTestCase
from tests.factories import make_annotation, make_claim

RIGHTS = {
    # Fact-checkers read notes; their own written word is a verdict's rationale.
    "fiona": {"view_annotation"},
    # Editors write notes and replies, and edit or delete their own.
    "eddie": {"view_annotation", "add_annotation", "change_annotation"},
    # Admins also moderate: they delete anyone's note (softly).
    "ada": {"view_annotation", "add_annotation", "change_annotation", "moderate_annotation"},
    "otto": set(),
}
ALL = {"view_annotation", "add_annotation", "change_annotation", "moderate_annotation"}


class AnnotationRolesTests(BaseTestCase):
    def test_each_role_has_exactly_its_annotation_rights(self):
        for user in (self.factchecker, self.editor, self.admin, self.outsider):
            with self.subTest(user=user.username):
                held = {p for p in ALL if user.has_perm(f"claims.{p}")}
                self.assertEqual(held, RIGHTS[user.username])
                # Nobody deletes rows for good: deleting is a soft delete in the app.
                self.assertFalse(user.has_perm("claims.delete_annotation"))

    def test_the_admin_lists_notes_read_only(self):
        note = make_annotation(self.editor, "A note", claim=make_claim())
        for user in (self.factchecker, self.editor, self.admin):
            with self.subTest(user=user.username):
                self.login(user)
                changelist = self.client.get(reverse("admin:claims_annotation_changelist"))
                self.assertContains(changelist, "A note")
                self.assertEqual(
                    self.client.get(reverse("admin:claims_annotation_add")).status_code, 403
                )
                change = reverse("admin:claims_annotation_change", args=[note.pk])
                response = self.client.post(change, {"text": "Changed in the admin"})
                self.assertEqual(response.status_code, 403)
                delete = reverse("admin:claims_annotation_delete", args=[note.pk])
                self.assertEqual(self.client.post(delete, {"post": "yes"}).status_code, 403)
        note.refresh_from_db()
        self.assertEqual((note.text, note.deleted_at), ("A note", None))
