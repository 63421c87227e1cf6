"""The importer's proposals and their queue: Suggestion.

A suggestion lives in intake (the suggester writes it, editors decide it) but
keeps its original table, claims_suggestion.
"""

from django.conf import settings
from django.db import connections, models
from django.db.models import F, Q
from django.utils import timezone

from claims.models import QUOTE_CONTEXT, Actor, Attribution
from lib.fields import NameField
from sources.models import Outlet, QuoteNotFound, Source

# The fields a new pending suggestion is given by the suggester (SuggestionQuerySet.insert_many).
INSERT_FIELDS = (
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
)


class SuggestionQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(state=Suggestion.State.PENDING)

    def insert_many(self, rows):
        """Insert pending suggestions, given as dicts of INSERT_FIELDS, in one statement.

        Values are truncated to the fields' lengths. One executemany of a
        statement built from the model's metadata (table and column names;
        the values are parameters), not bulk_create: the importer inserts a
        few rows per article, and Django's per-value preparation costs more
        than the insert itself. Suggestions have no derived state. speaker_name
        is stored as the suggester gives it (NameField's cleaning is not applied).
        """
        if not rows:
            return
        connection = connections[self.db]
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        fields = (*INSERT_FIELDS, "state", "created_at")
        meta = Suggestion._meta
        lengths = {f.attname: f.max_length for f in meta.concrete_fields if f.max_length}
        quote = connection.ops.quote_name
        columns = ", ".join(
            quote(meta.get_field(name.removesuffix("_id")).column) for name in fields
        )
        placeholders = ", ".join(["%s"] * len(fields))
        values = []
        for row in rows:
            row = {**row, "state": Suggestion.State.PENDING.value, "created_at": now}
            values.append(
                [row[name][: lengths[name]] if name in lengths else row[name] for name in fields]
            )
        sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
        with connection.cursor() as cursor:
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
    # import writes suggestions.
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
        db_table = "claims_suggestion"
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


def reanchor_suggestions(source, correction):
    """Find each pending suggestion of `source` again after its body was corrected.

    Runs inside the correction's transaction (intake.actions.correct_source_text),
    the suggestions already locked. A suggestion is looked up from its quote
    and the old text around it; found, it takes its new offsets; not found (or
    landing where another suggestion already is), it is dismissed in the
    correcting admin's name, and stays on record. Returns the number dismissed.
    """
    old_body = correction.old_body
    pending = list(Suggestion.objects.filter(source=source).pending().order_by("pk"))
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
    return len(gone)
