"""Attribution.published_on: its source's date, kept by triggers, for the claim page's order.

The claim page lists a claim's evidence by source date (undated last), source,
position and id, 25 a page (web.views.evidence_page). With the date on the
source only, every page view read and sorted all of a claim's attributions,
looking up each one's source, at a cost growing with the claim. With the date
copied onto the attribution,
attribution_evidence_idx serves a page as a range read.

Triggers keep the copy exact in the transaction of every write, whatever makes
it (the ORM, the importer's and the corpus generator's bulk inserts, raw SQL):
- an attribution inserted, or updated in its source or its copied date, takes
  its source's date (so a write of a stale or wrong date is corrected);
- a source whose date changes passes it to its attributions.
PostgreSQL: a BEFORE row trigger on claims_attribution and an AFTER row trigger
on sources_source. SQLite: AFTER row triggers that rewrite the date when it
differs. SQLite drops a table's triggers when Django remakes the table, so a
later migration that remakes either table must create them again;
tests/claims/test_evidence_date.py fails if they are missing.
"""

from django.db import migrations, models

POSTGRESQL = [
    """
    CREATE FUNCTION claims_attribution_published_on() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.published_on := (SELECT published_on FROM sources_source WHERE id = NEW.source_id);
        RETURN NEW;
    END $$
    """,
    "CREATE TRIGGER claims_attribution_published_on "
    "BEFORE INSERT OR UPDATE OF source_id, published_on ON claims_attribution "
    "FOR EACH ROW EXECUTE FUNCTION claims_attribution_published_on()",
    """
    CREATE FUNCTION claims_source_published_on() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE claims_attribution SET published_on = NEW.published_on
        WHERE source_id = NEW.id;
        RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER claims_source_published_on "
    "AFTER UPDATE OF published_on ON sources_source FOR EACH ROW "
    "WHEN (OLD.published_on IS DISTINCT FROM NEW.published_on) "
    "EXECUTE FUNCTION claims_source_published_on()",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER claims_attribution_published_on ON claims_attribution",
    "DROP TRIGGER claims_source_published_on ON sources_source",
    "DROP FUNCTION claims_attribution_published_on()",
    "DROP FUNCTION claims_source_published_on()",
]

_SOURCE_DATE = "(SELECT published_on FROM sources_source WHERE id = NEW.source_id)"
_TAKE_SOURCE_DATE = (
    f"UPDATE claims_attribution SET published_on = {_SOURCE_DATE} WHERE id = NEW.id;"
)
SQLITE = [
    "CREATE TRIGGER claims_attribution_published_on_insert AFTER INSERT ON claims_attribution "
    f"WHEN NEW.published_on IS NOT {_SOURCE_DATE} BEGIN {_TAKE_SOURCE_DATE} END",
    "CREATE TRIGGER claims_attribution_published_on_update "
    "AFTER UPDATE OF source_id, published_on ON claims_attribution "
    f"WHEN NEW.published_on IS NOT {_SOURCE_DATE} BEGIN {_TAKE_SOURCE_DATE} END",
    "CREATE TRIGGER claims_source_published_on AFTER UPDATE OF published_on ON sources_source "
    "WHEN OLD.published_on IS NOT NEW.published_on BEGIN "
    "UPDATE claims_attribution SET published_on = NEW.published_on WHERE source_id = NEW.id; "
    "END",
]
SQLITE_REVERSE = [
    "DROP TRIGGER claims_attribution_published_on_insert",
    "DROP TRIGGER claims_attribution_published_on_update",
    "DROP TRIGGER claims_source_published_on",
]

# The attributions already there take their source's date.
BACKFILL = {
    "postgresql": "UPDATE claims_attribution AS a SET published_on = s.published_on "
    "FROM sources_source AS s WHERE s.id = a.source_id AND s.published_on IS NOT NULL",
    "sqlite": "UPDATE claims_attribution SET published_on = "
    "(SELECT published_on FROM sources_source WHERE id = claims_attribution.source_id)",
}


def create_triggers(apps, schema_editor):
    connection = schema_editor.connection
    statements = {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(connection.vendor)
    if statements is None:
        raise NotImplementedError(f"Attribution.published_on triggers for {connection.vendor}")
    with connection.cursor() as cursor:
        cursor.execute(BACKFILL[connection.vendor])
        for sql in statements:
            cursor.execute(sql)


def drop_triggers(apps, schema_editor):
    connection = schema_editor.connection
    statements = {"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}[connection.vendor]
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0013_claim_search_statement_rank"),
        ("sources", "0003_source_import_fields"),
    ]

    operations = [
        migrations.AddField(
            model_name="attribution",
            name="published_on",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
        migrations.AddIndex(
            model_name="attribution",
            index=models.Index(
                condition=models.Q(("deleted_at__isnull", True), ("orphaned_at__isnull", True)),
                fields=["claim", "published_on", "source", "start", "id"],
                name="attribution_evidence_idx",
            ),
        ),
    ]
