"""Claims: checkable statements, with their derived status and their latest verdict."""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Case, F, Q, Value, When
from django.db.models.lookups import GreaterThan
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from claims import search
from claims.models.review import Review, Verdict
from claims.models.tag import Tag
from lib.concurrency import retry_once_on_conflict, unique_or
from lib.text import normalize_name
from sources.models import Outlet


def statement_fingerprint(statement, event_start=None, event_end=None):
    """Identity of a claim: its normalised wording plus its event dates.

    The same words about different dates (the 2014, 2019 and 2022 meetings) are
    different claims.
    """
    parts = [
        normalize_name(statement),
        event_start.isoformat() if event_start else "",
        event_end.isoformat() if event_end else "",
    ]
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()


# The review queue: unreviewed claims resting on the weakest footing come first
# (Claim.Status values; checked below the class).
QUEUE_FIRST = ("single_source", "speculative")


def refresh_documents(claim_ids, refresh=None):
    """Add these claims' search documents to `refresh` (claims.derived.Refresh), or
    rebuild them now (claims.search.refresh) when there is no batch."""
    if refresh is None:
        search.refresh(claim_ids)
    else:
        refresh.add(documents=claim_ids)


def queue_priority():
    """0 for the statuses the review queue puts first, else 1.

    The dashboard and the list's "queue" sort order by it; claim_queue_idx indexes
    this exact expression, so keep the two one function.
    """
    return Case(
        When(status__in=QUEUE_FIRST, then=Value(0)),
        default=Value(1),
        output_field=models.IntegerField(),
    )


class ClaimQuerySet(models.QuerySet):
    def current(self):
        """Claims not merged into another: the ones lists, facets and exports show."""
        return self.filter(merged_into__isnull=True)

    def listed(self):
        """Current claims as lists load them: without origin_groups, which only the
        claim page and the PROV export read (tens of kilobytes of JSON for a claim with
        many attributions, otherwise fetched and decoded for every row listed)."""
        return self.current().defer("origin_groups")

    def facet_counts(self, outlet_kinds=True):
        """These claims counted by status, by verdict and by outlet kind, and in total.

        One query: GROUP BY status, verdict (35 rows at most), with a count per
        outlet-kind bit (COUNT ... FILTER); for current claims an index-only scan
        of claim_facets_idx. See count_facets for what it returns. With
        outlet_kinds=False, no counts by outlet kind: the plain GROUP BY is half
        the work. ClaimCount answers the same without a scan when the only
        filters are on status, verdict and outlet kinds.
        """
        return count_facets(
            self,
            models.Count("*"),
            lambda condition: models.Count("outlet_kinds", filter=condition),
            outlet_kinds,
        )


def count_facets(queryset, total, count_where, outlet_kinds=True):
    """Counts by status, verdict and outlet kind of `queryset` (claims or ClaimCount rows).

    `total` counts the claims of a row; `count_where(condition)` those meeting a
    condition. Returns {"status": {value: n}, "verdict": {value or "": n},
    "outlet_kind": {kind or None: n}, "total": n}; zero counts are left out.
    A claim carried by outlets of several kinds counts once under each.
    """
    kinds = Claim.OUTLET_KIND_BITS if outlet_kinds else ()
    per_kind = {
        f"kind_{i}": count_where(
            GreaterThan(F("outlet_kinds").bitand(Claim.outlet_kind_bit(kind)), 0)
        )
        for i, kind in enumerate(kinds)
    }
    rows = queryset.order_by().values_list("status", "verdict")
    by_status, by_verdict, by_kind, grand_total = {}, {}, {}, 0
    for status, verdict, n, *kind_counts in rows.annotate(facet_n=total, **per_kind):
        if not n:
            continue
        by_status[status] = by_status.get(status, 0) + n
        by_verdict[verdict] = by_verdict.get(verdict, 0) + n
        grand_total += n
        for kind, count in zip(kinds, kind_counts, strict=True):
            if count:
                by_kind[kind] = by_kind.get(kind, 0) + count
    return {
        "status": by_status,
        "verdict": by_verdict,
        "outlet_kind": by_kind,
        "total": grand_total,
    }


class Claim(models.Model):
    """A checkable statement, written once and evidenced many times."""

    class Status(models.TextChoices):
        CORROBORATED = "corroborated", "Corroborated"
        SINGLE_SOURCE = "single_source", "Single source"
        SPECULATIVE = "speculative", "Speculative"
        CONTESTED = "contested", "Contested"
        UNSUPPORTED = "unsupported", "Unsupported"

    class Grade(models.IntegerChoices):
        # The Admiralty scale for the credibility of information.
        CONFIRMED = 1, "1 – Confirmed"
        PROBABLY_TRUE = 2, "2 – Probably true"
        POSSIBLY_TRUE = 3, "3 – Possibly true"
        DOUBTFUL = 4, "4 – Doubtful"
        IMPROBABLE = 5, "5 – Improbable"
        CANNOT_BE_JUDGED = 6, "6 – Cannot be judged"

    Verdict = Verdict

    statement = models.TextField()
    fingerprint = models.CharField(max_length=64, unique=True, editable=False)
    event_start = models.DateField(null=True, blank=True, help_text="Event date, or first day")
    event_end = models.DateField(null=True, blank=True, help_text="Last day of a date range")
    tags = models.ManyToManyField(Tag, blank=True, related_name="claims")

    # Derived by claims.engine from the attributions; stored for fast filtering.
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UNSUPPORTED)
    grade = models.PositiveSmallIntegerField(choices=Grade.choices, default=Grade.CANNOT_BE_JUDGED)
    explanation = models.TextField(blank=True, default="Unsupported: no supporting attribution.")
    origin_count = models.PositiveIntegerField(default=0)
    # The kinds of outlet that carry the claim, as a bitmask (see outlet_kind_mask):
    # written by claims.engine in the same UPDATE as the status, read by the
    # claim list's outlet-kind filter and facet (claims.filters) without a join.
    outlet_kinds = models.PositiveIntegerField(default=0, editable=False)
    # The independent origins the engine grouped the evidence into (claims.engine
    # origin_groups_summary), written in the same UPDATE as the status; the claim
    # page draws its chain and evidence relays from it without re-running the engine.
    origin_groups = models.JSONField(default=list, blank=True, editable=False)

    # The latest fact-checker verdict (see Review); separate from the status.
    verdict = models.CharField(max_length=20, choices=Verdict.choices, blank=True)
    # Bumped on every edit; a save carrying an older version is a conflict.
    version = models.PositiveIntegerField(default=1)
    # Set when the claim was merged into another that says the same thing: a
    # tombstone whose URL redirects there. Lists show only ClaimQuerySet.current().
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_claims",
        editable=False,
    )
    merged_at = models.DateTimeField(null=True, blank=True, editable=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="claims_created",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClaimQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["fingerprint", "outlet_kinds", "origin_groups"])

    #: Claim.outlet_kinds has bit i set when a live attribution's source comes from
    #: an outlet of the i-th kind here: the kinds of sources.Outlet.Kind, in their
    #: declared order, then None for a source with no known outlet. Reordering
    #: them needs `manage.py recompute_status` (which rewrites every mask).
    OUTLET_KIND_BITS = (*Outlet.Kind.values, None)

    class Meta:
        ordering = ["-created_at"]
        permissions = [("record_verdict", "Can record a verdict on a claim")]
        constraints = [
            models.CheckConstraint(
                condition=Q(event_end__isnull=True)
                | (Q(event_start__isnull=False) & Q(event_end__gte=F("event_start"))),
                name="claim_event_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(grade__gte=1, grade__lte=6), name="claim_grade_admiralty_1_6"
            ),
        ]
        indexes = [
            # Claim list filtered by status, newest first.
            models.Index(fields=["status", "-created_at"], name="claim_status_idx"),
            # Claim list filtered by credibility grade.
            models.Index(fields=["grade"], name="claim_grade_idx"),
            # Claim list filtered by verdict, and "reviewed / unreviewed".
            models.Index(fields=["verdict"], name="claim_verdict_idx"),
            # Claim list unfiltered, newest first (the default sort) or oldest first.
            models.Index(fields=["-created_at", "-id"], name="claim_created_idx"),
            # Claim list facets and dashboard counts (ClaimQuerySet.facet_counts): one
            # GROUP BY status, verdict, outlet_kinds over current claims, an index-only
            # scan; with a status (and verdict, grade) filter, a range of it.
            models.Index(
                fields=["status", "verdict", "grade", "outlet_kinds"],
                name="claim_facets_idx",
                condition=Q(merged_into__isnull=True),
            ),
            # Dashboard review queue: unreviewed current claims in the exact order of
            # queue_priority(), created_at, id; the top 20 are a range read.
            models.Index(
                queue_priority(),
                F("created_at"),
                F("id"),
                name="claim_queue_idx",
                condition=Q(merged_into__isnull=True, verdict=""),
            ),
        ]

    def __str__(self):
        text = self.statement if len(self.statement) <= 80 else self.statement[:79] + "…"
        return text

    def save(self, *args, **kwargs):
        self.fingerprint = statement_fingerprint(self.statement, self.event_start, self.event_end)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("claim-detail", args=[self.pk])

    def clean_dates(self):
        """A date range needs a first day and must not end before it (ValidationError)."""
        if self.event_end and not self.event_start:
            raise ValidationError({"event_start": "A date range needs a first day."})
        if self.event_start and self.event_end and self.event_end < self.event_start:
            raise ValidationError({"event_end": "The range ends before it starts."})

    def clean(self):
        self.clean_dates()
        fingerprint = statement_fingerprint(self.statement, self.event_start, self.event_end)
        if Claim.objects.filter(fingerprint=fingerprint).exclude(pk=self.pk).exists():
            raise ValidationError(
                "This claim already exists with the same event dates; add evidence to it instead."
            )

    @classmethod
    def outlet_kind_bit(cls, kind):
        """The bit of one outlet kind (None: a source with no known outlet)."""
        return 1 << cls.OUTLET_KIND_BITS.index(kind)

    @classmethod
    def outlet_kind_mask(cls, kinds):
        """The bits of several outlet kinds, OR-ed: a claim matches if it has any of them."""
        mask = 0
        for kind in kinds:
            mask |= cls.outlet_kind_bit(kind)
        return mask

    @property
    def event_display(self):
        if not self.event_start:
            return ""
        if self.event_end and self.event_end != self.event_start:
            return f"{self.event_start.isoformat()} – {self.event_end.isoformat()}"
        return self.event_start.isoformat()

    @classmethod
    @retry_once_on_conflict
    def create_new(
        cls,
        editor,
        *,
        statement,
        event_start=None,
        event_end=None,
        tags=(),
        reason,
        refresh=None,
    ):
        """Write a new claim with its tags (claims.input.parse_tags: new ones are created).

        Its search document is added to `refresh` (claims.derived.Refresh), or
        written at once without one. A new claim has no evidence: its stored
        status (unsupported) is already the engine's. Raises ValidationError
        when the claim is invalid or already exists with the same event dates,
        also when a simultaneous write stored it first (the unique
        fingerprint). Returns the claim.
        """
        claim = cls(
            statement=statement, event_start=event_start, event_end=event_end, created_by=editor
        )
        # `editor` is a saved user (no lookup). The CHECK constraints are clean_dates'
        # rules, and a claim that exists already is the unique fingerprint's refusal
        # (CLAIM_EXISTS, below): both checked once, and enforced by the database.
        claim.clean_fields(exclude=["fingerprint", "created_by"])
        claim.clean_dates()
        claim._history_user = editor
        claim._change_reason = reason
        # One transaction (retry_once_on_conflict's, or the caller's).
        with unique_or(ValidationError(CLAIM_EXISTS)):
            claim.save()
        if tags:
            claim.tags.set(Tag.objects.ensure(tags))
        refresh_documents([claim.pk], refresh)
        return claim

    @classmethod
    def create_or_existing(
        cls, editor, *, statement, event_start=None, event_end=None, tags=(), reason, refresh=None
    ):
        """As create_new, but when a simultaneous write stored the same claim first
        (one fingerprint), that claim (or the one it was merged into), without
        the tags: (claim, created)."""
        fingerprint = statement_fingerprint(statement, event_start, event_end)
        try:
            return cls.create_new(
                editor,
                statement=statement,
                event_start=event_start,
                event_end=event_end,
                tags=tags,
                reason=reason,
                refresh=refresh,
            ), True
        except ValidationError:
            winner = cls.objects.filter(fingerprint=fingerprint).first()
            if winner is None:
                raise
        while winner.merged_into_id:
            winner = winner.merged_into
        return winner, False

    @retry_once_on_conflict
    def record_verdict(self, reviewer, verdict, rationale, version):
        """Record a fact-checker's verdict, if nobody saved the claim since `version`.

        Optimistic concurrency: one conditional UPDATE … WHERE version = `version`
        that also bumps the version. When it matches no row, someone else saved
        the claim first: nothing is written and VersionConflict is raised. On
        success the Review is stored, `self` is refreshed and the history gets a
        record (a queryset update writes none, so it is written here). The
        counts and the search document's copies follow by trigger (claims.derived).
        """
        now = timezone.now()
        with transaction.atomic():
            updated = Claim.objects.filter(pk=self.pk, version=version).update(
                verdict=verdict, version=F("version") + 1, updated_at=now
            )
            if not updated:
                raise VersionConflict(f"Claim #{self.pk} changed since version {version}.")
            review = Review.objects.create(
                claim=self, reviewer=reviewer, verdict=verdict, rationale=rationale, created_at=now
            )
            self.refresh_from_db()
            Claim.history.bulk_history_create(
                [self],
                update=True,
                default_user=reviewer,
                default_change_reason=f"Verdict recorded (review #{review.pk})",
                default_date=now,
            )
        return review

    @retry_once_on_conflict
    def edit(
        self,
        editor,
        version,
        *,
        statement,
        event_start=None,
        event_end=None,
        tags=None,
        refresh=None,
    ):
        """Change the statement, event dates and tags, if nobody saved the claim since `version`.

        Optimistic concurrency as in record_verdict: a conditional UPDATE bumps
        the version first, so of two edits based on one version only the first
        gets through and the second raises VersionConflict, changing nothing.
        The claim is then validated (ValidationError rolls everything back) and
        saved normally, so the history records the change and its author, and
        the search document is added to `refresh` (or rebuilt at once without
        one), all in one transaction.
        """
        with transaction.atomic():
            updated = Claim.objects.filter(pk=self.pk, version=version).update(
                version=F("version") + 1
            )
            if not updated:
                raise VersionConflict(f"Claim #{self.pk} changed since version {version}.")
            claim = Claim.objects.get(pk=self.pk)
            claim.statement = statement
            claim.event_start = event_start
            claim.event_end = event_end
            claim.full_clean(exclude=["tags"])
            reason = "Claim edited"
            if tags is not None:
                tags = Tag.objects.ensure(tags)
                old_tags = sorted(t.name for t in claim.tags.all())
                new_tags = sorted(t.name for t in tags)
                if old_tags != new_tags:
                    reason += f"; tags: {', '.join(old_tags) or '—'} → {', '.join(new_tags) or '—'}"
                    claim.tags.set(tags)
            claim._history_user = editor
            claim._change_reason = reason
            with unique_or(ValidationError(CLAIM_EXISTS)):
                claim.save()
            refresh_documents([claim.pk], refresh)
        self.refresh_from_db()
        return self


assert set(QUEUE_FIRST) <= set(Claim.Status.values)


class VersionConflict(Exception):
    """A save carried an older version of the claim than the one stored."""


CLAIM_EXISTS = "This claim already exists with the same event dates; add evidence to it instead."
