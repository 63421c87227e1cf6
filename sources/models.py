from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from lib.fields import NameField
from lib.names import NameKeyed, NameKeyedQuerySet
from lib.text import content_hash

country_code = RegexValidator(r"^[A-Z]{2}$", "Use a two-letter ISO 3166 country code, e.g. RU.")


class OwnerGroup(models.Model):
    """A company or state that owns several outlets.

    Outlets of one owner are never independent of each other.
    """

    name = NameField(max_length=200, unique=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Outlet(NameKeyed):
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

    name = NameField(max_length=200, unique=True)
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

    objects = NameKeyedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]


class OutletAlias(NameKeyed):
    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="aliases")
    name = NameField(max_length=200)

    class Meta:
        verbose_name_plural = "outlet aliases"
        ordering = ["name"]


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


# The metadata an editor must supply when the importer could not find it
# (Source.missing_metadata). URL and language are optional for an article.
METADATA_FIELDS = ("title", "outlet", "byline", "published_on")


class Source(models.Model):
    """One article: its stored body (offsets point into it) and the text it came from."""

    class Format(models.TextChoices):
        TEXT = "text", "Plain text"
        HTML = "html", "HTML page"
        JSONL = "jsonl", "JSON Lines row"
        CSV = "csv", "CSV row"

    title = NameField(max_length=500, blank=True)
    outlet = models.ForeignKey(
        Outlet, null=True, blank=True, on_delete=models.PROTECT, related_name="sources"
    )
    url = models.URLField(max_length=2000, blank=True)
    byline = NameField(max_length=300, blank=True)
    published_on = models.DateField(null=True, blank=True)
    language = models.CharField(max_length=16, default="en")
    # Attribution offsets index into this text; it is never rewritten in place.
    # The importer stores the article cleaned of site furniture (intake.importer).
    body = models.TextField()
    content_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The import's evidence, kept as it came: the decoded text before cleaning (or the
    # text extracted from an HTML page), and the raw HTML, which is never rendered.
    original_text = models.TextField(blank=True, default="")
    raw_html = models.TextField(blank=True, default="")
    import_format = models.CharField(max_length=10, choices=Format.choices, blank=True)
    encoding = models.CharField(
        max_length=20, blank=True, help_text="The encoding the file was decoded with."
    )
    import_label = models.CharField(
        max_length=1000, blank=True, help_text="The file (or archive member, or row) it came from."
    )
    import_notes = models.TextField(
        blank=True, help_text="What the importer noticed but could not settle, for editors."
    )
    # Set on save from METADATA_FIELDS: the fields still empty. Never guessed.
    missing_metadata = models.JSONField(default=list, blank=True, editable=False)
    needs_metadata = models.BooleanField(default=False, editable=False)
    # Agencies the text names as its source that match no outlet: [{"name", "cue"}].
    # Proposed to editors, never created by the importer.
    proposed_relays = models.JSONField(default=list, blank=True)
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
            # Editors' "needs metadata" list (admin filter), newest imports first.
            models.Index(
                fields=["-imported_at"],
                condition=Q(needs_metadata=True),
                name="source_needs_metadata_idx",
            ),
        ]

    def __str__(self):
        return self.title or f"Untitled source #{self.pk}"

    def save(self, *args, **kwargs):
        self.content_hash = content_hash(self.body)
        self.missing_metadata = self.metadata_missing()
        self.needs_metadata = bool(self.missing_metadata)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {*METADATA_FIELDS, "outlet_id"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "missing_metadata", "needs_metadata"}
        super().save(*args, **kwargs)

    def metadata_missing(self):
        """The names of METADATA_FIELDS still empty, in that order."""
        return [
            name
            for name in METADATA_FIELDS
            if not getattr(self, "outlet_id" if name == "outlet" else name)
        ]

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

    def relocate(self, exact, prefix="", suffix="", near=None):
        """The (start, end) of a quote anchored before a text correction, in the current body.

        Re-anchoring (intake.actions.correct_source_text): the quote must still occur word for word,
        and its surroundings must still share at least RELOCATE_MIN_CONTEXT
        characters with the stored `prefix` (read backwards) and `suffix` (or
        all of them, if fewer were stored): a short quote that now occurs only
        in another sentence is not taken for the old one. Of several such
        occurrences, the one sharing the most wins; a tie goes to the
        occurrence nearest the old start `near`. Raises QuoteNotFound when the
        quote is gone, its surroundings changed too much, or nothing tells the
        occurrences apart.
        """
        if not exact:
            raise QuoteNotFound("The quote is empty.")
        starts = []
        index = self.body.find(exact)
        while index != -1:
            starts.append(index)
            index = self.body.find(exact, index + 1)
        if not starts:
            raise QuoteNotFound("The quote no longer occurs in the corrected text.")

        def score(start):
            before = self.body[max(0, start - len(prefix)) : start]
            after = self.body[start + len(exact) : start + len(exact) + len(suffix)]
            return _common_suffix(before, prefix) + _common_prefix(after, suffix)

        required = min(RELOCATE_MIN_CONTEXT, len(prefix) + len(suffix))
        scored = sorted(
            ((score(s), s) for s in starts if score(s) >= required), key=lambda pair: -pair[0]
        )
        if not scored:
            raise QuoteNotFound(
                "The quote still occurs, but not in its old surroundings; anchor it by hand."
            )
        best = [s for value, s in scored if value == scored[0][0]]
        if len(best) > 1 and near is not None:
            distances = sorted((abs(s - near), s) for s in best)
            if distances[0][0] != distances[1][0]:
                best = [distances[0][1]]
        if len(best) != 1:
            raise QuoteNotFound(
                f"The quote occurs {len(best)} times in the corrected text and its "
                "surroundings no longer tell the places apart."
            )
        return best[0], best[0] + len(exact)


# Source.relocate: characters of the stored context a re-found quote must still have.
RELOCATE_MIN_CONTEXT = 4


def _common_prefix(a, b):
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _common_suffix(a, b):
    return _common_prefix(a[::-1], b[::-1])


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


class SourceCorrection(models.Model):
    """An admin's correction of a source's body, kept for the record.

    Written by intake.actions.correct_source_text.

    The old body is kept whole: offsets of the attributions before the
    correction pointed into it. The counts say what re-anchoring did.
    """

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="corrections")
    old_body = models.TextField()
    old_hash = models.CharField(max_length=64)
    new_hash = models.CharField(max_length=64)
    note = models.TextField(blank=True, help_text="Why the text was corrected.")
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    corrected_at = models.DateTimeField(default=timezone.now)
    reanchored_count = models.PositiveIntegerField(default=0)
    orphaned_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-corrected_at"]
        indexes = [
            # A source's corrections, newest first (source reader, admin inline).
            models.Index(fields=["source", "-corrected_at"], name="sourcecorrection_source_idx"),
        ]

    def __str__(self):
        return f"Correction of “{self.source}” ({self.corrected_at:%Y-%m-%d %H:%M})"
