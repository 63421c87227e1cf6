"""The engine's reading and writing: load rows, run the pure core, store what changed.

The results are stored on Claim (status, grade, explanation, origin_count,
origin_groups, and outlet_kinds for the claim list's outlet-kind facet) for fast
filtering. Keeping current: the write functions (claims.actions and the
models' write methods) add what they change to a claims.derived.Refresh batch,
which runs recompute() once for the claims affected, inside the write's
transaction. Writes that bypass them (QuerySet.update(), bulk_create(), raw
SQL) must call recompute_claims() or recompute_for() themselves, or add to a
batch. `manage.py check_derived` (and `recompute_status --check`) finds any
drift; recompute_all() rebuilds them all.

An incremental recompute runs a fixed number of queries (see recompute()).
The full rebuild reads claims in id batches with values_list, loads each body
once and caches paragraph shingles, writes only the claims that changed with
one UPDATE per batch, and can fan out to worker processes.
"""

import json
import multiprocessing
import os
import time
from typing import NamedTuple

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL

from claims.engine.data import AttributionRow, RelayRow, Result
from claims.engine.paragraphs import Paragraphs
from claims.engine.rules import Evaluator
from claims.models import Attribution, Claim
from sources.models import Outlet, Source, SourceRelay

#: The ORM lookup of each field of data.AttributionRow, in its order.
ATTRIBUTION_LOOKUPS = (
    "claim_id",
    "id",
    "source_id",
    "start",
    "end",
    "quote",
    "kind",
    "stance",
    "speaker__name",
    "speaker__kind",
    "speaker__role",
    "relayed_via_id",
    "relayed_via__name",
    "relayed_via__owner_group_id",
    "relayed_via__owner_group__name",
    "relayed_via__reliability",
    "source__outlet_id",
    "source__outlet__name",
    "source__outlet__owner_group_id",
    "source__outlet__owner_group__name",
    "source__outlet__reliability",
    "source__title",
    "source__outlet__kind",
)
#: The ORM lookup of each field of data.RelayRow, in its order.
RELAY_LOOKUPS = (
    "source_id",
    "outlet_id",
    "cue",
    "outlet__name",
    "outlet__owner_group_id",
    "outlet__owner_group__name",
    "outlet__reliability",
)
assert len(ATTRIBUTION_LOOKUPS) == len(AttributionRow._fields)
assert len(RELAY_LOOKUPS) == len(RelayRow._fields)

_RELAYED_VIA = AttributionRow._fields.index("relayed_via_id")
# Above this many ids, `IN` takes them as one array or JSON parameter.
_MANY_IDS = 500


def ids_in(field, ids, using=DEFAULT_DB_ALIAS):
    """`field IN ids` that stays one parameter however many ids there are."""
    ids = sorted(set(ids))
    if len(ids) <= _MANY_IDS:
        return Q(**{f"{field}__in": ids})
    vendor = connections[using].vendor
    if vendor == "postgresql":
        return Q(**{f"{field}__in": RawSQL("SELECT unnest(%s::bigint[])", (ids,))})
    if vendor == "sqlite":
        return Q(**{f"{field}__in": RawSQL("SELECT value FROM json_each(%s)", (json.dumps(ids),))})
    return Q(**{f"{field}__in": ids})


def outlet_kind_bits():
    """{outlet kind: its bit in Claim.outlet_kinds}, None standing for no known outlet."""
    return {kind: Claim.outlet_kind_bit(kind) for kind in Claim.OUTLET_KIND_BITS}


def new_evaluator(using=DEFAULT_DB_ALIAS):
    """An Evaluator that reads source bodies from the database `using`."""

    def fetch(source_ids):
        rows = Source.objects.using(using).filter(ids_in("id", source_ids, using))
        return rows.values_list("id", "body")

    return Evaluator(Paragraphs(fetch), outlet_kind_bits())


# --------------------------------------------------------------------------
# Which claims
# --------------------------------------------------------------------------


def claims_condition(claim_ids=(), sources=(), outlets=(), actors=(), owner_groups=(), using=None):
    """A Q on Claim selecting the claims whose status may depend on the given rows."""
    using = using or DEFAULT_DB_ALIAS
    condition = Q(pk__in=[])
    if claim_ids:
        condition |= ids_in("pk", claim_ids, using)
    if sources or actors or outlets or owner_groups:
        att_condition = _attributions_condition(sources, actors, outlets, owner_groups, using)
        affected = Attribution.objects.using(using).filter(att_condition).values("claim_id")
        condition |= Q(pk__in=affected)
    return condition


def _attributions_condition(sources, actors, outlets, owner_groups, using):
    """A Q on Attribution: of the sources, by the actors, or through the outlets or groups."""
    condition = Q(pk__in=[])
    if sources:
        condition |= ids_in("source_id", sources, using)
    if actors:
        condition |= ids_in("speaker_id", actors, using)
    if outlets or owner_groups:
        outlet_ids = Q(pk__in=[])
        if outlets:
            outlet_ids |= ids_in("pk", outlets, using)
        if owner_groups:
            outlet_ids |= ids_in("owner_group_id", owner_groups, using)
        in_outlets = Outlet.objects.using(using).filter(outlet_ids).values("pk")
        relaying = (
            SourceRelay.objects.using(using).filter(outlet_id__in=in_outlets).values("source_id")
        )
        condition |= (
            Q(relayed_via_id__in=in_outlets)
            | Q(source__outlet_id__in=in_outlets)
            | Q(source_id__in=relaying)
        )
    return condition


# --------------------------------------------------------------------------
# Reading and writing
# --------------------------------------------------------------------------


def _relays_of(attributions, using):
    """The relays of the sources of `attributions` that have no relayed_via (a subquery)."""
    return SourceRelay.objects.using(using).filter(
        source_id__in=attributions.filter(relayed_via__isnull=True).values("source_id")
    )


def _rows(attributions, relays):
    """The core's input: the attribution rows, and the relay rows when one needs them."""
    att_rows = list(attributions.order_by().values_list(*ATTRIBUTION_LOOKUPS))
    relay_rows = []
    if any(row[_RELAYED_VIA] is None for row in att_rows):
        relay_rows = list(relays.order_by("source_id", "id").values_list(*RELAY_LOOKUPS))
    return att_rows, relay_rows


def _update_sql(connection, assignments, values):
    """UPDATE of the claims table from one JSON parameter of rows, or None (no such SQL).

    `values` maps each alias in `assignments` to (position in a row, SQL type
    on PostgreSQL or None for text, whether the value is JSON).
    """
    quote = connection.ops.quote_name
    table = quote(Claim._meta.db_table)
    id_col = quote(Claim._meta.pk.column)
    if connection.vendor == "postgresql":
        columns = ", ".join(
            (f"(r->{i})::jsonb" if is_json else f"(r->>{i})" + (f"::{cast}" if cast else ""))
            + f" AS {alias}"
            for alias, (i, cast, is_json) in values.items()
        )
        return (
            f"UPDATE {table} AS c SET {assignments} FROM (SELECT "  # noqa: S608
            f"(r->>0)::bigint AS i, {columns} "
            "FROM json_array_elements(%s::json) AS r) AS v "
            f"WHERE c.{id_col} = v.i"
        )
    if connection.vendor == "sqlite" and connection.Database.sqlite_version_info >= (3, 33):
        columns = ", ".join(
            (f"json({_extract(i)})" if is_json else _extract(i)) + f" AS {alias}"
            for alias, (i, _cast, is_json) in values.items()
        )
        return (
            f"UPDATE {table} SET {assignments} FROM (SELECT "  # noqa: S608
            f"{_extract(0)} AS i, {columns} "
            f"FROM json_each(%s)) AS v WHERE {table}.{id_col} = v.i"
        )
    return None


def _extract(i):
    return f"json_extract(value, '$[{i}]')"


# Result fields, their aliases in the UPDATE, and their SQL types on PostgreSQL.
_RESULT_VALUES = {
    "status": ("s", None, False),
    "grade": ("g", "smallint", False),
    "explanation": ("e", None, False),
    "origin_count": ("n", "integer", False),
    "outlet_kinds": ("k", "integer", False),
    "origin_groups": ("o", None, True),
}


def _write(results, using):
    """Store changed results: one UPDATE statement on PostgreSQL and SQLite."""
    if not results:
        return
    connection = connections[using]
    quote = connection.ops.quote_name
    field = Claim._meta.get_field
    assignments = ", ".join(
        f"{quote(field(name).column)} = v.{alias}" for name, (alias, _, _) in _RESULT_VALUES.items()
    )
    values = {
        alias: (i, cast, is_json)
        for i, (alias, cast, is_json) in enumerate(_RESULT_VALUES.values(), start=1)
    }
    # Only quoted identifiers are interpolated; the values travel as one JSON parameter.
    sql = _update_sql(connection, assignments, values)
    if sql is None:
        claims = [Claim(pk=pk, **r._asdict()) for pk, r in results.items()]
        Claim.objects.using(using).bulk_update(claims, Result._fields)
        return
    # By ascending id: the lock order of lib.concurrency.
    rows = [[pk, *result] for pk, result in sorted(results.items())]
    with connection.cursor() as cursor:
        cursor.execute(sql, [json.dumps(rows, ensure_ascii=False)])


def _run(claims, attributions, relays, evaluator, using, write=True):
    """Evaluate the claims of one batch; store what changed. Returns ({id: Result}, changed).

    Queries: claims (locked, with their stored values); attributions; relays of
    their sources, when an attribution has no relayed_via; bodies, when a relay
    or the near-copy test needs a paragraph; one UPDATE, when anything changed.
    """
    if write:
        claims = claims.select_for_update(of=("self",))
    stored = {
        row[0]: Result(*row[1:]) for row in claims.order_by("id").values_list("id", *Result._fields)
    }
    if not stored:
        return {}, {}
    results = evaluator.evaluate(list(stored), *_rows(attributions, relays))
    changed = {pk: r for pk, r in results.items() if r != stored[pk]}
    if write:
        _write(changed, using)
    return results, changed


# --------------------------------------------------------------------------
# Incremental recomputes
# --------------------------------------------------------------------------


def recompute(condition, using=DEFAULT_DB_ALIAS, write=True):
    """Recompute the claims matching a Q on Claim, in the current transaction.

    Returns ({claim id: Result} for every claim, {claim id: Result} for those
    that changed). A fixed number of queries, however many claims there are:
    the claims, locked, with their stored values; their live attributions
    joined to sources, outlets, owner groups and speakers; the relays of their
    sources (when an attribution has no relayed_via); the bodies needed for
    paragraphs (when a relay or the near-copy test needs one); one UPDATE of
    the changed claims. Search documents are not touched: claims.derived.Refresh
    rebuilds those whose statement or quotes changed.
    """
    claims = Claim.objects.using(using).filter(condition)
    matching = Claim.objects.using(using).filter(condition).values("pk")
    # Only live attributions are evidence (removed and orphaned ones are not).
    attributions = Attribution.objects.using(using).live().filter(claim_id__in=matching)
    with transaction.atomic(using=using, savepoint=False):
        relays = _relays_of(attributions, using)
        return _run(claims, attributions, relays, new_evaluator(using), using, write)


def recompute_claims(claim_ids, using=DEFAULT_DB_ALIAS):
    """Recompute the given claims. Returns {claim id: Result} of those that changed."""
    return recompute(claims_condition(claim_ids=claim_ids, using=using), using)[1]


def recompute_for(*, sources=(), outlets=(), actors=(), owner_groups=(), using=DEFAULT_DB_ALIAS):
    """Recompute every claim that may depend on the given sources, outlets, actors or groups."""
    condition = claims_condition(
        sources=sources, outlets=outlets, actors=actors, owner_groups=owner_groups, using=using
    )
    return recompute(condition, using)[1]


def evaluate(claim_ids, using=DEFAULT_DB_ALIAS):
    """{claim id: Result} computed afresh, without storing anything."""
    return recompute(claims_condition(claim_ids=claim_ids, using=using), using, write=False)[0]


# --------------------------------------------------------------------------
# The full rebuild
# --------------------------------------------------------------------------


class Summary(NamedTuple):
    claims: int
    changed: int
    seconds: float


def _batch_ranges(batch_size, using):
    """(first id, last id) of consecutive batches of `batch_size` claims."""
    claims = Claim.objects.using(using).order_by("pk").values_list("pk", flat=True)
    last = 0
    while True:
        ids = list(claims.filter(pk__gt=last)[:batch_size])
        if not ids:
            return
        yield ids[0], ids[-1]
        last = ids[-1]


def _batch(first, last, using):
    """The claims with ids first..last, their live attributions and the relays to read."""
    claims = Claim.objects.using(using).filter(pk__gte=first, pk__lte=last)
    attributions = (
        Attribution.objects.using(using).live().filter(claim_id__gte=first, claim_id__lte=last)
    )
    return claims, attributions, _relays_of(attributions, using)


def _recompute_batch(first, last, evaluator, using, write):
    """Recompute the claims with ids first..last, in one transaction."""
    with transaction.atomic(using=using):
        claims, attributions, relays = _batch(first, last, using)
        results, changed = _run(claims, attributions, relays, evaluator, using, write)
    return len(results), len(changed)


class _Worker:
    """The evaluator of a worker process: its caches live as long as the process."""

    evaluator = None

    @classmethod
    def batch(cls, task):
        first, last, using, write = task
        if cls.evaluator is None:
            cls.evaluator = new_evaluator(using)
        try:
            return _recompute_batch(first, last, cls.evaluator, using, write)
        finally:
            connections[using].close()


def default_workers(using=DEFAULT_DB_ALIAS):
    """Worker processes for a full recompute: one per core on PostgreSQL (up to 4), else 1."""
    if connections[using].vendor != "postgresql":
        return 1  # SQLite takes one writer at a time
    return max(1, min(4, os.cpu_count() or 1))


def recompute_all(batch_size=5000, write=True, using=DEFAULT_DB_ALIAS, progress=None, workers=1):
    """Rebuild every claim's status in batches of claims, one transaction per batch.

    With write=False nothing is stored and `changed` counts the stale claims.
    `progress`, if given, is called with the Summary so far after each batch.
    With workers > 1 the batches run in that many forked processes, each with
    its own connection (PostgreSQL; not inside a transaction, since the
    workers could not see its uncommitted rows).
    """
    started = time.perf_counter()
    total = changed = 0
    ranges = list(_batch_ranges(batch_size, using))
    parallel = workers > 1 and len(ranges) > 1 and not connections[using].in_atomic_block
    for n, n_changed in _batches(ranges, using, write, workers if parallel else 1):
        total += n
        changed += n_changed
        if progress:
            progress(Summary(total, changed, time.perf_counter() - started))
    return Summary(total, changed, time.perf_counter() - started)


def _batches(ranges, using, write, workers):
    """(claims, changed) of each batch, in this process or in `workers` forked ones."""
    if workers == 1:
        evaluator = new_evaluator(using)
        for first, last in ranges:
            yield _recompute_batch(first, last, evaluator, using, write)
        return
    connections.close_all()  # the children open their own
    tasks = [(first, last, using, write) for first, last in ranges]
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        yield from pool.imap_unordered(_Worker.batch, tasks)


def fill_origin_groups(using=DEFAULT_DB_ALIAS, batch_size=5000):
    """Store Claim.origin_groups of every claim, in batches; nothing else is written.

    It evaluates like recompute_all but writes only that column (one UPDATE
    per batch), whatever other derived columns exist. Returns the number of
    claims.
    """
    connection = connections[using]
    column = connection.ops.quote_name(Claim._meta.get_field("origin_groups").column)
    sql = _update_sql(connection, f"{column} = v.o", {"o": (1, None, True)})
    evaluator = new_evaluator(using)
    total = 0
    for first, last in _batch_ranges(batch_size, using):
        with transaction.atomic(using=using):
            claims, attributions, relays = _batch(first, last, using)
            ids = list(claims.order_by("pk").values_list("pk", flat=True))
            results = evaluator.evaluate(ids, *_rows(attributions, relays))
            rows = json.dumps([[pk, r.origin_groups] for pk, r in results.items()])
            with connection.cursor() as cursor:
                cursor.execute(sql, [rows])
        total += len(ids)
    return total
