"""The admin upload: files → preview (detected metadata, duplicates, corrections) → import batch."""

import io
import json
import os
import shutil
import tempfile
import time
import zipfile
from pathlib import Path

from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from intake.models import Suggestion
from sources.models import ImportBatch, Source
from tests.base import BaseTestCase
from tests.factories import make_outlet, make_source, make_user

UPLOAD_URL = reverse("admin:sources_importbatch_upload")


def upload(name, text):
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


class ImportAdminTestCase(BaseTestCase):
    def setUp(self):
        self.stash_dir = Path(tempfile.mkdtemp(prefix="import-stash-"))
        self.addCleanup(shutil.rmtree, self.stash_dir)
        override = override_settings(IMPORT_STASH_DIR=self.stash_dir)
        override.enable()
        self.addCleanup(override.disable)

    def upload(self, *files, **fields):
        response = self.client.post(UPLOAD_URL, {"files": list(files), "format": "auto", **fields})
        errors = response.context["form"].errors if response.status_code == 200 else None
        self.assertEqual(response.status_code, 302, errors)
        return response["Location"]

    def management(self, response):
        formset = response.context["formset"]
        data = {f"form-{key}": value for key, value in formset.management_form.initial.items()}
        for form in formset.forms:
            for name, field in form.fields.items():
                value = form.initial.get(name, field.initial)
                if value is None:
                    value = ""
                if name == "skip":
                    if value:
                        data[form.add_prefix(name)] = "on"
                    continue
                data[form.add_prefix(name)] = (
                    value.isoformat() if hasattr(value, "isoformat") else value
                )
        return data

    def messages(self, response):
        return [str(m) for m in get_messages(response.wsgi_request)]


class PermissionTests(ImportAdminTestCase):
    def test_only_importers_may_upload(self):
        self.assertRedirects(self.client.get(UPLOAD_URL), f"/admin/login/?next={UPLOAD_URL}")
        for user in (self.editor, self.factchecker):
            self.login(user)
            self.assertEqual(self.client.get(UPLOAD_URL).status_code, 403)
            self.assertEqual(
                self.client.post(
                    UPLOAD_URL, {"files": [upload("a.txt", "A\n\nText.")]}
                ).status_code,
                403,
            )
        self.assertFalse(any(self.stash_dir.iterdir()))
        self.login(self.admin)
        self.assertEqual(self.client.get(UPLOAD_URL).status_code, 200)

    def test_the_batch_list_offers_the_upload_only_to_importers(self):
        changelist = reverse("admin:sources_importbatch_changelist")
        self.login(self.admin)
        self.assertContains(self.client.get(changelist), UPLOAD_URL)
        self.login(self.factchecker)  # may view batches, may not import
        response = self.client.get(changelist)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, UPLOAD_URL)

    def test_another_user_cannot_open_an_upload(self):
        self.login(self.admin)
        preview = self.upload(upload("a.txt", "Headline\n\nThe story."))
        other = make_user("adam", "Admin", is_staff=True)
        self.login(other)

        response = self.client.get(preview)

        self.assertRedirects(response, UPLOAD_URL)
        self.assertIn("belongs to another session", self.messages(response)[0])
        self.assertEqual(Source.objects.count(), 0)


class UploadPreviewConfirmTests(ImportAdminTestCase):
    def setUp(self):
        super().setUp()
        self.login(self.admin)

    def test_preview_shows_what_was_found_and_confirm_imports_with_corrections(self):
        tass = make_outlet("TASS")
        pravda = make_outlet("Pravda.Ru")
        existing = make_source(body="Old story\n\nAlready here.", title="Old story")
        rows = "\n".join(
            json.dumps(row)
            for row in [
                {"title": "Row one", "body": "The first row, TASS said.", "date": "2022-09-19"},
                {"title": "Row two", "body": "The second row."},
                {"title": "Broken"},
            ]
        )
        preview = self.upload(
            upload(
                "story.txt",
                "Story <b>headline</b>\nBy Jane Roe June 7, 2014\n\nThe minister "
                "said that the talks went well and would go on for weeks.\n\nTBP and Agencies",
            ),
            upload("rows.jsonl", rows),
            upload("old.txt", "Old story\n\nAlready here."),
            upload("image.png", b"\x89PNG\r\n\x1a\n\x00\x00"),
        )
        self.assertTrue(preview.startswith(UPLOAD_URL))
        self.assertEqual(len(list(self.stash_dir.iterdir())), 1)

        response = self.client.get(preview)

        self.assertEqual(response.status_code, 200)
        self.assertContains(
            response, "Story &lt;b&gt;headline&lt;/b&gt;"
        )  # escaped, never rendered
        self.assertNotContains(response, "<b>headline</b>")
        self.assertContains(response, "Jane Roe")
        self.assertContains(response, "2014-06-07")
        self.assertContains(response, "The text names the outlet “TBP”, which matches no outlet.")
        self.assertContains(response, f"duplicate of source #{existing.pk}")
        self.assertContains(response, "binary file (a PNG image)")
        self.assertContains(response, "rows.jsonl:line 3")
        self.assertContains(response, "Relays: TASS")
        self.assertContains(response, "3 articles to import, 1 duplicate, 2 failed, from 4 files")
        self.assertEqual(Source.objects.count(), 1)  # a preview writes nothing

        data = self.management(response)
        labels = {data[f"form-{n}-label"]: n for n in range(int(data["form-TOTAL_FORMS"]))}
        self.assertEqual(
            set(labels), {"story.txt", "rows.jsonl:line 1", "rows.jsonl:line 2", "old.txt"}
        )
        self.assertIn(f"form-{labels['old.txt']}-skip", data)  # duplicates are left out
        story = labels["story.txt"]
        data[f"form-{story}-title"] = "Corrected headline"
        data[f"form-{story}-outlet"] = "pravda.ru"
        data[f"form-{labels['rows.jsonl:line 2']}-skip"] = "on"
        data[f"form-{labels['rows.jsonl:line 1']}-byline"] = "Wire Desk"

        response = self.client.post(preview, data)

        batch = ImportBatch.objects.get()
        self.assertRedirects(response, reverse("admin:sources_importbatch_change", args=[batch.pk]))
        self.assertEqual(batch.via, ImportBatch.Via.ADMIN)
        self.assertEqual(batch.created_by, self.admin)
        self.assertEqual(batch.files, ["story.txt", "rows.jsonl", "old.txt", "image.png"])
        self.assertEqual(
            (batch.imported_count, batch.duplicate_count, batch.failed_count), (2, 0, 2)
        )
        self.assertEqual([e["file"] for e in batch.errors], ["rows.jsonl:line 3", "image.png"])
        story_source = Source.objects.get(import_label="story.txt")
        self.assertEqual(
            (
                story_source.title,
                story_source.outlet,
                story_source.byline,
                str(story_source.published_on),
            ),
            ("Corrected headline", pravda, "Jane Roe", "2014-06-07"),
        )
        row = Source.objects.get(import_label="rows.jsonl:line 1")
        self.assertEqual((row.byline, row.imported_by), ("Wire Desk", self.admin))
        self.assertEqual(list(row.relay_links.values_list("outlet", flat=True)), [tass.pk])
        self.assertTrue(Suggestion.objects.filter(source=story_source).exists())
        self.assertFalse(Source.objects.filter(import_label="rows.jsonl:line 2").exists())
        self.assertEqual(list(self.stash_dir.iterdir()), [])  # the stash is gone

        # The batch page: who, when, files, counts, per-file errors, the sources.
        page = self.client.get(response["Location"])
        self.assertContains(page, "rows.jsonl:line 3")
        self.assertContains(page, "Corrected headline")
        self.assertContains(page, "binary file (a PNG image)")

    def test_a_bad_correction_is_shown_and_nothing_is_imported(self):
        preview = self.upload(upload("a.txt", "Headline\n\nThe story."))
        data = self.management(self.client.get(preview))
        data["form-0-outlet"] = "Nowhere News"
        data["form-0-published_on"] = "not a date"

        response = self.client.post(preview, data)

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "No outlet is called “Nowhere News”")
        self.assertContains(response, "Enter a valid date.")
        self.assertEqual(Source.objects.count(), 0)
        self.assertEqual(len(list(self.stash_dir.iterdir())), 1)

    def test_a_tampered_preview_is_refused(self):
        preview = self.upload(upload("a.txt", "Headline\n\nThe story."))
        data = self.management(self.client.get(preview))
        data["form-0-fingerprint"] = "0" * 64

        response = self.client.post(preview, data)

        self.assertRedirects(response, preview)
        self.assertIn("changed since its preview", self.messages(response)[0])
        self.assertEqual(Source.objects.count(), 0)

    def test_cancel_forgets_the_upload(self):
        preview = self.upload(upload("a.txt", "Headline\n\nThe story."))
        token = preview.rstrip("/").rsplit("/", 1)[-1]

        response = self.client.post(reverse("admin:sources_importbatch_cancel", args=[token]))

        self.assertRedirects(response, reverse("admin:sources_importbatch_changelist"))
        self.assertEqual(list(self.stash_dir.iterdir()), [])
        self.assertRedirects(self.client.get(preview), UPLOAD_URL)

    @override_settings(IMPORT_STASH_MAX_AGE=60)
    def test_an_old_upload_expires_and_is_swept(self):
        preview = self.upload(upload("a.txt", "Headline\n\nThe story."))
        folder = next(self.stash_dir.iterdir())
        meta = json.loads((folder / "meta.json").read_text())
        meta["created"] -= 120
        (folder / "meta.json").write_text(json.dumps(meta))
        old = time.time() - 120
        os.utime(folder, (old, old))

        self.assertRedirects(self.client.get(preview), UPLOAD_URL)
        self.upload(upload("b.txt", "Other\n\nStory."))  # a new upload sweeps the old one
        self.assertFalse(folder.exists())

    def test_unsafe_tokens_are_refused(self):
        for token in ("..", "..%2F..%2Fetc", "x" * 43 + "/"):
            response = self.client.get(f"{UPLOAD_URL}{token}/")
            self.assertIn(response.status_code, (302, 404))

    @override_settings(IMPORT_MAX_BYTES=50, IMPORT_UPLOAD_MAX_FILES=2)
    def test_limits_are_checked_on_upload(self):
        response = self.client.post(
            UPLOAD_URL, {"files": [upload("big.txt", "x" * 60)], "format": "auto"}
        )
        self.assertContains(response, "“big.txt” is 60 bytes, over the limit of 50")
        response = self.client.post(
            UPLOAD_URL,
            {"files": [upload(f"{n}.txt", "A\n\nB.") for n in range(3)], "format": "auto"},
        )
        self.assertContains(response, "3 files is more than 2 in one upload")
        response = self.client.post(UPLOAD_URL, {"format": "auto"})
        self.assertContains(response, "Choose at least one file.")
        response = self.client.post(
            UPLOAD_URL, {"files": [upload("a.txt", "A\n\nB.")], "format": "auto", "outlet": "Nope"}
        )
        self.assertContains(response, "No outlet is called “Nope”")
        self.assertEqual(list(self.stash_dir.iterdir()), [])

    def test_a_zip_upload_and_a_traversal_zip(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("a.txt", "A headline\n\nThe first story.")
            archive.writestr("b.txt", "B headline\n\nThe second story.")
        evil = io.BytesIO()
        with zipfile.ZipFile(evil, "w") as archive:
            archive.writestr("../../etc/cron.d/evil", "* * * * * root rm -rf /")
        preview = self.upload(
            upload("bundle.zip", buffer.getvalue()), upload("evil.zip", evil.getvalue())
        )

        response = self.client.get(preview)

        self.assertContains(response, "bundle.zip!a.txt")
        self.assertContains(response, "bundle.zip!b.txt")
        self.assertContains(response, "unsafe zip archive")
        stored = sorted(p.name for p in next(self.stash_dir.iterdir()).iterdir())
        self.assertEqual(stored, ["0.bin", "1.bin", "meta.json"])  # never the uploaded names

    def test_preview_runs_a_constant_number_of_queries(self):
        def preview_of(count):
            rows = "\n".join(
                json.dumps({"title": f"Row {n}", "body": f"Row {n} text, TASS said."})
                for n in range(count)
            )
            return self.upload(upload("rows.jsonl", rows))

        make_outlet("TASS")
        small, large = preview_of(2), preview_of(12)
        # Session, user, the user's and the groups' permissions; the actors, aliases,
        # outlets and outlet aliases for detection (intake.suggest.lookup.Lookup); the
        # duplicates of every article at once.
        with self.assertNumQueries(9):
            self.client.get(small)
        with self.assertNumQueries(9):
            self.client.get(large)


def jsonl(count, start=0):
    return "\n".join(
        json.dumps({"title": f"Row {n}", "body": f"Row {n} text: the minister spoke on day {n}."})
        for n in range(start, start + count)
    )


class ArticleLimitTests(ImportAdminTestCase):
    """IMPORT_UPLOAD_MAX_ARTICLES bounds an upload; whatever the form accepts can be confirmed.

    A confirmation posts every previewed article's fields, so DATA_UPLOAD_MAX_NUMBER_FIELDS
    is derived from the article limit (provenance/settings.py); the real client POST below
    goes through Django's request parsing, which enforces it.
    """

    def setUp(self):
        super().setUp()
        self.login(self.admin)

    def test_an_upload_of_300_articles_previews_and_confirms(self):
        preview = self.upload(upload("rows.jsonl", jsonl(300)))
        response = self.client.get(preview)
        self.assertContains(response, "300 articles to import")
        data = self.management(response)
        self.assertGreater(len(data), 1000)  # over Django's default field limit

        response = self.client.post(preview, data)

        batch = ImportBatch.objects.get()
        self.assertRedirects(response, reverse("admin:sources_importbatch_change", args=[batch.pk]))
        self.assertEqual(batch.imported_count, 300)
        self.assertEqual(Source.objects.count(), 300)

    @override_settings(IMPORT_UPLOAD_MAX_ARTICLES=5)
    def test_an_upload_over_the_article_limit_is_refused_and_nothing_is_written(self):
        bundle = io.BytesIO()
        with zipfile.ZipFile(bundle, "w") as archive:
            archive.writestr("a.txt", "A headline\n\nThe first story.")
            archive.writestr("b.txt", "B headline\n\nThe second story.")
        files = [upload("rows.jsonl", jsonl(4)), upload("bundle.zip", bundle.getvalue())]

        response = self.client.post(UPLOAD_URL, {"files": files, "format": "auto"})

        self.assertContains(
            response,
            "This upload holds 6 articles, more than 5 in one upload (IMPORT_UPLOAD_MAX_ARTICLES).",
        )
        self.assertContains(response, "manage.py import_articles")
        self.assertEqual(list(self.stash_dir.iterdir()), [])
        self.assertEqual((Source.objects.count(), ImportBatch.objects.count()), (0, 0))

        # At the limit (failed rows are not articles and do not count) it is accepted.
        rows = jsonl(5) + "\n{not json}"
        preview = self.upload(upload("rows.jsonl", rows))
        self.assertContains(self.client.get(preview), "5 articles to import")


class SourceAdminTests(ImportAdminTestCase):
    def test_the_import_record_is_shown_and_the_raw_html_never_rendered(self):
        self.login(self.admin)
        html = (
            "<html><head><title>Page</title><meta property='og:site_name' content='X'></head>"
            "<body><article><h1>Page</h1><p>The minister said the talks went well and would "
            "go on for weeks, officials in the capital confirmed on Monday.</p>"
            "<script>alert('raw')</script></article></body></html>"
        )
        preview = self.upload(upload("page.html", html))
        self.client.post(preview, self.management(self.client.get(preview)))
        source = Source.objects.get()

        response = self.client.get(reverse("admin:sources_source_change", args=[source.pk]))

        self.assertContains(response, f"{len(html):,} characters, kept as evidence")
        self.assertNotContains(response, "alert('raw')")
        self.assertEqual(source.missing_metadata, ["outlet", "byline", "published_on"])
        self.assertContains(
            response, "[&quot;outlet&quot;, &quot;byline&quot;, &quot;published_on&quot;]"
        )
        changelist = self.client.get(
            reverse("admin:sources_source_changelist"), {"needs_metadata__exact": "1"}
        )
        self.assertContains(changelist, "Page")
