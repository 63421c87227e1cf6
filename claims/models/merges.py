"""Merges: a claim into another that says the same thing, an actor into another name.

They span claims, attributions, notes, actors and aliases, so they sit above
those models. Each runs inside its caller's transaction (claims.actions.merge_claims
and merge_actors) and adds what it changed to the caller's `refresh`.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from claims.models.actor import ActorAlias
from claims.models.annotation import Annotation
from claims.models.attribution import Attribution
from claims.models.claim import Claim, VersionConflict
from lib.concurrency import lock_attributions, lock_claims


def merge_claim(claim, target, editor, version=None, *, refresh):
    """Merge `claim` into `target`, which says the same thing; `claim` becomes a tombstone.

    Call it inside a transaction (claims.actions.merge_claims does); both
    claims' statuses and documents are added to `refresh`
    (claims.derived.Refresh), to be recomputed once at the end. Every
    attribution moves to the target (one whose passage the target
    already cites live is soft-deleted there instead, never lost); claims
    merged into `claim` earlier now point to the target; `claim` gets
    merged_into (its page redirects there) and its reviews stay on it, shown
    on the target's page. Each moved row and both claims get a history
    record. With `version`, a claim saved since that version raises
    VersionConflict. Raises ValidationError for a merge that makes no sense.
    """
    if target.pk == claim.pk:
        raise ValidationError("A claim cannot be merged into itself.")
    now = timezone.now()
    with transaction.atomic():
        # The lock order (lib.concurrency): both claims, then the attributions.
        locked = lock_claims(Claim.objects, [claim.pk, target.pk])
        me, into = locked.get(claim.pk), locked.get(target.pk)
        if me is None or into is None:
            raise ValidationError("One of the claims no longer exists.")
        if me.merged_into_id:
            raise ValidationError(f"Claim #{me.pk} was already merged into #{me.merged_into_id}.")
        if into.merged_into_id:
            raise ValidationError(
                f"Claim #{into.pk} was itself merged into #{into.merged_into_id}; "
                "merge into that one."
            )
        if version is not None and me.version != version:
            raise VersionConflict(f"Claim #{me.pk} changed since version {version}.")
        taken = {
            (a.source_id, a.start, a.end): a.pk
            for a in Attribution.objects.live().filter(claim=into)
        }
        moved = duplicates = 0
        # Read again under their locks: one removed meanwhile stays removed.
        for attribution in lock_attributions(Attribution.objects.filter(claim=me)):
            attribution.claim = into
            attribution._history_user = editor
            span = (attribution.source_id, attribution.start, attribution.end)
            duplicate_of = taken.get(span)
            if attribution.is_live and duplicate_of:
                attribution.deleted_at = now
                attribution.deleted_by = editor
                attribution._change_reason = (
                    f"Merged from claim #{me.pk}; removed as a duplicate of attribution "
                    f"#{duplicate_of}"
                )
                duplicates += 1
            else:
                attribution._change_reason = f"Moved from claim #{me.pk} by a merge"
                moved += 1
            attribution.save()
        # Notes on the claim itself, and their replies, follow it;
        # notes on its attributions travel with them.
        for note in Annotation.objects.filter(claim=me).order_by("pk"):
            note.claim = into
            note._history_user = editor
            note._change_reason = f"Moved from claim #{me.pk} by a merge"
            note.save(update_fields=["claim"])
        earlier = list(Claim.objects.filter(merged_into=me))
        if earlier:
            Claim.objects.filter(pk__in=[c.pk for c in earlier]).update(merged_into=into)
            for other in earlier:
                other.merged_into = into
            Claim.history.bulk_history_create(
                earlier,
                update=True,
                default_user=editor,
                default_change_reason=f"Now merged into #{into.pk} (#{me.pk} was merged there)",
                default_date=now,
            )
        me.merged_into = into
        me.merged_at = now
        me.version += 1
        me._history_user = editor
        me._change_reason = f"Merged into claim #{into.pk}"
        me.save()
        Claim.history.bulk_history_create(
            [into],
            update=True,
            default_user=editor,
            default_change_reason=(
                f"Claim #{me.pk} merged into this one: {moved} attribution(s) moved, "
                f"{duplicates} duplicate(s) removed"
            ),
            default_date=now,
        )
        refresh.add_evidence([me.pk, into.pk])
    claim.refresh_from_db()
    return moved, duplicates


def merge_actor(actor, target, editor, *, refresh):
    """Merge `actor` into `target`, the same person or body under another name.

    Call it inside a transaction (claims.actions.merge_actors does).
    This actor's aliases move to the target and its name becomes one more
    alias there, so every spelling still resolves; its attributions (each
    with a history record) and the importer's suggestions name the target;
    the claims they evidence are added to `refresh` (claims.derived.Refresh:
    the target's kind may differ); then `actor` is deleted, which its
    history records. Returns the number of attributions moved.
    """
    if target.pk == actor.pk:
        raise ValidationError("An actor cannot be merged into itself.")
    now = timezone.now()
    with transaction.atomic():
        # The lock order (lib.concurrency): suggestions, the claims, then
        # the attributions (read again under their locks), then the actors.
        actor.suggestions.update(speaker=target)
        attributions = Attribution.objects.filter(speaker=actor)
        lock_claims(Claim.objects, set(attributions.values_list("claim_id", flat=True)))
        ids = [a.pk for a in lock_attributions(attributions)]
        actor.aliases.update(actor=target)
        if (
            actor.name_key != target.name_key
            and not ActorAlias.objects.filter(name_key=actor.name_key).exists()
        ):
            ActorAlias.objects.create(actor=target, name=actor.name)
        if ids:
            Attribution.objects.filter(pk__in=ids).update(speaker=target, updated_at=now)
            moved = list(Attribution.objects.filter(pk__in=ids))
            Attribution.history.bulk_history_create(
                moved,
                update=True,
                default_user=editor,
                default_change_reason=f"Speaker {actor.name} merged into {target.name}",
                default_date=now,
            )
            refresh.add(claims={a.claim_id for a in moved})
        actor._history_user = editor
        actor._change_reason = f"Merged into actor #{target.pk} ({target.name})"
        actor.delete()
    return len(ids)
