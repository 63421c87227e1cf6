"""Trigram matching on claim statements, for the claim page's similar claims.

PostgreSQL only: the pg_trgm extension and a GIN trigram index on
claims_claim.statement. SQLite has neither; claims/similar.py falls back to
word overlap there, so this migration does nothing on SQLite.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class PostgreSQLOnly(migrations.RunSQL):
    """RunSQL that does nothing on databases other than PostgreSQL."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0003_claimsearchdocument"),
    ]

    operations = [
        # CreateExtension is itself a no-op on databases other than PostgreSQL.
        TrigramExtension(),
        # Similar claims: statement % %s ORDER BY similarity(statement, %s) DESC
        # (claims.similar.similar_claims).
        PostgreSQLOnly(
            sql="CREATE INDEX IF NOT EXISTS claim_statement_trgm_idx "
            "ON claims_claim USING gin (statement gin_trgm_ops)",
            reverse_sql="DROP INDEX IF EXISTS claim_statement_trgm_idx",
        ),
    ]
