"""Stored full-text search documents for claims (the claim list search).

PostgreSQL: the claimsearchdocument table (on every database, as the model
says) gets a GIN index and is filled. SQLite: an FTS5 table claims_claim_fts is
created and filled instead. See claims/search.py.
"""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models


class OnlyOn(migrations.RunSQL):
    """RunSQL that runs on one database vendor and does nothing on the others."""

    def __init__(self, vendor, *args, **kwargs):
        self.vendor = vendor
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        return name, [self.vendor, *args], kwargs

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


# The same statements as claims.search.rebuild_all, frozen here as migrations must be.
PG_FILL = """
INSERT INTO claims_claimsearchdocument (claim_id, vector)
SELECT c.id,
       setweight(to_tsvector('english'::regconfig, c.statement), 'A')
       || setweight(to_tsvector('english'::regconfig,
                                coalesce(string_agg(a.quote, ' ' ORDER BY a.id), '')), 'B')
FROM claims_claim c
LEFT JOIN claims_attribution a ON a.claim_id = c.id
GROUP BY c.id
ON CONFLICT (claim_id) DO UPDATE SET vector = EXCLUDED.vector
"""

SQLITE_FILL = """
INSERT OR REPLACE INTO claims_claim_fts (rowid, statement, quotes)
SELECT c.id, c.statement, coalesce(group_concat(a.quote, ' '), '')
FROM claims_claim c
LEFT JOIN claims_attribution a ON a.claim_id = c.id
GROUP BY c.id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0002_roles"),
    ]

    operations = [
        migrations.CreateModel(
            name="ClaimSearchDocument",
            fields=[
                (
                    "claim",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_document",
                        serialize=False,
                        to="claims.claim",
                    ),
                ),
                ("vector", django.contrib.postgres.search.SearchVectorField(null=True)),
            ],
        ),
        # Claim list unfiltered, newest first (the default sort) or oldest first.
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(fields=["-created_at", "-id"], name="claim_created_idx"),
        ),
        # Claim list search on PostgreSQL: vector @@ websearch_to_tsquery('english', q).
        OnlyOn(
            "postgresql",
            sql="CREATE INDEX claim_search_vector_gin ON claims_claimsearchdocument USING gin (vector)",
            reverse_sql="DROP INDEX IF EXISTS claim_search_vector_gin",
        ),
        OnlyOn("postgresql", sql=PG_FILL, reverse_sql=migrations.RunSQL.noop),
        # Claim list search on SQLite: claims_claim_fts MATCH q, ranked by bm25.
        OnlyOn(
            "sqlite",
            sql=(
                "CREATE VIRTUAL TABLE claims_claim_fts "
                "USING fts5(statement, quotes, tokenize='porter unicode61')"
            ),
            reverse_sql="DROP TABLE IF EXISTS claims_claim_fts",
        ),
        OnlyOn("sqlite", sql=SQLITE_FILL, reverse_sql=migrations.RunSQL.noop),
    ]
