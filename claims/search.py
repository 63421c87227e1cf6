"""Free-text search over claims and their quotes.

One function searches, whatever the database (`search`); `refresh` keeps the
stored search documents current. Each claim's document is its statement plus
the quotes of its live attributions (removed and orphaned ones are left out):

- PostgreSQL: ClaimSearchDocument's two tsvectors (config 'english'), the
  statement at weight A and the quotes at weight B. `search` matches them
  joined, `statement_vector || quotes_vector`, GIN-indexed as that expression
  (claim_search_vector_gin, migration 0013), with websearch_to_tsquery
  ("quoted phrases", or, -not), and ranks with ts_rank over statement_vector
  alone: a few hundred bytes inline, where the quotes of a claim with many
  attributions run to kilobytes that ts_rank would have to detoast for every
  match. Each document also carries copies of its claim's status, verdict,
  outlet kinds, creation time and merged state (database triggers:
  claims/sql/document_copies.*.sql, claims.derived): a search that nothing
  but those narrows is counted and paged from the documents alone, in one
  statement (`search_documents`, ClaimSearchDocumentQuerySet.counted_and_paged,
  claims.filters.ClaimFilter.documents); with other filters, the facets
  hash-join the matched documents to an index-only scan of claim_search_facets_idx (migration 0012).
- SQLite: the FTS5 table claims_claim_fts (rowid = claim id; columns statement
  and quotes; porter stemming). `search` turns the words and "quoted phrases"
  of the query into an FTS5 query in which all must match, joins the table to
  the claims (the unmanaged model ClaimFullText) and ranks with bm25 computed
  once per matching row in that same pass, over the statement alone.

Both annotate `search_rank`, higher for better matches: claims whose statement
matches first, by how well it matches, then those matched only in their quotes
(rank 0). The "relevance" sort (claims.filters.SORTS) orders by it, then newest
first. Both tables are created by migration claims/0003_claimsearchdocument.

`refresh(claim_ids)` rebuilds the documents of those claims in one statement,
on either database. It must run in the same transaction as the change to a
claim's statement or live quotes: claims.derived.Refresh runs it once per
batch for the claims the batch's writes touched (claims.derived lists what
keeps each derived field). `rebuild_all()` rebuilds every document, after
bulk loads that bypass the write functions, and `manage.py check_derived
--fix` after drift. This module reads no model: the FTS5 lookup (Fts5Match)
is registered on ClaimFullText by claims.models.
"""

import json
import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import F, FloatField, Func, Lookup, Value

SEARCH_CONFIG = "english"
# More words than this are ignored on SQLite (each adds a term to the FTS5 query).
MAX_TERMS = 16

# What each claim's search document holds: its statement and its live quotes (by
# attribution id). `refresh` upserts these rows; `drifted` compares them.
_PG_DOCUMENTS = """
SELECT c.id AS claim_id,
       setweight(to_tsvector(%(config)s::regconfig, c.statement), 'A') AS statement_vector,
       setweight(to_tsvector(%(config)s::regconfig,
                             coalesce(string_agg(a.quote, ' ' ORDER BY a.id), '')), 'B')
           AS quotes_vector
FROM claims_claim c
LEFT JOIN claims_attribution a
       ON a.claim_id = c.id AND a.deleted_at IS NULL AND a.orphaned_at IS NULL
{where}
GROUP BY c.id
"""
_PG_UPSERT = (
    "INSERT INTO claims_claimsearchdocument (claim_id, statement_vector, quotes_vector) "
    + _PG_DOCUMENTS
    + "ON CONFLICT (claim_id) DO UPDATE SET statement_vector = EXCLUDED.statement_vector, "
    "quotes_vector = EXCLUDED.quotes_vector"
)
_PG_WHERE = "WHERE c.id = ANY(%(ids)s)"
_PG_DRIFTED = (
    "SELECT e.claim_id FROM ("  # noqa: S608 (no input is interpolated)
    + _PG_DOCUMENTS.format(where="")
    + ") AS e LEFT JOIN claims_claimsearchdocument d ON d.claim_id = e.claim_id "
    "WHERE d.claim_id IS NULL OR d.statement_vector IS DISTINCT FROM e.statement_vector "
    "OR d.quotes_vector IS DISTINCT FROM e.quotes_vector ORDER BY e.claim_id"
)

# The quotes in attribution order: group_concat keeps the order of the rows it reads.
_SQLITE_DOCUMENTS = """
SELECT c.id AS claim_id, c.statement AS statement,
       coalesce((SELECT group_concat(q.quote, ' ') FROM (
           SELECT a.quote FROM claims_attribution a
           WHERE a.claim_id = c.id AND a.deleted_at IS NULL AND a.orphaned_at IS NULL
           ORDER BY a.id) AS q), '') AS quotes
FROM claims_claim c
{where}
"""
_SQLITE_UPSERT = "INSERT OR REPLACE INTO claims_claim_fts (rowid, statement, quotes) " + (
    _SQLITE_DOCUMENTS
)
_SQLITE_WHERE = "WHERE c.id IN (SELECT value FROM json_each(%s))"
_SQLITE_DRIFTED = (
    "SELECT e.claim_id FROM ("  # noqa: S608 (no input is interpolated)
    + _SQLITE_DOCUMENTS.format(where="")
    + ") AS e LEFT JOIN claims_claim_fts f ON f.rowid = e.claim_id "
    "WHERE f.rowid IS NULL OR f.statement IS NOT e.statement OR f.quotes IS NOT e.quotes "
    "UNION SELECT rowid FROM claims_claim_fts WHERE rowid NOT IN (SELECT id FROM claims_claim) "
    "ORDER BY 1"
)


class Fts5Match(Lookup):
    """`document MATCH query` on SQLite's FTS5 table; the query is a bound parameter."""

    lookup_name = "fts5_match"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", [*lhs_params, *rhs_params]


class Document(Func):
    """`statement_vector || quotes_vector`: the expression claim_search_vector_gin indexes."""

    template = "(%(expressions)s)"
    arg_joiner = " || "
    output_field = SearchVectorField()


class Bm25(Func):
    """FTS5's bm25() of the matched row (lower is better), one weight per column."""

    function = "bm25"
    output_field = FloatField()


# bm25 ranks by the statement alone, as ts_rank does on PostgreSQL.
SQLITE_WEIGHTS = (1.0, 0.0)

_TERM = re.compile(r'"([^"]*)"|(\S+)')
_WORD = re.compile(r"\w+")


def _vendor(using=DEFAULT_DB_ALIAS):
    return connections[using].vendor


def fts5_query(text):
    """An FTS5 query in which every word and "quoted phrase" of `text` must occur.

    Only letters and digits reach FTS5, each term as a quoted string, so no
    input can be read as FTS5 syntax (NEAR, column filters, operators).
    """
    terms = []
    for phrase, word in _TERM.findall(text or ""):
        words = _WORD.findall(phrase or word)
        if words:
            terms.append('"' + " ".join(words) + '"')
    return " AND ".join(terms[:MAX_TERMS])


def search(queryset, text):
    """The claims of `queryset` matching `text`, annotated with `search_rank`."""
    text = (text or "").strip()
    if not text:
        return queryset
    if _vendor(queryset.db) == "postgresql":
        return _pg_search(queryset, text, "search_document__")
    match = fts5_query(text)
    if not match:  # nothing searchable, e.g. only punctuation
        return queryset.none().annotate(search_rank=Value(0.0, output_field=FloatField()))
    # One pass: the claims are joined to their FTS5 rows (rowid = claim id) and
    # bm25 is computed once per matching row, in the same query.
    return queryset.filter(full_text__document__fts5_match=match).annotate(
        search_rank=-Bm25(F("full_text__document"), *map(Value, SQLITE_WEIGHTS))
    )


def _pg_search(queryset, text, prefix):
    query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
    document = Document(f"{prefix}statement_vector", f"{prefix}quotes_vector")
    return (
        queryset.alias(search_document_match=document)
        .filter(search_document_match=query)
        .annotate(search_rank=SearchRank(F(f"{prefix}statement_vector"), query))
    )


def search_documents(documents, text):
    """PostgreSQL only: the ClaimSearchDocuments of `documents` matching `text`,
    annotated with `search_rank`, as search() matches and ranks their claims."""
    text = (text or "").strip()
    return _pg_search(documents, text, "") if text else documents


def refresh(claim_ids, using=DEFAULT_DB_ALIAS):
    """Rebuild the search documents of these claims: one statement, any number of claims."""
    claim_ids = sorted({int(pk) for pk in claim_ids if pk is not None})
    if not claim_ids:
        return
    with connections[using].cursor() as cursor:
        if _vendor(using) == "postgresql":
            cursor.execute(
                _PG_UPSERT.format(where=_PG_WHERE), {"config": SEARCH_CONFIG, "ids": claim_ids}
            )
        else:
            cursor.execute(_SQLITE_UPSERT.format(where=_SQLITE_WHERE), [json.dumps(claim_ids)])


def rebuild_all(using=DEFAULT_DB_ALIAS):
    """Rebuild every claim's search document (after bulk loads that bypass the models)."""
    with connections[using].cursor() as cursor:
        if _vendor(using) == "postgresql":
            cursor.execute(_PG_UPSERT.format(where=""), {"config": SEARCH_CONFIG})
        else:
            cursor.execute("DELETE FROM claims_claim_fts")
            cursor.execute(_SQLITE_UPSERT.format(where=""))


def drifted(using=DEFAULT_DB_ALIAS):
    """The ids of the claims whose stored search document differs from what refresh()
    would write (missing, stale, or left over from a deleted claim), ascending."""
    with connections[using].cursor() as cursor:
        if _vendor(using) == "postgresql":
            cursor.execute(_PG_DRIFTED, {"config": SEARCH_CONFIG})
        else:
            cursor.execute(_SQLITE_DRIFTED)
        return [row[0] for row in cursor.fetchall()]
