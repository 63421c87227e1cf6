"""manage.py import_data: a backup in the export format restored into a new, empty database.

The dataset is exported here; another process then migrates a database created
empty for the test (a new SQLite file, or a new PostgreSQL database on the same
server), restores the file into it with the README's commands, and exports it
again: the two exports are identical byte for byte, and every exported table
holds as many rows on both sides. (test_export_data covers the refusals.)
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from contextlib import redirect_stdout
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.db import connection

from claims import derived
from tests.base import BaseTestCase
from tests.interchange.backup_dataset import make_backup_dataset

ROOT = Path(__file__).resolve().parents[2]

COUNTS = """
import json
from django.contrib.auth.models import User
from claims.models import Actor, Annotation, Attribution, Claim, Review, Tag
from sources.models import ImportBatch, Outlet, OwnerGroup, Source, SourceRelay
models = [User, OwnerGroup, Outlet, ImportBatch, Actor, Tag, Source, SourceRelay, Claim,
          Attribution, Review, Annotation]
print(json.dumps({m._meta.label: m.objects.count() for m in models}))
"""

# What claims.derived.check() finds drifted, as [name, how many].
DRIFT = """
import json
from claims import derived
print(json.dumps([[d.name, d.drifted] for d in derived.check()]))
"""


class RestoreIntoAnEmptyDatabaseTests(BaseTestCase):
    def setUp(self):
        self.folder = Path(tempfile.mkdtemp(prefix="backup-"))
        self.addCleanup(shutil.rmtree, self.folder, ignore_errors=True)

    def empty_database(self):
        """The URL of a new, empty database of the same kind as the test database."""
        if connection.vendor == "sqlite":
            return f"sqlite:///{self.folder / 'restored.sqlite3'}"
        settings = connection.settings_dict
        name = f"{settings['NAME']}_import"
        # Outside the test's transaction: a connection to the server's maintenance database.
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')

        def drop():
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        self.addCleanup(drop)
        password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
        return (
            f"postgres://{settings['USER']}{password}@{settings['HOST'] or '127.0.0.1'}"
            f":{settings['PORT'] or 5432}/{name}"
        )

    def manage(self, url, *args):
        env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="provenance.settings_test")
        result = subprocess.run(  # noqa: S603 (our manage.py, fixed arguments)
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout

    def test_a_backup_restored_into_an_empty_database_exports_identically(self):
        make_backup_dataset()
        backup = self.folder / "backup.json"
        call_command("export_data", str(backup), stdout=StringIO())
        first = backup.read_bytes()
        data = json.loads(first)
        self.assertTrue(any(a["relayed_via"] for a in data["attributions"]))
        self.assertTrue(any(a["stance"] == "disputes" for a in data["attributions"]))
        self.assertTrue(any(a["deleted_at"] for a in data["attributions"]))
        self.assertTrue(any(c["merged_into"] for c in data["claims"]))
        self.assertTrue(any(s["relays"] for s in data["sources"]))
        self.assertTrue(any(s["batch"] is not None for s in data["sources"]))
        counts = self.counts()
        drift = [[d.name, d.drifted] for d in derived.check()]
        for label in ("claims.Review", "claims.Annotation", "sources.SourceRelay"):
            self.assertGreater(counts[label], 0, label)

        # The README's commands (Backups), on a new database.
        url = self.empty_database()
        self.manage(url, "migrate", "--no-input")
        empty = json.loads(self.manage(url, "shell", "-c", COUNTS).strip().splitlines()[-1])
        self.assertEqual(set(empty.values()), {0}, "not empty before the restore")
        output = self.manage(url, "import_data", str(backup))
        self.assertIn(f"Restored from {backup}", output)
        again = self.folder / "again.json"
        self.manage(url, "export_data", str(again))

        self.assertEqual(again.read_bytes(), first)
        restored = json.loads(self.manage(url, "shell", "-c", COUNTS).strip().splitlines()[-1])
        self.assertEqual(restored, counts)
        # The derived state the file leaves out (origin groups, outlet kinds, search
        # documents, counts) was rebuilt by the restore, and the statuses are as stored:
        # what drifted here (make_newsroom stores statuses as given) drifts there, no more.
        restored_drift = self.manage(url, "shell", "-c", DRIFT).strip().splitlines()[-1]
        self.assertEqual(json.loads(restored_drift), drift)

    def counts(self):
        """COUNTS, run here on the test database."""
        out = StringIO()
        with redirect_stdout(out):
            exec(COUNTS, {})  # noqa: S102 (our own constant code)
        return json.loads(out.getvalue())
