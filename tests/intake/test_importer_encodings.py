"""intake.importer.files.detect_encoding: article files in the encodings desks receive.

Every test text below is written for these tests (short made-up news items).
"""

import codecs
import shutil
import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import SimpleTestCase, override_settings
from django.urls import reverse

from intake.actions import import_files
from intake.importer.articles import FileStatus
from intake.importer.files import detect_encoding
from sources.models import Source
from tests.backoffice.test_import_admin import ImportAdminTestCase, upload

RUSSIAN = (
    "Министр заявил журналистам, что новый закон вступит в силу в следующем месяце. "
    "По его словам, решение было принято после долгих обсуждений в правительстве."
)
GREEK = (
    "Ο υπουργός δήλωσε στους δημοσιογράφους ότι ο νέος νόμος θα τεθεί σε ισχύ τον "
    "επόμενο μήνα. Σύμφωνα με τον ίδιο, η απόφαση ελήφθη μετά από πολλές συζητήσεις."
)
CHINESE = "部长对记者表示，新法律将于下个月生效。他说，这一决定是在政府内部经过长时间讨论后作出的。"
FRENCH = (
    "Le ministre a déclaré aux journalistes que la nouvelle loi entrera en vigueur le mois "
    "prochain. Selon lui, la décision a été prise après de longues discussions « très longues »."
)
GERMAN = (
    "Der Minister erklärte gegenüber Journalisten, dass das neue Gesetz nächsten Monat in "
    "Kraft tritt. Die Entscheidung fiel nach längeren Gesprächen über Maßnahmen."
)
MIXED = "Заголовок новости\nΚείμενο 中文 and English, all in one file."


class DetectEncodingTests(SimpleTestCase):
    def assertReads(self, data, text, encoding=None):
        decoded = detect_encoding(data)
        self.assertEqual(decoded.text, text)
        self.assertTrue(decoded.sure, decoded)
        self.assertEqual(decoded.candidates, [])
        if encoding:
            self.assertEqual(decoded.encoding, encoding)
        return decoded

    def test_single_byte_encodings_of_several_alphabets(self):
        self.assertReads(RUSSIAN.encode("cp1251"), RUSSIAN, "cp1251")
        self.assertReads(GREEK.encode("cp1253"), GREEK, "cp1253")
        self.assertReads(FRENCH.encode("cp1252"), FRENCH, "cp1252")
        # Latin-1 German reads the same in every candidate: the text is what counts.
        self.assertReads(GERMAN.encode("latin-1"), GERMAN)

    def test_chinese_in_gb18030_and_utf_8(self):
        self.assertReads(CHINESE.encode("gb18030"), CHINESE, "gb18030")
        self.assertReads(CHINESE.encode("utf-8"), CHINESE, "utf-8")

    def test_utf_16_with_a_byte_order_mark_is_text_not_binary(self):
        for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
            with self.subTest(codec=codec):
                self.assertReads(bom + MIXED.encode(codec), MIXED, "utf-16")

    def test_a_short_ambiguous_file_is_unsure_and_offers_candidates(self):
        decoded = detect_encoding("Привет".encode("cp1251"))
        self.assertFalse(decoded.sure)
        self.assertEqual(decoded.candidates[0], decoded.encoding)
        self.assertIn("cp1251", decoded.candidates)
        self.assertEqual(detect_encoding("Привет".encode("cp1251"), "cp1251").text, "Привет")

    def test_a_nul_character_in_utf_16_text_is_refused(self):
        data = codecs.BOM_UTF16_LE + "Title\nText\x00here".encode("utf-16-le")
        with self.assertRaisesMessage(Exception, "NUL characters"):
            detect_encoding(data)


class ImportEncodingTests(ImportAdminTestCase):
    def setUp(self):
        super().setUp()
        self.tmp = Path(tempfile.mkdtemp(prefix="encodings-"))
        self.addCleanup(shutil.rmtree, self.tmp)

    def test_a_cyrillic_article_in_cp1251_is_stored_as_cyrillic(self):
        (self.tmp / "ru.txt").write_bytes(f"Новый закон\n\n{RUSSIAN}".encode("cp1251"))
        [outcome] = import_files([self.tmp]).outcomes
        self.assertEqual(outcome.status, FileStatus.IMPORTED, outcome.message)
        source = outcome.source
        self.assertEqual(source.title, "Новый закон")
        self.assertIn(RUSSIAN, source.body)
        self.assertEqual(source.encoding, "cp1251")
        self.assertIn("Decoded as Windows-1251 (cp1251).", source.import_notes)

    def test_utf_16_files_import(self):
        (self.tmp / "le.txt").write_bytes(codecs.BOM_UTF16_LE + MIXED.encode("utf-16-le"))
        [outcome] = import_files([self.tmp]).outcomes
        self.assertEqual(outcome.status, FileStatus.IMPORTED, outcome.message)
        self.assertEqual(outcome.source.original_text, MIXED)

    def test_an_unsure_guess_is_noted_on_the_source(self):
        (self.tmp / "short.txt").write_bytes("Привет".encode("cp1251"))
        [outcome] = import_files([self.tmp]).outcomes
        self.assertIn("the encoding detector was unsure", outcome.source.import_notes)
        self.assertIn("Windows-1251 (cp1251)", outcome.source.import_notes)

    def test_the_command_takes_an_encoding(self):
        path = self.tmp / "short.txt"
        path.write_bytes("Привет, мир".encode("cp1251"))
        out = StringIO()
        call_command("import_articles", str(path), "--encoding", "cp1251", stdout=out)
        self.assertEqual(Source.objects.get().body, "Привет, мир")
        self.assertIn("decoded as Windows-1251 (cp1251)", out.getvalue())
        with self.assertRaisesMessage(CommandError, "Unknown encoding “klingon”"):
            call_command("import_articles", str(path), "--encoding", "klingon", stdout=out)


@override_settings(IMPORT_STASH_MAX_AGE=3600)
class PreviewEncodingChoiceTests(ImportAdminTestCase):
    def test_the_preview_says_the_guess_is_unsure_and_reads_the_file_again_as_chosen(self):
        self.login(self.admin)
        preview_url = self.upload(upload("short.txt", "Привет, мир".encode("cp1251")))
        token = preview_url.rstrip("/").rsplit("/", 1)[-1]
        response = self.client.get(preview_url)
        self.assertContains(response, "The encoding is uncertain")
        self.assertContains(response, '<option value="cp1251">cp1251</option>', html=False)
        self.assertNotContains(response, "Привет, мир")

        response = self.client.post(
            reverse("admin:sources_importbatch_encoding", args=[token]),
            {"file": "short.txt", "encoding": "windows-1251"},
        )
        self.assertRedirects(response, preview_url)
        response = self.client.get(preview_url)
        self.assertContains(response, "Привет, мир")
        self.assertNotContains(response, "The encoding is uncertain")

        response = self.client.post(preview_url, self.management(response))
        self.assertEqual(response.status_code, 302)
        source = Source.objects.get()
        self.assertEqual((source.body, source.encoding), ("Привет, мир", "cp1251"))

    def test_an_unknown_encoding_is_refused_with_a_message(self):
        self.login(self.admin)
        preview_url = self.upload(upload("short.txt", "Привет".encode("cp1251")))
        token = preview_url.rstrip("/").rsplit("/", 1)[-1]
        response = self.client.post(
            reverse("admin:sources_importbatch_encoding", args=[token]),
            {"file": "short.txt", "encoding": "base64"},
        )
        self.assertIn("Unknown text encoding “base64”.", self.messages(response))
