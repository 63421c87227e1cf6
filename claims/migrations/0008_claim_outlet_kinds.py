"""Claim.outlet_kinds (the claim list's outlet-kind facet and filter) and two indexes.

The masks are filled here with one UPDATE; from then on claims.engine writes
them with the status. `manage.py recompute_status --check` confirms they agree.
"""

from django.db import migrations, models

# Claim.OUTLET_KIND_BITS as of this migration: bit i for the i-th outlet kind,
# then bit 8 for a source with no known outlet.
KINDS = (
    "wire",
    "state_media",
    "newspaper",
    "broadcaster",
    "blog",
    "government",
    "social",
    "think_tank",
)
UNKNOWN_BIT = 1 << len(KINDS)


def fill_outlet_kinds(apps, schema_editor):
    """Every claim's mask from its live attributions, in one UPDATE.

    The bits are distinct powers of two, so SUM(DISTINCT bit) is their OR on
    both PostgreSQL and SQLite.
    """
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    claim = quote(apps.get_model("claims", "Claim")._meta.db_table)
    attribution = quote(apps.get_model("claims", "Attribution")._meta.db_table)
    source = quote(apps.get_model("sources", "Source")._meta.db_table)
    outlet = quote(apps.get_model("sources", "Outlet")._meta.db_table)
    bit = " ".join(f"WHEN o.kind = '{kind}' THEN {1 << i}" for i, kind in enumerate(KINDS))
    mask = f"SUM(DISTINCT CASE WHEN o.id IS NULL THEN {UNKNOWN_BIT} {bit} ELSE 0 END)"
    rows = (
        f"FROM {attribution} a JOIN {source} s ON s.id = a.source_id "  # noqa: S608
        f"LEFT JOIN {outlet} o ON o.id = s.outlet_id "
        "WHERE a.deleted_at IS NULL AND a.orphaned_at IS NULL"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {claim} AS c SET outlet_kinds = m.mask FROM ("  # noqa: S608
                f"SELECT a.claim_id, {mask} AS mask {rows} GROUP BY a.claim_id"
                ") AS m WHERE c.id = m.claim_id"
            )
        else:
            cursor.execute(
                f"UPDATE {claim} SET outlet_kinds = COALESCE(("  # noqa: S608
                f"SELECT {mask} {rows} AND a.claim_id = {claim}.id), 0)"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0007_suggestion"),
        ("sources", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="outlet_kinds",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(fill_outlet_kinds, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(
                condition=models.Q(("merged_into__isnull", True)),
                fields=["status", "verdict", "grade", "outlet_kinds"],
                name="claim_facets_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(
                models.Case(
                    models.When(status__in=("single_source", "speculative"), then=models.Value(0)),
                    default=models.Value(1),
                    output_field=models.IntegerField(),
                ),
                models.F("created_at"),
                models.F("id"),
                condition=models.Q(("merged_into__isnull", True), ("verdict", "")),
                name="claim_queue_idx",
            ),
        ),
    ]
