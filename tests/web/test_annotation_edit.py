"""Editing one's own note: /annotations/<id>/edit/ (web.annotation_views.annotation_edit)."""

from django.urls import reverse

from tests.base import BaseTestCase
from tests.factories import make_annotation, make_claim, make_user

# The form page (GET, or a POST with errors) runs these queries, whatever the data:
#  1. the session
#  2. the signed-in user
#  3. the user's own permissions     } require_perm("claims.view_annotation",
#  4. the user's groups' permissions }              "claims.change_annotation")
#  5. the note, with author, source, attribution (and its source) and claim
FORM_PAGE_QUERIES = 5


class AnnotationEditTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.claim = make_claim("The talks were useful")
        cls.note = make_annotation(cls.editor, "First words", claim=cls.claim)
        cls.url = reverse("annotation-edit", args=[cls.note.pk])

    def post(self, user, text="Second words", version=1):
        self.login(user)
        return self.client.post(self.url, {"text": text, "version": version})

    def test_signed_out_visitor_is_sent_to_sign_in(self):
        response = self.client.post(self.url, {"text": "x", "version": 1})
        self.assertRedirects(
            response, f"{reverse('login')}?next={self.url}", fetch_redirect_response=False
        )

    def test_only_the_author_edits(self):
        other_editor = make_user("edna", "Editor")
        for user in (self.factchecker, self.outsider, self.admin, other_editor):
            with self.subTest(user=user.username):
                self.assertEqual(self.post(user).status_code, 403)
                self.assertEqual(self.client.get(self.url).status_code, 403)
        self.note.refresh_from_db()
        self.assertEqual(self.note.text, "First words")

    def test_the_author_edits_and_the_history_keeps_the_old_text(self):
        response = self.post(self.editor)
        self.assertRedirects(
            response,
            f"{reverse('claim-detail', args=[self.claim.pk])}#note-{self.note.pk}",
            fetch_redirect_response=False,
        )
        self.note.refresh_from_db()
        self.assertEqual((self.note.text, self.note.version), ("Second words", 2))
        self.assertEqual(
            list(self.note.history.values_list("text", flat=True)), ["Second words", "First words"]
        )

    def test_an_outdated_version_gets_a_conflict_page_and_loses_nothing(self):
        self.post(self.editor, "From the first window", version=1)
        response = self.post(self.editor, "From the second window", version=1)
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "changed since you opened it", status_code=409)
        self.assertContains(response, "From the first window", status_code=409)  # saved
        self.assertContains(response, "From the second window", status_code=409)  # yours
        self.assertContains(response, 'name="version" value="2"', status_code=409)
        self.note.refresh_from_db()
        self.assertEqual(self.note.text, "From the first window")
        self.post(self.editor, "From the second window", version=2)
        self.note.refresh_from_db()
        self.assertEqual(self.note.text, "From the second window")

    def test_a_deleted_note_cannot_be_edited(self):
        self.note.soft_delete(self.editor)
        self.assertEqual(self.post(self.editor).status_code, 404)

    def test_an_empty_text_is_refused(self):
        self.assertContains(self.post(self.editor, ""), "Write the note.", status_code=400)

    def test_query_count_does_not_grow_with_the_data(self):
        self.login(self.editor)
        with self.assertNumQueries(FORM_PAGE_QUERIES):
            self.assertEqual(self.client.get(self.url).status_code, 200)
        for n in range(10):
            make_annotation(self.admin, f"r{n}", parent=self.note)
            make_annotation(self.editor, f"n{n}", claim=make_claim(f"Claim {n}"))
        with self.assertNumQueries(FORM_PAGE_QUERIES):
            self.assertEqual(self.client.get(self.url).status_code, 200)
