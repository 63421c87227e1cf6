"""Annotations: notes on claims, attributions and passages, with their replies."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from claims.models.attribution import QUOTE_CONTEXT, Attribution
from claims.models.claim import Claim
from sources.models import QuoteNotFound, Source


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
    """Find every passage note of `source` again after its body was corrected (notes
    are not evidence: nothing derived depends on them).

    Runs inside intake.actions.correct_source_text's transaction. Each note is
    looked up from its TextQuoteSelector (Source.relocate: the stored prefix and suffix, then the
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
