"""import_annotations and import_data on hostile files: deep nesting and NUL characters.

Each is refused with a message (a CommandError, no traceback) and writes nothing,
on every database: a NUL accepted on SQLite would make a backup that PostgreSQL
cannot restore.
"""

import json
import shutil
import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command
from django.urls import reverse

from claims.models import Annotation
from tests.base import BaseTestCase
from tests.factories import make_annotation, make_outlet, make_source

DEEP = "[" * 1000 + "]" * 1000


class HostileFileTests(BaseTestCase):
    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="hostile-files-"))
        self.addCleanup(shutil.rmtree, self.tmp)

    def write(self, name, content):
        path = self.tmp / name
        text = content if isinstance(content, str) else json.dumps(content)
        path.write_text(text, encoding="utf-8")
        return str(path)

    def test_import_annotations_refuses_a_deeply_nested_file(self):
        err = StringIO()
        with self.assertRaisesMessage(CommandError, "1 of 1 file(s) failed"):
            call_command("import_annotations", self.write("deep.jsonld", DEEP), stderr=err)
        self.assertIn("deep.jsonld: not imported, nothing written", err.getvalue())
        self.assertIn("The JSON is nested more than 64 levels deep.", err.getvalue())

    def test_import_annotations_refuses_a_nul_naming_the_note(self):
        source = make_source(body="The minister said the talks went well.")
        note = make_annotation(self.editor, "Check this.", source=source, quote="the talks")
        self.login(self.editor)
        document = json.loads(
            self.client.get(reverse("source-annotations-export", args=[source.pk])).content
        )
        Annotation.objects.all().delete()
        document["first"]["items"][0]["body"]["value"] = "Check\x00 this."
        err = StringIO()
        with self.assertRaises(CommandError):
            call_command("import_annotations", self.write("nul.jsonld", document), stderr=err)
        self.assertIn(f"Item 1 (urn:uuid:{note.uuid})", err.getvalue())
        self.assertIn("“body.value” contains a NUL character", err.getvalue())
        self.assertFalse(Annotation.objects.exists())

    def test_import_data_refuses_a_deeply_nested_file(self):
        with self.assertRaisesMessage(CommandError, "nested more than 64 levels deep"):
            call_command("import_data", self.write("deep.json", DEEP), stdout=StringIO())

    def test_import_data_refuses_a_nul_naming_where_it_is(self):
        make_outlet("Daily", notes="Plain notes.")
        path = self.tmp / "backup.json"
        call_command("export_data", str(path), stdout=StringIO())
        data = json.loads(path.read_text(encoding="utf-8"))
        data["outlets"][0]["notes"] = "Plain\x00 notes."
        with self.assertRaisesMessage(
            CommandError, "outlets[0].notes: the text contains a NUL character"
        ):
            call_command("import_data", self.write("nul.json", data), stdout=StringIO())
