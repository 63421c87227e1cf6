"""manage.py import_articles: files, folders, globs, formats, --dry-run, --outlet, --format,
the progress bar, the summary table and the exit status."""

import os
import shutil
import subprocess
import sys
import tempfile
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from sources.models import ImportBatch, Source
from tests.base import BaseTestCase
from tests.factories import make_outlet


class ImportArticlesCommandTests(BaseTestCase):
    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="import-cmd-"))
        self.addCleanup(shutil.rmtree, self.tmp)
        self.one = self.write("one.txt", "First article\nText one.")
        self.two = self.write("folder/two.txt", "Second article\nText two.")
        self.three = self.write("globbed/three.txt", "Third article\nText three.")
        self.write("globbed/notes.md", "Not matched by the glob")

    def write(self, name, data):
        path = self.tmp / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        return path

    def run_command(self, *args):
        out = StringIO()
        call_command("import_articles", *map(str, args), stdout=out, stderr=StringIO())
        return out.getvalue()

    def test_files_folders_and_globs(self):
        output = self.run_command(self.one, self.tmp / "folder", self.tmp / "globbed" / "*.txt")

        self.assertEqual(
            sorted(Source.objects.values_list("title", flat=True)),
            ["First article", "Second article", "Third article"],
        )
        batch = ImportBatch.objects.get()
        source = Source.objects.get(title="First article")
        self.assertRegex(output, rf"imported +{self.one} +source #{source.pk} “First article”")
        self.assertIn("“Third article”", output)
        self.assertIn(f"Import batch #{batch.pk}: 3 imported, 0 duplicate, 0 failed.", output)
        self.assertNotIn("notes.md", output)

    def test_rerun_reports_duplicates_and_changes_nothing(self):
        self.run_command(self.tmp)
        counts = (Source.objects.count(), ImportBatch.objects.count())

        output = self.run_command(self.tmp)

        self.assertEqual(output.count("duplicate of source #"), 4)
        self.assertIn(
            "Nothing new: 0 imported, 4 duplicate, 0 failed. Nothing was written.", output
        )
        self.assertEqual((Source.objects.count(), ImportBatch.objects.count()), counts)

    def test_missing_file_fails_after_importing_the_rest(self):
        missing = self.tmp / "nope.txt"
        out = StringIO()

        with self.assertRaisesMessage(
            CommandError, "1 of 3 articles could not be imported (1 file(s) with failures)."
        ) as error:
            call_command(
                "import_articles",
                str(missing),
                str(self.one),
                str(self.two),
                stdout=out,
                stderr=StringIO(),
            )

        # manage.py exits with the error's return code (BaseCommand.run_from_argv).
        self.assertEqual(error.exception.returncode, 1)

        self.assertEqual(Source.objects.count(), 2)
        self.assertRegex(out.getvalue(), rf"failed +{missing} +no such file or folder")
        batch = ImportBatch.objects.get()
        self.assertEqual(batch.errors, [{"file": str(missing), "error": "no such file or folder"}])

    def test_manage_py_exits_non_zero_when_a_file_fails(self):
        # A dry run over a missing path never opens the database, so the real
        # manage.py can run here without touching any data.
        missing = self.tmp / "nope.txt"
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "provenance.settings_test"}

        process = subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
            [sys.executable, "manage.py", "import_articles", "--dry-run", str(missing)],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

        self.assertEqual(process.returncode, 1, process.stderr)
        self.assertRegex(process.stdout, rf"failed +{missing} +no such file or folder")
        self.assertIn("CommandError: 1 of 1 articles could not be imported", process.stderr)

    def test_glob_matching_nothing_is_reported(self):
        pattern = self.tmp / "*.html"

        with self.assertRaisesMessage(CommandError, "1 of 1 articles could not be imported"):
            self.run_command(pattern)

        self.assertEqual(ImportBatch.objects.get().errors[0]["file"], str(pattern))

    def test_dry_run_writes_nothing(self):
        output = self.run_command("--dry-run", self.tmp)

        self.assertRegex(output, rf"would import +{self.one} +“First article”")
        self.assertIn("Dry run: 4 to import, 0 duplicate, 0 failed. Nothing was written.", output)
        self.assertEqual(Source.objects.count(), 0)
        self.assertEqual(ImportBatch.objects.count(), 0)

    def test_outlet_by_name_or_alias(self):
        tass = make_outlet("TASS", aliases=["ITAR-TASS"])

        self.run_command("--outlet", "itar tass", self.one)

        self.assertEqual(Source.objects.get().outlet, tass)

    def test_unknown_outlet_is_an_error_and_writes_nothing(self):
        with self.assertRaisesMessage(CommandError, "Unknown outlet “Nowhere News”"):
            self.run_command("--outlet", "Nowhere News", self.one)

        self.assertEqual(Source.objects.count(), 0)
        self.assertEqual(ImportBatch.objects.count(), 0)

    def test_non_utf8_encoding_is_reported(self):
        latin = self.write("latin/win.txt", b"R\xe9sum\xe9\nText.")

        output = self.run_command(latin)

        self.assertIn("“Résumé” (decoded as Windows-1252 (cp1252))", output)
        self.assertEqual(Source.objects.get().body, "Résumé\nText.")

    def test_summary_table_has_every_article_with_its_status_and_reason(self):
        make_outlet("TASS")
        self.write(
            "table/a.txt", "Headline\n\nThe talks went well, TASS said.\n\nOthers said more."
        )
        self.write(
            "table/b.txt", "Headline\n\nThe talks went well, TASS said.\n\nOthers said more."
        )
        self.write("table/c.bin", b"\x89PNG\r\n\x1a\n\x00")

        out = StringIO()
        with self.assertRaises(CommandError):
            call_command("import_articles", str(self.tmp / "table"), stdout=out, stderr=StringIO())

        lines = out.getvalue().splitlines()
        self.assertRegex(lines[0], r"^Status +File +Detail$")
        self.assertRegex(lines[2], r"^imported +\S+a\.txt +source #\d+ “Headline” relays TASS")
        self.assertIn("2 suggested attributions", lines[2])
        self.assertIn("needs metadata: outlet, byline, published_on", lines[2])
        self.assertRegex(
            lines[3],
            r"^duplicate +\S+b\.txt +duplicate of source #\d+ \(\S+a\.txt\), earlier in this run",
        )
        self.assertRegex(lines[4], r"^failed +\S+c\.bin +this is a binary file \(a PNG image\)")
        self.assertEqual(
            lines[5],
            f"Import batch #{ImportBatch.objects.get().pk}: 1 imported, 1 duplicate, 1 failed.",
        )

    def test_formats_and_a_failed_row_exits_non_zero(self):
        rows = self.write(
            "rows/articles.jsonl",
            '{"title": "Row one", "body": "Text one."}\n{"title": "No text"}\n',
        )

        with self.assertRaisesMessage(CommandError, "1 of 2 articles could not be imported"):
            self.run_command("--format", "jsonl", rows)

        self.assertEqual(Source.objects.get().title, "Row one")
        self.assertEqual(
            ImportBatch.objects.get().errors,
            [
                {
                    "file": f"{rows}:line 2",
                    "error": "line 2: no article text (give a “body” or “text” field)",
                }
            ],
        )
        with self.assertRaises(CommandError):
            call_command("import_articles", "--format", "nonsense", str(rows), stdout=StringIO())

    def test_progress_bar_on_stderr(self):
        out, err = StringIO(), StringIO()

        call_command(
            "import_articles",
            "--progress",
            str(self.tmp / "folder"),
            str(self.one),
            stdout=out,
            stderr=err,
        )

        progress = err.getvalue()
        self.assertIn("\r[###############...............] 1/2  50%", progress)
        self.assertIn("\r[##############################] 2/2 100%", progress)
        self.assertTrue(progress.endswith("\n"))
        self.assertNotIn("[###", out.getvalue())

        err = StringIO()
        call_command("import_articles", self.tmp / "folder", stdout=StringIO(), stderr=err)
        self.assertEqual(err.getvalue(), "")  # not a terminal: no bar
