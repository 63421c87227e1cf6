"""Database routing: keeps Django's table-wide tools off the SQLite full-text table."""


class FullTextRouter:
    """Leave claims.ClaimFullText out of dumpdata, loaddata and flush-style tools.

    ClaimFullText is claims.search's view of SQLite's FTS5 table, derived data
    rebuilt by claims.search.rebuild_all, and has no table at all on PostgreSQL:
    tools that walk every model (dumpdata, loaddata, test-database
    serialisation) must skip it. Every other model is left to the defaults.
    """

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if app_label == "claims" and model_name == "claimfulltext":
            return False
        return None
