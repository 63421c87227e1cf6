"""Claims worded like a given claim, whatever the database (`similar_claims`).

- PostgreSQL: trigram similarity (pg_trgm). The `%` operator picks candidates
  through the GIN trigram index on claims_claim.statement (migration
  claim_statement_trgm) and TrigramSimilarity ranks them.
- SQLite: shared-word overlap (Jaccard over significant words), computed in
  Python over a bounded candidate set: the newest claims containing any of the
  query's longest words.

Both run one query.
"""

import re

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import Q

from claims.models import Claim

# Columns the similar-claims list shows (statement, badges and their tooltips).
_COLUMNS = (
    "id",
    "statement",
    "status",
    "grade",
    "verdict",
    "explanation",
    "event_start",
    "event_end",
)
# The SQLite fallback scores at most this many candidates...
MAX_CANDIDATES = 200
# ...found through at most this many of the statement's longest words.
MAX_PROBE_WORDS = 4
# Below this score a claim is not worth suggesting.
MIN_WORD_OVERLAP = 0.2

_WORD_RE = re.compile(r"\w+")
_STOPWORDS = frozenset(
    _WORD_RE.findall(
        """a an and are as at be been but by for from had has have he her his in into is it its
        of on or our over said says she that the their them they this to was were will with would
        not no than then there these those which who whom whose what when where why how about
        after before between during under against also more most very can could may might should"""
    )
)


def significant_words(text):
    return {
        w for w in (m.casefold() for m in _WORD_RE.findall(text or "")) if w not in _STOPWORDS
    } - {""}


def word_overlap(a, b):
    """Jaccard similarity of the significant words of two texts, 0..1."""
    words_a, words_b = significant_words(a), significant_words(b)
    if not words_a or not words_b:
        return 0.0
    return len(words_a & words_b) / len(words_a | words_b)


def similar_claims(claim, limit=5):
    """Up to `limit` other claims most similar in wording, each with a `similarity` 0..1."""
    others = Claim.objects.current().exclude(pk=claim.pk).only(*_COLUMNS)
    if connection.vendor == "postgresql":
        return list(
            others.filter(statement__trigram_similar=claim.statement)
            .annotate(similarity=TrigramSimilarity("statement", claim.statement))
            .order_by("-similarity", "-id")[:limit]
        )
    probes = sorted(
        (w for w in significant_words(claim.statement) if len(w) > 3),
        key=lambda w: (-len(w), w),
    )[:MAX_PROBE_WORDS]
    if not probes:
        return []
    condition = Q()
    for word in probes:
        condition |= Q(statement__icontains=word)
    scored = []
    for other in others.filter(condition).order_by("-created_at")[:MAX_CANDIDATES]:
        other.similarity = word_overlap(claim.statement, other.statement)
        if other.similarity >= MIN_WORD_OVERLAP:
            scored.append(other)
    scored.sort(key=lambda c: (-c.similarity, -c.pk))
    return scored[:limit]
