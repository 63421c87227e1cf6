"""Search documents: a claim's statement and quotes as PostgreSQL vectors or SQLite FTS5."""

from django.contrib.postgres.search import SearchVectorField
from django.db import connections, models
from django.db.models import F

from claims import search
from claims.models.claim import Claim, ClaimQuerySet


class ClaimSearchDocumentQuerySet(models.QuerySet):
    # The same GROUP BY, on the documents' copies of the claims' facet columns.
    facet_counts = ClaimQuerySet.facet_counts

    def counted_and_paged(self, offset, limit):
        """These documents (ordered) read once: (their facet counts, as facet_counts()
        returns them; the claim ids of their rows offset to offset + limit, in order).

        PostgreSQL only. One statement reads the matching documents once, into
        a materialized CTE, grouped for the counts (GROUPING SETS: by status and
        verdict, and by outlet kinds) and sorted for the page (a top-N sort).
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
    claims for a broad word (claims.filters.ClaimFilter.documents). PostgreSQL
    triggers keep the copies exact in the transaction of every write
    (claims/sql/document_copies.postgresql.sql): a document written takes its
    claim's values, and a claim whose values change passes them to its document.
    """

    claim = models.OneToOneField(
        Claim, primary_key=True, on_delete=models.CASCADE, related_name="search_document"
    )
    # The copies come first: a row is read column by column, and every column
    # after a vector is found by reading past it.
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


ClaimFullText._meta.get_field("document").register_lookup(search.Fts5Match)
