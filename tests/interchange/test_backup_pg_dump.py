"""The documented PostgreSQL backup: pg_dump -Fc, then pg_restore into an empty database.

The dataset is committed (the dump is taken by another process), dumped with
the README's command, restored into a database created empty for the test, and
both databases are compared table by table, row by row (an md5 over every row's
text, in a stable order), with the sequences' positions, the indexes and the
constraints. The restored database is dropped afterwards.
"""

import os
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

import psycopg
from django.db import connection
from django.test import TransactionTestCase

from claims.models import Annotation, Attribution, Claim, Review
from sources.models import Source, SourceRelay
from tests.interchange.backup_dataset import make_backup_dataset

# Every user table, and a digest of its rows: the row count and an md5 of the rows' text
# representations in a stable order.
TABLES_SQL = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
DIGEST_SQL = (
    "SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "
    'FROM public."{table}" t'
)
SEQUENCES_SQL = (
    "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public' "
    "ORDER BY sequencename"
)
# Indexes by name, table, key columns, uniqueness and condition (not their full definitions:
# expressions are deparsed again on restore, so an `IN (…)` reads differently, meaning the same).
INDEXES_SQL = (
    "SELECT i.indexrelid::regclass::text, i.indrelid::regclass::text, (SELECT "
    "string_agg(coalesce(a.attname, 'an expression'), ', ' ORDER BY k.n) "
    "FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, n) LEFT JOIN pg_attribute a "
    "ON a.attrelid = i.indrelid AND a.attnum = k.attnum), "
    "i.indisunique, i.indpred IS NOT NULL FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
    "WHERE c.relnamespace = 'public'::regnamespace ORDER BY 1"
)
CONSTRAINTS_SQL = (
    "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
    "WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2"
)


def snapshot(dbname):
    """{'tables': {name: (rows, md5)}, 'sequences': …, 'indexes': …, 'constraints': …}."""
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname=dbname,
    ) as conn:
        tables = [name for (name,) in conn.execute(TABLES_SQL)]
        return {
            "tables": {
                table: conn.execute(DIGEST_SQL.format(table=table)).fetchone() for table in tables
            },
            "sequences": conn.execute(SEQUENCES_SQL).fetchall(),
            "indexes": conn.execute(INDEXES_SQL).fetchall(),
            "constraints": conn.execute(CONSTRAINTS_SQL).fetchall(),
        }


@unittest.skipUnless(
    connection.vendor == "postgresql",
    "pg_dump and pg_restore back up PostgreSQL only; on SQLite the export format's round trip "
    "(test_import_data) is the backup that is tested",
)
class PgDumpRestoreTests(TransactionTestCase):
    # The dump is taken by another process, so the rows are committed; the flush
    # afterwards would drop the migrations' data (the role groups) without this.
    serialized_rollback = True

    def setUp(self):
        settings = connection.settings_dict
        self.env = dict(os.environ, PGPASSWORD=settings["PASSWORD"] or "")
        self.server = [
            "-h",
            settings["HOST"] or "127.0.0.1",
            "-p",
            str(settings["PORT"] or 5432),
            "-U",
            settings["USER"] or "postgres",
        ]
        self.source_db = settings["NAME"]
        self.restored_db = f"{self.source_db}_restored"
        self.folder = Path(tempfile.mkdtemp(prefix="pg-backup-"))
        self.addCleanup(shutil.rmtree, self.folder, ignore_errors=True)

    def run_tool(self, *args):
        result = subprocess.run(  # noqa: S603 (PostgreSQL's client tools, fixed arguments)
            args, env=self.env, capture_output=True, text=True, timeout=300, check=False
        )
        self.assertEqual(result.returncode, 0, f"{args[0]} failed: {result.stderr}")
        return result

    def drop_restored(self):
        self.run_tool("dropdb", *self.server, "--if-exists", "--force", self.restored_db)

    def test_a_dump_restored_into_an_empty_database_is_identical(self):
        make_backup_dataset()
        # Every kind of row is there to be copied.
        self.assertTrue(SourceRelay.objects.exists())
        self.assertTrue(Attribution.objects.filter(relayed_via__isnull=False).exists())
        self.assertTrue(Attribution.objects.filter(stance="disputes").exists())
        self.assertTrue(Attribution.objects.removed().exists())
        self.assertTrue(Claim.objects.filter(merged_into__isnull=False).exists())
        self.assertTrue(Review.objects.exists() and Annotation.objects.exists())
        self.assertTrue(Claim.history.exists() and Attribution.history.exists())
        self.assertTrue(Source.objects.filter(batch__isnull=False).exists())

        # The README's commands (Backups).
        dump = self.folder / "provenance.dump"
        self.run_tool("pg_dump", *self.server, "-Fc", "-f", str(dump), self.source_db)
        self.drop_restored()
        self.addCleanup(self.drop_restored)
        self.run_tool("createdb", *self.server, self.restored_db)
        self.assertEqual(snapshot(self.restored_db)["tables"], {}, "not empty before the restore")
        self.run_tool("pg_restore", *self.server, "--no-owner", "-d", self.restored_db, str(dump))

        original, restored = snapshot(self.source_db), snapshot(self.restored_db)
        self.assertGreater(len(original["tables"]), 20)
        self.assertEqual(list(restored["tables"]), list(original["tables"]))
        for table, digest in original["tables"].items():
            with self.subTest(table=table):
                self.assertEqual(restored["tables"][table], digest)
        for table in ("claims_claim", "claims_historicalattribution", "authtoken_token"):
            self.assertGreater(original["tables"][table][0], 0, table)
        self.assertEqual(restored["sequences"], original["sequences"])
        self.assertEqual(restored["indexes"], original["indexes"])
        self.assertEqual(restored["constraints"], original["constraints"])
