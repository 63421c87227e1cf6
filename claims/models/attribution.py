"""Attributions: a claim tied to the exact passage of a source that carries it."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils import timezone
from simple_history.models import HistoricalRecords

from claims.models.actor import Actor
from claims.models.claim import Claim, VersionConflict
from lib.concurrency import lock_attribution, lock_attributions, lock_claims, unique_or
from sources.models import Outlet, QuoteNotFound, Source

# The order evidence is read in: by its source's date (the copy on the attribution,
# Attribution.published_on), undated last, then source, position and id. The claim
# page (with its keyset cursor), the PROV export and the
# ClaimReview use it; attribution_evidence_idx serves it for a claim's live ones.
EVIDENCE_ORDER = (F("published_on").asc(nulls_last=True), "source_id", "start", "pk")


class AttributionQuerySet(models.QuerySet):
    """Attributions in their three states.

    Removal is a soft delete (deleted_at), kept in the history. An attribution
    whose quote could not be found again after a source's text was corrected
    is orphaned (orphaned_at): it keeps its quote but no longer points into the
    body. Only live attributions are evidence: the status engine, search, the
    claim page, the reader, the chain, filters, facets and the CSV use live().
    """

    def live(self):
        return self.filter(deleted_at__isnull=True, orphaned_at__isnull=True)

    def orphaned(self):
        return self.filter(deleted_at__isnull=True, orphaned_at__isnull=False)

    def removed(self):
        return self.filter(deleted_at__isnull=False)

    def in_evidence_order(self):
        return self.order_by(*EVIDENCE_ORDER)

    def remove_all(self, user, *, refresh):
        """Remove (soft-delete) these attributions as Attribution.remove does, in the
        lock order: all their claims, then the attributions by ascending pk. Call it
        inside a transaction (claims.actions.remove_attributions); their claims are
        added to `refresh` (claims.derived.Refresh). Returns how many were live and
        are now removed."""
        lock_claims(Claim.objects.using(self.db), self.values_list("claim_id", flat=True))
        removed = 0
        for attribution in lock_attributions(self.filter(deleted_at__isnull=True)):
            attribution.remove(user, refresh=refresh)
            removed += 1
        return removed


# Characters of context kept on each side of a quote (TextQuoteSelector prefix/suffix).
QUOTE_CONTEXT = 32


class Attribution(models.Model):
    """A claim tied to the exact passage of a source that carries it."""

    class Kind(models.TextChoices):
        DIRECT_QUOTE = "direct_quote", "Direct quote"
        PARAPHRASE = "paraphrase", "Paraphrase"
        OUTLET_ASSERTION = "assertion", "Outlet's own assertion"
        SPECULATION = "speculation", "Speculation or opinion"

    class Stance(models.TextChoices):
        SUPPORTS = "supports", "Supports"
        DISPUTES = "disputes", "Disputes"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="attributions")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="attributions")
    quote = models.TextField(help_text="The exact text of the passage, as in the source body.")
    start = models.PositiveIntegerField(help_text="Offset of the first character in the body")
    end = models.PositiveIntegerField(help_text="Offset just past the last character")
    speaker = models.ForeignKey(
        Actor,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attributions",
        help_text="Empty when it is the outlet's own voice.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    stance = models.CharField(max_length=10, choices=Stance.choices, default=Stance.SUPPORTS)
    relayed_via = models.ForeignKey(
        Outlet,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="relayed_attributions",
        help_text="The agency the statement came through, e.g. TASS.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attributions_created",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # The TextQuoteSelector context: up to QUOTE_CONTEXT characters of the body
    # just before and after the quote, kept so the anchor can be found again
    # (and told apart from other occurrences) when the text is corrected.
    prefix = models.TextField(blank=True, default="")
    suffix = models.TextField(blank=True, default="")
    # Soft delete: a removed attribution stays, and in the history, but is no evidence.
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    # Set when a text correction lost the quote (intake.actions.correct_source_text);
    # no evidence then.
    orphaned_at = models.DateTimeField(null=True, blank=True, editable=False)
    orphan_reason = models.CharField(max_length=300, blank=True, editable=False)
    # Its source's date, copied by database triggers on both tables
    # (claims/sql/published_on.*.sql) whatever writes them, so that the claim page
    # reads a page of evidence in date order from attribution_evidence_idx.
    published_on = models.DateField(null=True, blank=True, editable=False)

    objects = AttributionQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["published_on"])

    class Meta:
        ordering = ["source_id", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="attribution_span_nonempty"
            ),
            # The database backs up clean(): the quote is as long as its span.
            models.CheckConstraint(
                condition=Exact(Length("quote"), F("end") - F("start")),
                name="attribution_quote_length_matches_span",
            ),
            # One passage evidences a claim once, among live attributions: a removed
            # or orphaned one keeps its old span without blocking a new one.
            models.UniqueConstraint(
                fields=["claim", "source", "start", "end"],
                condition=Q(deleted_at__isnull=True, orphaned_at__isnull=True),
                name="attribution_unique_live_span",
            ),
        ]
        indexes = [
            # Source reader: a source's attributed spans in text order.
            models.Index(fields=["source", "start"], name="attribution_source_start_idx"),
            # Claim page evidence (web.views.evidence_page): a claim's live
            # attributions by source date (undated last: PostgreSQL's ascending order),
            # source, position and id; a page of 25 is a range read, however many
            # attributions the claim has.
            models.Index(
                fields=["claim", "published_on", "source", "start", "id"],
                condition=Q(deleted_at__isnull=True, orphaned_at__isnull=True),
                name="attribution_evidence_idx",
            ),
            # The editors' "Orphaned anchors" page, newest first.
            models.Index(
                fields=["-orphaned_at"],
                condition=Q(orphaned_at__isnull=False, deleted_at__isnull=True),
                name="attribution_orphaned_idx",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} in “{self.source}” for “{self.claim}”"

    def clean(self):
        if self.start is None or self.end is None or not self.source_id:
            return
        if self.end <= self.start:
            raise ValidationError({"end": "The span must end after it starts."})
        body = self.source.body
        if self.end > len(body):
            raise ValidationError(
                {
                    "end": f"The source is only {len(body)} characters long; "
                    f"the span ends at {self.end}."
                }
            )
        found = body[self.start : self.end]
        if found != self.quote:
            raise ValidationError(
                {
                    "quote": f"The source reads “{found[:120]}” at {self.start}–{self.end}, "
                    "not the quote given."
                }
            )

    def anchor(self, prefix="", suffix=""):
        """Set start and end by finding the quote in the source (TextQuoteSelector).

        Also stores the selector's context as found in the body (QUOTE_CONTEXT
        characters each side), so a later text correction can re-anchor it.
        """
        self.start, self.end = self.source.find_quote(self.quote, prefix, suffix)
        self.take_context()

    def take_context(self, body=None):
        """Set prefix and suffix from the text around the current span."""
        body = self.source.body if body is None else body
        self.prefix = body[max(0, self.start - QUOTE_CONTEXT) : self.start]
        self.suffix = body[self.end : self.end + QUOTE_CONTEXT]

    @property
    def is_live(self):
        return self.deleted_at is None and self.orphaned_at is None

    def twin_error(self, twin_pk=None):
        """The ValidationError for a passage that already evidences the claim (live)."""
        which = f" Attribution #{twin_pk} already cites it." if twin_pk else ""
        return ValidationError(
            {"quote": f"This passage already evidences claim #{self.claim_id}.{which}"}
        )

    def live_twin(self):
        """A live attribution of the same claim on the same passage, other than this one."""
        return (
            Attribution.objects.live()
            .filter(
                claim_id=self.claim_id, source_id=self.source_id, start=self.start, end=self.end
            )
            .exclude(pk=self.pk)
            .first()
        )

    def check_and_save(self, user, reason, refresh, moved_from=None):
        """Validate (a merged claim, a live twin, full_clean) and save with a history
        record; the claim (and `moved_from`, the claim it left) go to `refresh`."""
        if self.claim.merged_into_id:
            raise ValidationError(
                {
                    "claim": f"Claim #{self.claim_id} was merged into "
                    f"#{self.claim.merged_into_id}; use that."
                }
            )
        if self.is_live:
            twin = self.live_twin()
            if twin is not None:
                raise self.twin_error(twin.pk)
        self._validate(user, reason)
        # A simultaneous identical attribution (attribution_unique_live_span) is refused.
        with unique_or(self.twin_error()):
            self.save()
        refresh.add_evidence([self.claim_id, moved_from])

    def save_on_new_claim(self, user, reason, refresh):
        """Validate (full_clean) and save with a history record, as evidence for a claim
        written earlier in this same transaction; the claim goes to `refresh`.

        No other transaction sees that claim until this one commits: it is neither
        merged nor evidenced, and no simultaneous write can store the same passage
        on it, so there is no twin to look for and no unique winner to recover.
        """
        self._validate(user, reason)
        self.save()
        refresh.add_evidence([self.claim_id])

    def _validate(self, user, reason):
        """full_clean without lookups, and the user and reason of the history record."""
        # The related rows are saved instances (no lookups); the CHECK and unique
        # constraints are Attribution.clean's span and quote checks and the live twin
        # (check_and_save), enforced by the database as well.
        self.full_clean(
            exclude=["claim", "source", "speaker", "relayed_via", "created_by", "deleted_by"],
            validate_constraints=False,
        )
        self._history_user = user
        self._change_reason = reason

    def save_new(self, user, reason, *, refresh):
        """Store this new attribution, checked: its claim is locked first (the lock
        order), must not be merged, and the passage must not already evidence it
        (ValidationError, also when a simultaneous write stored the same one).
        Call it inside a transaction (claims.actions.save_attribution does); the
        claim's status and document are added to `refresh`."""
        self.pk, self._state.adding = None, True  # a retry inserts afresh
        claim = lock_claims(Claim.objects, [self.claim_id]).get(self.claim_id)
        if claim is None:
            raise ValidationError({"claim": f"Claim #{self.claim_id} no longer exists."})
        self.claim = claim
        self.created_by = self.created_by or user
        self.check_and_save(user, reason, refresh)
        return self

    def edit(self, user, seen, *, refresh, reason="Attribution edited", **changes):
        """Change the attribution, unless it was saved or removed since `seen` (its
        updated_at as read): VersionConflict then, and nothing changes.

        `changes`: any of claim (moving it), quote with start and end (re-anchoring:
        the context is taken from the body, and an orphaned attribution counts
        again), speaker, kind, stance, relayed_via. The lock order: the old and
        new claims, then the row, read again under its lock; the check, the
        validation and the save follow as for a new attribution; both claims go
        to `refresh`. Call it inside a transaction (claims.actions.edit_attribution).
        """
        new_claim = changes.get("claim")
        current = lock_attribution(
            Attribution.objects,
            Claim.objects,
            self.pk,
            also_claims=[new_claim.pk] if new_claim is not None else [],
        )
        if seen is None or current.updated_at != seen or current.deleted_at is not None:
            raise VersionConflict(f"Attribution #{self.pk} changed meanwhile.")
        moved_from = current.claim_id
        if "start" in changes:
            current.quote = changes.get("quote", current.quote)
            current.start, current.end = changes["start"], changes["end"]
            current.take_context()
            current.orphaned_at = None
            current.orphan_reason = ""
        for name in ("claim", "speaker", "kind", "stance", "relayed_via"):
            if name in changes:
                setattr(current, name, changes[name])
        if new_claim is not None:
            current.claim = Claim.objects.get(pk=new_claim.pk)
        current.check_and_save(user, reason, refresh, moved_from=moved_from)
        self.__dict__.update(
            {k: v for k, v in current.__dict__.items() if k != "_state"},
        )
        return self

    def remove(self, user, *, refresh):
        """Soft-delete: the attribution stops counting; the history records who and when.

        The row is locked (after its claim) and read again: removing a removed
        attribution changes nothing, and a copy read earlier is never written back.
        Its claim goes to `refresh`. Call it inside a transaction
        (claims.actions.remove_attribution).
        """
        current = lock_attribution(Attribution.objects, Claim.objects, self.pk)
        if current.deleted_at is None:
            current.deleted_at = timezone.now()
            current.deleted_by = user
            current._history_user = user
            current._change_reason = "Attribution removed"
            current.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
            refresh.add_evidence([current.claim_id])
        self.__dict__.update(
            {k: v for k, v in current.__dict__.items() if k not in ("_state",)},
        )


def reanchor_attributions(source, correction, refresh):
    """Find every attribution on `source` again after its body was corrected.

    Runs inside intake.actions.correct_source_text's transaction; the claims
    that depend on the source (its body changed: paragraphs, near-copies) and
    the documents of the claims whose quotes moved go to `refresh`
    (claims.derived.Refresh), run once after.
    Each live or orphaned attribution is looked up from its quote selector
    (Source.relocate with the stored prefix and suffix, the old start breaking
    ties). Found: new offsets and context, orphaned_at cleared. Not found, or
    landing on a passage the same claim already cites: orphaned_at and
    orphan_reason set; the quote and old offsets stay, and it stops counting.
    Removed attributions are left as they were. Returns (re-anchored, orphaned).
    """
    rows = list(Attribution.objects.filter(source=source, deleted_at__isnull=True).order_by("pk"))
    placed, reasons = _relocated(source, rows)
    orphaned = 0
    for attribution in rows:  # orphans first
        if placed[attribution.pk] is None:
            attribution._change_reason = f"Orphaned by text correction #{correction.pk}"
            attribution._history_user = correction.corrected_by
            attribution.orphaned_at = attribution.orphaned_at or correction.corrected_at
            attribution.orphan_reason = reasons[attribution.pk][:300]
            attribution.save()
            orphaned += 1
    reanchored = _move_anchors(source, correction, rows, placed)
    refresh.add(sources=[source.pk], documents={a.claim_id for a in rows})
    return reanchored, orphaned


def _relocated(source, rows):
    """({pk: (start, end) in the new body, or None}, {pk: why it is None}) of `rows`.

    Two attributions of one claim landing on one passage: the older keeps it.
    """
    placed, reasons = {}, {}
    for attribution in rows:
        try:
            placed[attribution.pk] = source.relocate(
                attribution.quote, attribution.prefix, attribution.suffix, near=attribution.start
            )
        except QuoteNotFound as error:
            placed[attribution.pk] = None
            reasons[attribution.pk] = str(error)
    seen = {}
    for attribution in rows:
        span = placed[attribution.pk]
        if span is None:
            continue
        key = (attribution.claim_id, *span)
        if key in seen:
            placed[attribution.pk] = None
            reasons[attribution.pk] = (
                f"After the correction it would cite the same passage as attribution #{seen[key]}."
            )
        else:
            seen[key] = attribution.pk
    return placed, reasons


def _move_anchors(source, correction, rows, placed):
    """Save the re-anchored attributions in an order that never puts two live rows of
    one claim on one span, even for a moment (the unique constraint checks each row).
    Returns how many were re-anchored."""
    pending = [a for a in rows if placed[a.pk] is not None]
    reanchored = 0
    while pending:
        occupied = {(a.claim_id, a.start, a.end): a.pk for a in pending if a.orphaned_at is None}
        ready = [a for a in pending if occupied.get((a.claim_id, *placed[a.pk]), a.pk) == a.pk]
        if not ready:  # a cycle of swaps: step one aside (orphaned for a moment), then go on
            aside = pending[0]
            aside.orphaned_at = correction.corrected_at
            aside.orphan_reason = "Being re-anchored"
            aside.save(update_fields=["orphaned_at", "orphan_reason"])
            continue
        for attribution in ready:
            attribution.start, attribution.end = placed[attribution.pk]
            attribution.take_context(source.body)
            attribution.orphaned_at = None
            attribution.orphan_reason = ""
            attribution._change_reason = f"Re-anchored after text correction #{correction.pk}"
            attribution._history_user = correction.corrected_by
            attribution.save()
            reanchored += 1
        pending = [a for a in pending if a not in ready]
    return reanchored
