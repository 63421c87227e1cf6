"""Exporting a source's notes: /sources/<id>/annotations.jsonld (source_annotations_export)."""

import json

from django.urls import reverse

from intake.actions import correct_source_text
from interchange.webanno import MEDIA_TYPE
from tests.base import BaseTestCase
from tests.factories import make_annotation, make_source
from tests.interchange.webanno_shapes import check_collection

# The export runs these queries, whatever the number of notes or sources:
#  1. the session
#  2. the signed-in user
#  3. the user's own permissions     } require_perm("sources.view_source",
#  4. the user's groups' permissions }              "claims.view_annotation")
#  5. the source (id, title, URL and content hash only)
#  6. its passage notes and every reply, with their authors
EXPORT_QUERIES = 6

BODY = (
    "Moscow, Monday. The minister said the talks were useful.\n\n"
    "Critics disagreed. They said the talks achieved nothing at all."
)


class SourceAnnotationsExportTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.source = make_source(BODY, title="Talks", url="https://example.org/talks")
        cls.url = reverse("source-annotations-export", args=[cls.source.pk])

    def setUp(self):
        self.note = make_annotation(
            self.editor,
            'Which talks? <b>"bold"</b>',
            source=self.source,
            quote="the talks were useful",
        )
        self.reply = make_annotation(self.admin, "The Moscow round.", parent=self.note)
        self.deeper = make_annotation(self.editor, "Thanks — спасибо.", parent=self.reply)

    def export(self, user=None):
        self.login(user or self.factchecker)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        return json.loads(response.content)

    def test_signed_out_visitor_is_sent_to_sign_in_and_outsiders_get_403(self):
        self.assertRedirects(
            self.client.get(self.url),
            f"{reverse('login')}?next={self.url}",
            fetch_redirect_response=False,
        )
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.url).status_code, 403)

    def test_every_role_may_download(self):
        for user in (self.factchecker, self.editor, self.admin):
            with self.subTest(user=user.username):
                self.login(user)
                response = self.client.get(self.url)
                self.assertEqual(response["Content-Type"], MEDIA_TYPE)
                self.assertEqual(
                    response["Content-Disposition"],
                    f'attachment; filename="source-{self.source.pk}-annotations.jsonld"',
                )

    def test_the_collection_has_the_w3c_shape(self):
        document = self.export()
        items = check_collection(self, document)
        self.assertEqual(
            document["id"], f"urn:provenance:annotations:source:{self.source.content_hash}"
        )
        self.assertEqual(document["label"], "Annotations on “Talks”")
        self.assertEqual(
            [i["id"] for i in items],
            [f"urn:uuid:{n.uuid}" for n in (self.note, self.reply, self.deeper)],
        )

    def test_a_passage_note_targets_the_source_with_both_selectors(self):
        note = self.export()["first"]["items"][0]
        self.assertEqual(note["motivation"], "commenting")
        self.assertEqual(
            note["body"],
            {"type": "TextualBody", "value": 'Which talks? <b>"bold"</b>', "format": "text/plain"},
        )
        self.assertEqual(note["creator"], {"type": "Person", "nickname": "eddie", "name": "eddie"})
        start = BODY.index("the talks were useful")
        self.assertEqual(
            note["target"],
            {
                "type": "SpecificResource",
                "source": "https://example.org/talks",
                "selector": [
                    {
                        "type": "TextQuoteSelector",
                        "exact": "the talks were useful",
                        "prefix": BODY[start - 32 : start],
                        "suffix": BODY[start + 21 : start + 21 + 32],
                    },
                    {"type": "TextPositionSelector", "start": start, "end": start + 21},
                ],
            },
        )

    def test_replies_target_their_parent(self):
        _, reply, deeper = self.export()["first"]["items"]
        self.assertEqual(
            (reply["motivation"], reply["target"]), ("replying", f"urn:uuid:{self.note.uuid}")
        )
        self.assertEqual(deeper["target"], f"urn:uuid:{self.reply.uuid}")
        self.assertEqual(deeper["body"]["value"], "Thanks — спасибо.")

    def test_a_source_without_url_is_named_by_its_content_hash(self):
        bare = make_source("No address. Just text.")
        make_annotation(self.editor, source=bare, quote="Just text")
        self.login(self.editor)
        document = json.loads(
            self.client.get(reverse("source-annotations-export", args=[bare.pk])).content
        )
        [item] = check_collection(self, document)
        self.assertEqual(item["target"]["source"], f"urn:provenance:source:{bare.content_hash}")

    def test_deleted_notes_are_tombstones_and_orphaned_ones_have_no_position(self):
        self.note.soft_delete(self.editor)
        correct_source_text(
            self.source, BODY.replace("the talks were useful", "talks helped"), self.admin
        )
        items = check_collection(self, self.export())
        note = items[0]
        self.assertNotIn("body", note)  # its words stay out of the file
        self.assertEqual([s["type"] for s in note["target"]["selector"]], ["TextQuoteSelector"])
        self.assertEqual(len(items), 3)  # the thread stays whole

    def test_query_count_does_not_grow_with_the_data(self):
        self.login(self.factchecker)
        with self.assertNumQueries(EXPORT_QUERIES):
            self.client.get(self.url)
        for n in range(10):
            note = make_annotation(self.editor, f"n{n}", source=self.source, quote="Critics")
            make_annotation(self.admin, f"r{n}", parent=note)
            make_annotation(self.editor, f"o{n}", source=make_source(f"Other {n}."), quote="Other")
        with self.assertNumQueries(EXPORT_QUERIES):
            document = json.loads(self.client.get(self.url).content)
        self.assertEqual(document["total"], 23)
