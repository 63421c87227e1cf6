"""Free-text search over claims and their quotes.

One function searches, whatever the database (`search`); the rest keep the
stored search documents current:

- PostgreSQL: each claim has a ClaimSearchDocument holding a tsvector of its
  statement (weight A) and its attributions' quotes (weight B), config
  'english', GIN-indexed. `search` matches it with websearch_to_tsquery and
  annotates `search_rank` (ts_rank).
- SQLite: no stored document. Every word (or "quoted phrase") of the query must
  occur, case-insensitively, in the statement or in one of the quotes;
  `search_rank` counts the words found in the statement.

`refresh(claim_ids)` rebuilds the documents of those claims in one statement.
Call it in the same transaction as the change to a claim's statement or to its
attributions (claims.status does, for every claim it recomputes).
`rebuild_all()` rebuilds every document, for bulk loads that bypass the models.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, Exists, F, FloatField, IntegerField, OuterRef, Q, Value, When

from claims.models import Attribution

SEARCH_CONFIG = "english"
# More words than this are ignored by the SQLite fallback (each is a LIKE scan).
MAX_FALLBACK_TERMS = 8

_TERM = re.compile(r'"([^"]+)"|(\S+)')

# One statement per refresh, whatever the number of claims: the claim's statement
# and all its quotes, upserted into its search document.
_UPSERT_SQL = """
INSERT INTO claims_claimsearchdocument (claim_id, vector)
SELECT c.id,
       setweight(to_tsvector(%(config)s::regconfig, c.statement), 'A')
       || setweight(to_tsvector(%(config)s::regconfig,
                                coalesce(string_agg(a.quote, ' ' ORDER BY a.id), '')), 'B')
FROM claims_claim c
LEFT JOIN claims_attribution a ON a.claim_id = c.id
{where}
GROUP BY c.id
ON CONFLICT (claim_id) DO UPDATE SET vector = EXCLUDED.vector
"""


def uses_stored_vectors():
    return connection.vendor == "postgresql"


def search_terms(text):
    """The words and "quoted phrases" of a query, for the SQLite fallback."""
    terms = [phrase or word for phrase, word in _TERM.findall(text or "")]
    return [term for term in terms if term.strip('"')][:MAX_FALLBACK_TERMS]


def search(queryset, text):
    """The claims of `queryset` matching `text`, annotated with `search_rank`."""
    text = (text or "").strip()
    if not text:
        return queryset
    if uses_stored_vectors():
        query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
        return queryset.filter(search_document__vector=query).annotate(
            search_rank=SearchRank(F("search_document__vector"), query)
        )
    terms = search_terms(text)
    if not terms:
        return queryset.none()
    in_statement = []
    for term in terms:
        queryset = queryset.filter(
            Q(statement__icontains=term)
            | Exists(Attribution.objects.filter(claim=OuterRef("pk"), quote__icontains=term))
        )
        in_statement.append(
            Case(When(statement__icontains=term, then=1), default=0, output_field=IntegerField())
        )
    rank = sum(in_statement[1:], in_statement[0])
    return queryset.annotate(search_rank=Value(0.0, output_field=FloatField()) + rank)


def refresh(claim_ids):
    """Rebuild the search documents of these claims (PostgreSQL; a no-op elsewhere)."""
    claim_ids = sorted({int(pk) for pk in claim_ids if pk is not None})
    if not claim_ids or not uses_stored_vectors():
        return
    with connection.cursor() as cursor:
        cursor.execute(
            _UPSERT_SQL.format(where="WHERE c.id = ANY(%(ids)s)"),
            {"config": SEARCH_CONFIG, "ids": claim_ids},
        )


def rebuild_all():
    """Rebuild every claim's search document (PostgreSQL; a no-op elsewhere)."""
    if not uses_stored_vectors():
        return
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT_SQL.format(where=""), {"config": SEARCH_CONFIG})
