import hashlib
import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Length
from django.db.models.lookups import Exact, GreaterThan
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from lib.concurrency import (
    lock_attribution,
    lock_attributions,
    lock_claims,
    retry_once_on_conflict,
    save_or_winner,
    unique_or,
)
from lib.fields import NameField
from lib.text import normalize_name
from sources.models import REANCHOR_HOOKS, Outlet, QuoteNotFound, Source, country_code


class ActorQuerySet(models.QuerySet):
    def resolve(self, name):
        """The actor called `name`, by name or alias, or None.

        Aliases carry misspellings and short forms: "Chiang Wanquan" resolves to
        Chang Wanquan, "Jiechi" to Yang Jiechi. Nothing is guessed: a name that
        is neither a name nor an alias resolves to None.
        """
        key = normalize_name(name)
        if not key:
            return None
        return self.filter(Q(name_key=key) | Q(aliases__name_key=key)).distinct().first()


class Actor(models.Model):
    """A person or organisation that makes statements."""

    class Kind(models.TextChoices):
        OFFICIAL = "official", "Official"
        GOVERNMENT_BODY = "government_body", "Government body"
        JOURNALIST = "journalist", "Journalist"
        ANALYST = "analyst", "Analyst or pundit"
        AGENCY = "agency", "Agency"
        UNNAMED = "unnamed", "Unnamed"

    name = NameField(max_length=200)
    # Unique: one spelling names one actor (ActorQuerySet.resolve).
    name_key = models.CharField(max_length=200, unique=True, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OFFICIAL)
    role = NameField(max_length=300, blank=True, help_text="Role or title")
    country = models.CharField(max_length=2, blank=True, validators=[country_code])

    objects = ActorQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = normalize_name(self.name)
        # Atomic with the claim statuses that claims.signals updates after the save.
        with transaction.atomic(using=kwargs.get("using"), savepoint=False):
            super().save(*args, **kwargs)

    def clean(self):
        key = normalize_name(self.name)
        if ActorAlias.objects.filter(name_key=key).exclude(actor_id=self.pk).exists():
            raise ValidationError({"name": "Another actor already has this name as an alias."})

    @retry_once_on_conflict
    def merge_into(self, target, editor):
        """Merge this actor into `target`, the same person or body under another name.

        In one transaction: this actor's aliases move to the target and its name
        becomes one more alias there, so every spelling still resolves; its
        attributions (each with a history record) and the importer's
        suggestions name the target; the claims they evidence are recomputed
        (the target's kind may differ); then this actor is deleted, which its
        history records. Returns the number of attributions moved.
        """
        from claims import status

        if target.pk == self.pk:
            raise ValidationError("An actor cannot be merged into itself.")
        now = timezone.now()
        with status.deferred():
            # The lock order (lib.concurrency): suggestions, the claims, then
            # the attributions (read again under their locks), then the actors.
            Suggestion.objects.filter(speaker=self).update(speaker=target)
            attributions = Attribution.objects.filter(speaker=self)
            lock_claims(set(attributions.values_list("claim_id", flat=True)))
            ids = [a.pk for a in lock_attributions(attributions)]
            self.aliases.update(actor=target)
            if (
                self.name_key != target.name_key
                and not ActorAlias.objects.filter(name_key=self.name_key).exists()
            ):
                ActorAlias.objects.create(actor=target, name=self.name)
            if ids:
                Attribution.objects.filter(pk__in=ids).update(speaker=target, updated_at=now)
                moved = list(Attribution.objects.filter(pk__in=ids))
                Attribution.history.bulk_history_create(
                    moved,
                    update=True,
                    default_user=editor,
                    default_change_reason=f"Speaker {self.name} merged into {target.name}",
                    default_date=now,
                )
                status.schedule(claim_ids={a.claim_id for a in moved})
            self._history_user = editor
            self._change_reason = f"Merged into actor #{target.pk} ({target.name})"
            self.delete()
        return len(ids)


class ActorAlias(models.Model):
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="aliases")
    name = NameField(max_length=200)
    # Unique: one alias can only ever mean one actor (ActorQuerySet.resolve).
    name_key = models.CharField(max_length=200, unique=True, editable=False)

    class Meta:
        verbose_name_plural = "actor aliases"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = normalize_name(self.name)
        super().save(*args, **kwargs)

    def clean(self):
        key = normalize_name(self.name)
        if Actor.objects.filter(name_key=key).exclude(pk=self.actor_id).exists():
            raise ValidationError({"name": "Another actor already has this name."})


class TagQuerySet(models.QuerySet):
    def ensure(self, tags):
        """Saved tags for `tags` (web.forms.parse_tags: existing tags and unsaved new
        ones), in order, without repeats.

        A new tag that a simultaneous write created first (the same slug or name:
        both are unique) is that tag: the first writer wins, the others use it.
        """
        saved = []
        for tag in tags:
            if tag.pk is None:
                tag, _created = save_or_winner(
                    tag,
                    lambda tag=tag: (
                        self.filter(Q(slug=tag.slug) | Q(name=tag.name))
                        .order_by(Case(When(slug=tag.slug, then=Value(0)), default=Value(1)))
                        .first()
                    ),
                )
            if tag not in saved:
                saved.append(tag)
        return saved


class Tag(models.Model):
    name = NameField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


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
        claim page and the PROV export read (about 90 KB of JSON for a claim with
        1,000 attributions, otherwise fetched and decoded for every row listed)."""
        return self.current().defer("origin_groups")

    def facet_counts(self, outlet_kinds=True):
        """These claims counted by status, by verdict and by outlet kind, and in total.

        One query: GROUP BY status, verdict (35 rows at most), with a count per
        outlet-kind bit (COUNT ... FILTER); for current claims an index-only scan
        of claim_facets_idx. See _facet_counts for what it returns. With
        outlet_kinds=False, no counts by outlet kind: the plain GROUP BY is half
        the work. ClaimCount answers the same without a scan when the only
        filters are on status, verdict and outlet kinds.
        """
        return _facet_counts(
            self,
            models.Count("*"),
            lambda condition: models.Count("outlet_kinds", filter=condition),
            outlet_kinds,
        )


def _facet_counts(queryset, total, count_where, outlet_kinds=True):
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

    class Verdict(models.TextChoices):
        ACCURATE = "accurate", "Accurate"
        MOSTLY_ACCURATE = "mostly_accurate", "Mostly accurate"
        MISLEADING = "misleading", "Misleading"
        FALSE = "false", "False"
        UNVERIFIABLE = "unverifiable", "Unverifiable"
        NEEDS_SOURCING = "needs_sourcing", "Needs more sourcing"

    statement = models.TextField()
    fingerprint = models.CharField(max_length=64, unique=True, editable=False)
    event_start = models.DateField(null=True, blank=True, help_text="Event date, or first day")
    event_end = models.DateField(null=True, blank=True, help_text="Last day of a date range")
    tags = models.ManyToManyField(Tag, blank=True, related_name="claims")

    # Derived by claims.status from the attributions; stored for fast filtering.
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UNSUPPORTED)
    grade = models.PositiveSmallIntegerField(choices=Grade.choices, default=Grade.CANNOT_BE_JUDGED)
    explanation = models.TextField(blank=True, default="Unsupported: no supporting attribution.")
    origin_count = models.PositiveIntegerField(default=0)
    # The kinds of outlet that carry the claim, as a bitmask (see outlet_kind_mask):
    # written by claims.status in the same UPDATE as the status, read by the
    # claim list's outlet-kind filter and facet (web.filters) without a join.
    outlet_kinds = models.PositiveIntegerField(default=0, editable=False)
    # The independent origins the engine grouped the evidence into (claims.status
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
        # Atomic with the search document that claims.signals refreshes after the save.
        with transaction.atomic(using=kwargs.get("using"), savepoint=False):
            super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("claim-detail", args=[self.pk])

    def clean(self):
        if self.event_end and not self.event_start:
            raise ValidationError({"event_start": "A date range needs a first day."})
        if self.event_start and self.event_end and self.event_end < self.event_start:
            raise ValidationError({"event_end": "The range ends before it starts."})
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
    def create_new(cls, editor, *, statement, event_start=None, event_end=None, tags=(), reason):
        """Write a new claim with its tags (web.forms.parse_tags: new ones are created).

        Raises ValidationError when the claim is invalid or already exists with
        the same event dates, also when a simultaneous write stored it first
        (the unique fingerprint). Returns the claim.
        """
        claim = cls(
            statement=statement, event_start=event_start, event_end=event_end, created_by=editor
        )
        claim.full_clean(exclude=["fingerprint"])
        claim._history_user = editor
        claim._change_reason = reason
        with transaction.atomic():
            with unique_or(ValidationError(CLAIM_EXISTS)):
                claim.save()
            claim.tags.set(Tag.objects.ensure(tags))
        return claim

    @classmethod
    def create_or_existing(
        cls, editor, *, statement, event_start=None, event_end=None, tags=(), reason
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
        record (a queryset update sends no signals, so it is written here).
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
    def edit(self, editor, version, *, statement, event_start=None, event_end=None, tags=None):
        """Change the statement, event dates and tags, if nobody saved the claim since `version`.

        Optimistic concurrency as in record_verdict: a conditional UPDATE bumps
        the version first, so of two edits based on one version only the first
        gets through and the second raises VersionConflict, changing nothing.
        The claim is then validated (ValidationError rolls everything back) and
        saved normally, so the history records the change and its author and
        the search document is refreshed, all in one transaction.
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
        self.refresh_from_db()
        return self

    @retry_once_on_conflict
    def merge_into(self, target, editor, version=None):
        """Merge this claim into `target`, which says the same thing; this one becomes a tombstone.

        In one transaction, with both statuses recomputed once at the end:
        every attribution moves to the target (one whose passage the target
        already cites live is soft-deleted there instead, never lost); claims
        merged into this one earlier now point to the target; this claim gets
        merged_into (its page redirects there) and its reviews stay on it, shown
        on the target's page. Each moved row and both claims get a history
        record. With `version`, a claim saved since that version raises
        VersionConflict. Raises ValidationError for a merge that makes no sense.
        """
        from claims import status

        if target.pk == self.pk:
            raise ValidationError("A claim cannot be merged into itself.")
        now = timezone.now()
        with status.deferred():
            # The lock order (lib.concurrency): both claims, then the attributions.
            locked = lock_claims([self.pk, target.pk])
            me, into = locked.get(self.pk), locked.get(target.pk)
            if me is None or into is None:
                raise ValidationError("One of the claims no longer exists.")
            if me.merged_into_id:
                raise ValidationError(
                    f"Claim #{me.pk} was already merged into #{me.merged_into_id}."
                )
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
            # Notes on the claim itself, and their replies, follow it (issue 5 annotations);
            # notes on its attributions travel with them.
            for note in Annotation.objects.filter(claim=me).order_by("pk"):
                note.claim = into
                note._history_user = editor
                note._change_reason = f"Moved from claim #{me.pk} by a merge"
                note.save(update_fields=["claim"])
            earlier = list(Claim.objects.filter(merged_into=me))
            if earlier:
                Claim.objects.filter(pk__in=[c.pk for c in earlier]).update(merged_into=into)
                for claim in earlier:
                    claim.merged_into = into
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
        self.refresh_from_db()
        return moved, duplicates


assert set(QUEUE_FIRST) <= set(Claim.Status.values)


class VersionConflict(Exception):
    """A save carried an older version of the claim than the one stored."""


CLAIM_EXISTS = "This claim already exists with the same event dates; add evidence to it instead."


class Review(models.Model):
    """A fact-checker's verdict on a claim, with the reasoning behind it."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="reviews"
    )
    verdict = models.CharField(max_length=20, choices=Claim.Verdict.choices)
    rationale = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # A claim's verdict history, newest first.
            models.Index(fields=["claim", "-created_at"], name="review_claim_idx"),
        ]

    def __str__(self):
        return f"{self.get_verdict_display()} on “{self.claim}”"


# The order evidence is read in: by its source's date (the copy on the attribution,
# Attribution.published_on), undated last, then source, position and id. The claim
# page (with its keyset cursor, web.views._after), the PROV export and the
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

    @retry_once_on_conflict
    def remove_all(self, user):
        """Remove (soft-delete) these attributions as Attribution.remove does, in one
        transaction and in the lock order: all their claims, then the attributions by
        ascending pk. Returns how many were live and are now removed."""
        lock_claims(self.values_list("claim_id", flat=True))
        removed = 0
        for attribution in lock_attributions(self.filter(deleted_at__isnull=True)):
            attribution.remove(user)
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
    # Set when a text correction lost the quote (Source.correct_text); no evidence then.
    orphaned_at = models.DateTimeField(null=True, blank=True, editable=False)
    orphan_reason = models.CharField(max_length=300, blank=True, editable=False)
    # Its source's date, copied by database triggers on both tables (migration
    # 0014_attribution_published_on) whatever writes them, so that the claim page
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

    def save(self, *args, **kwargs):
        # Atomic with the claim statuses that claims.signals updates after the save.
        with transaction.atomic(using=kwargs.get("using"), savepoint=False):
            super().save(*args, **kwargs)

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

    def _check_and_save(self, user, reason):
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
        self.full_clean()
        self._history_user = user
        self._change_reason = reason
        # A simultaneous identical attribution (attribution_unique_live_span) is refused.
        with unique_or(self.twin_error()):
            self.save()  # claims.signals recomputes the claim's status here

    @retry_once_on_conflict
    def save_new(self, user, reason):
        """Store this new attribution, checked: its claim is locked first (the lock
        order), must not be merged, and the passage must not already evidence it
        (ValidationError, also when a simultaneous write stored the same one)."""
        self.pk, self._state.adding = None, True  # a retry inserts afresh
        claim = lock_claims([self.claim_id]).get(self.claim_id)
        if claim is None:
            raise ValidationError({"claim": f"Claim #{self.claim_id} no longer exists."})
        self.claim = claim
        self.created_by = self.created_by or user
        self._check_and_save(user, reason)
        return self

    @retry_once_on_conflict
    def edit(self, user, seen, *, reason="Attribution edited", **changes):
        """Change the attribution, unless it was saved or removed since `seen` (its
        updated_at as read): VersionConflict then, and nothing changes.

        `changes`: any of claim (moving it), quote with start and end (re-anchoring:
        the context is taken from the body, and an orphaned attribution counts
        again), speaker, kind, stance, relayed_via. The lock order: the old and
        new claims, then the row, read again under its lock; the check, the
        validation and the save follow as for a new attribution.
        """
        new_claim = changes.get("claim")
        current = lock_attribution(
            self.pk, also_claims=[new_claim.pk] if new_claim is not None else []
        )
        if seen is None or current.updated_at != seen or current.deleted_at is not None:
            raise VersionConflict(f"Attribution #{self.pk} changed meanwhile.")
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
        current._check_and_save(user, reason)
        self.__dict__.update(
            {k: v for k, v in current.__dict__.items() if k != "_state"},
        )
        return self

    @retry_once_on_conflict
    def remove(self, user):
        """Soft-delete: the attribution stops counting; the history records who and when.

        The row is locked (after its claim) and read again: removing a removed
        attribution changes nothing, and a copy read earlier is never written back.
        """
        current = lock_attribution(self.pk)
        if current.deleted_at is None:
            current.deleted_at = timezone.now()
            current.deleted_by = user
            current._history_user = user
            current._change_reason = "Attribution removed"
            current.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
        self.__dict__.update(
            {k: v for k, v in current.__dict__.items() if k not in ("_state",)},
        )


def reanchor_attributions(source, correction):
    """Find every attribution on `source` again after its body was corrected.

    Registered in sources.models.REANCHOR_HOOKS; runs inside
    Source.correct_text's transaction (statuses are recomputed once after).
    Each live or orphaned attribution is looked up from its quote selector
    (Source.relocate with the stored prefix and suffix, the old start breaking
    ties). Found: new offsets and context, orphaned_at cleared. Not found, or
    landing on a passage the same claim already cites: orphaned_at and
    orphan_reason set; the quote and old offsets stay, and it stops counting.
    Removed attributions are left as they were. Returns (re-anchored, orphaned).
    """
    from sources.models import QuoteNotFound

    now = correction.corrected_at
    rows = list(Attribution.objects.filter(source=source, deleted_at__isnull=True).order_by("pk"))
    placed = {}  # attribution -> (start, end) in the new body, or None with a reason
    reasons = {}
    for attribution in rows:
        try:
            placed[attribution.pk] = source.relocate(
                attribution.quote, attribution.prefix, attribution.suffix, near=attribution.start
            )
        except QuoteNotFound as error:
            placed[attribution.pk] = None
            reasons[attribution.pk] = str(error)
    # Two attributions of one claim landing on one passage: the older keeps it.
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
    # Save orphans first, then anchors in an order that never puts two live rows of
    # one claim on one span, even for a moment (the unique constraint checks each row).
    pending = [a for a in rows if placed[a.pk] is not None]
    reanchored = 0
    orphaned = 0
    for attribution in rows:
        if placed[attribution.pk] is None:
            attribution._change_reason = f"Orphaned by text correction #{correction.pk}"
            attribution._history_user = correction.corrected_by
            attribution.orphaned_at = attribution.orphaned_at or now
            attribution.orphan_reason = reasons[attribution.pk][:300]
            attribution.save()
            orphaned += 1
    while pending:
        occupied = {(a.claim_id, a.start, a.end): a.pk for a in pending if a.orphaned_at is None}
        ready = [a for a in pending if occupied.get((a.claim_id, *placed[a.pk]), a.pk) == a.pk]
        if not ready:  # a cycle of swaps: step one aside (orphaned for a moment), then go on
            aside = pending[0]
            aside.orphaned_at = now
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
    return reanchored, orphaned


REANCHOR_HOOKS.append(reanchor_attributions)


class ClaimCountQuerySet(models.QuerySet):
    def facet_counts(self, outlet_kinds=True):
        """As ClaimQuerySet.facet_counts, for the current claims these rows count."""
        return _facet_counts(
            self,
            models.Sum("n"),
            lambda condition: models.Sum("n", filter=condition),
            outlet_kinds,
        )


class ClaimCount(models.Model):
    """How many current claims have each status, verdict and outlet_kinds.

    The claim list's facets and the dashboard's counts read these few thousand
    rows instead of scanning 200,000 claims, when the only filters are on
    status, verdict and outlet kind (web.filters.COUNTED_FILTERS). Kept by
    database triggers on the claim table (migration 0011_claimcount): every
    insert, update (the engine's, a verdict, a merge) and delete, through the
    ORM or raw SQL, adjusts the counts in its own transaction. Rows whose count
    fell to zero stay. rebuild() recounts from scratch.
    """

    status = models.CharField(max_length=20, choices=Claim.Status.choices)
    verdict = models.CharField(max_length=20, choices=Claim.Verdict.choices, blank=True)
    outlet_kinds = models.PositiveIntegerField()
    n = models.BigIntegerField(default=0)

    objects = ClaimCountQuerySet.as_manager()

    class Meta:
        constraints = [
            # One row per combination; the triggers' INSERT ... ON CONFLICT needs it.
            models.UniqueConstraint(
                fields=["status", "verdict", "outlet_kinds"], name="claimcount_key"
            ),
        ]

    def __str__(self):
        return f"{self.status}/{self.verdict or '-'}/{self.outlet_kinds}: {self.n}"

    @staticmethod
    def _recounted(using):
        """(status, verdict, outlet_kinds, n) of the current claims, counted afresh."""
        return (
            Claim.objects.using(using)
            .current()
            .order_by()
            .values_list("status", "verdict", "outlet_kinds")
            .annotate(n=models.Count("*"))
        )

    @classmethod
    def rebuild(cls, using=DEFAULT_DB_ALIAS):
        """Recount every row from the claims (after a restore, or to repair drift)."""
        with transaction.atomic(using=using):
            cls.objects.using(using).all().delete()
            cls.objects.using(using).bulk_create(
                cls(status=status, verdict=verdict, outlet_kinds=kinds, n=n)
                for status, verdict, kinds, n in cls._recounted(using)
            )

    @classmethod
    def drift(cls, using=DEFAULT_DB_ALIAS):
        """{(status, verdict, outlet_kinds): (counted, actual)} where they differ."""
        counted = {
            (status, verdict, kinds): n
            for status, verdict, kinds, n in cls.objects.using(using).values_list(
                "status", "verdict", "outlet_kinds", "n"
            )
            if n
        }
        actual = {
            (status, verdict, kinds): n for status, verdict, kinds, n in cls._recounted(using)
        }
        return {
            key: (counted.get(key, 0), actual.get(key, 0))
            for key in counted.keys() | actual.keys()
            if counted.get(key, 0) != actual.get(key, 0)
        }


class ClaimSearchDocumentQuerySet(models.QuerySet):
    # The same GROUP BY, on the documents' copies of the claims' facet columns.
    facet_counts = ClaimQuerySet.facet_counts

    def counted_and_paged(self, offset, limit):
        """These documents (ordered) read once: (their facet counts, as facet_counts()
        returns them; the claim ids of their rows offset to offset + limit, in order).

        PostgreSQL only. A broad word ("pipeline") matches 61,000 documents at
        full scale; counted by one query and ranked and paged by another, they
        were read twice (about 40 ms each). Here one statement reads them once
        into a materialized CTE, grouped for the counts (GROUPING SETS: by
        status and verdict, and by outlet kinds) and sorted for the page (a
        top-N sort): about 65 ms, with the documents in the server's buffers.
        """
        keys, directions = {}, []
        for i, term in enumerate(self.query.order_by):
            if isinstance(term, str):
                term = F(term[1:]).desc() if term.startswith("-") else F(term).asc()
            column = f"sort_{i}"
            if isinstance(term.expression, F) and term.expression.name in ("pk", "claim_id"):
                column = "claim_id"  # already a column: the rows stay narrow
            else:
                keys[column] = term.expression
            directions.append(
                f"{column} {'DESC' if term.descending else 'ASC'}"
                + (" NULLS LAST" if term.nulls_last else " NULLS FIRST" if term.nulls_first else "")
            )
        columns = ["claim_id", "status", "verdict", "outlet_kinds", *keys]
        matched = self.order_by().annotate(**keys).values_list(*columns)
        sql, params = matched.query.get_compiler(using=self.db).as_sql()
        order = ", ".join(directions)
        with connections[self.db].cursor() as cursor:
            cursor.execute(
                f"WITH matched ({', '.join(columns)}) AS MATERIALIZED ({sql}) "  # noqa: S608
                "(SELECT status, verdict, outlet_kinds, count(*), NULL::bigint[] FROM matched "
                "GROUP BY GROUPING SETS ((status, verdict), (outlet_kinds))) "
                "UNION ALL (SELECT NULL, NULL, NULL, NULL, "
                f"coalesce(array_agg(claim_id ORDER BY {order}), '{{}}') "
                f"FROM (SELECT * FROM matched ORDER BY {order} LIMIT %s OFFSET %s) AS page)",
                [*params, limit, offset],
            )
            rows = cursor.fetchall()
        by_status, by_verdict, by_kind, total, ids = {}, {}, {}, 0, []
        for status, verdict, kinds, n, page in rows:
            if page is not None:
                ids = page
            elif kinds is None:
                by_status[status] = by_status.get(status, 0) + n
                by_verdict[verdict] = by_verdict.get(verdict, 0) + n
                total += n
            else:
                for bit, kind in enumerate(Claim.OUTLET_KIND_BITS):
                    if kinds & (1 << bit):
                        by_kind[kind] = by_kind.get(kind, 0) + n
        counts = {"status": by_status, "verdict": by_verdict, "outlet_kind": by_kind}
        return {**counts, "total": total}, ids


class ClaimSearchDocument(models.Model):
    """A claim's statement and quotes as stored tsvectors, for full-text search.

    Kept in its own row rather than on the claim, so that saving a claim loaded
    earlier never writes back a stale vector, and claim lists never load it.
    Filled on PostgreSQL only, by claims.search in the same transaction as the
    change. A search matches the two vectors joined (statement_vector ||
    quotes_vector, GIN-indexed by a migration on PostgreSQL only) and ranks by
    the small statement_vector alone, so ranking never reads the quotes. SQLite
    searches the text directly (claims.search).

    It also carries copies of what the claim list filters, counts and sorts a
    search by (status, verdict, outlet_kinds, created_at, and `current`: not
    merged into another claim), so that a search filtered by those alone is
    counted and paged from the documents it matches, without joining 60,000
    claims for a broad word (web.filters.ClaimFilter.documents). PostgreSQL
    triggers keep the copies exact in the transaction of every write (migration
    0015): a document written takes its claim's values, and a claim whose
    values change passes them to its document.
    """

    claim = models.OneToOneField(
        Claim, primary_key=True, on_delete=models.CASCADE, related_name="search_document"
    )
    # The copies come first: a row is read column by column, and every column
    # after a vector is found by reading past it (the facets went 41 -> 21 ms).
    status = models.CharField(max_length=20, choices=Claim.Status.choices, editable=False)
    verdict = models.CharField(
        max_length=20, choices=Claim.Verdict.choices, blank=True, editable=False
    )
    outlet_kinds = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(editable=False)
    current = models.BooleanField(default=True, editable=False)
    statement_vector = SearchVectorField(null=True)
    quotes_vector = SearchVectorField(null=True)

    objects = ClaimSearchDocumentQuerySet.as_manager()

    def __str__(self):
        return f"Search document of claim #{self.claim_id}"


class ClaimFullText(models.Model):
    """SQLite only: the FTS5 table claims_claim_fts (migration 0003), so searches can join it.

    Not managed by Django (no table on PostgreSQL); claims.search writes it and
    joins it to the claims it searches, matching and ranking in one pass.
    `document` is FTS5's hidden column named after the table, the left side of
    MATCH and the first argument of bm25().
    """

    claim = models.OneToOneField(
        Claim,
        primary_key=True,
        db_column="rowid",
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="full_text",
    )
    statement = models.TextField()
    quotes = models.TextField()
    document = models.TextField(db_column="claims_claim_fts")

    class Meta:
        managed = False
        db_table = "claims_claim_fts"

    def __str__(self):
        return f"Full text of claim #{self.claim_id}"


class SuggestionQuerySet(models.QuerySet):
    # The columns insert_many writes, in order.
    _INSERT_FIELDS = (
        "source_id",
        "start",
        "end",
        "quote",
        "cue",
        "speaker_id",
        "speaker_name",
        "kind",
        "speculative",
        "speculation_cue",
        "relayed_via_id",
        "state",
        "created_at",
    )

    def insert_many(self, rows):
        """Insert pending suggestions, given as dicts of _INSERT_FIELDS, in one statement.

        The importer's hot path (thousands of articles a minute): one executemany
        instead of model instances. Suggestions carry no signals and no status
        depends on them. Values are truncated to the fields' lengths here.
        """
        if not rows:
            return
        connection = connections[self.db]
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        lengths = {
            f.attname: f.max_length for f in Suggestion._meta.concrete_fields if f.max_length
        }
        quote = connection.ops.quote_name
        columns = ", ".join(
            quote(Suggestion._meta.get_field(name.removesuffix("_id")).column)
            for name in self._INSERT_FIELDS
        )
        placeholders = ", ".join(["%s"] * len(self._INSERT_FIELDS))
        values = []
        for row in rows:
            row = {**row, "state": Suggestion.State.PENDING.value, "created_at": now}
            values.append(
                [
                    row[name][: lengths[name]] if name in lengths else row[name]
                    for name in self._INSERT_FIELDS
                ]
            )
        with connection.cursor() as cursor:
            # Table and column names come from the model's metadata, values are parameters.
            sql = f"INSERT INTO {quote(Suggestion._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608, E501
            cursor.executemany(sql, values)


class Suggestion(models.Model):
    """An attribution the importer proposes (intake.suggest), waiting for an editor.

    Its span (start, end, quote) points into the source body like an
    attribution's. The speaker is an actor when the name resolved, otherwise
    `speaker_name` holds the name as written: a proposed new actor. Editors
    accept it as an attribution (on a new or existing claim) or dismiss it.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        DISMISSED = "dismissed", "Dismissed"

    # No index of its own: suggestion_unique_span starts with source_id and serves it.
    source = models.ForeignKey(
        Source, on_delete=models.CASCADE, related_name="suggestions", db_index=False
    )
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    quote = models.TextField()
    cue = models.CharField(max_length=300, help_text="The words that triggered the suggestion.")
    speaker = models.ForeignKey(
        Actor, null=True, blank=True, on_delete=models.SET_NULL, related_name="suggestions"
    )
    speaker_name = NameField(
        max_length=300, blank=True, help_text="The speaker as the text names them."
    )
    kind = models.CharField(max_length=20, choices=Attribution.Kind.choices)
    speculative = models.BooleanField(default=False)
    speculation_cue = models.CharField(max_length=300, blank=True)
    # Not indexed: only deleting an outlet looks suggestions up by it (rare), and every
    # import writes suggestions (intake.importer's hot path).
    relayed_via = models.ForeignKey(
        Outlet, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attribution = models.ForeignKey(
        Attribution, null=True, blank=True, on_delete=models.SET_NULL, related_name="suggestions"
    )
    # Not indexed, as relayed_via: only deleting a user looks suggestions up by it.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        ordering = ["source_id", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="suggestion_span_nonempty"
            ),
            # One suggestion per passage of a source: the importer proposes a span once.
            models.UniqueConstraint(
                fields=["source", "start", "end"], name="suggestion_unique_span"
            ),
        ]
        indexes = [
            # The editors' queue: suggestions in one state, newest source first, in text order.
            models.Index(fields=["state", "-source", "start"], name="suggestion_queue_idx"),
        ]

    def __str__(self):
        who = self.speaker.name if self.speaker_id else (self.speaker_name or "the outlet")
        return f"{self.get_kind_display()} by {who} in “{self.source}”"

    @property
    def is_pending(self):
        return self.state == self.State.PENDING


class AnnotationConflict(Exception):
    """An edit was based on an older version of the annotation than the one stored."""


class AnnotationQuerySet(models.QuerySet):
    def for_display(self):
        """With their authors, oldest first: threads read top to bottom."""
        return self.select_related("author").order_by("created_at", "pk")

    def on_source(self, source):
        """A source's passage notes and every reply in their threads (one query)."""
        return self.filter(source=source).for_display()

    def on_claim(self, claim, attribution_ids):
        """Notes on a claim and on the given attributions of it, with replies (one query)."""
        return self.filter(Q(claim=claim) | Q(attribution_id__in=attribution_ids)).for_display()

    def orphaned(self):
        """Passage notes whose quote was lost by a text correction, still shown to editors."""
        return self.filter(orphaned_at__isnull=False, deleted_at__isnull=True)


class Annotation(models.Model):
    """A note on a claim, on an attribution or on a passage of a source; or a reply.

    The target is exactly one of the three (annotation_one_target). A passage
    is anchored as Hypothesis does: a W3C TextQuoteSelector (exact, with up to
    QUOTE_CONTEXT characters of prefix and suffix) plus a TextPositionSelector
    (start, end) into Source.body. When a correction of the body loses the
    quote, the note is orphaned: it keeps its quote, loses its position, and
    is listed for editors.

    Replies (parent set) inherit their root's target, so one query by target
    fetches whole threads; they carry no selector of their own. The text is
    plain text, always escaped when shown. Deleting is a soft delete kept in
    the history; a deleted note in a thread shows as "[deleted]" with its
    replies. `uuid` is the note's identity outside this database: its
    Web Annotation id (interchange.webanno), matched on import.
    """

    class Target(models.TextChoices):
        CLAIM = "claim", "Claim"
        ATTRIBUTION = "attribution", "Attribution"
        PASSAGE = "passage", "Passage"

    # Unique: the W3C id (urn:uuid:…); import_annotations matches annotations by it.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    claim = models.ForeignKey(
        Claim,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="annotations",
        db_index=False,  # annotation_claim_idx
    )
    attribution = models.ForeignKey(
        Attribution,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="annotations",
        db_index=False,  # annotation_attribution_idx
    )
    source = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="annotations",
        db_index=False,  # annotation_source_idx
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
        db_index=False,  # annotation_parent_idx
    )
    # The passage (passage notes only, not replies): TextQuoteSelector …
    exact = models.TextField(blank=True, default="")
    prefix = models.TextField(blank=True, default="")
    suffix = models.TextField(blank=True, default="")
    # … and TextPositionSelector, both empty while orphaned.
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    orphaned_at = models.DateTimeField(null=True, blank=True, editable=False)
    orphan_reason = models.CharField(max_length=300, blank=True, editable=False)

    text = models.TextField(max_length=10000, help_text="Plain text; shown escaped.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="annotations",
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Set by edit(), soft_delete() and imports; exported as the W3C "modified".
    updated_at = models.DateTimeField(default=timezone.now)
    # Bumped on every edit; an edit carrying an older version is a conflict.
    version = models.PositiveIntegerField(default=1)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = AnnotationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]
        permissions = [("moderate_annotation", "Can delete anyone's annotation")]
        constraints = [
            # Exactly one kind of target: a claim, an attribution, or a passage of a source.
            models.CheckConstraint(
                condition=Q(claim__isnull=False, attribution__isnull=True, source__isnull=True)
                | Q(claim__isnull=True, attribution__isnull=False, source__isnull=True)
                | Q(claim__isnull=True, attribution__isnull=True, source__isnull=False),
                name="annotation_one_target",
            ),
            # A passage note carries its quote; claim and attribution notes and all
            # replies carry no selector at all.
            models.CheckConstraint(
                condition=(Q(source__isnull=False, parent__isnull=True) & ~Q(exact=""))
                | (
                    ~Q(source__isnull=False, parent__isnull=True)
                    & Q(
                        exact="",
                        prefix="",
                        suffix="",
                        start__isnull=True,
                        end__isnull=True,
                        orphaned_at__isnull=True,
                    )
                ),
                name="annotation_selector_on_passages_only",
            ),
            # A passage note is anchored (a position) or orphaned (none), never both.
            models.CheckConstraint(
                condition=~Q(source__isnull=False, parent__isnull=True)
                | Q(orphaned_at__isnull=False, start__isnull=True, end__isnull=True)
                | Q(orphaned_at__isnull=True, start__isnull=False, end__isnull=False),
                name="annotation_anchored_or_orphaned",
            ),
            # The database backs up clean(): the position spans exactly the quote.
            models.CheckConstraint(
                condition=Q(start__isnull=True, end__isnull=True)
                | (
                    Q(start__isnull=False, end__isnull=False, end__gt=F("start"))
                    & Exact(Length("exact"), F("end") - F("start"))
                ),
                name="annotation_position_matches_quote",
            ),
            # A moderator is recorded only for a deleted note.
            models.CheckConstraint(
                condition=Q(deleted_by__isnull=True) | Q(deleted_at__isnull=False),
                name="annotation_deleted_by_needs_deleted_at",
            ),
        ]
        indexes = [
            # Source reader and its export: a source's passage notes and their replies.
            models.Index(
                fields=["source", "created_at"],
                condition=Q(source__isnull=False),
                name="annotation_source_idx",
            ),
            # Claim page and its export: notes on the claim and their replies.
            models.Index(
                fields=["claim", "created_at"],
                condition=Q(claim__isnull=False),
                name="annotation_claim_idx",
            ),
            # Claim page and its export: notes on the claim's attributions, with replies.
            models.Index(
                fields=["attribution", "created_at"],
                condition=Q(attribution__isnull=False),
                name="annotation_attribution_idx",
            ),
            # A note's replies (and the cascade when a note is hard-deleted).
            models.Index(
                fields=["parent"], condition=Q(parent__isnull=False), name="annotation_parent_idx"
            ),
            # The editors' list of orphaned notes, newest first.
            models.Index(
                fields=["-orphaned_at"],
                condition=Q(orphaned_at__isnull=False, deleted_at__isnull=True),
                name="annotation_orphaned_idx",
            ),
        ]

    def __str__(self):
        text = "[deleted]" if self.deleted_at else self.text
        text = text if len(text) <= 60 else text[:59] + "…"
        return f"{'Reply' if self.parent_id else 'Note'} #{self.pk}: {text}"

    def get_absolute_url(self):
        """Where the note is shown: beside its passage in the reader, or on the claim page."""
        if self.source_id:
            page = reverse("source-detail", args=[self.source_id])
        elif self.attribution_id:
            page = reverse("claim-detail", args=[self.attribution.claim_id])
        else:
            page = reverse("claim-detail", args=[self.claim_id])
        return f"{page}#note-{self.pk}"

    @property
    def target_kind(self):
        if self.source_id:
            return self.Target.PASSAGE
        if self.attribution_id:
            return self.Target.ATTRIBUTION
        return self.Target.CLAIM

    @property
    def is_deleted(self):
        return self.deleted_at is not None

    @property
    def is_orphaned(self):
        return self.orphaned_at is not None

    def clean(self):
        if not self.source_id or self.parent_id or self.orphaned_at:
            return
        if self.start is None or self.end is None:
            raise ValidationError("A passage note needs the position of its quote.")
        body = self.source.body
        if not (0 <= self.start < self.end <= len(body)):
            raise ValidationError(
                f"The position {self.start}–{self.end} is outside the source "
                f"({len(body)} characters)."
            )
        if body[self.start : self.end] != self.exact:
            raise ValidationError(
                {
                    "exact": f"The source reads “{body[self.start : self.end][:120]}” at "
                    f"{self.start}–{self.end}, not the quote given."
                }
            )

    def anchor(self, prefix="", suffix=""):
        """Find `exact` in the source (TextQuoteSelector) and set the position from it.

        `prefix` and `suffix` tell repeated quotes apart; the stored context is
        then taken from the body itself. Raises sources.models.QuoteNotFound.
        """
        self.start, self.end = self.source.find_quote(self.exact, prefix, suffix)
        self.take_context(self.source.body)
        self.orphaned_at = None
        self.orphan_reason = ""

    def take_context(self, body):
        """Set prefix and suffix from the body around the current position."""
        self.prefix = body[max(0, self.start - QUOTE_CONTEXT) : self.start]
        self.suffix = body[self.end : self.end + QUOTE_CONTEXT]

    def reply(self, author, text):
        """A reply to this note, on the same target as its thread."""
        return Annotation.objects.create(
            parent=self,
            claim_id=self.claim_id,
            attribution_id=self.attribution_id,
            source_id=self.source_id,
            author=author,
            text=text,
        )

    def edit(self, text, version, user):
        """Change the text, unless someone saved the note since `version`.

        The row is locked while it is compared, so two saves of one version
        cannot both win: the later raises AnnotationConflict and writes nothing.
        """
        with transaction.atomic():
            current = Annotation.objects.select_for_update().get(pk=self.pk)
            if current.version != version or current.deleted_at:
                raise AnnotationConflict(f"Annotation #{self.pk} changed since version {version}.")
            self.text = text
            self.version = current.version + 1
            self.updated_at = timezone.now()
            self._history_user = user
            self.save(update_fields=["text", "version", "updated_at"])

    def soft_delete(self, user):
        """Hide the note (its author, or a moderator); the row and its history stay."""
        now = timezone.now()
        self.deleted_at = now
        self.deleted_by = user
        self.updated_at = now
        self.version += 1
        self._history_user = user
        self._change_reason = (
            "Deleted by its author" if user.pk == self.author_id else "Deleted by a moderator"
        )
        self.save(update_fields=["deleted_at", "deleted_by", "updated_at", "version"])

    @staticmethod
    def threads(annotations):
        """The root notes of `annotations`, each with `.thread` (its replies, nested).

        `annotations` is one target's notes with all their replies, oldest first.
        A deleted note stays only when replies are shown under it ("[deleted]").
        """
        by_parent = {}
        for note in annotations:
            by_parent.setdefault(note.parent_id, []).append(note)

        def build(note):
            note.thread = [child for child in by_parent.get(note.pk, []) if build(child)]
            return not note.deleted_at or note.thread

        return [note for note in by_parent.get(None, []) if build(note)]


def reanchor_annotations(source, correction):
    """Find every passage note of `source` again after its body was corrected.

    Registered in sources.models.REANCHOR_HOOKS; runs inside
    Source.correct_text's transaction. Each note is looked up from its
    TextQuoteSelector (Source.relocate: the stored prefix and suffix, then the
    old start, tell repeated quotes apart). Found: new position and context,
    no longer orphaned. Not found: orphaned, keeping its quote but no position,
    and listed for editors; nothing is dropped. Orphaned notes are tried again,
    so a later correction that restores the quote brings them back. Deleted
    notes move too (their replies may still show). Each change is saved with a
    history record. Returns (re-anchored, orphaned).
    """
    reanchored = orphaned = 0
    for note in Annotation.objects.filter(source=source, parent__isnull=True).order_by("pk"):
        note.source = source
        note._history_user = correction.corrected_by
        try:
            note.start, note.end = source.relocate(note.exact, note.prefix, note.suffix, note.start)
        except QuoteNotFound as error:
            note.start = note.end = None
            note.orphaned_at = note.orphaned_at or correction.corrected_at
            note.orphan_reason = str(error)[:300]
            note._change_reason = f"Orphaned by text correction #{correction.pk}"
            orphaned += 1
        else:
            note.take_context(source.body)
            note.orphaned_at = None
            note.orphan_reason = ""
            note._change_reason = f"Re-anchored after text correction #{correction.pk}"
            reanchored += 1
        note.save()
    return reanchored, orphaned


REANCHOR_HOOKS.append(reanchor_annotations)


def reanchor_suggestions(source, correction):
    """Find each pending suggestion of `source` again after its body was corrected.

    Registered in sources.models.REANCHOR_HOOKS (Source.correct_text's
    transaction). A suggestion is looked up from its quote and the old text
    around it; found, it takes its new offsets; not found (or landing where
    another suggestion already is), it is dismissed in the correcting admin's
    name, and stays on record. Suggestions are not evidence, so the counts
    returned (which the correction reports for anchors) are zero.
    """
    old_body = correction.old_body
    pending = list(
        Suggestion.objects.filter(source=source, state=Suggestion.State.PENDING).order_by("pk")
    )
    moves, gone, taken = {}, [], set()
    for suggestion in pending:
        prefix = old_body[max(0, suggestion.start - QUOTE_CONTEXT) : suggestion.start]
        suffix = old_body[suggestion.end : suggestion.end + QUOTE_CONTEXT]
        try:
            span = source.relocate(suggestion.quote, prefix, suffix, near=suggestion.start)
        except QuoteNotFound:
            span = None
        if span is None or span in taken:
            gone.append(suggestion.pk)
        else:
            taken.add(span)
            if span != (suggestion.start, suggestion.end):
                moves[suggestion.pk] = span
    Suggestion.objects.filter(pk__in=gone).update(
        state=Suggestion.State.DISMISSED,
        decided_by=correction.corrected_by,
        decided_at=correction.corrected_at,
    )
    # Park the moving rows on spans no text has, then set their new ones: two
    # suggestions may swap places under the unique (source, start, end).
    park = len(old_body) + len(source.body) + 1
    for pk in moves:
        Suggestion.objects.filter(pk=pk).update(start=park + 2 * pk, end=park + 2 * pk + 1)
    for pk, (start, end) in moves.items():
        Suggestion.objects.filter(pk=pk).update(start=start, end=end)
    return 0, 0


REANCHOR_HOOKS.append(reanchor_suggestions)
