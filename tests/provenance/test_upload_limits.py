"""Upload limits and content sniffing at the request level (the importer's own checks
are in tests/backoffice/test_import_admin.py and tests/intake/test_importer*.py).

Django refuses bodies over DATA_UPLOAD_MAX_MEMORY_SIZE, more than
DATA_UPLOAD_MAX_NUMBER_FIELDS fields and more than DATA_UPLOAD_MAX_NUMBER_FILES
files with a 400 page before any view runs. The admin upload decides a file's
format from its content: a PNG named .txt is refused as binary, an HTML page
named .txt is read as HTML.
"""

import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from intake.forms import PreviewArticleForm, PreviewFormSet
from tests.base import BaseTestCase
from tests.factories import make_source

UPLOAD_URL = reverse("admin:sources_importbatch_upload")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PAGE = (
    b"<!doctype html><html><head><title>A page named .txt</title></head>"
    b"<body><article><h1>A page named .txt</h1><p>The minister said the talks went well, "
    b"and the envoy agreed that more talks would follow next spring.</p></article></body></html>"
)


def upload(name, data):
    return SimpleUploadedFile(name, data, content_type="text/plain")


class RequestLimitTests(BaseTestCase):
    def setUp(self):
        self.login(self.admin)
        self.source = make_source(body="The body. The minister said things.")

    def test_the_limits_come_from_the_environment_with_room_for_one_article(self):
        self.assertGreater(settings.DATA_UPLOAD_MAX_MEMORY_SIZE, settings.IMPORT_MAX_BYTES)
        self.assertGreaterEqual(
            settings.DATA_UPLOAD_MAX_NUMBER_FILES, settings.IMPORT_UPLOAD_MAX_FILES
        )
        self.assertGreater(settings.FILE_UPLOAD_MAX_MEMORY_SIZE, 0)

    def test_any_upload_the_form_accepts_can_be_confirmed(self):
        # Confirming posts every field of every previewed article (at most
        # IMPORT_UPLOAD_MAX_ARTICLES of them), the formset's management form and the
        # CSRF token; the field limit is derived from the article limit in settings.
        per_article = len(PreviewArticleForm.base_fields)
        extra = len(PreviewFormSet().management_form.fields) + 1
        self.assertLessEqual(
            per_article * settings.IMPORT_UPLOAD_MAX_ARTICLES + extra,
            settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
        )
        # …and the field limit is still a limit, not switched off.
        self.assertLess(
            settings.DATA_UPLOAD_MAX_NUMBER_FIELDS, 20 * settings.IMPORT_UPLOAD_MAX_ARTICLES
        )

    @override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
    def test_a_body_over_the_limit_gets_400(self):
        url = reverse("source-correct", args=[self.source.pk])
        response = self.client.post(url, {"body": "x" * 2000})
        self.assertContains(response, "too large", status_code=400)
        self.source.refresh_from_db()
        self.assertEqual(self.source.body, "The body. The minister said things.")

    @override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=10)
    def test_too_many_fields_get_400(self):
        url = reverse("claim-create")
        response = self.client.post(url, {f"f{n}": "x" for n in range(50)})
        self.assertEqual(response.status_code, 400)

    @override_settings(DATA_UPLOAD_MAX_NUMBER_FILES=3)
    def test_too_many_files_get_400_and_nothing_is_stashed(self):
        stash = Path(tempfile.mkdtemp(prefix="import-stash-"))
        self.addCleanup(shutil.rmtree, stash)
        with self.settings(IMPORT_STASH_DIR=stash):
            response = self.client.post(
                UPLOAD_URL,
                {"files": [upload(f"{n}.txt", b"A\n\nB.") for n in range(5)], "format": "auto"},
            )
        self.assertContains(response, "too many files", status_code=400)
        self.assertEqual(list(stash.iterdir()), [])


class ContentSniffingTests(BaseTestCase):
    def setUp(self):
        self.login(self.admin)
        self.stash = Path(tempfile.mkdtemp(prefix="import-stash-"))
        self.addCleanup(shutil.rmtree, self.stash)
        override = override_settings(IMPORT_STASH_DIR=self.stash)
        override.enable()
        self.addCleanup(override.disable)

    def test_the_content_decides_not_the_extension(self):
        response = self.client.post(
            UPLOAD_URL,
            {
                "files": [upload("photo.txt", PNG), upload("page.txt", PAGE)],
                "format": "auto",
            },
        )
        self.assertEqual(response.status_code, 302)
        preview = self.client.get(response["Location"])
        self.assertContains(preview, "a PNG image")
        self.assertContains(preview, "A page named .txt")
