"""Claim search documents split in two: statement_vector ranks, both joined match.

A broad word ("pipeline") matches a third of the claims. Ranking them with ts_rank
over the whole document decompresses every matching vector, quotes included
(kilobytes for claims with many attributions). Instead the
statement and the quotes are stored as two tsvectors; a search matches
`statement_vector || quotes_vector` (the same lexemes, weights and positions as
the old single vector, GIN-indexed as that expression) and ranks by the small
statement_vector alone (claims.search).

PostgreSQL: the documents are derived data, so the table is emptied (TRUNCATE,
which also leaves no dead rows behind) and refilled from the claims and their
live quotes, the statement claims.search.rebuild_all runs; then the index is
built. SQLite keeps its FTS5 table (claims_claim_fts); this changes nothing there.
"""

import django.contrib.postgres.search
from django.db import migrations


class PostgreSQLOnly(migrations.RunSQL):
    """RunSQL that does nothing on databases other than PostgreSQL."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


# claims.search.rebuild_all at this migration, frozen here as migrations must be.
FILL = """
INSERT INTO claims_claimsearchdocument (claim_id, statement_vector, quotes_vector)
SELECT c.id,
       setweight(to_tsvector('english'::regconfig, c.statement), 'A'),
       setweight(to_tsvector('english'::regconfig,
                             coalesce(string_agg(a.quote, ' ' ORDER BY a.id), '')), 'B')
FROM claims_claim c
LEFT JOIN claims_attribution a
       ON a.claim_id = c.id AND a.deleted_at IS NULL AND a.orphaned_at IS NULL
GROUP BY c.id
"""
# The single vector of migration 0003, for going back.
FILL_BACK = """
INSERT INTO claims_claimsearchdocument (claim_id, vector)
SELECT c.id,
       setweight(to_tsvector('english'::regconfig, c.statement), 'A')
       || setweight(to_tsvector('english'::regconfig,
                                coalesce(string_agg(a.quote, ' ' ORDER BY a.id), '')), 'B')
FROM claims_claim c
LEFT JOIN claims_attribution a
       ON a.claim_id = c.id AND a.deleted_at IS NULL AND a.orphaned_at IS NULL
GROUP BY c.id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0012_claim_search_facets_idx"),
    ]

    operations = [
        PostgreSQLOnly(
            sql=[
                "DROP INDEX IF EXISTS claim_search_vector_gin",
                "TRUNCATE claims_claimsearchdocument",
            ],
            reverse_sql=[
                "TRUNCATE claims_claimsearchdocument",
                "SET CONSTRAINTS ALL IMMEDIATE",
                FILL_BACK,
                "SET CONSTRAINTS ALL DEFERRED",
                "CREATE INDEX claim_search_vector_gin ON claims_claimsearchdocument "
                "USING gin (vector)",
            ],
        ),
        migrations.RemoveField(
            model_name="claimsearchdocument",
            name="vector",
        ),
        migrations.AddField(
            model_name="claimsearchdocument",
            name="statement_vector",
            field=django.contrib.postgres.search.SearchVectorField(null=True),
        ),
        migrations.AddField(
            model_name="claimsearchdocument",
            name="quotes_vector",
            field=django.contrib.postgres.search.SearchVectorField(null=True),
        ),
        # Claim list search on PostgreSQL (claims.search):
        # (statement_vector || quotes_vector) @@ websearch_to_tsquery('english', q).
        PostgreSQLOnly(
            sql=[
                # Check the claim foreign keys as the rows go in, so that no trigger
                # events are pending when the index is built, then back to the default.
                "SET CONSTRAINTS ALL IMMEDIATE",
                FILL,
                "SET CONSTRAINTS ALL DEFERRED",
                "CREATE INDEX claim_search_vector_gin ON claims_claimsearchdocument "
                "USING gin ((statement_vector || quotes_vector))",
                "ANALYZE claims_claimsearchdocument",
            ],
            reverse_sql=[
                "DROP INDEX IF EXISTS claim_search_vector_gin",
                "TRUNCATE claims_claimsearchdocument",
            ],
        ),
    ]
