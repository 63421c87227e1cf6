"""ClaimFullText: the SQLite FTS5 table claims_claim_fts (from 0003) as an unmanaged model.

No database change: the model only lets claims.search join the FTS5 table to the
claims it searches (match and bm25 rank in one pass). On PostgreSQL the
table does not exist and the model is never queried.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0009_claim_origin_groups"),
    ]

    operations = [
        migrations.CreateModel(
            name="ClaimFullText",
            fields=[
                (
                    "claim",
                    models.OneToOneField(
                        db_column="rowid",
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="full_text",
                        serialize=False,
                        to="claims.claim",
                    ),
                ),
                ("statement", models.TextField()),
                ("quotes", models.TextField()),
                ("document", models.TextField(db_column="claims_claim_fts")),
            ],
            options={
                "db_table": "claims_claim_fts",
                "managed": False,
            },
        ),
    ]
