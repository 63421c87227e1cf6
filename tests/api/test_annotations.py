"""/api/annotations: roles (fact-checkers read; editors write and edit their own; admins
moderate), passage anchoring, threads, optimistic concurrency, soft delete, queries."""

from claims.models import Annotation
from tests.api.base import APITestCase
from tests.factories import grow_tenfold, make_annotation, make_newsroom

URL = "/api/annotations"


class AnnotationAPICase(APITestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.news = make_newsroom()
        cls.note = make_annotation(cls.editor, "Check the date.", claim=cls.news.meeting)


class PermissionTests(AnnotationAPICase):
    def test_every_role_reads_outsiders_do_not(self):
        expected = {"factchecker": 200, "editor": 200, "admin": 200, "outsider": 403}
        self.assertMatrix(lambda c: c.get(URL), expected)
        self.assertMatrix(lambda c: c.get(f"{URL}/{self.note.pk}"), expected)

    def test_editors_and_admins_write_factcheckers_do_not(self):
        def create(client):
            return client.post(
                URL, {"claim": self.news.summit.pk, "text": "Who said so?"}, format="json"
            )

        self.assertMatrix(
            create, {"factchecker": 403, "outsider": 403, "editor": 201, "admin": 201}
        )

    def test_only_the_author_edits(self):
        def edit(client):
            note = Annotation.objects.get(pk=self.note.pk)
            data = {"text": "Edited.", "version": note.version}
            return client.patch(f"{URL}/{note.pk}", data, format="json")

        self.assertMatrix(edit, {"factchecker": 403, "outsider": 403, "admin": 403, "editor": 200})

    def test_the_author_or_a_moderator_deletes(self):
        mine = make_annotation(self.admin, "Admin's own note.", claim=self.news.summit)
        self.assertStatus(self.api(self.editor).delete(f"{URL}/{mine.pk}"), 403)
        self.assertStatus(self.api(self.factchecker).delete(f"{URL}/{mine.pk}"), 403)
        self.assertStatus(self.api().delete(f"{URL}/{mine.pk}"), 401)
        # An admin moderates: deletes the editor's note; the row stays, soft-deleted.
        self.assertStatus(self.api(self.admin).delete(f"{URL}/{self.note.pk}"), 204)
        self.note.refresh_from_db()
        self.assertEqual(self.note.deleted_by, self.admin)
        # Deleted notes leave the list, and come back only when asked for, without text.
        listed = [row["id"] for row in self.api(self.editor).get(URL).data["results"]]
        self.assertNotIn(self.note.pk, listed)
        deleted = self.api(self.editor).get(URL + "?deleted=true").data["results"]
        self.assertEqual([(r["id"], r["text"]) for r in deleted], [(self.note.pk, "")])
        self.assertStatus(self.api(self.editor).delete(f"{URL}/{self.note.pk}"), 404)


class WriteTests(AnnotationAPICase):
    def test_a_passage_note_is_anchored_from_its_quote(self):
        story = self.news.paper_story
        response = self.api(self.editor).post(
            URL,
            {"source": story.pk, "exact": "discuss a pipeline", "text": "Which one?"},
            format="json",
        )
        self.assertStatus(response, 201)
        start = story.body.index("discuss a pipeline")
        self.assertEqual((response.data["start"], response.data["end"]), (start, start + 18))
        self.assertEqual(response.data["target"], "passage")
        response = self.api(self.editor).post(
            URL, {"source": story.pk, "exact": "not in there", "text": "?"}, format="json"
        )
        self.assertStatus(response, 400)
        self.assertIn("does not occur", str(response.data["exact"]))

    def test_exactly_one_target(self):
        response = self.api(self.editor).post(
            URL,
            {"claim": self.news.summit.pk, "parent": self.note.pk, "text": "Two targets"},
            format="json",
        )
        self.assertStatus(response, 400)
        self.assertIn("exactly one", str(response.data))

    def test_a_reply_joins_the_thread(self):
        response = self.api(self.admin).post(
            URL, {"parent": self.note.pk, "text": "It is 2019."}, format="json"
        )
        self.assertStatus(response, 201)
        self.assertEqual(response.data["parent"], self.note.pk)
        self.assertEqual(response.data["claim"], self.news.meeting.pk)

    def test_a_stale_version_gets_409(self):
        client = self.api(self.editor)
        data = {"text": "First edit.", "version": 1}
        self.assertStatus(client.patch(f"{URL}/{self.note.pk}", data, format="json"), 200)
        data = {"text": "Second edit.", "version": 1}
        self.assertStatus(client.patch(f"{URL}/{self.note.pk}", data, format="json"), 409)
        self.assertEqual(Annotation.objects.get(pk=self.note.pk).text, "First edit.")


class QueryTests(AnnotationAPICase):
    def test_constant_queries_at_ten_times_the_rows(self):
        # Queries: the token with its user, the user's permissions, their groups'
        # permissions, one page of notes (with authors).
        with self.assertNumQueries(4):
            self.assertStatus(self.api(self.factchecker).get(URL), 200)
        grow_tenfold()
        for claim in self.news.claims[1:]:
            for i in range(3):
                make_annotation(self.editor, f"Note {i}", claim=claim)
        with self.assertNumQueries(4):
            response = self.api(self.factchecker).get(URL)
        self.assertEqual(len(response.data["results"]), 10)
