"""manage.py export_data / import_data: the backup round trip on the demo, and refusals."""

import json
import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command

from claims import search
from claims.actions import merge_claims, remove_attribution
from claims.models import Actor, Annotation, Attribution, Claim, Review, Tag
from sources.models import ImportBatch, Outlet, OwnerGroup, Source
from tests.base import BaseTestCase
from tests.factories import load_demo, make_annotation, make_claim, make_review


def wipe():
    """Delete every domain row (users stay), as on a new database after migrate."""
    Annotation.objects.filter(parent__isnull=False).delete()
    Annotation.objects.all().delete()
    Review.objects.all().delete()
    Attribution.objects.all().delete()
    Claim.objects.filter(merged_into__isnull=False).delete()
    Claim.objects.all().delete()
    for model in (Source, ImportBatch, Actor, Outlet, OwnerGroup, Tag):
        model.objects.all().delete()
    # SQLite's full-text table has no foreign key: empty it, as it is in a new database.
    search.rebuild_all()


class RoundTripTests(BaseTestCase):
    def setUp(self):
        self.folder = Path(tempfile.mkdtemp())

    def export(self, name):
        path = self.folder / name
        call_command("export_data", str(path), stdout=StringIO())
        return path.read_text(encoding="utf-8")

    def enrich_demo(self):
        """The demo plus what it lacks: reviews, notes and replies, a deletion, a merge,
        a removed attribution."""
        claims = list(Claim.objects.order_by("pk"))
        make_review(claims[0], self.factchecker, Claim.Verdict.MISLEADING, "Only one wire.")
        claims[0].record_verdict(self.factchecker, "false", "Checked twice.", claims[0].version)
        attribution = Attribution.objects.live().order_by("pk").first()
        note = make_annotation(self.editor, "Source this.", claim=claims[1])
        make_annotation(self.admin, "Done.", parent=note)
        make_annotation(self.editor, "Which envoy?", attribution=attribution)
        passage = attribution.source.body[attribution.start : attribution.end]
        gone = make_annotation(self.editor, "Typo.", claim=claims[2])
        gone.soft_delete(self.admin)
        make_annotation(self.editor, "Passage note.", source=attribution.source, quote=passage)
        remove_attribution(Attribution.objects.live().order_by("-pk").first(), self.editor)
        twin = make_claim("A claim to be merged away")
        merge_claims(twin, claims[3], self.editor)

    def test_demo_exports_imports_and_exports_identically(self):
        load_demo()
        self.enrich_demo()
        first = self.export("first.json")
        data = json.loads(first)
        self.assertEqual(data["format"], "provenance-backup")
        for key in ("outlets", "sources", "actors", "claims", "attributions", "reviews"):
            self.assertTrue(data[key], key)
        self.assertTrue(any(c["merged_into"] for c in data["claims"]))
        self.assertTrue(any(a["deleted_at"] for a in data["attributions"]))
        self.assertEqual(sum(c["total"] for c in data["annotations"]), Annotation.objects.count())
        counts = {m: m.objects.count() for m in (Source, Claim, Attribution, Review, Annotation)}

        wipe()
        out = StringIO()
        call_command("import_data", str(self.folder / "first.json"), stdout=out)
        self.assertIn("Restored", out.getvalue())
        self.assertEqual(self.export("second.json"), first)
        self.assertEqual({m: m.objects.count() for m in counts}, counts)
        # The statuses restored as stored are the ones the engine computes, and every
        # other derived value (search documents, counts, copied dates) is current.
        check = StringIO()
        call_command("recompute_status", "--check", stdout=check)
        call_command("check_derived", stdout=check)
        self.assertIn("All derived state is current.", check.getvalue())

    def test_a_database_that_is_not_empty_is_refused(self):
        load_demo()
        path = self.folder / "backup.json"
        call_command("export_data", str(path), stdout=StringIO())
        before = Claim.objects.count()
        with self.assertRaisesMessage(CommandError, "The database is not empty: it holds"):
            call_command("import_data", str(path), stdout=StringIO())
        self.assertEqual(Claim.objects.count(), before)

    def test_a_broken_backup_writes_nothing(self):
        load_demo()
        path = self.folder / "backup.json"
        call_command("export_data", str(path), stdout=StringIO())
        data = json.loads(path.read_text(encoding="utf-8"))
        wipe()
        data["attributions"][-1]["quote"] = "not the text at these offsets"
        path.write_text(json.dumps(data), encoding="utf-8")
        with self.assertRaises(CommandError) as caught:
            call_command("import_data", str(path), stdout=StringIO())
        self.assertIn("nothing was written", str(caught.exception))
        self.assertEqual((Outlet.objects.count(), Source.objects.count()), (0, 0))
        path.write_text("{not json", encoding="utf-8")
        with self.assertRaisesMessage(CommandError, "is not JSON"):
            call_command("import_data", str(path))
        path.write_text('{"format": "something else"}', encoding="utf-8")
        with self.assertRaisesMessage(CommandError, "Not a Provenance backup"):
            call_command("import_data", str(path))
