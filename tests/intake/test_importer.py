"""intake.importer: decoding, cleaning, metadata, duplicates, errors and per-file atomicity.

Formats other than plain text are in test_importer_formats.py; the fuzz test in
test_importer_fuzz.py.
"""

import shutil
import tempfile
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test import override_settings

from claims import engine
from intake.actions import import_article, import_files
from intake.importer.articles import ArticleData, FileStatus
from intake.importer.metadata import analyse_text
from intake.management.commands.load_demo import load_annotations
from intake.models import Suggestion
from sources.models import ImportBatch, Outlet, Source, SourceRelay
from tests.base import BaseTestCase
from tests.factories import load_demo, make_demo_cast, make_outlet, make_source

SEEDS = Path(settings.BASE_DIR) / "demo" / "articles"


class ImporterTestCase(BaseTestCase):
    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="import-test-"))
        self.addCleanup(shutil.rmtree, self.tmp)

    def write(self, name, data):
        path = self.tmp / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        return path

    def statuses(self, result):
        return [(Path(o.path).name, o.status) for o in result.outcomes]


class ImportTests(ImporterTestCase):
    def test_folder_is_walked_sorted_and_the_original_text_is_kept_exactly(self):
        text = "Follow us on:\u00a0 \u00a0\r\n\r\nA title\u00a0here \r\nBody line.  \r\n"
        self.write("b.txt", text)
        self.write("a.txt", "First article\n\nIt says things.")
        self.write("sub/c.txt", "Third article\nMore.")
        self.write(".hidden", "not an article")

        result = import_files([self.tmp], user=self.admin)

        self.assertEqual(
            self.statuses(result),
            [("a.txt", "imported"), ("b.txt", "imported"), ("c.txt", "imported")],
        )
        source = Source.objects.get(title="A title here")
        self.assertEqual(source.original_text, text)  # CRLF, NBSP and trailing blanks kept
        # The body: furniture gone, "\n" line ends, no trailing blanks, NBSP inside kept.
        self.assertEqual(source.body, "A title\u00a0here\nBody line.")
        self.assertEqual(source.import_format, Source.Format.TEXT)
        self.assertEqual(source.encoding, "utf-8")
        self.assertEqual(source.import_label, str(self.tmp / "b.txt"))
        self.assertEqual(source.imported_by, self.admin)
        batch = result.batch
        self.assertEqual(source.batch, batch)
        self.assertEqual(batch.created_by, self.admin)
        self.assertEqual(batch.via, ImportBatch.Via.COMMAND)
        self.assertEqual(
            (batch.imported_count, batch.duplicate_count, batch.failed_count), (3, 0, 0)
        )
        self.assertEqual([Path(f).name for f in batch.files], ["a.txt", "b.txt", "c.txt"])
        self.assertEqual(batch.errors, [])

    def test_title_is_first_meaningful_line_and_fits_the_field(self):
        self.write(
            "furniture.txt",
            "\n  \nLast update: October 14, 2024 23:44\nNewsroom logo\n* * *\nNone\n"
            "  The   real title  \nBody.",
        )
        self.write("long.txt", "x" * 600 + "\nBody.")

        result = import_files([self.tmp])

        furniture, long = (o.source for o in result.outcomes)
        self.assertEqual(furniture.title, "The real title")
        self.assertEqual(furniture.body, "  The   real title\nBody.")
        self.assertEqual(len(long.title), 500)
        self.assertTrue(long.title.endswith("…"))

    def test_outlet_option_overrides_what_the_text_says(self):
        tass = make_outlet("TASS")
        make_outlet("The BRICS Post", aliases=["TBP"])
        self.write("a.txt", "Wire story\n\nText of the story.\n\nTBP and Agencies")

        result = import_files([self.tmp], outlet=tass)

        self.assertEqual(result.imported[0].source.outlet, tass)

    def test_a_text_of_only_furniture_is_refused(self):
        self.write("furniture.txt", "Follow us on:\nNewsroom logo\nNone\n")

        result = import_files([self.tmp])

        self.assertEqual(result.outcomes[0].status, FileStatus.FAILED)
        self.assertIn("only site furniture", result.outcomes[0].message)
        self.assertEqual(Source.objects.count(), 0)


class PlainTextMetadataTests(ImporterTestCase):
    def test_byline_and_date_lines_and_furniture(self):
        meta = analyse_text(
            "Last update: October 14, 2024 23:44\n\nNewsroom logo\n\nThe headline\n\n"
            "By Jane Roe March 3, 2021\n\nNone\n\n"
            "The minister said on May 2, 2020 that the talks went well and would go on.\n\n"
            "Leave a Reply\n\nYour email address will not be published. Required fields are "
            "marked *"
        )
        self.assertEqual(meta.title, "The headline")
        self.assertEqual(meta.byline, "Jane Roe")
        # The byline's date, not "Last update" and not the date inside the story.
        self.assertEqual(meta.published_on, date(2021, 3, 3))
        self.assertEqual(
            meta.body,
            "The headline\n\n"
            "The minister said on May 2, 2020 that the talks went well and would go on.",
        )

    def test_a_date_line_under_the_title_and_a_signature(self):
        meta = analyse_text(
            "Follow us on:\n\nThe headline\nJune 7, 2014, 9:47 am\n\n"
            "A long enough first paragraph of the story that reads like a sentence, really.\n\n"
            "TBP and Agencies"
        )
        self.assertEqual(meta.published_on, date(2014, 6, 7))
        self.assertEqual((meta.outlet_name, meta.outlet_cue), ("TBP", "TBP and Agencies"))
        self.assertNotIn("June 7", meta.body)
        self.assertNotIn("TBP", meta.body)

    def test_no_date_no_byline_means_empty_never_a_guess(self):
        meta = analyse_text(
            "A title\n\nIn 2017, a number of large-scale joint measures are planned, officials "
            "said on September 4, 2017 in Astana."
        )
        self.assertIsNone(meta.published_on)
        self.assertEqual(meta.byline, "")
        self.assertEqual(meta.outlet_name, "")

    def test_a_caption_repeating_a_paragraph_goes_and_one_copy_stays(self):
        paragraph = "Nikolai Patrushev said that the two countries continue to work together today."
        meta = analyse_text(
            f"Title\n\n{paragraph} / Mikhail Metzel / TASS\n\nOther paragraph of the story "
            f"that is long enough to be one.\n\n{paragraph}"
        )
        self.assertEqual(meta.body.count(paragraph), 1)
        self.assertNotIn("Metzel", meta.body)


class SeedTests(ImporterTestCase):
    """The five seeds are the test of plain-text metadata."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.annotations = make_demo_cast()

    def import_seeds(self):
        result = import_files([SEEDS], via=ImportBatch.Via.DEMO)
        return {Path(o.path).name[:3]: o.source for o in result.outcomes}

    def test_metadata_of_each_seed(self):
        sources = self.import_seeds()

        found = {
            key: (s.title, s.byline, s.published_on, s.outlet.name if s.outlet else None)
            for key, s in sources.items()
        }
        self.assertEqual(
            found,
            {
                "000": (
                    "Patrushev in China: Discussing the creation of SCO peacekeeping forces",
                    "Editorial Team",
                    None,
                    "Pravda.Ru",
                ),
                "001": (
                    "China and Russia concur to strengthen their security ties",
                    "",
                    None,
                    None,
                ),
                "002": (
                    "Russia, China to jointly “tackle threats”",
                    "",
                    date(2014, 6, 7),
                    "The BRICS Post",
                ),
                "003": (
                    "Moscow & Beijing Move Forward With Strategic Security Amid Growing "
                    "Pressure From US",
                    "Vusala Abbasova",
                    date(2019, 12, 6),
                    None,
                ),
                "004": ("Military Map for Russia and China", "", None, None),
            },
        )
        missing = {key: s.missing_metadata for key, s in sources.items()}
        self.assertEqual(
            missing,
            {
                "000": ["published_on"],
                "001": ["outlet", "byline", "published_on"],
                "002": ["byline"],
                "003": ["outlet"],
                "004": ["outlet", "byline", "published_on"],
            },
        )
        self.assertTrue(all(s.needs_metadata for s in sources.values()))

    def test_the_importer_agrees_with_the_demo_annotations(self):
        sources = self.import_seeds()

        for entry in self.annotations["sources"]:
            source = sources[entry["file"][:3]]
            with self.subTest(source=entry["key"]):
                outlet = Outlet.objects.resolve(entry["outlet"]) if entry.get("outlet") else None
                self.assertEqual(source.outlet, outlet)
                if entry.get("byline"):
                    self.assertEqual(source.byline, entry["byline"])
                if entry.get("published_on"):
                    self.assertEqual(source.published_on, entry["published_on"])
                relays = {
                    (link.outlet.name, link.cue)
                    for link in source.relay_links.select_related("outlet")
                }
                expected = {
                    (Outlet.objects.resolve(r["outlet"]).name, r["cue"])
                    for r in entry.get("relays", [])
                    # "state media" names no outlet without guessing which state: proposed.
                    if r["cue"] != "state media reports said"
                }
                self.assertEqual(relays, expected)
        self.assertEqual(
            sources["002"].proposed_relays,
            [{"name": "state media", "cue": "state media reports said"}],
        )
        # "/ Mikhail Metzel / TASS" credits a photo: no relay.
        self.assertFalse(sources["003"].relay_links.filter(outlet__name="TASS").exists())

    def test_bodies_are_cleaned_and_every_demo_quote_is_found(self):
        sources = self.import_seeds()

        for key, source in sources.items():
            original = (SEEDS / source.import_label.rsplit("/", 1)[-1]).read_text("utf-8")
            self.assertEqual(source.original_text, original)
            self.assertEqual(source.body.splitlines()[0], source.title)
            for furniture in (
                "Follow us on",
                "Subscribe to",
                "Leave a Reply",
                "Newsroom logo",
                "Last update",
                "Author`s name",
                "Editor Dmitry",
                "TBP and Agencies",
                "\nNone\n",
                "Metzel",
            ):
                self.assertNotIn(furniture, source.body, key)
        for claim in load_annotations()["claims"]:
            for item in claim["attributions"]:
                source = next(s for k, s in sources.items() if k == item["source"])
                with self.subTest(claim=claim["key"], quote=item["quote"][:40]):
                    start, end = source.find_quote(
                        item["quote"], item.get("prefix", ""), item.get("suffix", "")
                    )
                    self.assertEqual(source.body[start:end], item["quote"])

    def test_suggestions_are_stored_with_their_spans(self):
        sources = self.import_seeds()

        suggestions = Suggestion.objects.select_related("source", "speaker")
        self.assertGreater(len(suggestions), 30)
        for suggestion in suggestions:
            self.assertEqual(
                suggestion.source.body[suggestion.start : suggestion.end], suggestion.quote
            )
            self.assertEqual(suggestion.state, Suggestion.State.PENDING)
            self.assertTrue(suggestion.cue)
        bashirov = suggestions.get(source=sources["000"], quote__contains="Marat Bashirov wrote")
        self.assertEqual(bashirov.speaker.name, "Marat Bashirov")
        self.assertEqual(bashirov.kind, "direct_quote")
        self.assertTrue(bashirov.speculative)
        relayed = suggestions.get(source=sources["003"], quote__contains="RIA Novosti quoted")
        self.assertEqual(relayed.speaker.name, "Nikolai Patrushev")
        self.assertEqual(relayed.relayed_via.name, "RIA Novosti")

    def test_demo_statuses_stay_current_with_imported_relays(self):
        load_demo()

        # Relays were saved through the models, so the stored statuses need no rebuild.
        self.assertEqual(engine.recompute_all(write=False).changed, 0)
        pravda = Source.objects.get(outlet__name="Pravda.Ru")
        self.assertEqual(
            dict(pravda.relay_links.values_list("outlet__name", "cue")),
            {
                "Xinhua": "According to Xinhua",
                "TASS": "TASS said with reference to the Russian Security Council",
            },
        )


class RelayTests(ImporterTestCase):
    def test_known_agencies_become_relays_unknown_ones_are_proposed(self):
        tass = make_outlet("TASS", aliases=["ITAR-TASS"])
        outlets = Outlet.objects.count()
        self.write(
            "a.txt",
            "A headline\n\nThe talks went well, ITAR-TASS said with reference to the ministry. "
            "Officials confirmed it later, according to the Nowhere News Agency.",
        )

        result = import_files([self.tmp])

        source = result.imported[0].source
        self.assertEqual(
            list(source.relay_links.values_list("outlet", "cue")),
            [(tass.pk, "ITAR-TASS said with reference to the ministry")],
        )
        self.assertEqual(
            source.proposed_relays,
            [{"name": "Nowhere News Agency", "cue": "according to the Nowhere News Agency"}],
        )
        self.assertEqual(Outlet.objects.count(), outlets)  # nothing created
        self.assertEqual(result.imported[0].relays, ["TASS"])

    def test_the_articles_own_outlet_is_no_relay(self):
        xinhua = make_outlet("Xinhua")
        self.write("a.txt", "Headline\n\nAccording to Xinhua, it rained.\n\nXinhua and agencies")

        result = import_files([self.tmp])

        source = result.imported[0].source
        self.assertEqual(source.outlet, xinhua)
        self.assertFalse(SourceRelay.objects.exists())


class DuplicateTests(ImporterTestCase):
    def test_second_run_reports_duplicates_and_changes_nothing(self):
        self.write("a.txt", "One\nText one.")
        self.write("b.txt", "Two\nText two.")
        first = import_files([self.tmp])
        counts = (Source.objects.count(), ImportBatch.objects.count(), Suggestion.objects.count())

        second = import_files([self.tmp])

        self.assertEqual(self.statuses(second), [("a.txt", "duplicate"), ("b.txt", "duplicate")])
        self.assertEqual([o.source for o in second.outcomes], [o.source for o in first.outcomes])
        self.assertIn(
            f"duplicate of source #{first.outcomes[0].source.pk}", second.outcomes[0].message
        )
        self.assertIsNone(second.batch)  # nothing imported, nothing failed: no batch row
        self.assertEqual(
            (Source.objects.count(), ImportBatch.objects.count(), Suggestion.objects.count()),
            counts,
        )

    def test_same_text_with_other_line_endings_and_spaces_is_a_duplicate(self):
        existing = make_source(body="Same words.\nSecond line.")
        self.write("copy.txt", "Same words.\r\nSecond\u00a0line.  \r\n")

        result = import_files([self.tmp])

        self.assertEqual(result.outcomes[0].status, FileStatus.DUPLICATE)
        self.assertEqual(result.outcomes[0].source, existing)
        self.assertIn("same text", result.outcomes[0].message)

    def test_same_text_with_other_furniture_is_a_duplicate(self):
        self.write("a.txt", "Headline\n\nThe story itself.\n\nLeave a Reply")
        self.write("b.txt", "Follow us on:\n\nHeadline\n\nThe story itself.")

        result = import_files([self.tmp])

        self.assertEqual(self.statuses(result), [("a.txt", "imported"), ("b.txt", "duplicate")])

    def test_duplicate_files_within_one_run(self):
        self.write("a.txt", "Twice\nThe same text.")
        self.write("b.txt", "Twice\nThe same text.")

        result = import_files([self.tmp])

        self.assertEqual(self.statuses(result), [("a.txt", "imported"), ("b.txt", "duplicate")])
        self.assertEqual(Source.objects.count(), 1)
        self.assertEqual(result.batch.duplicate_count, 1)

    def test_same_url_is_a_duplicate(self):
        existing = make_source(body="Original text.", url="https://example.com/a")
        article = ArticleData(body="Different text.", title="T", url="https://example.com/a")

        outcome = import_article(article, label="upload 1")

        self.assertEqual(outcome.status, FileStatus.DUPLICATE)
        self.assertEqual(outcome.source, existing)
        self.assertIn("same URL", outcome.message)
        self.assertEqual(Source.objects.count(), 1)


class BadInputTests(ImporterTestCase):
    def assertFailed(self, result, name, message):
        outcome = next(o for o in result.outcomes if Path(o.path).name == name)
        self.assertEqual(outcome.status, FileStatus.FAILED)
        self.assertIn(message, outcome.message)
        self.assertIsNone(outcome.source)

    def test_each_bad_file_is_reported_with_its_reason(self):
        self.write("empty.txt", b"")
        self.write("blank.txt", b" \n\t\r\n")
        self.write("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
        self.write("paper.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj")
        self.write("nul.txt", b"Text with a \x00 byte")
        missing = self.tmp / "missing.txt"

        result = import_files([self.tmp, missing])

        self.assertFailed(result, "empty.txt", "the file is empty")
        self.assertFailed(result, "blank.txt", "white space only")
        self.assertFailed(result, "image.png", "binary file (a PNG image)")
        self.assertFailed(result, "paper.txt", "binary file (a PDF document)")
        self.assertFailed(result, "nul.txt", "binary file (it contains NUL bytes)")
        self.assertFailed(result, "missing.txt", "no such file or folder")
        self.assertEqual(Source.objects.count(), 0)
        batch = result.batch
        self.assertEqual(batch.failed_count, 6)
        self.assertEqual(
            {Path(e["file"]).name: e["error"] for e in batch.errors}["missing.txt"],
            "no such file or folder",
        )

    @override_settings(IMPORT_MAX_BYTES=20)
    def test_file_over_the_size_limit_is_refused(self):
        self.write("small.txt", "Small\nok")
        self.write("big.txt", "Big\n" + "x" * 30)

        result = import_files([self.tmp])

        self.assertEqual(self.statuses(result), [("big.txt", "failed"), ("small.txt", "imported")])
        self.assertFailed(result, "big.txt", "too large: 34 bytes, over the limit of 20 bytes")

    def test_cp1252_is_decoded_and_reported(self):
        self.write("win.txt", b"Caf\xe9 \x93news\x94\r\nIt costs \x8050.")

        result = import_files([self.tmp])

        outcome = result.outcomes[0]
        self.assertEqual(outcome.status, FileStatus.IMPORTED)
        self.assertEqual(outcome.encoding, "cp1252")
        self.assertEqual(outcome.source.original_text, "Café “news”\r\nIt costs €50.")
        self.assertEqual(outcome.source.body, "Café “news”\nIt costs €50.")
        self.assertEqual(outcome.source.title, "Café “news”")
        self.assertEqual(outcome.source.encoding, "cp1252")
        self.assertIn("Decoded as Windows-1252 (cp1252)", outcome.source.import_notes)

    def test_utf8_byte_order_mark_is_dropped(self):
        self.write("bom.txt", b"\xef\xbb\xbfHeadline\nBody \xe2\x80\x94 text.")

        result = import_files([self.tmp])

        outcome = result.outcomes[0]
        self.assertEqual(outcome.encoding, "utf-8-sig")
        self.assertEqual(outcome.source.body, "Headline\nBody — text.")
        self.assertEqual(outcome.source.original_text, "Headline\nBody — text.")

    def test_one_bad_file_among_good_ones(self):
        self.write("1.txt", "Good one\nText.")
        self.write("2.txt", b"Bad\x00one")
        self.write("3.txt", "Good two\nText.")

        result = import_files([self.tmp])

        self.assertEqual(
            self.statuses(result),
            [("1.txt", "imported"), ("2.txt", "failed"), ("3.txt", "imported")],
        )
        self.assertEqual(
            sorted(Source.objects.values_list("title", flat=True)), ["Good one", "Good two"]
        )
        batch = ImportBatch.objects.get()
        self.assertEqual((batch.imported_count, batch.failed_count), (2, 1))
        self.assertEqual(len(batch.files), 3)
        self.assertEqual(len(batch.errors), 1)
        self.assertTrue(batch.errors[0]["file"].endswith("2.txt"))
        self.assertIn("binary", batch.errors[0]["error"])


class AtomicityTests(ImporterTestCase):
    """An article whose suggestions the database refuses leaves no source, relay or suggestion."""

    def refuse_suggestions_quoting(self, word):
        # A real database trigger: the insert of the suggestions fails after the
        # source and its relays were written in the same transaction.
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "CREATE FUNCTION refuse_suggestion() RETURNS trigger AS $$ BEGIN "
                    f"IF NEW.quote LIKE '%{word}%' THEN RAISE EXCEPTION 'refused'; END IF; "
                    "RETURN NEW; END; $$ LANGUAGE plpgsql"
                )
                cursor.execute(
                    "CREATE TRIGGER refuse_suggestion BEFORE INSERT ON claims_suggestion "
                    "FOR EACH ROW EXECUTE FUNCTION refuse_suggestion()"
                )
            else:
                cursor.execute(
                    "CREATE TRIGGER refuse_suggestion BEFORE INSERT ON claims_suggestion "
                    f"WHEN NEW.quote LIKE '%{word}%' BEGIN SELECT RAISE(ABORT, 'refused'); END"
                )

    def test_a_failing_article_writes_nothing_and_the_rest_go_on(self):
        make_outlet("TASS")
        self.refuse_suggestions_quoting("EXPLODE")
        self.write("1.txt", "Good one\n\nThe minister said the talks went well, TASS said.")
        self.write("2.txt", "Bad one\n\nThe minister said EXPLODE went well, TASS reported.")
        self.write("3.txt", "Good two\n\nThe envoy said the weather was fine, TASS said.")

        result = import_files([self.tmp])

        self.assertEqual(
            self.statuses(result),
            [("1.txt", "imported"), ("2.txt", "failed"), ("3.txt", "imported")],
        )
        self.assertIn("database error", result.outcomes[1].message)
        self.assertEqual(
            sorted(Source.objects.values_list("title", flat=True)), ["Good one", "Good two"]
        )
        self.assertEqual(SourceRelay.objects.count(), 2)
        self.assertFalse(Suggestion.objects.filter(quote__contains="EXPLODE").exists())
        self.assertEqual(Suggestion.objects.count(), 2)

    def test_groups_of_articles_commit_and_a_failure_undoes_only_its_article(self):
        from intake.importer.run import COMMIT_EVERY

        make_outlet("TASS")
        self.refuse_suggestions_quoting("EXPLODE")
        count = 2 * COMMIT_EVERY + 5
        bad = COMMIT_EVERY + 3  # in the second group
        for n in range(count):
            word = "EXPLODE" if n == bad else f"fine {n}"
            self.write(
                f"{n:03d}.txt", f"Story {n}\n\nThe minister said {word} went well, TASS said."
            )

        result = import_files([self.tmp])

        self.assertEqual(len(result.imported), count - 1)
        self.assertEqual([Path(o.path).name for o in result.failed], [f"{bad:03d}.txt"])
        self.assertEqual(Source.objects.count(), count - 1)
        self.assertEqual(SourceRelay.objects.count(), count - 1)
        self.assertEqual(Suggestion.objects.count(), count - 1)
        self.assertFalse(Source.objects.filter(title=f"Story {bad}").exists())

    def test_a_run_stopped_between_groups_leaves_a_batch_counting_what_it_holds(self):
        from intake.importer.run import COMMIT_EVERY

        class Stopped(Exception):
            pass

        def progress(done, total, path):
            # The process dies (e.g. its worker is SIGKILLed) once the first group is
            # committed, while it reads the second.
            if done == COMMIT_EVERY + 2:
                raise Stopped

        for n in range(2 * COMMIT_EVERY):
            self.write(f"{n:03d}.txt", f"Story {n}\n\nThe minister said item {n} went well.")
        with self.assertRaises(Stopped):
            import_files([self.tmp], user=self.admin, progress=progress)

        batch = ImportBatch.objects.get()
        self.assertEqual(batch.sources.count(), COMMIT_EVERY)
        self.assertEqual(
            (batch.imported_count, batch.duplicate_count, batch.failed_count),
            (COMMIT_EVERY, 0, 0),
        )


class DryRunTests(ImporterTestCase):
    def test_dry_run_writes_nothing_but_reports_what_would_happen(self):
        make_source(body="Already here\nText.")
        self.write("a.txt", "Already here\nText.")
        self.write("b.txt", "New one\nText.")
        self.write("c.txt", "New one\nText.")
        self.write("d.txt", b"")

        result = import_files([self.tmp], dry_run=True)

        self.assertIsNone(result.batch)
        self.assertEqual(
            self.statuses(result),
            [
                ("a.txt", "duplicate"),
                ("b.txt", "imported"),
                ("c.txt", "duplicate"),
                ("d.txt", "failed"),
            ],
        )
        self.assertIn("earlier in this run", result.outcomes[2].message)
        self.assertEqual(result.outcomes[1].message, "would import")
        self.assertEqual(result.outcomes[1].missing, ["outlet", "byline", "published_on"])
        self.assertEqual(Source.objects.count(), 1)
        self.assertEqual(ImportBatch.objects.count(), 0)
        self.assertEqual(Suggestion.objects.count(), 0)
