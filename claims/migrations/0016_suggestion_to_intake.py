"""Suggestion now belongs to intake (intake/migrations/0001_initial.py).

The state only: the table claims_suggestion stays, owned by intake's model.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0015_claimsearchdocument_facets"),
        ("intake", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Suggestion")],
            database_operations=[],
        ),
    ]
