"""Keep each claim's stored status current (claims.status), in the transaction of the change.

Every save or delete that can change a status recomputes only the claims it
affects, with a fixed number of queries (see claims.status.recompute):

- an attribution added, edited (including moved to another claim) or deleted;
- a source's outlet, title or body changed, or its relays (SourceRelay rows,
  or `source.relays.add/remove/clear`);
- an outlet's name, owner group, reliability grade or kind changed;
- an owner group renamed or deleted (its outlets lose the group);
- an actor's name, kind or role changed.

Saves that change nothing the engine reads (an outlet's notes, say) cost no
query: each watched instance remembers the values it was loaded with. Deletes
run inside Django's own transaction; the saves of these models are atomic
through their save() methods. Writes that bypass signals (QuerySet.update(),
bulk_create()) must call claims.status.recompute_for() or recompute_claims().
"""

from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save, pre_delete
from django.dispatch import receiver

from claims import search, status
from claims.models import Actor, Attribution, Claim
from sources.models import Outlet, OwnerGroup, Source, SourceRelay

# The fields of each model that the engine reads (explanations name outlets,
# actors, owner groups and articles without an outlet by their titles).
WATCHED_FIELDS = {
    Attribution: ("claim_id",),
    Source: ("outlet_id", "title", "body"),
    SourceRelay: ("source_id", "outlet_id", "cue"),
    # kind: Claim.outlet_kinds, the claim list's outlet-kind filter and facet.
    Outlet: ("name", "owner_group_id", "reliability", "kind"),
    OwnerGroup: ("name",),
    Actor: ("name", "kind", "role"),
}
_UNSET = object()


def _values(instance):
    return tuple(instance.__dict__.get(f, _UNSET) for f in WATCHED_FIELDS[type(instance)])


def _remember(sender, instance, **kwargs):
    instance._status_inputs = _values(instance)


def _changed(instance):
    """The remembered values if any watched field changed since loading, else None."""
    before = getattr(instance, "_status_inputs", None)
    now = _values(instance)
    instance._status_inputs = now
    if before is None or before == now:
        return None
    return before


for _model in WATCHED_FIELDS:
    post_init.connect(_remember, sender=_model, dispatch_uid=f"status-remember-{_model.__name__}")


def _deleting(origin, model):
    """True when the delete cascades from `model` (e.g. the claim itself is going)."""
    if isinstance(origin, model):
        return True
    return isinstance(origin, QuerySet) and origin.model is model


def _refresh_cached_claim(attribution, results):
    """Give the in-memory claim that the caller holds its new status too."""
    if Attribution.claim.is_cached(attribution):
        claim = attribution.claim
        result = results.get(claim.pk) if claim is not None else None
        if result is not None:
            # Result's fields are the Claim fields the engine stores.
            for name, value in result._asdict().items():
                setattr(claim, name, value)


@receiver(post_save, sender=Attribution, dispatch_uid="status-attribution-saved")
def attribution_saved(sender, instance, created, raw=False, using=None, **kwargs):
    before = _changed(instance)
    if raw:
        return
    claim_ids = {instance.claim_id}
    if before is not None and before[0] not in (_UNSET, None):
        claim_ids.add(before[0])  # moved from another claim
    _refresh_cached_claim(instance, status.schedule(using=using, claim_ids=claim_ids))


@receiver(post_delete, sender=Attribution, dispatch_uid="status-attribution-deleted")
def attribution_deleted(sender, instance, using=None, origin=None, **kwargs):
    if _deleting(origin, Claim):
        return  # the claim goes too
    _refresh_cached_claim(instance, status.schedule(using=using, claim_ids=[instance.claim_id]))


@receiver(post_save, sender=Source, dispatch_uid="status-source-saved")
def source_saved(sender, instance, created, raw=False, using=None, **kwargs):
    if _changed(instance) is not None and not created and not raw:
        status.schedule(using=using, sources=[instance.pk])


@receiver(post_save, sender=SourceRelay, dispatch_uid="status-relay-saved")
def relay_saved(sender, instance, created, raw=False, using=None, **kwargs):
    before = _changed(instance)
    if raw or (before is None and not created):
        return
    sources = {instance.source_id}
    if before is not None and before[0] not in (_UNSET, None):
        sources.add(before[0])
    status.schedule(using=using, sources=sources)


@receiver(post_delete, sender=SourceRelay, dispatch_uid="status-relay-deleted")
def relay_deleted(sender, instance, using=None, origin=None, **kwargs):
    if _deleting(origin, Source):
        return  # a source with attributions cannot be deleted (PROTECT)
    status.schedule(using=using, sources=[instance.source_id])


@receiver(m2m_changed, sender=SourceRelay, dispatch_uid="status-relays-added")
def relays_added(sender, instance, action, reverse, pk_set, using=None, **kwargs):
    # source.relays.add() inserts rows without post_save; remove() and clear()
    # delete them one by one, which relay_deleted() sees.
    if action != "post_add" or not pk_set:
        return
    sources = pk_set if reverse else [instance.pk]
    status.schedule(using=using, sources=sources)


@receiver(post_save, sender=Outlet, dispatch_uid="status-outlet-saved")
def outlet_saved(sender, instance, created, raw=False, using=None, **kwargs):
    if _changed(instance) is not None and not created and not raw:
        status.schedule(using=using, outlets=[instance.pk])


@receiver(post_save, sender=OwnerGroup, dispatch_uid="status-owner-group-saved")
def owner_group_saved(sender, instance, created, raw=False, using=None, **kwargs):
    if _changed(instance) is not None and not created and not raw:
        status.schedule(using=using, owner_groups=[instance.pk])


@receiver(pre_delete, sender=OwnerGroup, dispatch_uid="status-owner-group-deleting")
def owner_group_deleting(sender, instance, using=None, **kwargs):
    # Deleting sets the outlets' group to NULL without signals; find the claims
    # that depend on the group while it still has its outlets.
    condition = status._claims_condition(owner_groups=[instance.pk], using=using)
    instance._status_claim_ids = list(
        Claim.objects.using(using).filter(condition).values_list("pk", flat=True)
    )


@receiver(post_delete, sender=OwnerGroup, dispatch_uid="status-owner-group-deleted")
def owner_group_deleted(sender, instance, using=None, **kwargs):
    claim_ids = getattr(instance, "_status_claim_ids", ())
    if claim_ids:
        status.schedule(using=using, claim_ids=claim_ids)


@receiver(post_save, sender=Actor, dispatch_uid="status-actor-saved")
def actor_saved(sender, instance, created, raw=False, using=None, **kwargs):
    if _changed(instance) is not None and not created and not raw:
        status.schedule(using=using, actors=[instance.pk])


@receiver(post_save, sender=Claim, dispatch_uid="search-claim-saved")
def claim_saved(sender, instance, raw=False, using=None, **kwargs):
    # A new or edited statement: refresh the claim's search document (claims.search),
    # in the transaction of the save (Claim.save is atomic).
    if not raw:
        search.refresh([instance.pk], using=using)
