import hashlib

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils import timezone
from simple_history.models import HistoricalRecords

from provenance.text import normalize_name
from sources.models import Outlet, Source, country_code


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

    name = models.CharField(max_length=200)
    # Unique: one spelling names one actor (ActorQuerySet.resolve).
    name_key = models.CharField(max_length=200, unique=True, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OFFICIAL)
    role = models.CharField(max_length=300, blank=True, help_text="Role or title")
    country = models.CharField(max_length=2, blank=True, validators=[country_code])

    objects = ActorQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = normalize_name(self.name)
        super().save(*args, **kwargs)

    def clean(self):
        key = normalize_name(self.name)
        if ActorAlias.objects.filter(name_key=key).exclude(actor_id=self.pk).exists():
            raise ValidationError({"name": "Another actor already has this name as an alias."})


class ActorAlias(models.Model):
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)
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


class Tag(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

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

    # The latest fact-checker verdict (see Review); separate from the status.
    verdict = models.CharField(max_length=20, choices=Verdict.choices, blank=True)
    # Bumped on every edit; a save carrying an older version is a conflict.
    version = models.PositiveIntegerField(default=1)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="claims_created",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["fingerprint"])

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
        ]

    def __str__(self):
        text = self.statement if len(self.statement) <= 80 else self.statement[:79] + "…"
        return text

    def save(self, *args, **kwargs):
        self.fingerprint = statement_fingerprint(self.statement, self.event_start, self.event_end)
        super().save(*args, **kwargs)

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

    @property
    def event_display(self):
        if not self.event_start:
            return ""
        if self.event_end and self.event_end != self.event_start:
            return f"{self.event_start.isoformat()} – {self.event_end.isoformat()}"
        return self.event_start.isoformat()


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

    history = HistoricalRecords()

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
            # One passage evidences a claim once.
            models.UniqueConstraint(
                fields=["claim", "source", "start", "end"], name="attribution_unique_span"
            ),
        ]
        indexes = [
            # Source reader: a source's attributed spans in text order.
            models.Index(fields=["source", "start"], name="attribution_source_start_idx"),
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
        """Set start and end by finding the quote in the source (TextQuoteSelector)."""
        self.start, self.end = self.source.find_quote(self.quote, prefix, suffix)


class ClaimSearchDocument(models.Model):
    """A claim's statement and quotes as one stored tsvector, for full-text search.

    Kept in its own row rather than on the claim, so that saving a claim loaded
    earlier never writes back a stale vector, and claim lists never load it.
    Filled on PostgreSQL only, by claims.search in the same transaction as the
    change; its GIN index (claim list search) is created by a migration on
    PostgreSQL only. SQLite searches the text directly (claims.search).
    """

    claim = models.OneToOneField(
        Claim, primary_key=True, on_delete=models.CASCADE, related_name="search_document"
    )
    vector = SearchVectorField(null=True)

    def __str__(self):
        return f"Search document of claim #{self.claim_id}"
