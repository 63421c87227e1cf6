"""Claim.origin_groups: the engine's origin groups, stored for the claim page's chain."""

from django.db import migrations, models


def fill(apps, schema_editor):
    # The engine itself (claims.status), writing only the new column, in batches.
    from claims import status

    status.fill_origin_groups(using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0008_claim_outlet_kinds"),
    ]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="origin_groups",
            field=models.JSONField(blank=True, default=list, editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
