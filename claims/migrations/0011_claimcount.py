"""ClaimCount: current claims counted by status, verdict and outlet_kinds, kept by triggers.

The claim list's facets and the dashboard read it instead of scanning every
claim. Triggers on claims_claim keep it exact in the transaction of every
write, whatever makes it (the ORM, bulk inserts, the engine's raw UPDATE):
statement-level triggers with transition tables on PostgreSQL (one upsert per
statement, in key order), row-level triggers on SQLite.
"""

from django.db import migrations, models

COUNTED = "merged_into_id IS NULL"
UPSERT = (
    "ON CONFLICT (status, verdict, outlet_kinds) DO UPDATE SET n = claims_claimcount.n + EXCLUDED.n"
)

POSTGRESQL = [
    f"""
    CREATE FUNCTION claims_claimcount_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO claims_claimcount (status, verdict, outlet_kinds, n)
        SELECT status, verdict, outlet_kinds, count(*) FROM new_rows WHERE {COUNTED}
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        {UPSERT};
        RETURN NULL;
    END $$
    """,
    f"""
    CREATE FUNCTION claims_claimcount_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO claims_claimcount (status, verdict, outlet_kinds, n)
        SELECT status, verdict, outlet_kinds, -count(*) FROM old_rows WHERE {COUNTED}
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        {UPSERT};
        RETURN NULL;
    END $$
    """,
    f"""
    CREATE FUNCTION claims_claimcount_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO claims_claimcount (status, verdict, outlet_kinds, n)
        SELECT status, verdict, outlet_kinds, sum(d) FROM (
            SELECT status, verdict, outlet_kinds, 1 AS d FROM new_rows WHERE {COUNTED}
            UNION ALL
            SELECT status, verdict, outlet_kinds, -1 AS d FROM old_rows WHERE {COUNTED}
        ) AS changes
        GROUP BY 1, 2, 3 HAVING sum(d) <> 0 ORDER BY 1, 2, 3
        {UPSERT};
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION claims_claimcount_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM claims_claimcount;
        RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER claims_claimcount_insert AFTER INSERT ON claims_claim "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION claims_claimcount_insert()",
    "CREATE TRIGGER claims_claimcount_delete AFTER DELETE ON claims_claim "
    "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION claims_claimcount_delete()",
    "CREATE TRIGGER claims_claimcount_update AFTER UPDATE ON claims_claim "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION claims_claimcount_update()",
    "CREATE TRIGGER claims_claimcount_truncate AFTER TRUNCATE ON claims_claim "
    "FOR EACH STATEMENT EXECUTE FUNCTION claims_claimcount_truncate()",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER claims_claimcount_insert ON claims_claim",
    "DROP TRIGGER claims_claimcount_delete ON claims_claim",
    "DROP TRIGGER claims_claimcount_update ON claims_claim",
    "DROP TRIGGER claims_claimcount_truncate ON claims_claim",
    "DROP FUNCTION claims_claimcount_insert()",
    "DROP FUNCTION claims_claimcount_delete()",
    "DROP FUNCTION claims_claimcount_update()",
    "DROP FUNCTION claims_claimcount_truncate()",
]

_ADD_NEW = (
    "INSERT INTO claims_claimcount (status, verdict, outlet_kinds, n) "
    "SELECT NEW.status, NEW.verdict, NEW.outlet_kinds, 1 WHERE NEW.merged_into_id IS NULL "
    "ON CONFLICT (status, verdict, outlet_kinds) DO UPDATE SET n = n + 1;"
)
_REMOVE_OLD = (
    "UPDATE claims_claimcount SET n = n - 1 WHERE OLD.merged_into_id IS NULL "
    "AND status = OLD.status AND verdict = OLD.verdict AND outlet_kinds = OLD.outlet_kinds;"
)
SQLITE = [
    f"CREATE TRIGGER claims_claimcount_insert AFTER INSERT ON claims_claim BEGIN {_ADD_NEW} END",
    f"CREATE TRIGGER claims_claimcount_delete AFTER DELETE ON claims_claim BEGIN {_REMOVE_OLD} END",
    "CREATE TRIGGER claims_claimcount_update "
    "AFTER UPDATE OF status, verdict, outlet_kinds, merged_into_id ON claims_claim "
    "WHEN OLD.status IS NOT NEW.status OR OLD.verdict IS NOT NEW.verdict "
    "OR OLD.outlet_kinds IS NOT NEW.outlet_kinds "
    "OR (OLD.merged_into_id IS NULL) IS NOT (NEW.merged_into_id IS NULL) "
    f"BEGIN {_REMOVE_OLD} {_ADD_NEW} END",
]
SQLITE_REVERSE = [
    "DROP TRIGGER claims_claimcount_insert",
    "DROP TRIGGER claims_claimcount_delete",
    "DROP TRIGGER claims_claimcount_update",
]


def create_triggers(apps, schema_editor):
    """The triggers, then the counts of the claims already there."""
    connection = schema_editor.connection
    statements = {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(connection.vendor)
    if statements is None:
        raise NotImplementedError(f"ClaimCount triggers for {connection.vendor}")
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
        cursor.execute(
            "INSERT INTO claims_claimcount (status, verdict, outlet_kinds, n) "
            "SELECT status, verdict, outlet_kinds, count(*) FROM claims_claim "
            f"WHERE {COUNTED} GROUP BY status, verdict, outlet_kinds"
        )


def drop_triggers(apps, schema_editor):
    connection = schema_editor.connection
    statements = {"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}[connection.vendor]
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0010_sqlite_full_text_join"),
    ]

    operations = [
        migrations.CreateModel(
            name="ClaimCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
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
                        max_length=20,
                    ),
                ),
                ("outlet_kinds", models.PositiveIntegerField()),
                ("n", models.BigIntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("status", "verdict", "outlet_kinds"), name="claimcount_key"
                    )
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
