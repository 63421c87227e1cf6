"""A covering index for the facets and count of a searched claim list (PostgreSQL).

A search matches tens of thousands of claims' documents (claim_search_vector_gin);
the facets (ClaimQuerySet.facet_counts) then need the status, verdict, grade and
outlet kinds of each matching current claim. With this index PostgreSQL hash-joins
the matched documents to an index-only scan of it instead of reading the claims
table. SQLite joins its FTS5 rows to claims by rowid and needs none, so this
migration does nothing there (covering indexes are PostgreSQL-only).
"""

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
        ("claims", "0011_claimcount"),
    ]

    operations = [
        # Claim list search facets and count: claims_claimsearchdocument matches
        # hash-joined on id to current claims' status, verdict, grade, outlet_kinds.
        PostgreSQLOnly(
            sql="CREATE INDEX IF NOT EXISTS claim_search_facets_idx ON claims_claim (id) "
            "INCLUDE (status, verdict, grade, outlet_kinds) WHERE merged_into_id IS NULL",
            reverse_sql="DROP INDEX IF EXISTS claim_search_facets_idx",
        ),
    ]
