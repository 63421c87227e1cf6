"""Write functions for state changes whose consequences reach derived state.

Contract: every change to a row the engine or the search documents read
goes through one function here (or a write method on the claims models).
Each function validates its input, takes its row locks in the documented
order (``lib.concurrency``), saves, and refreshes the derived state it
touched through a ``claims.derived.Refresh`` batch: the caller's batch when
one is passed (an import run, a backup restore), otherwise its own, run once
before returning, inside the caller's transaction. Views, the API, the
admin, the importer and the backup call these; none writes the rows
directly.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from claims import derived
from claims.models import (
    Actor,
    ActorAlias,
    Annotation,
    Attribution,
    Claim,
    merge_actor,
    merge_claim,
)
from lib.concurrency import lock_rows, retry_once_on_conflict, save_or_winner, unique_or
from lib.text import normalize_name
from sources.models import Outlet, OutletAlias, OwnerGroup, Source, SourceRelay

# Attributing a passage -------------------------------------------------------------


@retry_once_on_conflict
def attribute_passage(
    user,
    source,
    *,
    quote,
    start,
    end,
    kind,
    stance,
    reason,
    claim=None,
    new_claim=None,
    claim_reason="",
    speaker=None,
    new_speaker=None,
    relayed_via=None,
    refresh=None,
):
    """Attribute the passage `quote` at [start, end) of `source` to a claim, with its speaker.

    The claim is `claim` (an existing one), or else the one `new_claim` describes
    (a dict of statement, event_start, event_end and tags, checked by
    claims.input.check_claim_words), written with `claim_reason`; when a
    simultaneous write stored the same claim first, that one is used. The
    speaker is `speaker`, or `new_speaker` (an unsaved Actor, saved here; an
    actor of that name that a simultaneous write stored first is used), or
    None: the outlet's own voice. In one transaction (its own, retried once
    after a deadlock, or the caller's): the claim is locked, must not be merged,
    and the passage must not already evidence it (Attribution.save_new); the
    attribution is validated, saved, and the claim's status refreshed. Raises
    ValidationError (errors about the passage under "quote") and writes nothing
    then. Returns the attribution.
    """
    created = False
    with derived.batch(refresh) as batch:
        if claim is None:
            claim, created = Claim.create_or_existing(
                user, reason=claim_reason, refresh=batch, **new_claim
            )
        if new_speaker is not None:
            speaker = save_new_actor(new_speaker)
        attribution = Attribution(
            claim=claim,
            source=source,
            quote=quote,
            start=start,
            end=end,
            speaker=speaker,
            kind=kind,
            stance=stance,
            relayed_via=relayed_via,
            created_by=user,
        )
        attribution.take_context(source.body)
        if not created:
            return attribution.save_new(user, reason, refresh=batch)
        # A claim written in this transaction is not visible to any other one: there
        # is nothing to lock, and it is neither merged nor evidenced yet.
        attribution.save_on_new_claim(user, reason, batch)
        return attribution


@retry_once_on_conflict
def edit_attribution(user, attribution, seen, *, new_speaker=None, refresh=None, **changes):
    """Attribution.edit, with `new_speaker` (an unsaved Actor, or None) saved first in
    the same transaction and made the speaker; the old and new claims refreshed.
    Returns the attribution."""
    with derived.batch(refresh) as batch:
        if new_speaker is not None:
            changes["speaker"] = save_new_actor(new_speaker)
        return attribution.edit(user, seen, refresh=batch, **changes)


def save_new_actor(actor):
    """Save the new `actor` and return it, or the actor of that name that a
    simultaneous write stored first."""
    saved, _created = save_or_winner(
        actor, lambda: Actor.objects.filter(name_key=normalize_name(actor.name)).first()
    )
    return saved


def passage_errors_on(field, error):
    """`error` (a ValidationError from a write) with its messages about the passage
    ("quote") under `field` instead: the name a form gives the quote."""
    if hasattr(error, "error_dict") and "quote" in error.error_dict:
        errors = dict(error.error_dict)
        errors[field] = errors.pop("quote")
        return ValidationError(errors)
    return error


# The fields of each sources-layer row (and of Actor) that the engine reads: a
# change to any of them recomputes the claims depending on the row. Explanations
# name outlets, actors, owner groups and articles without an outlet by their titles.
ENGINE_FIELDS = {
    Outlet: ("name", "owner_group", "reliability", "kind"),
    OwnerGroup: ("name",),
    Source: ("outlet", "title", "body"),
    Actor: ("name", "kind", "role"),
}


def _changed(instance, changes):
    """Set `changes` on `instance`; True when one of its ENGINE_FIELDS changed."""
    engine_fields = ENGINE_FIELDS[type(instance)]
    touched = False
    for name, value in changes.items():
        field = instance._meta.get_field(name)
        attname = field.attname
        before = getattr(instance, attname)
        setattr(instance, name, value)
        if field.name in engine_fields and getattr(instance, attname) != before:
            touched = True
    return touched


def _save_changed(instance, changes, refresh, target):
    """Validate and save `instance` with `changes`; add `target` to the batch when the
    engine reads a changed field. The UPDATE locks the row (lib.concurrency step 5);
    a name a simultaneous write took first is a ValidationError."""
    with derived.batch(refresh) as batch:
        touched = _changed(instance, changes)
        instance.full_clean(validate_unique=False)
        if "name" in changes:  # unique: a simultaneous write may have taken it
            with unique_or(ValidationError({"name": "This name is taken."})):
                instance.save()
        else:
            instance.save()
        if touched:
            batch.add(**{target: [instance.pk]})
    return instance


# Sources-layer rows the engine reads ------------------------------------------------


@retry_once_on_conflict
def change_outlet(outlet, *, refresh=None, **changes):
    """Change an outlet (name, owner_group, reliability, kind, notes, country, ...),
    validated; the claims carried by, relayed via or relaying through it are
    recomputed when a field the engine reads changed. Returns the outlet."""
    return _save_changed(outlet, changes, refresh, "outlets")


@retry_once_on_conflict
def change_owner_group(group, *, refresh=None, **changes):
    """Change an owner group (name, notes); a new name recomputes its outlets' claims."""
    return _save_changed(group, changes, refresh, "owner_groups")


@retry_once_on_conflict
def delete_owner_group(group, *, refresh=None):
    """Delete an owner group: its outlets lose the group (no longer one owner), and the
    claims that depended on it, found before the delete, are recomputed."""
    with derived.batch(refresh) as batch:
        batch.add_dependents_now(owner_groups=[group.pk])
        group.delete()


@retry_once_on_conflict
def change_source(source, *, refresh=None, **changes):
    """Change a source's fields (outlet, title, published_on, url, ...; not its body:
    intake.actions.correct_source_text re-anchors for that), validated. Returns it."""
    if "body" in changes:
        raise ValidationError({"body": "Correct a source's text with correct_source_text."})
    return _save_changed(source, changes, refresh, "sources")


@retry_once_on_conflict
def set_relays(source, relays, *, refresh=None):
    """Make `relays` the source's relays: a list of outlets, or of (outlet, cue) pairs.

    Rows for outlets no longer listed are deleted, new ones created, changed cues
    saved; the source's claims are recomputed when anything changed. Returns the
    source's SourceRelay rows.
    """
    wanted = {}
    for relay in relays:
        outlet, cue = relay if isinstance(relay, tuple) else (relay, "")
        wanted[outlet.pk] = cue
    with derived.batch(refresh) as batch:
        current = {r.outlet_id: r for r in lock_rows(SourceRelay.objects.filter(source=source))}
        changed = False
        for outlet_id, row in current.items():
            if outlet_id not in wanted:
                row.delete()
                changed = True
            elif row.cue != wanted[outlet_id]:
                row.cue = wanted[outlet_id]
                row.save(update_fields=["cue"])
                changed = True
        for outlet_id, cue in wanted.items():
            if outlet_id not in current:
                SourceRelay.objects.create(source=source, outlet_id=outlet_id, cue=cue)
                changed = True
        if changed:
            batch.add(sources=[source.pk])
    return list(SourceRelay.objects.filter(source=source).order_by("pk"))


@retry_once_on_conflict
def add_relay(source, outlet, cue="", *, refresh=None):
    """Add one relay to a source (or change its cue); returns the SourceRelay."""
    with derived.batch(refresh) as batch:
        relay, created = SourceRelay.objects.get_or_create(
            source=source, outlet=outlet, defaults={"cue": cue}
        )
        if not created and relay.cue != cue:
            relay.cue = cue
            relay.save(update_fields=["cue"])
            created = True
        if created:
            batch.add(sources=[source.pk])
    return relay


@retry_once_on_conflict
def remove_relay(relay, *, refresh=None):
    """Delete one SourceRelay; its source's claims are recomputed."""
    with derived.batch(refresh) as batch:
        batch.add(sources=[relay.source_id])
        relay.delete()


@retry_once_on_conflict
def change_actor(actor, *, refresh=None, **changes):
    """Change an actor (name, kind, role, country), validated; the claims its
    attributions evidence are recomputed when the name, kind or role changed."""
    return _save_changed(actor, changes, refresh, "actors")


# Claims, attributions and actors ----------------------------------------------------


@retry_once_on_conflict
def save_attribution(attribution, user, reason, *, refresh=None):
    """Store a new attribution (Attribution.save_new: locked, checked) and refresh its
    claim's status and search document. Returns the attribution."""
    with derived.batch(refresh) as batch:
        return attribution.save_new(user, reason, refresh=batch)


@retry_once_on_conflict
def remove_attribution(attribution, user, *, refresh=None):
    """Soft-delete an attribution (Attribution.remove) and refresh its claim."""
    with derived.batch(refresh) as batch:
        attribution.remove(user, refresh=batch)
    return attribution


@retry_once_on_conflict
def remove_attributions(queryset, user, *, refresh=None):
    """Soft-delete every attribution of `queryset` (AttributionQuerySet.remove_all), in
    the lock order, and refresh their claims once. Returns how many were removed."""
    with derived.batch(refresh) as batch:
        return queryset.remove_all(user, refresh=batch)


@retry_once_on_conflict
def merge_claims(claim, target, editor, version=None, *, refresh=None):
    """claims.models.merge_claim, then both claims refreshed once. Returns (moved, duplicates)."""
    with derived.batch(refresh) as batch:
        return merge_claim(claim, target, editor, version, refresh=batch)


@retry_once_on_conflict
def merge_actors(actor, target, editor, *, refresh=None):
    """claims.models.merge_actor, then the claims of the moved attributions refreshed once.
    Returns the number of attributions moved."""
    with derived.batch(refresh) as batch:
        return merge_actor(actor, target, editor, refresh=batch)


# Notes ------------------------------------------------------------------------------


def write_note(author, text, *, claim=None, attribution=None, source=None, span=None, exact=""):
    """Write a note of `author`'s: on `claim`, on `attribution`, or on the passage `exact`
    at `span` (start, end) of `source`, whose context is taken from the body.

    Validated (Annotation.full_clean: ValidationError, nothing written); notes feed
    no derived state. Returns the note.
    """
    note = Annotation(author=author, text=text, claim=claim, attribution=attribution)
    if source is not None:
        note.source, note.exact = source, exact
        note.start, note.end = span
        note.take_context(source.body)
    note.full_clean()
    note._history_user = author
    note.save()
    return note


# Deleting rows nothing derived depends on --------------------------------------------


def delete_unused(instance, user=None):
    """Delete an actor, outlet or source that nothing refers to any more: attributions,
    sources and relays protect what they name (ProtectedError, nothing deleted), so
    no derived state depends on the row. The history records `user`."""
    instance._history_user = user
    instance.delete()


@retry_once_on_conflict
def delete_attribution(attribution, *, refresh=None):
    """Delete an attribution row outright (data repair; editors remove, a soft delete,
    with remove_attribution). Its claim's status and document are refreshed."""
    with derived.batch(refresh) as batch:
        batch.add_evidence([attribution.claim_id])
        attribution.delete()


# Aliases (names that resolve to an actor or an outlet; nothing derived reads them) ----


def set_actor_aliases(actor, names):
    """Make `names` the actor's aliases, in order; a name that normalises to the actor's
    own name is left out. Unique keys (ActorAlias.name_key) are the database's to
    enforce: call inside lib.concurrency.unique_or for a 400 on a clash."""
    own = normalize_name(actor.name)
    with transaction.atomic():
        actor.aliases.all().delete()
        for name in names:
            if normalize_name(name) != own:
                ActorAlias.objects.create(actor=actor, name=name)


def set_outlet_aliases(outlet, names):
    """Make `names` the outlet's aliases, in order (unique keys as set_actor_aliases)."""
    with transaction.atomic():
        outlet.aliases.all().delete()
        for name in names:
            OutletAlias.objects.create(outlet=outlet, name=name)
