"""manage.py import_annotations FILE... (interchange/management/commands/import_annotations.py)."""

import copy
import json
import tempfile
from io import StringIO
from pathlib import Path

from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.urls import reverse

from claims.models import Annotation, Attribution, Claim
from claims.roles import ADMIN, EDITOR
from intake.actions import correct_source_text
from sources.models import Source
from tests.base import BaseTestCase
from tests.factories import (
    make_annotation,
    make_attribution,
    make_claim,
    make_outlet,
    make_source,
    make_user,
)
from tests.interchange.webanno_shapes import check_collection

TALKS = (
    "Moscow, Monday. The minister said the talks were useful.\n\n"
    "Critics disagreed. They said the talks achieved nothing at all, and that the minister "
    "said the same last year."
)
VISIT = "Beijing. The envoy arrived on Tuesday, the agency reported.\n\nNo statement followed."
HOSTILE = '<script>alert("x")</script> & “quotes” — спасибо\nsecond line'


class ImportAnnotationsTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.tmp = Path(tempfile.mkdtemp(prefix="h7-annotations-"))

    def setUp(self):
        self.build()

    # The data ------------------------------------------------------------------

    def build(self):
        """Articles, a claim with evidence, and notes of every kind and state."""
        self.talks = make_source(TALKS, title="Talks", url="https://example.org/talks")
        self.visit = make_source(VISIT, title="Visit", outlet=make_outlet("Wire"))
        self.claim = make_claim("The talks were useful")
        self.attribution = make_attribution(self.claim, self.talks, "the talks were useful")
        editor = User.objects.get(username="eddie")
        admin = User.objects.get(username="ada")
        first = make_annotation(editor, HOSTILE, source=self.talks, quote="The minister said")
        reply = make_annotation(admin, "Which year?", parent=first)
        make_annotation(editor, "Last year.", parent=reply)
        gone = make_annotation(
            editor, "To be deleted", source=self.talks, quote="Critics disagreed"
        )
        make_annotation(admin, "A reply that stays", parent=gone)
        gone.soft_delete(admin)
        # A repeated quote, told apart by its context.
        repeated = Annotation(source=self.talks, exact="the minister", author=editor, text="Again?")
        repeated.anchor(prefix="and that ")
        repeated.save()
        lost = make_annotation(
            editor, "Lost later", source=self.visit, quote="No statement followed"
        )
        make_annotation(admin, "Keep the thread", parent=lost)
        make_annotation(editor, "Envoy?", source=self.visit, quote="The envoy arrived")
        correct_source_text(
            self.visit, VISIT.replace("No statement followed.", "A statement followed."), admin
        )
        edited = make_annotation(editor, "Draft", claim=self.claim)
        edited.edit("Needs a second source.", 1, editor)
        on_attribution = make_annotation(editor, "A paraphrase.", attribution=self.attribution)
        make_annotation(admin, "Agreed.", parent=on_attribution)
        self.assertTrue(Annotation.objects.get(pk=lost.pk).orphaned_at)

    def export_all(self):
        """The three files the pages offer: each article's notes, and the claim's."""
        self.client.force_login(User.objects.get(username="eddie"))
        urls = [
            reverse("source-annotations-export", args=[Source.objects.get(title="Talks").pk]),
            reverse("source-annotations-export", args=[Source.objects.get(title="Visit").pk]),
            reverse(
                "claim-annotations-export",
                args=[Claim.objects.get(statement="The talks were useful").pk],
            ),
        ]
        documents = []
        for url in urls:
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200)
            documents.append(json.loads(response.content))
        return documents

    def write(self, document, name="annotations.jsonld"):
        path = self.tmp / name
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        return str(path)

    def run_command(self, *files, **options):
        out, err = StringIO(), StringIO()
        call_command("import_annotations", *files, stdout=out, stderr=err, **options)
        return out.getvalue(), err.getvalue()

    def assert_refused(self, document, message):
        before = list(Annotation.objects.order_by("pk").values())
        out, err = StringIO(), StringIO()
        with self.assertRaises(CommandError):
            call_command("import_annotations", self.write(document), stdout=out, stderr=err)
        self.assertIn("nothing written", err.getvalue())
        self.assertIn(message, err.getvalue())
        self.assertEqual(list(Annotation.objects.order_by("pk").values()), before)
        return err.getvalue()

    def empty_database(self):
        """Everything goes; the same users, articles, claims and evidence come back under
        new ids, as in another database that holds the same material."""
        Annotation.objects.all().delete()
        Attribution.objects.all().delete()
        Claim.objects.all().delete()
        bodies = list(Source.objects.values_list("title", "url", "body"))
        Source.objects.all().delete()
        User.objects.filter(username__in=["eddie", "ada"]).delete()
        for n in range(3):  # different primary keys this time
            make_source(f"Filler article {n}.")
            make_claim(f"Filler claim {n}")
        make_user("ada", ADMIN)
        make_user("eddie", EDITOR)
        for title, url, body in bodies:
            make_source(body, title=title, url=url)
        claim = make_claim("The talks were useful")
        make_attribution(claim, Source.objects.get(title="Talks"), "the talks were useful")
        self.assertFalse(Annotation.objects.exists())

    # Round trip ----------------------------------------------------------------------

    def test_export_import_into_an_empty_database_export_is_identical(self):
        before = self.export_all()
        for document in before:
            check_collection(self, document)
        self.assertEqual(sum(d["total"] for d in before), 12)
        files = [self.write(d, f"file{i}.jsonld") for i, d in enumerate(before)]

        self.empty_database()
        out, err = self.run_command(*files)
        self.assertEqual(err, "")
        self.assertIn("file0.jsonld: 6 created, 0 updated, 0 unchanged", out)
        self.assertIn("1 passage note(s) orphaned", out)
        after = self.export_all()
        self.assertEqual(after, before)
        self.assertEqual(
            json.dumps(after, ensure_ascii=False, indent=2),
            json.dumps(before, ensure_ascii=False, indent=2),
        )

    def test_importing_again_changes_nothing(self):
        files = [self.write(d, f"file{i}.jsonld") for i, d in enumerate(self.export_all())]
        rows = list(Annotation.objects.order_by("pk").values())
        history = Annotation.history.count()
        out, _ = self.run_command(*files)
        self.assertIn("0 created, 0 updated, 6 unchanged", out)
        self.assertEqual(list(Annotation.objects.order_by("pk").values()), rows)
        self.assertEqual(Annotation.history.count(), history)

    def test_a_newer_version_in_the_file_updates_an_older_one_never_the_reverse(self):
        talks, *_ = self.export_all()
        first = talks["first"]["items"][0]
        newer = copy.deepcopy(talks)
        newer["first"]["items"][0]["body"]["value"] = "Newer words"
        newer["first"]["items"][0]["modified"] = "2999-01-01T00:00:00.000000Z"
        out, _ = self.run_command(self.write(newer))
        self.assertIn("0 created, 1 updated", out)
        note = Annotation.objects.get(uuid=first["id"].removeprefix("urn:uuid:"))
        self.assertEqual(note.text, "Newer words")
        out, _ = self.run_command(self.write(talks))  # the older file
        self.assertIn("0 created, 0 updated, 6 unchanged", out)
        note.refresh_from_db()
        self.assertEqual(note.text, "Newer words")

    def test_a_tombstone_deletes_softly(self):
        talks, *_ = self.export_all()
        item = talks["first"]["items"][0]
        del item["body"]
        item["modified"] = "2999-01-01T00:00:00.000000Z"
        self.run_command(self.write(talks))
        note = Annotation.objects.get(uuid=item["id"].removeprefix("urn:uuid:"))
        self.assertIsNotNone(note.deleted_at)
        self.assertEqual(note.text, HOSTILE)  # kept in the row and the history

    def test_a_dry_run_writes_nothing(self):
        documents = self.export_all()
        self.empty_database()
        out, _ = self.run_command(self.write(documents[0]), dry_run=True)
        self.assertIn("(dry run)", out)
        self.assertIn("6 created", out)
        self.assertFalse(Annotation.objects.exists())

    def test_a_single_annotation_or_page_imports_too(self):
        talks, *_ = self.export_all()
        self.empty_database()
        page = dict(talks["first"], **{"@context": talks["@context"]})
        page["items"] = page["items"][:1]
        out, _ = self.run_command(self.write(page))
        self.assertIn("1 created", out)
        one = dict(talks["first"]["items"][1], **{"@context": talks["@context"]})
        out, _ = self.run_command(self.write(one))
        self.assertIn("1 created", out)
        self.assertEqual(Annotation.objects.count(), 2)

    def test_hypothesis_style_selectors_anchor_by_quote(self):
        talks, *_ = self.export_all()
        self.empty_database()
        item = talks["first"]["items"][0]
        item["target"]["selector"] = [
            {"type": "RangeSelector", "startContainer": "/p[1]", "startOffset": 0},
            {"type": "TextQuoteSelector", "exact": "The minister said"},
        ]
        document = dict(talks, first=dict(talks["first"], items=[item]))
        self.run_command(self.write(document))
        note = Annotation.objects.get()
        self.assertEqual(TALKS[note.start : note.end], "The minister said")
        self.assertEqual(note.prefix, TALKS[max(0, note.start - 32) : note.start])

    # Refusals: a clear message, and nothing written --------------------------------

    def test_a_wrong_context_is_refused(self):
        talks, *_ = self.export_all()
        talks["@context"] = "http://schema.org"
        self.assert_refused(talks, "The @context must be “http://www.w3.org/ns/anno.jsonld”")

    def test_unknown_sources_claims_attributions_and_creators_are_refused(self):
        talks, visit, claim = self.export_all()
        self.empty_database()
        Source.objects.filter(title="Visit").delete()
        Claim.objects.filter(statement="The talks were useful").update(statement="Changed")
        Claim.objects.get(statement="Changed").save()  # a new fingerprint
        err = self.assert_refused(visit, "no source urn:provenance:source:")
        self.assertIn("import the article first", err)
        err = self.assert_refused(claim, "no claim urn:provenance:claim:")
        self.assertIn("no attribution urn:provenance:attribution:", err)
        talks["first"]["items"][0]["creator"]["nickname"] = "nobody"
        self.assert_refused(talks, "no user named “nobody”")

    def test_a_bad_selector_is_refused(self):
        talks, *_ = self.export_all()
        self.empty_database()
        selectors = talks["first"]["items"][0]["target"]["selector"]
        selectors[0]["exact"] = "The minister paid"
        self.assert_refused(talks, "bad selector: The quote “The minister paid” does not occur")
        selectors[0]["exact"] = "The minister said"
        selectors[1]["start"] = selectors[1]["end"]
        self.assert_refused(talks, "needs whole numbers 0 ≤ start < end")
        selectors[1]["start"] = 0
        selectors[1]["end"] = 3
        self.assert_refused(talks, "spans 3 characters but the quote has 17")
        selectors[:] = [{"type": "TextPositionSelector", "start": 0, "end": 6}]
        self.assert_refused(talks, "a passage needs a TextQuoteSelector")

    def test_one_bad_item_keeps_the_whole_file_out(self):
        talks, *_ = self.export_all()
        self.empty_database()
        talks["first"]["items"][-1]["body"] = {
            "type": "TextualBody",
            "value": "<b>x</b>",
            "format": "text/html",
        }
        self.assert_refused(talks, "only plain-text bodies (format text/plain) are accepted")

    def test_a_reply_to_an_unknown_parent_is_refused(self):
        talks, *_ = self.export_all()
        self.empty_database()
        items = talks["first"]["items"]
        talks["first"]["items"] = [i for i in items if i["motivation"] == "replying"][:1]
        self.assert_refused(talks, "is neither in the file nor in the database")

    def test_an_existing_id_on_another_target_is_refused(self):
        talks, visit, _ = self.export_all()
        visit["first"]["items"][0]["id"] = talks["first"]["items"][0]["id"]
        self.assert_refused(visit, "already here, on another target")

    def test_malformed_items_are_each_reported(self):
        talks, *_ = self.export_all()
        items = talks["first"]["items"]
        items[0]["id"] = "https://example.org/anno/1"
        items[1]["motivation"] = "bookmarking"
        items[2]["created"] = "yesterday"
        err = self.assert_refused(talks, "the id must be a urn:uuid: URN")
        self.assertIn("the motivation must be “commenting” or “replying”", err)
        self.assertIn("“created” is not a date-time", err)

    def test_files_that_are_not_json_or_missing_fail_and_the_others_import(self):
        talks, *_ = self.export_all()
        self.empty_database()
        broken = self.tmp / "broken.jsonld"
        broken.write_text('{"@context": ', encoding="utf-8")
        good = self.write(talks, "good.jsonld")
        out, err = StringIO(), StringIO()
        with self.assertRaisesMessage(CommandError, "2 of 3 file(s) failed"):
            call_command(
                "import_annotations",
                str(broken),
                str(self.tmp / "missing.jsonld"),
                good,
                stdout=out,
                stderr=err,
            )
        self.assertIn("Not JSON: Expecting value at line 1", err.getvalue())
        self.assertIn("No such file.", err.getvalue())
        self.assertIn("good.jsonld: 6 created", out.getvalue())
        self.assertEqual(Annotation.objects.count(), 6)
