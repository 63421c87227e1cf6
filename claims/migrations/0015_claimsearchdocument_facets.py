"""Copies of a claim's facets on its search document, kept by triggers.

A broad word ("pipeline") matches a third of the claims. Its facet counts
and its best matches would join every matching document to its claim: a scan of
the claims' facet index and a hash join for the counts, and a sort of every
match carrying its claim's date for the page. With the status, verdict,
outlet kinds, creation time and `current` (not merged) copied onto the
document, a search that nothing else narrows is counted and paged from the
documents it matches alone (claims.filters.ClaimFilter.documents).

The table is made again with the copies ahead of the two vectors: a row is
read column by column, so a column after the vectors costs reading past them.

PostgreSQL triggers keep the copies exact in the transaction of every write,
whatever makes it (the ORM, the engine's UPDATE, raw SQL):
- a document inserted, or updated in a copied column, takes its claim's values
  (so a stale or wrong value written is corrected);
- a claim whose status, verdict, outlet kinds, creation time or merged state
  changes passes them to its document.
The documents are derived data: the new table is filled as
claims.search.rebuild_all does, and the GIN index built again (19 s at 200,000
claims). SQLite searches its FTS5 table and never fills this one: the table is
made again there too, with no triggers.
"""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models


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

REFILL = [
    # Check the claim foreign keys as the rows go in, so that no trigger events
    # are pending when the index is built, then back to the default.
    "SET CONSTRAINTS ALL IMMEDIATE",
    FILL,
    "SET CONSTRAINTS ALL DEFERRED",
    # Claim list search (claims.search):
    # (statement_vector || quotes_vector) @@ websearch_to_tsquery('english', q).
    "CREATE INDEX claim_search_vector_gin ON claims_claimsearchdocument "
    "USING gin ((statement_vector || quotes_vector))",
    "ANALYZE claims_claimsearchdocument",
]

COPIES = "status, verdict, outlet_kinds, created_at, current"
TRIGGERS = [
    """
    CREATE FUNCTION claims_search_document_copies() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        SELECT status, verdict, outlet_kinds, created_at, merged_into_id IS NULL
        INTO NEW.status, NEW.verdict, NEW.outlet_kinds, NEW.created_at, NEW.current
        FROM claims_claim WHERE id = NEW.claim_id;
        RETURN NEW;
    END $$
    """,
    "CREATE TRIGGER claims_search_document_copies "
    f"BEFORE INSERT OR UPDATE OF claim_id, {COPIES} ON claims_claimsearchdocument "
    "FOR EACH ROW EXECUTE FUNCTION claims_search_document_copies()",
    """
    CREATE FUNCTION claims_claim_search_document() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE claims_claimsearchdocument
        SET status = NEW.status, verdict = NEW.verdict, outlet_kinds = NEW.outlet_kinds,
            created_at = NEW.created_at, current = NEW.merged_into_id IS NULL
        WHERE claim_id = NEW.id;
        RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER claims_claim_search_document "
    "AFTER UPDATE OF status, verdict, outlet_kinds, created_at, merged_into_id ON claims_claim "
    "FOR EACH ROW WHEN ("
    "OLD.status IS DISTINCT FROM NEW.status OR OLD.verdict IS DISTINCT FROM NEW.verdict "
    "OR OLD.outlet_kinds IS DISTINCT FROM NEW.outlet_kinds "
    "OR OLD.created_at IS DISTINCT FROM NEW.created_at "
    "OR (OLD.merged_into_id IS NULL) <> (NEW.merged_into_id IS NULL)) "
    "EXECUTE FUNCTION claims_claim_search_document()",
]
TRIGGERS_REVERSE = [
    "DROP TRIGGER claims_search_document_copies ON claims_claimsearchdocument",
    "DROP TRIGGER claims_claim_search_document ON claims_claim",
    "DROP FUNCTION claims_search_document_copies()",
    "DROP FUNCTION claims_claim_search_document()",
]




class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0014_attribution_published_on"),
    ]

    operations = [
        # Going back: the old table, refilled and indexed.
        PostgreSQLOnly(sql=migrations.RunSQL.noop, reverse_sql=REFILL),
        migrations.DeleteModel(name="ClaimSearchDocument"),
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
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("corroborated", "Corroborated"),
                            ("single_source", "Single source"),
                            ("speculative", "Speculative"),
                            ("contested", "Contested"),
                            ("unsupported", "Unsupported"),
                        ],
                        editable=False,
                        max_length=20,
                    ),
                ),
                (
                    "verdict",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("accurate", "Accurate"),
                            ("mostly_accurate", "Mostly accurate"),
                            ("misleading", "Misleading"),
                            ("false", "False"),
                            ("unverifiable", "Unverifiable"),
                            ("needs_sourcing", "Needs more sourcing"),
                        ],
                        editable=False,
                        max_length=20,
                    ),
                ),
                ("outlet_kinds", models.PositiveIntegerField(default=0, editable=False)),
                ("created_at", models.DateTimeField(editable=False)),
                ("current", models.BooleanField(default=True, editable=False)),
                (
                    "statement_vector",
                    django.contrib.postgres.search.SearchVectorField(null=True),
                ),
                ("quotes_vector", django.contrib.postgres.search.SearchVectorField(null=True)),
            ],
        ),
        PostgreSQLOnly(sql=[*TRIGGERS, *REFILL], reverse_sql=TRIGGERS_REVERSE),
    ]
