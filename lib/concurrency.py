"""How simultaneous writes stay correct: one lock order, unique winners, one retry.

THE LOCK ORDER. Every write that locks rows (SELECT ... FOR UPDATE, or an UPDATE,
which locks what it changes) takes its locks in this order, and within one kind
by ascending primary key:

    1. suggestions       the importer's proposals an editor decides or a correction moves
    2. claims            lock_claims(); the status engine's UPDATE of a claim needs it
    3. sources           intake.actions.correct_source_text
    4. attributions      lock_attributions(), lock_attribution()
    5. everything else   annotations, actors, aliases, tags, reviews, history rows

So a write that changes attributions locks their claims first (old and new claim
when one moves), because the status recompute that follows in the same
transaction UPDATEs those claims: an attribution edit, a removal, a merge, an
actor merge and a text correction all take the claims before the attributions.
A row that can have changed while the write waited is read again under its lock
(select_for_update), never saved from a copy read before: a removed attribution
stays removed.

UNIQUE WINNERS. A create that can race another (the same statement, tag, actor,
outlet or passage at the same moment) runs its INSERT in a savepoint
(save_or_winner, unique_or): the first writer wins, and the others get the
existing object where that is what they asked for (a tag by name, an actor when
attributing), or a ValidationError (a form error, a 400 in the API).

ONE RETRY. A deadlock or serialization failure that still happens (PostgreSQL
aborts one of the transactions) is retried once, the whole transaction of the
write (retry_once_on_conflict); if it fails again the answer is a 409 "try
again" (TryAgain, provenance.middleware), never the 503 of a database outage.
An IntegrityError that still escapes a request is a 409 too, never a 500.
"""

import functools
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, IntegrityError, OperationalError, connections, transaction

# SQLSTATEs of the errors a transaction can get only because another one ran at the
# same moment: retrying the transaction is the cure.
DEADLOCK_DETECTED = "40P01"
SERIALIZATION_FAILURE = "40001"
TRANSIENT_SQLSTATES = frozenset({DEADLOCK_DETECTED, SERIALIZATION_FAILURE})

TRY_AGAIN_MESSAGE = (
    "Someone else was saving the same things at the same moment, so nothing was saved. Try again."
)
CONFLICT_MESSAGE = (
    "Someone else saved the same thing at the same moment, so this change was not saved. "
    "Reload the page to see theirs, then try again if it is still needed."
)


class TryAgain(Exception):
    """A write lost to a simultaneous one twice running (deadlock or serialization
    failure); nothing was written. Answered with 409 "try again"."""

    def __init__(self, message=TRY_AGAIN_MESSAGE):
        super().__init__(message)


def sqlstate(error):
    """The SQLSTATE of a database error (Django's wrapper or the driver's own), or None."""
    while error is not None:
        code = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
        if code:
            return code
        error = error.__cause__
    return None


def is_transient(error):
    """True for a deadlock or a serialization failure: a retry can succeed."""
    return isinstance(error, TryAgain) or sqlstate(error) in TRANSIENT_SQLSTATES


def retry_once_on_conflict(func=None, *, using=DEFAULT_DB_ALIAS):
    """Decorate a write function: its whole transaction is retried once after a
    deadlock or serialization failure, and TryAgain is raised if the retry fails
    the same way.

    Inside an enclosing transaction the function just runs: the transaction is
    the outermost block's to retry (its caller's, or the request's 409).
    """

    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            if connections[using].in_atomic_block:
                return func(*args, **kwargs)
            for attempt in (1, 2):
                try:
                    with transaction.atomic(using=using):
                        return func(*args, **kwargs)
                except OperationalError as error:
                    if not is_transient(error):
                        raise
                    if attempt == 2:
                        raise TryAgain() from error
            raise AssertionError("unreachable")

        return wrapper

    return decorate(func) if func is not None else decorate


def lock_rows(queryset):
    """Lock the rows of `queryset` by ascending pk and return them as they are now
    (read again under the lock). Joins the queryset asked for are dropped:
    PostgreSQL locks no row on the nullable side of an outer join. Call it
    inside a transaction."""
    return list(queryset.select_related(None).select_for_update().order_by("pk"))


def lock_claims(claims, claim_ids):
    """Lock these claims (step 2 of the lock order), by ascending pk: {pk: Claim}.

    `claims` is the claims' queryset (or manager) to lock them in. Call it
    inside a transaction. Claims that no longer exist are left out.
    """
    ids = sorted({pk for pk in claim_ids if pk is not None})
    if not ids:
        return {}
    return {c.pk: c for c in claims.select_for_update().filter(pk__in=ids).order_by("pk")}


def lock_attributions(queryset):
    """Lock the attributions of `queryset` (step 4), by ascending pk (lock_rows)."""
    return lock_rows(queryset)


def lock_attribution(attributions, claims, pk, also_claims=()):
    """Lock an attribution's claim (and `also_claims`), then the attribution itself,
    read again under its lock; raises the model's DoesNotExist.

    `attributions` and `claims` are the querysets (or managers) to read them
    from. The claim is read before the lock is taken; should a merge move the
    attribution to another claim meanwhile, the locks are let go (a savepoint)
    and taken again in order.
    """
    using = attributions.db
    for _attempt in range(3):
        claim_id = attributions.filter(pk=pk).values_list("claim_id", flat=True).first()
        if claim_id is None:
            raise attributions.model.DoesNotExist(f"Attribution #{pk} does not exist.")
        savepoint = transaction.savepoint(using=using)
        lock_claims(claims, {claim_id, *also_claims})
        attribution = attributions.select_for_update().select_related("source").get(pk=pk)
        if attribution.claim_id == claim_id:
            transaction.savepoint_commit(savepoint, using=using)
            return attribution
        transaction.savepoint_rollback(savepoint, using=using)
    raise TryAgain()


def save_or_winner(instance, find, using=DEFAULT_DB_ALIAS, **save_kwargs):
    """Save the new `instance` in a savepoint: (instance, True). When a unique
    constraint says a simultaneous write stored the same object first, the
    savepoint is rolled back and (find(), False) returned; when find() finds
    nothing, the IntegrityError is raised again."""
    try:
        with transaction.atomic(using=using):
            instance.save(**save_kwargs)
    except IntegrityError:
        instance.pk = None
        instance._state.adding = True
        winner = find()
        if winner is None:
            raise
        return winner, False
    return instance, True


@contextmanager
def unique_or(error, using=DEFAULT_DB_ALIAS):
    """Run the block in a savepoint; an IntegrityError in it (a unique constraint a
    simultaneous write got to first) becomes `error`, usually a ValidationError."""
    try:
        with transaction.atomic(using=using):
            yield
    except IntegrityError as integrity:
        raise error from integrity
