"""Annotating a passage: /sources/<id>/annotate/ (web.annotation_views.source_annotate)."""

from django.urls import reverse

from claims.models import Annotation
from tests.base import BaseTestCase
from tests.factories import make_annotation, make_source

# The form page (GET, or a POST with errors) runs these queries, whatever the data:
#  1. the session
#  2. the signed-in user
#  3. the user's own permissions     } require_perm("sources.view_source",
#  4. the user's groups' permissions }              "claims.add_annotation")
#  5. the source, with its outlet
FORM_PAGE_QUERIES = 5

BODY = (
    "Moscow, Monday. The minister said the talks were useful.\n\n"
    "Critics disagreed. The talks were useful only to the minister, they said."
)


class AnnotatePassageTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.source = make_source(BODY, title="Talks in Moscow")
        cls.url = reverse("source-annotate", args=[cls.source.pk])
        cls.reader = reverse("source-detail", args=[cls.source.pk])

    def post(self, user, **data):
        self.login(user)
        fields = {"exact": "", "prefix": "", "suffix": "", "text": "A note."}
        fields.update(data)
        return self.client.post(self.url, {f"note-{k}": v for k, v in fields.items()})

    # Permissions ----------------------------------------------------------

    def test_signed_out_visitor_is_sent_to_sign_in(self):
        for response in (self.client.get(self.url), self.client.post(self.url, {})):
            self.assertRedirects(
                response, f"{reverse('login')}?next={self.url}", fetch_redirect_response=False
            )
        self.assertFalse(Annotation.objects.exists())

    def test_fact_checkers_and_outsiders_may_not_annotate(self):
        for user in (self.factchecker, self.outsider):
            with self.subTest(user=user.username):
                self.assertEqual(self.post(user, exact="Moscow").status_code, 403)
                self.assertEqual(self.client.get(self.url).status_code, 403)
        self.assertFalse(Annotation.objects.exists())

    def test_editors_and_admins_annotate_a_passage(self):
        for user in (self.editor, self.admin):
            with self.subTest(user=user.username):
                response = self.post(user, exact="the talks were useful", text=f"By {user}")
                note = Annotation.objects.get(text=f"By {user}")
                self.assertRedirects(
                    response, f"{self.reader}#note-{note.pk}", fetch_redirect_response=False
                )
                self.assertEqual(note.author, user)
                self.assertEqual(note.source, self.source)
                self.assertEqual(BODY[note.start : note.end], "the talks were useful")
                self.assertEqual(note.prefix, BODY[note.start - 32 : note.start])
                self.assertEqual(note.suffix, BODY[note.end : note.end + 32])
                self.assertEqual(note.history.first().history_user, user)

    def test_missing_source_is_404(self):
        self.login(self.editor)
        self.assertEqual(
            self.client.get(reverse("source-annotate", args=[999999])).status_code, 404
        )

    # The quote -------------------------------------------------------------

    def test_a_quote_not_in_the_text_is_refused_with_a_clear_message(self):
        response = self.post(self.editor, exact="the talks failed", text="Keep my words")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "does not occur in", status_code=400)
        self.assertContains(response, "Keep my words", status_code=400)  # nothing lost
        self.assertFalse(Annotation.objects.exists())

    def test_a_repeated_quote_is_told_apart_by_its_context(self):
        response = self.post(self.editor, exact="minister")
        self.assertContains(response, "occurs more than once", status_code=400)
        self.post(self.editor, exact="minister", prefix="only to the ", suffix=", they said")
        note = Annotation.objects.get()
        self.assertEqual(note.start, BODY.index("minister, they said"))

    def test_an_empty_note_is_refused(self):
        response = self.post(self.editor, exact="Moscow", text="")
        self.assertContains(response, "Write the note.", status_code=400)
        self.assertFalse(Annotation.objects.exists())

    def test_get_shows_the_form_and_only_post_writes(self):
        self.login(self.editor)
        response = self.client.get(self.url, {"note-exact": "Moscow", "note-text": "x"})
        self.assertContains(response, 'name="note-exact"')
        self.assertFalse(Annotation.objects.exists())

    # Query budget -----------------------------------------------------------

    def test_query_count_does_not_grow_with_the_data(self):
        self.login(self.editor)
        make_annotation(self.editor, source=self.source, quote="Moscow")
        with self.assertNumQueries(FORM_PAGE_QUERIES):
            self.assertEqual(self.client.get(self.url).status_code, 200)
        for n in range(10):
            note = make_annotation(self.admin, f"n{n}", source=self.source, quote="Monday")
            make_annotation(self.editor, "r", parent=note)
            make_source(f"Other article {n}.")
        with self.assertNumQueries(FORM_PAGE_QUERIES):
            self.assertEqual(self.client.get(self.url).status_code, 200)
