"""Every trigger that keeps derived state, installed from claims/sql (claims.derived
lists what each keeps).

Each trigger set (claims.sql.TRIGGER_SETS) is one file per vendor in
claims/sql; this migration drops and creates every one of them (each file
drops what it creates first, so it is idempotent), whatever earlier
migrations installed. Run again after editing a file there: a new
migration calling claims.sql.install_triggers, as must a later migration
that makes a table with triggers again on SQLite (which drops a table's
triggers with it); `manage.py check_derived` reports a missing trigger. The
files are read as they are when the migration runs.
"""

from django.db import migrations

from claims.sql import install_triggers


def install(apps, schema_editor):
    install_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0016_suggestion_to_intake"),
    ]

    operations = [
        migrations.RunPython(install, migrations.RunPython.noop),
    ]
