"""Derived state: every stored value computed from other rows, and what keeps it.

DERIVED lists each derived field with the ONE mechanism that keeps it:

- ``engine``: claims.engine computes it from a claim's live attributions,
  their sources, relays, outlets, owner groups and speakers. A write function
  that changes any of those adds the affected rows to a Refresh batch
  (below); the batch recomputes the claims once, in the write's transaction.
- ``search``: claims.search rebuilds a claim's search document (PostgreSQL
  tsvectors, SQLite FTS5) from its statement and live quotes. A write that
  changes either adds the claim to the batch's ``documents``.
- ``save``: computed from the row's own fields by its model's save(), so
  every write of the row keeps it (a QuerySet.update() of the inputs must
  not bypass save()).
- ``trigger``: a database trigger keeps it in the transaction of every write,
  whatever makes it (the ORM, bulk inserts, the engine's UPDATE, raw SQL). The
  trigger SQL lives in claims/sql/<name>.<vendor>.sql; migration
  0017_derived_sql installs every file there (see TRIGGER_SETS).

``manage.py check_derived`` checks all of it for drift and ``--fix`` rebuilds.

A Refresh is the explicit batch: a write function creates one (``batch()``)
or receives its caller's (an import run, a backup restore), adds what it
changed, and the batch runs once at the end, inside the transaction. A
claim is recomputed once and its document rebuilt once per batch, however
many writes touched it; a batch with nothing to do runs no query.
"""

from contextlib import contextmanager
from typing import NamedTuple

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from claims import engine, search, sql
from claims.models import Attribution, Claim, ClaimCount, ClaimSearchDocument


class Derived(NamedTuple):
    """One kind of derived state: where it is stored, from what, and what keeps it."""

    name: str
    fields: tuple
    inputs: str
    kept_by: str  # "engine", "search", "save" or "trigger"
    trigger_set: str = ""  # for kept_by="trigger": the claims/sql/<set>.<vendor>.sql files


DERIVED = (
    Derived(
        "status",
        (
            "Claim.status",
            "Claim.grade",
            "Claim.explanation",
            "Claim.origin_count",
            "Claim.origin_groups",
            "Claim.outlet_kinds",
        ),
        "live attributions with their sources, relays, outlets, owner groups and speakers",
        "engine",
    ),
    Derived(
        "search documents",
        (
            "ClaimSearchDocument.statement_vector",
            "ClaimSearchDocument.quotes_vector",
            "ClaimFullText (SQLite FTS5 claims_claim_fts)",
        ),
        "the claim's statement and the quotes of its live attributions",
        "search",
    ),
    Derived(
        "search document facets",
        (
            "ClaimSearchDocument.status",
            "ClaimSearchDocument.verdict",
            "ClaimSearchDocument.outlet_kinds",
            "ClaimSearchDocument.created_at",
            "ClaimSearchDocument.current",
        ),
        "the claim's status, verdict, outlet kinds, creation time and merged state",
        "trigger",
        "document_copies",
    ),
    Derived(
        "claim counts",
        ("ClaimCount.n",),
        "current claims by status, verdict and outlet kinds",
        "trigger",
        "claimcount",
    ),
    Derived(
        "evidence date",
        ("Attribution.published_on",),
        "the attribution's source's published_on",
        "trigger",
        "published_on",
    ),
)

#: Row-local values their model's save() computes (kept_by "save").
DERIVED += (
    Derived(
        "claim fingerprint",
        ("Claim.fingerprint",),
        "the claim's statement and event dates",
        "save",
    ),
    Derived(
        "name keys",
        (
            "Actor.name_key",
            "ActorAlias.name_key",
            "Outlet.name_key",
            "OutletAlias.name_key",
        ),
        "the row's name, normalized (lib.text.normalize_name)",
        "save",
    ),
    Derived(
        "source text and metadata",
        ("Source.content_hash", "Source.missing_metadata", "Source.needs_metadata"),
        "the source's body, and its title, outlet, byline and date",
        "save",
    ),
)

#: The trigger sets (claims.sql), each one file per vendor in claims/sql.
TRIGGER_SETS = tuple(d.trigger_set for d in DERIVED if d.kept_by == "trigger")
assert set(TRIGGER_SETS) == set(sql.TRIGGER_SETS)


_TARGETS = ("claims", "sources", "outlets", "actors", "owner_groups")


class Refresh:
    """A batch of derived state to bring up to date, run once (see the module docstring).

    add() collects ids: ``claims`` whose evidence changed, and the ``sources``,
    ``outlets``, ``actors`` and ``owner_groups`` the engine reads (the claims
    depending on them are found when the batch runs); ``documents``: claims
    whose statement or live quotes changed. run() recomputes the claims (one
    engine pass, a fixed number of queries), rebuilds the documents (one
    statement) and empties the batch. It must run in the transaction of the
    writes it follows.
    """

    def __init__(self, using=DEFAULT_DB_ALIAS):
        self.using = using
        self.pending = {name: set() for name in _TARGETS}
        self.documents = set()
        #: {claim id: Result} of every claim the runs so far recomputed.
        self.results = {}

    def add(self, *, claims=(), sources=(), outlets=(), actors=(), owner_groups=(), documents=()):
        for name, ids in zip(
            _TARGETS, (claims, sources, outlets, actors, owner_groups), strict=True
        ):
            self.pending[name].update(pk for pk in ids if pk is not None)
        self.documents.update(pk for pk in documents if pk is not None)
        return self

    def add_evidence(self, claim_ids):
        """Claims whose attributions changed: their status and their document (quotes)."""
        return self.add(claims=claim_ids, documents=claim_ids)

    def add_dependents_now(self, **targets):
        """Add the claims depending on `targets` (sources=, outlets=, actors=,
        owner_groups=) as they are now: for a write about to cut the link (an
        owner group deleted loses its outlets). One query."""
        condition = engine.claims_condition(using=self.using, **targets)
        ids = Claim.objects.using(self.using).filter(condition).values_list("pk", flat=True)
        return self.add(claims=list(ids))

    def __bool__(self):
        return bool(self.documents) or any(self.pending.values())

    def apply_to(self, claim):
        """Set on the Claim instance `claim` the values the runs so far stored for it
        (status, grade, explanation, ...: engine.Result), when they recomputed it;
        no query. Returns the claim."""
        result = self.results.get(claim.pk)
        if result is not None:
            for name, value in result._asdict().items():
                setattr(claim, name, value)
        return claim

    def run(self):
        """Recompute the pending claims and rebuild the pending documents, once.

        Returns {claim id: Result} of the claims recomputed by this run."""
        results = {}
        with transaction.atomic(using=self.using, savepoint=False):
            if any(self.pending.values()):
                targets = dict(self.pending)
                condition = engine.claims_condition(
                    claim_ids=targets.pop("claims"), using=self.using, **targets
                )
                results = engine.recompute(condition, self.using)[0]
            if self.documents:
                search.refresh(self.documents, using=self.using)
        self.pending = {name: set() for name in _TARGETS}
        self.documents = set()
        self.results.update(results)
        return results


@contextmanager
def batch(refresh=None, using=DEFAULT_DB_ALIAS):
    """The Refresh a write function adds to: the caller's `refresh` when given (the
    caller runs it), else a new one, run on leaving the block without an error.

    The block runs in the caller's transaction when there is one (no savepoint:
    a write that fails is the caller's to roll back), else in a transaction of
    its own; either way the refresh is atomic with the writes."""
    if refresh is not None:
        yield refresh
        return
    refresh = Refresh(using)
    if connections[using].in_atomic_block:
        yield refresh
        refresh.run()
        return
    with transaction.atomic(using=using):
        yield refresh
        refresh.run()


# --------------------------------------------------------------------------
# Drift: stored derived state against what its mechanism would store now
# --------------------------------------------------------------------------


class Drift(NamedTuple):
    """One check of check_derived: how many rows drifted, and a few of them."""

    name: str
    drifted: int
    checked: int
    examples: tuple = ()


def _sql_rows(connection, statement):
    with connection.cursor() as cursor:
        cursor.execute(statement)
        return cursor.fetchall()


# Attributions whose copied date differs from their source's.
_DATES_DRIFTED = (
    "SELECT a.id FROM claims_attribution a JOIN sources_source s ON s.id = a.source_id "
    "WHERE a.published_on IS DISTINCT FROM s.published_on ORDER BY a.id"
)
_DATES_FIX = {
    "postgresql": "UPDATE claims_attribution AS a SET published_on = s.published_on "
    "FROM sources_source AS s WHERE s.id = a.source_id "
    "AND a.published_on IS DISTINCT FROM s.published_on",
    "sqlite": "UPDATE claims_attribution SET published_on = "
    "(SELECT published_on FROM sources_source WHERE id = claims_attribution.source_id) "
    "WHERE published_on IS NOT "
    "(SELECT published_on FROM sources_source WHERE id = claims_attribution.source_id)",
}
# PostgreSQL only: documents whose facet copies differ from their claim's values.
_COPIES_DRIFTED = (
    "SELECT d.claim_id FROM claims_claimsearchdocument d JOIN claims_claim c ON c.id = d.claim_id "
    "WHERE d.status IS DISTINCT FROM c.status OR d.verdict IS DISTINCT FROM c.verdict "
    "OR d.outlet_kinds IS DISTINCT FROM c.outlet_kinds "
    "OR d.created_at IS DISTINCT FROM c.created_at "
    "OR d.current IS DISTINCT FROM (c.merged_into_id IS NULL) ORDER BY d.claim_id"
)
_COPIES_FIX = (
    "UPDATE claims_claimsearchdocument AS d SET status = c.status, verdict = c.verdict, "
    "outlet_kinds = c.outlet_kinds, created_at = c.created_at, "
    "current = c.merged_into_id IS NULL FROM claims_claim AS c WHERE c.id = d.claim_id"
)


def _dates_query(connection):
    # SQLite spells IS DISTINCT FROM as IS NOT.
    if connection.vendor == "sqlite":
        return _DATES_DRIFTED.replace("IS DISTINCT FROM", "IS NOT")
    return _DATES_DRIFTED


def check_triggers(connection, fix):
    missing = sql.missing_triggers(connection)
    if fix and missing:
        sql.install_triggers(connection)
    names = tuple(name for names in missing.values() for name in names)
    expected = sum(len(t.get(connection.vendor, ())) for t in sql.TRIGGERS.values())
    return Drift("triggers", len(names), expected, names)


def check_statuses(connection, fix):
    """A full recompute of every claim, writing only when fixing."""
    summary = engine.recompute_all(write=fix, using=connection.alias, workers=1)
    return Drift("statuses", summary.changed, summary.claims)


def check_documents(connection, fix):
    stale = search.drifted(connection.alias)
    if fix and stale:
        search.rebuild_all(connection.alias)
    total = Claim.objects.using(connection.alias).count()
    return Drift("search documents", len(stale), total, tuple(stale[:10]))


def check_counts(connection, fix):
    counts = ClaimCount.drift(connection.alias)
    if fix and counts:
        ClaimCount.rebuild(connection.alias)
    total = ClaimCount.objects.using(connection.alias).count()
    return Drift("claim counts", len(counts), total, tuple(sorted(counts)[:10]))


def check_dates(connection, fix):
    dates = [row[0] for row in _sql_rows(connection, _dates_query(connection))]
    if fix and dates:
        _execute(connection, _DATES_FIX[connection.vendor])
    total = Attribution.objects.using(connection.alias).count()
    return Drift("evidence dates", len(dates), total, tuple(dates[:10]))


def check_document_facets(connection, fix):
    """PostgreSQL only: SQLite's documents carry no copies (None there)."""
    if connection.vendor != "postgresql":
        return None
    copies = [row[0] for row in _sql_rows(connection, _COPIES_DRIFTED)]
    if fix and copies:
        _execute(connection, _COPIES_FIX)
    total = ClaimSearchDocument.objects.using(connection.alias).count()
    return Drift("search document facets", len(copies), total, tuple(copies[:10]))


#: The checks of check(), in the order they run (and fix: the triggers first, then
#: the statuses, whose UPDATE the count and copy triggers follow).
CHECKS = (
    check_triggers,
    check_statuses,
    check_documents,
    check_counts,
    check_dates,
    check_document_facets,
)


def check(using=DEFAULT_DB_ALIAS, fix=False):
    """Check every kind of derived state in DERIVED (kept_by "save" aside: no write
    bypasses save() for them) and that its triggers are installed; with `fix`,
    rebuild what drifted. Returns [Drift] as found before fixing each."""
    connection = connections[using]
    found = (run_check(connection, fix) for run_check in CHECKS)
    return [drift for drift in found if drift is not None]


def _execute(connection, statement):
    with connection.cursor() as cursor:
        cursor.execute(statement)
