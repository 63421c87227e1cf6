"""An import batch's admin page names its files without the server's folders."""

from django.urls import reverse

from sources.models import ImportBatch
from tests.base import BaseTestCase


class ImportBatchFileNamesTests(BaseTestCase):
    def test_files_and_errors_show_file_names_only(self):
        batch = ImportBatch.objects.create(
            created_by=self.admin,
            files=["/srv/provenance/inbox/2026/harbour.txt", "/srv/provenance/inbox/2026/b.zip"],
            errors=[
                {
                    "file": "/srv/provenance/inbox/2026/b.zip!news/c.html",
                    "error": "Cannot read /srv/provenance/inbox/2026/b.zip",
                }
            ],
        )
        for user in (self.factchecker, self.admin):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(
                    reverse("admin:sources_importbatch_change", args=[batch.pk])
                )
                self.assertNotContains(response, "/srv/provenance")
                self.assertContains(response, "<li>harbour.txt</li>", html=True)
                self.assertContains(response, "b.zip!news/c.html")
