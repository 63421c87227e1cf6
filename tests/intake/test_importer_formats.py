"""intake.importer: HTML pages, JSON Lines, CSV, zip archives and content sniffing."""

import io
import json
import shutil
import tempfile
import zipfile
from datetime import date
from pathlib import Path

from django.test import override_settings

from intake.actions import import_files
from intake.importer.articles import FileStatus, Format
from intake.importer.files import sniff
from intake.importer.formats import parse_bytes
from sources.models import ImportBatch, Source
from tests.base import BaseTestCase
from tests.factories import make_outlet

PAGE = """<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8">
<title>Envoy visits Beijing | Example News</title>
<meta property="og:site_name" content="Example News">
<meta property="og:title" content="Envoy visits Beijing">
<meta name="author" content="Jane Roe">
<meta property="article:published_time" content="2022-09-19T10:00:00Z">
<link rel="canonical" href="https://example.com/news/envoy">
</head><body>
<nav>Home | World | Subscribe</nav>
<article><h1>Envoy visits Beijing</h1>
<p>The envoy met officials in Beijing on Monday for two days of talks, according to Xinhua.</p>
<p>“We agreed on many things,” the envoy said after the meeting with his counterpart.
<script>alert("never rendered")</script></p>
<p>Another paragraph follows here with more text, so that the extractor keeps it all.</p>
</article><footer>Copyright 2024 Example News</footer></body></html>"""


def zip_bytes(members, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


class FormatTestCase(BaseTestCase):
    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="import-formats-"))
        self.addCleanup(shutil.rmtree, self.tmp)

    def write(self, name, data):
        path = self.tmp / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        return path

    def outcomes(self, result):
        return [
            (o.path.replace(str(self.tmp) + "/", ""), o.status, o.message) for o in result.outcomes
        ]


class SniffTests(FormatTestCase):
    def test_content_decides_not_the_file_name(self):
        self.assertEqual(sniff(PAGE.encode()), Format.HTML)
        self.assertEqual(sniff(b'{"body": "x"}\n{"body": "y"}'), Format.JSONL)
        self.assertEqual(sniff(b"title,body\nA,B\n"), Format.CSV)
        self.assertEqual(sniff(zip_bytes({"a.txt": "A"})), Format.ZIP)
        self.assertEqual(sniff(b"Text, body and soul\nA story."), Format.TEXT)
        self.assertEqual(sniff(b"[UPDATED] A headline\nText."), Format.TEXT)

    def test_a_page_saved_as_txt_is_read_as_html_and_text_saved_as_html_as_text(self):
        self.write("page.txt", PAGE)
        self.write("story.html", "A headline\n\nA plain story, no markup at all.")

        result = import_files([self.tmp])

        formats = {Path(o.path).name: o.source.import_format for o in result.outcomes}
        self.assertEqual(formats, {"page.txt": "html", "story.html": "text"})

    def test_a_forced_format_that_does_not_fit_is_refused(self):
        items = parse_bytes(b"Just text", "a.txt", fmt=Format.ZIP)
        self.assertEqual(items[0].error, "not a zip archive (--format zip)")


class HtmlTests(FormatTestCase):
    def test_metadata_and_main_text_are_extracted_and_the_page_kept(self):
        outlet = make_outlet("Example News")
        make_outlet("Xinhua")
        self.write("envoy.html", PAGE)

        result = import_files([self.tmp])

        source = result.imported[0].source
        self.assertEqual(source.title, "Envoy visits Beijing")
        self.assertEqual(source.byline, "Jane Roe")
        self.assertEqual(source.published_on, date(2022, 9, 19))
        self.assertEqual(source.url, "https://example.com/news/envoy")
        self.assertEqual(source.language, "en")
        self.assertEqual(source.outlet, outlet)
        self.assertEqual(source.import_format, Source.Format.HTML)
        self.assertEqual(source.raw_html, PAGE)  # evidence, kept as it came
        self.assertIn("The envoy met officials in Beijing", source.body)
        self.assertIn("“We agreed on many things,” the envoy said", source.body)
        for furniture in ("alert(", "<script", "Home | World", "Copyright"):
            self.assertNotIn(furniture, source.body)
        self.assertEqual(
            list(source.relay_links.values_list("cue", flat=True)), ["according to Xinhua"]
        )
        self.assertEqual(source.missing_metadata, [])
        self.assertFalse(source.needs_metadata)

    def test_an_unknown_site_is_left_empty_with_a_note_and_the_domain_can_match(self):
        self.write("envoy.html", PAGE)

        result = import_files([self.tmp], dry_run=True)
        self.assertEqual(result.imported[0].outlet_name, "")
        self.assertIn("outlet", result.imported[0].missing)

        by_domain = make_outlet("Example", domain="www.example.com")
        result = import_files([self.tmp])
        self.assertEqual(result.imported[0].source.outlet, by_domain)

    def test_a_page_with_no_text_is_refused(self):
        self.write("empty.html", "<html><head><title>Nothing</title></head><body></body></html>")
        self.write("broken.html", "<html><body><<<>>><p")

        result = import_files([self.tmp])

        self.assertEqual([o.status for o in result.outcomes], [FileStatus.FAILED] * 2)
        self.assertIn("no article text", result.outcomes[0].message)
        self.assertEqual(Source.objects.count(), 0)


class JsonLinesTests(FormatTestCase):
    def test_rows_with_named_fields_and_per_row_errors(self):
        tass = make_outlet("TASS")
        rows = [
            {
                "title": "One",
                "body": "The first article.",
                "url": "https://e.com/1",
                "byline": "A. Writer",
                "date": "2022-09-19",
                "outlet": "TASS",
                "language": "ru",
            },
            {"title": "Two", "text": "The second article.", "date": "June 7, 2014"},
            "not an object",
            {"title": "No body"},
            {"title": "Bad date", "body": "Text three.", "date": "yesterday"},
            {"title": "Bad URL", "body": "Text four.", "url": "javascript:alert(1)"},
            {"title": ["a", "list"], "body": "Text five."},
            {"title": "Unknown outlet", "body": "Text six.", "outlet": "Nowhere", "extra": 1},
        ]
        lines = [json.dumps(row) for row in rows]
        lines.insert(2, "{broken json")
        self.write("rows.jsonl", "\n".join(lines) + "\n\n")

        result = import_files([self.tmp])

        self.assertEqual(
            self.outcomes(result),
            [
                ("rows.jsonl:line 1", "imported", f"source #{result.outcomes[0].source.pk}"),
                ("rows.jsonl:line 2", "imported", f"source #{result.outcomes[1].source.pk}"),
                ("rows.jsonl:line 3", "failed", result.outcomes[2].message),
                ("rows.jsonl:line 4", "failed", "expected a JSON object, not text"),
                (
                    "rows.jsonl:line 5",
                    "failed",
                    "line 5: no article text (give a “body” or “text” field)",
                ),
                (
                    "rows.jsonl:line 6",
                    "failed",
                    "line 6: the date “yesterday” is not a date (use YYYY-MM-DD)",
                ),
                (
                    "rows.jsonl:line 7",
                    "failed",
                    "line 7: the URL “javascript:alert(1)” is not a valid http(s) address",
                ),
                (
                    "rows.jsonl:line 8",
                    "failed",
                    "line 8: the field “title” must be text, not a list",
                ),
                ("rows.jsonl:line 9", "imported", f"source #{result.outcomes[8].source.pk}"),
            ],
        )
        self.assertIn("not valid JSON", result.outcomes[2].message)
        one = result.outcomes[0].source
        self.assertEqual(
            (one.title, one.body, one.url, one.byline, one.published_on, one.outlet, one.language),
            (
                "One",
                "The first article.",
                "https://e.com/1",
                "A. Writer",
                date(2022, 9, 19),
                tass,
                "ru",
            ),
        )
        self.assertEqual(one.import_format, Source.Format.JSONL)
        self.assertEqual(result.outcomes[1].source.published_on, date(2014, 6, 7))
        six = result.outcomes[8].source
        self.assertIsNone(six.outlet)
        self.assertIn("“Nowhere”", six.import_notes)
        self.assertIn("ignored unknown field(s): extra", six.import_notes)
        batch = result.batch
        self.assertEqual((batch.imported_count, batch.failed_count), (3, 6))
        self.assertEqual(batch.files, [str(self.tmp / "rows.jsonl")])
        self.assertEqual(batch.errors[1]["file"], f"{self.tmp / 'rows.jsonl'}:line 4")

    def test_a_row_without_a_title_has_none(self):
        self.write("rows.jsonl", json.dumps({"body": "First line\nSecond line."}))

        source = import_files([self.tmp]).imported[0].source

        self.assertEqual(source.title, "")
        self.assertEqual(source.missing_metadata, ["title", "outlet", "byline", "published_on"])

    def test_duplicate_rows_by_url_and_by_text(self):
        self.write(
            "rows.jsonl",
            "\n".join(
                json.dumps(row)
                for row in [
                    {"title": "A", "body": "Text A.", "url": "https://e.com/a"},
                    {"title": "A again", "body": "Other text.", "url": "https://e.com/a"},
                    {"title": "B", "body": "Text A."},
                ]
            ),
        )

        result = import_files([self.tmp])

        self.assertEqual(
            [o.status for o in result.outcomes], ["imported", "duplicate", "duplicate"]
        )
        first = result.outcomes[0].source
        rows = self.tmp / "rows.jsonl"
        self.assertEqual(
            result.outcomes[1].message,
            f"duplicate of source #{first.pk} ({rows}:line 1), earlier in this run",
        )
        self.assertEqual(result.outcomes[2].source_id, first.pk)
        again = import_files([rows])
        self.assertEqual(
            [o.message for o in again.outcomes],
            [
                f"duplicate of source #{first.pk} “A” (same {reason})"
                for reason in ("text", "URL", "text")
            ],
        )
        Source.objects.all().delete()
        dry = import_files([self.tmp / "rows.jsonl"], dry_run=True)
        self.assertEqual([o.status for o in dry.outcomes], ["imported", "duplicate", "duplicate"])
        self.assertIn("earlier in this run", dry.outcomes[1].message)


class CsvTests(FormatTestCase):
    def test_rows_with_named_fields_and_per_row_errors(self):
        self.write(
            "rows.csv",
            "title,body,date,url\n"
            'One,"The first article, with a comma.",2022-09-19,https://e.com/1\n'
            "Two,Second article.\n"
            ",,,\n"
            "Three,,2022-09-19,\n"
            "Four,Fourth article.,not a date,\n"
            'Five,"Fifth ""quoted"" article.",,\n',
        )

        result = import_files([self.tmp])

        self.assertEqual(
            [(o.path.rsplit("/", 1)[-1], o.status) for o in result.outcomes],
            [
                ("rows.csv:row 2", "imported"),
                ("rows.csv:row 3", "failed"),
                ("rows.csv:row 5", "failed"),
                ("rows.csv:row 6", "failed"),
                ("rows.csv:row 7", "imported"),
            ],
        )
        self.assertEqual(result.outcomes[1].message, "row 3: expected 4 fields, found 2")
        self.assertIn("no article text", result.outcomes[2].message)
        self.assertIn("“not a date” is not a date", result.outcomes[3].message)
        self.assertEqual(result.outcomes[0].source.body, "The first article, with a comma.")
        self.assertEqual(result.outcomes[4].source.body, 'Fifth "quoted" article.')
        self.assertEqual(result.outcomes[0].source.import_format, Source.Format.CSV)

    def test_semicolons_and_a_missing_body_column(self):
        self.write("semi.csv", "title;text\nOne;Body one.\n")
        self.write("nobody.csv", "title,body_text\nOne,Body.\n")

        result = import_files([self.tmp], fmt=Format.CSV)

        self.assertEqual([o.status for o in result.outcomes], ["failed", "imported"])
        self.assertEqual(
            result.outcomes[0].message, "the CSV header names no “body” or “text” column"
        )
        self.assertEqual(result.outcomes[1].source.body, "Body one.")

    def test_malformed_csv_is_reported(self):
        self.write("bad.csv", 'title,body\nOne,"unclosed quote\n')

        result = import_files([self.tmp], fmt=Format.CSV)

        self.assertEqual(result.outcomes[0].status, FileStatus.FAILED)
        self.assertIn("malformed CSV row", result.outcomes[0].message)


class ZipTests(FormatTestCase):
    def test_members_of_every_format_with_labels(self):
        self.write(
            "bundle.zip",
            zip_bytes(
                {
                    "a/one.txt": "One\n\nThe first article.",
                    "b/page.html": PAGE,
                    "c/rows.jsonl": json.dumps({"title": "Row", "body": "A row article."}),
                    "__MACOSX/._one.txt": b"\x00\x05\x16\x07",
                    ".hidden": "skipped",
                    "d/empty.txt": "",
                    "e/inner.zip": zip_bytes({"x.txt": "X"}),
                }
            ),
        )

        result = import_files([self.tmp])

        self.assertEqual(
            [
                (
                    o.path.rsplit("/", 1)[-1] if "!" not in o.path else o.path.split("!", 1)[1],
                    o.status,
                )
                for o in result.outcomes
            ],
            [
                ("a/one.txt", "imported"),
                ("b/page.html", "imported"),
                ("c/rows.jsonl:line 1", "imported"),
                ("d/empty.txt", "failed"),
                ("e/inner.zip", "failed"),
            ],
        )
        self.assertEqual(result.outcomes[3].message, "the file is empty")
        self.assertIn("a zip inside a zip is not imported", result.outcomes[4].message)
        self.assertEqual(result.batch.files, [str(self.tmp / "bundle.zip")])
        self.assertTrue(result.outcomes[0].path.endswith("bundle.zip!a/one.txt"))

    def test_path_traversal_and_absolute_names_refuse_the_whole_archive(self):
        for name in (
            "../evil.txt",
            "a/../../evil.txt",
            "/etc/passwd",
            "C:/evil.txt",
            "a\\..\\..\\x",
        ):
            with self.subTest(name=name):
                items = parse_bytes(zip_bytes({"ok.txt": "Fine\n\nText.", name: "Evil"}), "z.zip")
                self.assertEqual(len(items), 1)
                self.assertIn("unsafe zip archive", items[0].error)
                self.assertIn("nothing in it was imported", items[0].error)
        self.assertEqual(Source.objects.count(), 0)

    @override_settings(IMPORT_ZIP_MAX_RATIO=100)
    def test_a_zip_bomb_is_refused_by_its_compression_ratio(self):
        items = parse_bytes(zip_bytes({"bomb.txt": b"a" * 4_000_000}), "bomb.zip")
        self.assertEqual(len(items), 1)
        self.assertIn("zip bomb refused", items[0].error)
        self.assertIn("IMPORT_ZIP_MAX_RATIO", items[0].error)

    @override_settings(IMPORT_ZIP_MAX_TOTAL_BYTES=1000, IMPORT_ZIP_MAX_RATIO=10**6)
    def test_a_zip_bomb_is_refused_by_its_total_size(self):
        members = {f"{n}.txt": f"Title {n}\n\n" + "word " * 60 for n in range(5)}
        items = parse_bytes(zip_bytes(members), "big.zip")
        self.assertIn("IMPORT_ZIP_MAX_TOTAL_BYTES", items[0].error)

    @override_settings(IMPORT_ZIP_MAX_MEMBERS=3)
    def test_too_many_members_are_refused(self):
        items = parse_bytes(zip_bytes({f"{n}.txt": f"T{n}\n\nText." for n in range(4)}), "many.zip")
        self.assertIn("4 files, over the limit of 3", items[0].error)

    def test_an_office_document_and_a_broken_zip(self):
        docx = parse_bytes(
            zip_bytes({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>"}), "a.docx"
        )
        broken = parse_bytes(b"PK\x03\x04 not really a zip", "b.zip")
        self.assertIn("Office document", docx[0].error)
        self.assertIn("not a valid zip archive", broken[0].error)

    def test_an_upload_batch_records_the_zip(self):
        self.write("bundle.zip", zip_bytes({"a.txt": "A\n\nText a.", "b.txt": "B\n\nText b."}))

        import_files([self.tmp], via=ImportBatch.Via.ADMIN)

        batch = ImportBatch.objects.get()
        self.assertEqual((batch.imported_count, batch.via), (2, ImportBatch.Via.ADMIN))
        self.assertEqual(
            sorted(Source.objects.values_list("import_label", flat=True)),
            [f"{self.tmp / 'bundle.zip'}!a.txt", f"{self.tmp / 'bundle.zip'}!b.txt"],
        )
