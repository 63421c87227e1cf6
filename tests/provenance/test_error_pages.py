"""Error pages: a friendly 503 when the database is down, and the 404 and 500 pages.

The outage is real: a separate process runs the app with DATABASE_URL pointing
at a loopback port where nothing listens, and asks for a page with a session
cookie, so the first query (loading the session) fails to connect.
"""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

from django.test import RequestFactory
from django.urls import reverse

from provenance.middleware import server_error
from tests.base import BaseTestCase

ROOT = Path(__file__).resolve().parents[2]

OUTAGE_SCRIPT = """
import json, django
django.setup()
from django.test import Client
client = Client()
client.cookies["sessionid"] = "a" * 32
results = {}
for path in ("/", "/dashboard/", "/api/claims"):
    response = client.get(path)
    results[path] = {
        "status": response.status_code,
        "retry_after": response.get("Retry-After"),
        "body": response.content.decode(),
    }
print(json.dumps(results))
"""


def closed_port():
    """A loopback port with nothing listening (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class DatabaseOutageTests(BaseTestCase):
    def test_pages_answer_503_with_retry_after_when_the_database_is_unreachable(self):
        env = dict(
            os.environ,
            DJANGO_SETTINGS_MODULE="provenance.settings_test",
            DATABASE_URL=f"postgres://postgres@127.0.0.1:{closed_port()}/provenance_down",
            ALLOWED_HOSTS="testserver",
            LOG_LEVEL="CRITICAL",
        )
        result = subprocess.run(
            [sys.executable, "-c", OUTAGE_SCRIPT],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        pages = json.loads(result.stdout.strip().splitlines()[-1])
        for path, page in pages.items():
            with self.subTest(path=path):
                self.assertEqual(page["status"], 503)
                self.assertEqual(page["retry_after"], "30")
                if path.startswith("/api/"):  # errors under /api/ are JSON
                    self.assertIn("database is unavailable", json.loads(page["body"])["detail"])
                    continue
                self.assertIn("Temporarily unavailable", page["body"])
                self.assertIn("Nothing you saved before is lost", page["body"])
                self.assertNotIn("Traceback", page["body"])

    def test_the_same_pages_work_when_the_database_is_up(self):
        self.login(self.factchecker)
        self.assertEqual(self.client.get("/").status_code, 200)


class ErrorPageTests(BaseTestCase):
    def test_not_found_page(self):
        self.login(self.factchecker)
        response = self.client.get(reverse("claim-detail", args=[987654]))
        self.assertContains(response, "There is no page at this address", status_code=404)

    def test_server_error_page(self):
        response = server_error(RequestFactory().get("/"))
        self.assertEqual(response.status_code, 500)
        self.assertIn("Something went wrong", response.content.decode())
