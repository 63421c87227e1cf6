from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from provenance.text import content_hash, normalize_name

country_code = RegexValidator(r"^[A-Z]{2}$", "Use a two-letter ISO 3166 country code, e.g. RU.")


class OwnerGroup(models.Model):
    """A company or state that owns several outlets.

    Outlets of one owner are never independent of each other.
    """

    name = models.CharField(max_length=200, unique=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class OutletQuerySet(models.QuerySet):
    def resolve(self, name):
        """The outlet called `name`, by its name or one of its aliases, or None."""
        key = normalize_name(name)
        if not key:
            return None
        return self.filter(Q(name_key=key) | Q(aliases__name_key=key)).distinct().first()


class Outlet(models.Model):
    class Kind(models.TextChoices):
        WIRE = "wire", "Wire agency"
        STATE_MEDIA = "state_media", "State media"
        NEWSPAPER = "newspaper", "Newspaper or magazine"
        BROADCASTER = "broadcaster", "Broadcaster"
        BLOG = "blog", "Blog"
        GOVERNMENT = "government", "Government or official body"
        SOCIAL = "social", "Social channel"
        THINK_TANK = "think_tank", "Think tank"

    class Reliability(models.TextChoices):
        # The Admiralty (NATO) scale for the reliability of a source.
        A = "A", "A – Completely reliable"
        B = "B", "B – Usually reliable"
        C = "C", "C – Fairly reliable"
        D = "D", "D – Not usually reliable"
        E = "E", "E – Unreliable"
        F = "F", "F – Reliability cannot be judged"

    name = models.CharField(max_length=200, unique=True)
    name_key = models.CharField(max_length=200, unique=True, editable=False)
    domain = models.CharField(
        max_length=253, blank=True, help_text="Homepage domain, e.g. tass.com", db_index=True
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NEWSPAPER)
    country = models.CharField(max_length=2, blank=True, validators=[country_code])
    state_affiliated = models.BooleanField(default=False)
    owner_group = models.ForeignKey(
        OwnerGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="outlets"
    )
    reliability = models.CharField(max_length=1, choices=Reliability.choices, default=Reliability.F)
    notes = models.TextField(blank=True)

    objects = OutletQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = normalize_name(self.name)
        super().save(*args, **kwargs)


class OutletAlias(models.Model):
    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)
    # Unique: one spelling can only ever mean one outlet (OutletQuerySet.resolve).
    name_key = models.CharField(max_length=200, unique=True, editable=False)

    class Meta:
        verbose_name_plural = "outlet aliases"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = normalize_name(self.name)
        super().save(*args, **kwargs)


class ImportBatch(models.Model):
    """One run of the importer: who ran it, on which files, and what happened."""

    class Via(models.TextChoices):
        COMMAND = "command", "Management command"
        ADMIN = "admin", "Admin upload"
        DEMO = "demo", "Demo loader"

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now)
    via = models.CharField(max_length=10, choices=Via.choices, default=Via.COMMAND)
    files = models.JSONField(default=list, blank=True)
    imported_count = models.PositiveIntegerField(default=0)
    duplicate_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    # [{"file": "...", "error": "..."}], one entry per file that failed.
    errors = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "import batches"

    def __str__(self):
        return f"Import #{self.pk} ({self.created_at:%Y-%m-%d %H:%M})"


class SourceQuerySet(models.QuerySet):
    def duplicate_of(self, text, url=""):
        """An existing source with the same content hash or URL, or None."""
        condition = Q(content_hash=content_hash(text))
        if url:
            condition |= Q(url=url)
        return self.filter(condition).first()


class QuoteNotFound(ValueError):
    pass


class Source(models.Model):
    """One article, its text stored exactly as imported."""

    title = models.CharField(max_length=500, blank=True)
    outlet = models.ForeignKey(
        Outlet, null=True, blank=True, on_delete=models.PROTECT, related_name="sources"
    )
    url = models.URLField(max_length=2000, blank=True)
    byline = models.CharField(max_length=300, blank=True)
    published_on = models.DateField(null=True, blank=True)
    language = models.CharField(max_length=16, default="en")
    # Attribution offsets index into this text; it is never rewritten in place.
    body = models.TextField()
    content_hash = models.CharField(max_length=64, unique=True, editable=False)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="imported_sources",
    )
    imported_at = models.DateTimeField(default=timezone.now)
    batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="sources"
    )
    relays = models.ManyToManyField(
        Outlet, through="SourceRelay", blank=True, related_name="relayed_in"
    )

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "-imported_at"]
        permissions = [("import_sources", "Can import articles")]
        constraints = [
            # A URL identifies one article; many sources (e.g. the seeds) have none.
            # Serves SourceQuerySet.duplicate_of(url=...).
            models.UniqueConstraint(
                fields=["url"], condition=~Q(url=""), name="source_url_unique_when_present"
            ),
        ]
        indexes = [
            # Source lists sorted newest first (the default ordering).
            models.Index(fields=["-published_on", "-imported_at"], name="source_published_idx"),
        ]

    def __str__(self):
        return self.title or f"Untitled source #{self.pk}"

    def save(self, *args, **kwargs):
        self.content_hash = content_hash(self.body)
        super().save(*args, **kwargs)

    @property
    def published_display(self):
        return self.published_on.isoformat() if self.published_on else "unknown"

    def find_quote(self, exact, prefix="", suffix=""):
        """The (start, end) offsets of `exact` in the body.

        Follows the W3C TextQuoteSelector: when the quote occurs more than once,
        the occurrence whose surrounding text matches `prefix` and `suffix`
        wins. Raises QuoteNotFound with a message fit for a user when the quote
        is absent, or ambiguous and not told apart by its context.
        """
        if not exact:
            raise QuoteNotFound("The quote is empty.")
        starts = []
        index = self.body.find(exact)
        while index != -1:
            starts.append(index)
            index = self.body.find(exact, index + 1)
        if not starts:
            raise QuoteNotFound(f"The quote “{exact[:80]}” does not occur in “{self}”.")
        if len(starts) > 1:
            starts = [
                s
                for s in starts
                if self.body[:s].endswith(prefix) and self.body[s + len(exact) :].startswith(suffix)
            ]
            if len(starts) != 1:
                raise QuoteNotFound(
                    f"The quote “{exact[:80]}” occurs more than once in “{self}”; "
                    "give the text just before or after it to tell the places apart."
                )
        return starts[0], starts[0] + len(exact)


class SourceRelay(models.Model):
    """An outlet that a source names as its own source ("according to Xinhua")."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="relay_links")
    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="relay_links")
    cue = models.CharField(
        max_length=300, blank=True, help_text="The words that name the relay, e.g. “TASS said”."
    )

    class Meta:
        constraints = [
            # A source relays an outlet once; serves the source reader's relay list.
            models.UniqueConstraint(fields=["source", "outlet"], name="sourcerelay_unique"),
        ]

    def __str__(self):
        return f"{self.source} relays {self.outlet}"
