"""/api/import-batches: read-only for every role; queries."""

from sources.models import ImportBatch
from tests.api.base import APITestCase

URL = "/api/import-batches"


class ImportBatchAPITests(APITestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.batch = ImportBatch.objects.create(
            created_by=cls.admin,
            files=["a.txt", "b.txt"],
            imported_count=1,
            failed_count=1,
            errors=[{"file": "b.txt", "error": "Empty file."}],
        )

    def test_every_role_reads_outsiders_do_not(self):
        expected = {"factchecker": 200, "editor": 200, "admin": 200, "outsider": 403}
        self.assertMatrix(lambda c: c.get(URL), expected)
        self.assertMatrix(lambda c: c.get(f"{URL}/{self.batch.pk}"), expected)
        data = self.api(self.editor).get(f"{URL}/{self.batch.pk}").data
        self.assertEqual(data["created_by"], "ada")
        self.assertEqual(data["errors"], [{"file": "b.txt", "error": "Empty file."}])

    def test_file_names_only_never_the_servers_folders(self):
        batch = ImportBatch.objects.create(
            created_by=self.admin,
            files=["/srv/desk/inbox/a.txt", "/srv/desk/inbox/pack.zip", "/b.jsonl", "c.csv"],
            failed_count=3,
            errors=[
                {"file": "/srv/desk/inbox/pack.zip!2026/notes.txt", "error": "Empty file."},
                {"file": "/b.jsonl:3", "error": "no article text"},
                {
                    "file": "/srv/desk/inbox/a.txt",
                    "error": "[Errno 2] No such file or directory: '/srv/desk/inbox/a.txt'",
                },
            ],
        )
        client = self.api(self.factchecker)
        for data in (
            client.get(f"{URL}/{batch.pk}").data,
            next(row for row in client.get(URL).data["results"] if row["id"] == batch.pk),
        ):
            self.assertEqual(data["files"], ["a.txt", "pack.zip", "b.jsonl", "c.csv"])
            self.assertEqual(
                data["errors"],
                [
                    {"file": "pack.zip!2026/notes.txt", "error": "Empty file."},
                    {"file": "b.jsonl:3", "error": "no article text"},
                    {
                        "file": "a.txt",
                        "error": "[Errno 2] No such file or directory: 'a.txt'",
                    },
                ],
            )
            self.assertNotIn("/srv", str(data))

    def test_read_only_even_for_admins(self):
        # Refused before the method is looked at: no role holds add/delete_importbatch.
        client = self.api(self.admin)
        self.assertIn(client.post(URL, {"files": []}, format="json").status_code, (403, 405))
        self.assertIn(client.delete(f"{URL}/{self.batch.pk}").status_code, (403, 405))
        self.assertEqual(ImportBatch.objects.count(), 1)

    def test_constant_queries_at_ten_times_the_rows(self):
        # Queries: the token with its user, the user's permissions, their groups'
        # permissions, the count, one page of batches (with who ran them).
        with self.assertNumQueries(5):
            self.assertStatus(self.api(self.factchecker).get(URL), 200)
        for i in range(9):
            ImportBatch.objects.create(created_by=self.admin, files=[f"{i}.txt"])
        with self.assertNumQueries(5):
            response = self.api(self.factchecker).get(URL)
        self.assertEqual(response.data["count"], 10)
