"""Claim.origin_groups: the engine's origin groups, stored for the claim page's chain.

Schema only: the column starts empty ([]) and `manage.py check_derived --fix`
(or `recompute_status`) fills it from the engine, as it does any derived
column after a schema change.
"""

from django.db import migrations, models


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
    ]
