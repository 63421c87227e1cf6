"""The SQL of the triggers that keep derived state (claims.derived lists what each keeps).

One file per trigger set and vendor: <set>.<vendor>.sql. Statements are
separated by lines holding only ``--;`` (PL/pgSQL and SQLite trigger bodies
contain semicolons), and each file drops what it creates first, so
installing it again is harmless. This module imports no model: migrations
use it (claims/migrations/0017_derived_sql).
"""

from pathlib import Path

SQL_DIR = Path(__file__).resolve().parent

#: The triggers each set installs, by vendor (manage.py check_derived checks they exist).
TRIGGERS = {
    "claimcount": {
        "postgresql": (
            "claims_claimcount_insert",
            "claims_claimcount_delete",
            "claims_claimcount_update",
            "claims_claimcount_truncate",
        ),
        "sqlite": (
            "claims_claimcount_insert",
            "claims_claimcount_delete",
            "claims_claimcount_update",
        ),
    },
    "published_on": {
        "postgresql": ("claims_attribution_published_on", "claims_source_published_on"),
        "sqlite": (
            "claims_attribution_published_on_insert",
            "claims_attribution_published_on_update",
            "claims_source_published_on",
        ),
    },
    "document_copies": {
        "postgresql": ("claims_search_document_copies", "claims_claim_search_document"),
        "sqlite": (),  # SQLite searches its FTS5 table; the documents table stays empty
    },
}
TRIGGER_SETS = tuple(TRIGGERS)


def trigger_sql(trigger_set, vendor):
    """The SQL of one trigger set for `vendor` ('' when the set has none there)."""
    path = SQL_DIR / f"{trigger_set}.{vendor}.sql"
    return path.read_text() if path.exists() else ""


def statements(sql):
    """The statements of a file, split on the ``--;`` lines."""
    return [part.strip() for part in sql.split("\n--;\n") if part.strip()]


def install_triggers(connection):
    """Drop and create every trigger of TRIGGER_SETS on `connection` (idempotent)."""
    with connection.cursor() as cursor:
        for trigger_set in TRIGGER_SETS:
            for statement in statements(trigger_sql(trigger_set, connection.vendor)):
                cursor.execute(statement)


def installed_triggers(connection):
    """The names of the triggers on the database of `connection`."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {row[0] for row in cursor.fetchall()}


def missing_triggers(connection):
    """{trigger set: [trigger names missing]} for the sets with a trigger missing."""
    present = installed_triggers(connection)
    missing = {}
    for trigger_set, by_vendor in TRIGGERS.items():
        gone = [name for name in by_vendor.get(connection.vendor, ()) if name not in present]
        if gone:
            missing[trigger_set] = gone
    return missing
