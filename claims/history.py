"""A claim's change history, read from django-simple-history's records.

Two queries, whatever the length of the history: the claim's own records, and
the records of the attributions that belonged to it (all of them, or the
`attribution_limit` most recently changed ones). Consecutive records
of one object are compared field by field to give who, when, and old → new.
"""

from dataclasses import dataclass, field

from django.db.models import Max, Subquery

from claims.derived import DERIVED
from claims.models import Attribution, Claim

# Fields that change on every save or that the reader does not need to see (and
# the attribution's copy of its source's date, kept by triggers, not recorded).
_SKIPPED = {
    "id",
    "updated_at",
    "created_at",
    "created_by",
    "version",
    "fingerprint",
    "published_on",
}
# The claim fields the engine keeps (claims.derived.DERIVED): it stores them with a
# plain UPDATE that writes no history record, so the next record's diff would pin
# the engine's change on whoever saved next. The page shows the current values instead.
_DERIVED = {
    name.removeprefix("Claim.")
    for derived in DERIVED
    if derived.kept_by == "engine"
    for name in derived.fields
    if name.startswith("Claim.")
}

# The history managers, made once: each `Model.history` access builds a manager class.
_CLAIM_HISTORY = Claim.history
_ATTRIBUTION_HISTORY = Attribution.history

_ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}
# Attribution fields the page does not list: offsets and the quote's context move
# with every re-anchoring; who removed it is the record's own author.
_ATTRIBUTION_HIDDEN = {"start", "end", "prefix", "suffix", "deleted_by"}


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class Entry:
    when: object
    who: object
    action: str
    subject: str
    anchor: str = ""
    reason: str = ""
    version: int | None = None
    changes: list = field(default_factory=list)


def _display(record, model_field, names):
    value = getattr(record, model_field.attname)
    if value is None or value == "":
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.is_relation:
        return names.get((model_field.name, value), f"#{value}")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _fields(model):
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in _SKIPPED | _DERIVED and not f.name.startswith("history_")
    ]


def _entries(records, model_fields, subject, anchor, names):
    """One entry per record: what it changed compared with the previous one."""
    entries = []
    previous = {}
    for record in records:
        before = previous.get(record.id)
        changes = []
        for model_field in model_fields:
            new = _display(record, model_field, names)
            if before is None:
                if record.history_type == "+" and new != "—":
                    changes.append(Change(model_field.verbose_name, "", new))
                continue
            old = _display(before, model_field, names)
            if old != new:
                changes.append(Change(model_field.verbose_name, old, new))
        previous[record.id] = record
        if before is not None and record.history_type == "~" and not changes:
            continue  # A save that changed nothing the reader sees.
        entries.append(
            Entry(
                when=record.history_date,
                who=record.history_user,
                action=_ACTIONS.get(record.history_type, record.history_type),
                subject=subject(record),
                anchor=anchor(record),
                reason=record.history_change_reason or "",
                version=getattr(record, "version", None),
                changes=changes,
            )
        )
    return entries


def claim_history(claim, names=None, attribution_limit=None):
    """Every recorded change to the claim and its attributions, newest first.

    `names` maps (field name, id) to a label for foreign keys, e.g.
    {("speaker", 3): "Nikolai Patrushev"}; unknown ids show as "#id". With
    `attribution_limit`, only the history of that many attributions, the most
    recently changed ones, is read (each one's whole history, so every diff is
    right): a claim with a thousand attributions reads a bounded number of rows.
    """
    names = names or {}
    claim_records = (
        _CLAIM_HISTORY.filter(id=claim.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    ids = _ATTRIBUTION_HISTORY.filter(claim_id=claim.pk).order_by().values("id")
    if attribution_limit is not None:
        ids = ids.annotate(last=Max("history_date")).order_by("-last", "-id")[:attribution_limit]
        ids = ids.values("id")
    else:
        ids = ids.distinct()
    attribution_records = (
        _ATTRIBUTION_HISTORY.filter(id__in=Subquery(ids))
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    attribution_fields = [f for f in _fields(Attribution) if f.name not in _ATTRIBUTION_HIDDEN]
    entries = _entries(
        claim_records, _fields(Claim), lambda r: "Claim", lambda r: "", names
    ) + _entries(
        attribution_records,
        attribution_fields,
        lambda r: f"Attribution #{r.id}",
        lambda r: f"#e{r.id}",
        names,
    )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


def changes_since(claim, version):
    """The claim's recorded changes saved after `version`, oldest first (one query)."""
    records = (
        Claim.history.filter(id=claim.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    entries = _entries(records, _fields(Claim), lambda r: "Claim", lambda r: "", {})
    return [entry for entry in entries if entry.version is not None and entry.version > version]


def attribution_changes_since(attribution, when):
    """The attribution's recorded changes saved after `when`, oldest first (one query)."""
    records = (
        Attribution.history.filter(id=attribution.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    records = list(records)
    # The record of the state the editor saw carries updated_at == `when`; later ones changed it.
    seen = [r.history_date for r in records if when is not None and r.updated_at <= when]
    cutoff = seen[-1] if seen else None
    fields = [f for f in _fields(Attribution) if f.name not in _ATTRIBUTION_HIDDEN]
    subject = f"Attribution #{attribution.pk}"
    entries = _entries(records, fields, lambda r: subject, lambda r: "", {})
    return [entry for entry in entries if cutoff is None or entry.when > cutoff]
