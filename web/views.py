"""The fact-checker's workspace: the claim list and its CSV, the dashboard, actor and claim pages.

Every view enforces its role with lib.access.require_perm.
"""

import csv
import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Greatest, Substr
from django.http import HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from claims.chain import drawn_ids, load_drawn, origin_groups
from claims.chain import layout as chain_layout
from claims.filters import OUTLET_KIND_CHOICES, REVIEWED_CHOICES, SORTS, ClaimFilter, shaped
from claims.history import changes_since, claim_history
from claims.models import (
    Actor,
    Attribution,
    Claim,
    ClaimCount,
    Review,
    VersionConflict,
    queue_priority,
)
from interchange import claimreview
from lib.access import require_perm
from lib.outage import rows_until_database_error
from web.annotation_views import claim_context
from web.forms import ReviewForm
from web.reader import sentence_around

# Rows per page of every claim table.
PAGE_SIZE = 50
# Claims shown in the dashboard's review queue; the rest are a click away.
QUEUE_SIZE = 20
# The dashboard and breakdown bar charts: pixels for the longest bar.
CHART_BAR_MAX = 320


# Shared helpers (also used by web.source_views) ------------------------------


def list_url(**params):
    """The claim list filtered by `params`, e.g. list_url(speaker="Yang Jiechi")."""
    query = QueryDict(mutable=True)
    for key, value in params.items():
        if value not in (None, ""):
            query[key] = value
    return reverse("claim-list") + (f"?{query.urlencode()}" if query else "")


def bar_chart(rows, title):
    """Geometry for templates/claims/partials/bar_chart.html.

    `rows` are dicts with value, label, count and url; each gets a bar width
    (scaled to the largest count) and a y position.
    """
    largest = max((row["count"] for row in rows), default=0) or 1
    for i, row in enumerate(rows):
        row["y"] = i * 26
        row["text_y"] = row["y"] + 15
        row["width"] = round(CHART_BAR_MAX * row["count"] / largest) if row["count"] else 0
        row["count_x"] = 170 + row["width"] + 6
    return {"title": title, "rows": rows, "height": len(rows) * 26, "bar_max": CHART_BAR_MAX}


def status_breakdown(claims, counts=None, **list_params):
    """Counts of `claims` by status (one GROUP BY), charted, each linked to the list.

    `counts`, when given, are the counts by status already at hand (no query).
    """
    if counts is None:
        counts = dict(claims.order_by().values_list("status").annotate(n=Count("pk")))
    rows = [
        {
            "value": value,
            "label": label,
            "count": counts.get(value, 0),
            "url": list_url(status=value, **list_params),
        }
        for value, label in Claim.Status.choices
    ]
    chart = bar_chart(rows, "Claims by status")
    chart["total"] = sum(counts.values())
    return chart


def claim_page(request, claims, count=None):
    """One page of `claims` (already ordered): a COUNT and a SELECT, plus tags.

    `count`, when the caller already knows how many claims there are (the
    facet total), saves the COUNT.
    """
    paginator = Paginator(claims.prefetch_related("tags"), PAGE_SIZE)
    if count is not None:
        paginator.count = count  # a cached_property: set, it is never queried
    return paginator.get_page(request.GET.get("page"))


# Claim list ---------------------------------------------------------------


def _toggled(query, name, value):
    """The query string with `value` added to or removed from `name`, back on page 1."""
    query = query.copy()
    query.pop("page", None)
    values = query.getlist(name)
    query.setlist(name, [v for v in values if v != value] if value in values else [*values, value])
    return f"?{query.urlencode()}"


def _facet(query, name, choices, counts, selected):
    """The options of one facet: every value with claims, and every selected one."""
    options = []
    for value, label in choices:
        value = str(value)
        count = counts.get(value, 0)
        if count or value in selected:
            options.append(
                {
                    "value": value,
                    "label": label,
                    "count": count,
                    "selected": value in selected,
                    "url": _toggled(query, name, value),
                }
            )
    return options


def _facets(request, filterset, counts):
    data = filterset.form.cleaned_data
    total = counts["total"]
    reviewed_counts = {"yes": total - counts["unreviewed"], "no": counts["unreviewed"]}
    reviewed = [data["reviewed"]] if data.get("reviewed") else []
    facets = [
        ("Status", "status", Claim.Status.choices, counts["status"], data.get("status")),
        ("Verdict", "verdict", Claim.Verdict.choices, counts["verdict"], data.get("verdict")),
        ("Reviewed", "reviewed", REVIEWED_CHOICES, reviewed_counts, reviewed),
        (
            "Outlet kind",
            "outlet_kind",
            OUTLET_KIND_CHOICES,
            counts["outlet_kind"],
            data.get("outlet_kind"),
        ),
    ]
    return [
        {
            "title": title,
            "name": name,
            "options": _facet(request.GET, name, choices, facet_counts, selected or []),
        }
        for title, name, choices, facet_counts, selected in facets
    ]


def _add_evidence_counts(claims):
    """Set attribution_count and dispute_count on each claim, in one query."""
    counts = {
        claim_id: (n, disputes)
        for claim_id, n, disputes in Attribution.objects.live()
        .filter(claim__in=[c.pk for c in claims])
        .order_by()
        .values_list("claim_id")
        .annotate(n=Count("pk"), disputes=Count("pk", filter=Q(stance=Attribution.Stance.DISPUTES)))
    }
    for claim in claims:
        claim.attribution_count, claim.dispute_count = counts.get(claim.pk, (0, 0))


def _search_page(request, documents):
    """(facet counts, page of claim ids) of a search counted and paged on the search
    documents it matches (ClaimFilter.ordered_documents), read once for both.

    The page asked for is read with the counts; a page past the last (known
    from the counts only) is read again as the last page.
    """
    asked = request.GET.get("page")
    try:
        number = max(int(asked), 1)
    except (TypeError, ValueError):
        number = 1
    counts, ids = documents.counted_and_paged((number - 1) * PAGE_SIZE, PAGE_SIZE)
    counts = shaped(counts)
    page = Paginator(range(counts["total"]), PAGE_SIZE).get_page(asked)
    if page.number != number:
        rows = page.object_list  # a range: the positions of the last page's rows
        ids = list(documents.values_list("claim_id", flat=True)[rows.start : rows.stop])
    page.object_list = ids
    return counts, page


@require_perm("claims.view_claim")
def claim_list(request):
    """The fact-checker's home: every claim, filtered, faceted, sorted and paged."""
    filterset = ClaimFilter(request.GET, queryset=Claim.objects.listed())
    documents = filterset.ordered_documents()
    if documents is None:
        # One query for every facet and the total, which the paginator uses as its count.
        counts = filterset.facet_counts()
        page = claim_page(request, filterset.qs, count=counts["total"])
        claims = list(page.object_list)
    else:
        counts, page = _search_page(request, documents)
        claims = list(filterset.qs.filter(pk__in=page.object_list).prefetch_related("tags"))
    _add_evidence_counts(claims)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "claims/claim_list.html",
        {
            "filter": filterset,
            "page": page,
            "claims": claims,
            "facets": _facets(request, filterset, counts),
            "sorts": [(key, label) for key, (label, _) in SORTS.items()],
            "sort_key": filterset.sort_key,
            "sort_label": SORTS[filterset.sort_key][0],
            "csv_query": query.urlencode(),
            "is_filtered": any(any(vs) for k, vs in query.lists() if k != "sort"),
        },
    )


class _Echo:
    """A file-like object that hands back what is written, for streaming CSV."""

    def write(self, value):
        return value


# Spreadsheets run cells starting with these as formulas; claims are untrusted text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

CSV_COLUMNS = [
    "id",
    "statement",
    "event_start",
    "event_end",
    "status",
    "grade",
    "verdict",
    "origin_count",
    "url",
]


def _csv_safe(text):
    return "'" + text if text.startswith(_FORMULA_START) else text


@require_perm("claims.view_claim")
def claim_list_csv(request):
    """Exactly the claims of the list with the same query string, all pages, as CSV."""
    filterset = ClaimFilter(request.GET, queryset=Claim.objects.current())
    if not filterset.is_valid():
        errors = "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in filterset.errors.items()
        )
        return HttpResponse(
            f"The filters are not valid, so nothing was exported. {errors}",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    # A database outage while the file streams ends the file (its status is sent).
    claims = rows_until_database_error(
        filterset.qs.only(*CSV_COLUMNS[:-1]).iterator(chunk_size=2000)
    )
    # One reverse() for the whole file: the claim URL with a placeholder id.
    url_template = request.build_absolute_uri(reverse("claim-detail", args=[987654321]))

    def rows():
        yield CSV_COLUMNS
        for claim in claims:
            yield [
                claim.pk,
                _csv_safe(claim.statement),
                claim.event_start.isoformat() if claim.event_start else "",
                claim.event_end.isoformat() if claim.event_end else "",
                claim.status,
                claim.grade,
                claim.verdict,
                claim.origin_count,
                url_template.replace("987654321", str(claim.pk)),
            ]

    writer = csv.writer(_Echo())
    return StreamingHttpResponse(
        (writer.writerow(row) for row in rows()),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="claims.csv"'},
    )


# Dashboard ----------------------------------------------------------------


@require_perm("claims.view_claim")
def dashboard(request):
    """Counts by status and by verdict, charted, and the review queue."""
    # Merged claims (tombstones) are not counted anywhere: Claim.objects.current().
    # Both charts from one query over ClaimCount (a few thousand rows, no scan of claims).
    counts = ClaimCount.objects.facet_counts(outlet_kinds=False)
    by_verdict = counts["verdict"]
    verdict_rows = [
        {
            "value": value,
            "label": label,
            "count": by_verdict.get(value, 0),
            "url": list_url(verdict=value),
        }
        for value, label in Claim.Verdict.choices
    ]
    verdict_rows.append(
        {
            "value": "none",
            "label": "Unreviewed",
            "count": by_verdict.get("", 0),
            "url": list_url(reviewed="no"),
        }
    )
    # The top of claim_queue_idx: its exact expression, order and condition.
    queue = list(
        Claim.objects.listed()
        .filter(verdict="")
        .order_by(queue_priority().asc(), "created_at", "pk")
        .prefetch_related("tags")[:QUEUE_SIZE]
    )
    return render(
        request,
        "claims/dashboard.html",
        {
            "status_chart": status_breakdown(None, counts["status"]),
            "verdict_chart": bar_chart(verdict_rows, "Claims by verdict"),
            "queue": queue,
            "queue_total": by_verdict.get("", 0),
            "queue_url": list_url(reviewed="no", sort="queue"),
        },
    )


# Actor page ---------------------------------------------------------------


@require_perm("claims.view_actor", "claims.view_claim")
def actor_detail(request, pk):
    """An actor, and the claims attributed to them, with a status breakdown."""
    actor = get_object_or_404(Actor.objects.prefetch_related("aliases"), pk=pk)
    claims = Claim.objects.listed().filter(
        Exists(Attribution.objects.live().filter(claim=OuterRef("pk"), speaker=actor))
    )
    return render(
        request,
        "claims/actor_detail.html",
        {
            "actor": actor,
            "breakdown": status_breakdown(claims, speaker=actor.name),
            "page": claim_page(request, claims.order_by("-created_at", "-pk")),
            "all_url": list_url(speaker=actor.name),
        },
    )


# Claim page and reviews ---------------------------------------------------


def _claim_for_page(pk):
    return get_object_or_404(
        Claim.objects.select_related("created_by").prefetch_related("tags"), pk=pk
    )


# Evidence rows per page of the claim page (keyset pagination, ?after=<cursor>). Each
# row is a passage in its sentence and six more columns; drawing them is most of the
# page's time, which grows with this number.
EVIDENCE_PAGE_SIZE = 25
# Removed and orphaned attributions listed on the claim page; the rest are counted.
SET_ASIDE_LIMIT = 50
# Attributions whose history the claim page shows: the most recently changed ones.
HISTORY_ATTRIBUTIONS = 50
# Articles listed as the appearances of a claim in its schema.org ClaimReview.
CLAIMREVIEW_APPEARANCES = 20
# Characters of a source's body read around each quote: the context is looked
# for up to CONTEXT_LIMIT characters either side (web.reader.sentence_around),
# plus CONTEXT_MARGIN before, to tell whether the cut falls inside a sentence.
CONTEXT_LIMIT = 300
CONTEXT_MARGIN = 100
# Labels by value, looked up once per row (get_FOO_display() rebuilds its dict every call).
KIND_LABELS = dict(Attribution.Kind.choices)
STANCE_LABELS = dict(Attribution.Stance.choices)
ACTOR_KIND_LABELS = dict(Actor.Kind.choices)


def url_maker(name):
    """pk -> the URL of `name` for that pk, reversing once (a claim page links hundreds)."""
    template = reverse(name, args=[987654321])
    return lambda pk: template.replace("987654321", str(pk))


def _truncated(text, limit):
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _cursor(attribution):
    published = attribution.published_on
    return (
        f"{published.isoformat() if published else '-'}."
        f"{attribution.source_id}.{attribution.start}.{attribution.pk}"
    )


def _after(cursor):
    """The rows after `cursor` in EVIDENCE_ORDER, as a Q; None for a bad cursor."""
    try:
        published, source_id, start, pk = cursor.split(".")
        source_id, start, pk = int(source_id), int(start), int(pk)
        published = None if published == "-" else datetime.date.fromisoformat(published)
    except ValueError:
        return None
    later_in_date = Q(source_id__gt=source_id) | Q(
        Q(start__gt=start) | Q(start=start, pk__gt=pk), source_id=source_id
    )
    if published is None:
        return Q(published_on__isnull=True) & later_in_date
    return (
        Q(published_on__gt=published)
        | Q(published_on__isnull=True)
        | Q(later_in_date, published_on=published)
    )


# What the claim page shows of an attribution and of its source, outlet, speaker and
# relaying agency (the evidence rows, the chain, the note form, the history's names).
_EVIDENCE_COLUMNS = (
    "claim_id",
    "source_id",
    "quote",
    "start",
    "end",
    "speaker_id",
    "kind",
    "stance",
    "relayed_via_id",
    "deleted_at",
    "orphaned_at",
    "published_on",
    "source__title",
    "source__outlet_id",
    "source__published_on",
    "source__outlet__name",
    "speaker__name",
    "speaker__kind",
    "speaker__role",
    "relayed_via__name",
)


def evidence_page(claim, cursor="", also=()):
    """One page of the claim's live attributions, each with its quote in context.

    Keyset pagination in EVIDENCE_ORDER. Returns (rows, next cursor or "",
    every attribution loaded by id): the page's rows and those of `also` (ids
    of the claim's attributions, e.g. the ones the chain draws), loaded
    together. Two queries: the ids of the page's EVIDENCE_PAGE_SIZE + 1 rows,
    a range of attribution_evidence_idx (the source's date is copied onto each
    attribution, Attribution.published_on); then those rows and `also` by id,
    with source, outlet, speaker and relaying agency, the columns the page
    shows and only the slice of each source's body around its quote (the
    sentence holding it), never whole bodies. Not one query with the ids as a
    subquery OR'ed with `also`: the planner expects hundreds of rows for it and
    hashes every actor and outlet.
    """
    rows = claim.attributions.live()
    condition = _after(cursor) if cursor else None
    if condition is not None:
        rows = rows.filter(condition)
    page_ids = list(rows.in_evidence_order().values_list("pk", flat=True)[: EVIDENCE_PAGE_SIZE + 1])
    window_start = Greatest(F("start") - (CONTEXT_LIMIT + CONTEXT_MARGIN), Value(0))
    loaded = {
        attribution.pk: attribution
        for attribution in claim.attributions.filter(pk__in={*page_ids, *also})
        .select_related("source__outlet", "speaker", "relayed_via")
        .only(*_EVIDENCE_COLUMNS)
        .annotate(
            # The quote's context, for the page's rows only (a slice of a long body
            # is read from its compressed form up to the slice's end).
            window=Case(
                When(
                    pk__in=page_ids,
                    then=Substr(
                        "source__body",
                        window_start + 1,
                        F("end") + (CONTEXT_LIMIT + 1) - window_start,
                    ),
                ),
                default=None,
            )
        )
        .order_by()
    }
    page = [loaded[pk] for pk in page_ids[:EVIDENCE_PAGE_SIZE] if pk in loaded]
    more = len(page_ids) > EVIDENCE_PAGE_SIZE and bool(page)
    source_url, edit_url = url_maker("source-detail"), url_maker("attribution-edit")
    actor_url, outlet_url = url_maker("actor-detail"), url_maker("outlet-detail")
    for attribution in page:
        # Links and labels made once per row, for claims/partials/evidence_table.html.
        source = attribution.source
        speaker = attribution.speaker
        attribution.source_url = f"{source_url(attribution.source_id)}#a{attribution.pk}"
        attribution.source_label = _truncated(str(source), 60)
        attribution.edit_url = edit_url(attribution.pk)
        speaker_id = attribution.speaker_id
        attribution.speaker_url = actor_url(speaker_id) if speaker_id else ""
        attribution.speaker_detail = (
            (speaker.role or ACTOR_KIND_LABELS.get(speaker.kind, speaker.kind)) if speaker else ""
        )
        attribution.kind_label = KIND_LABELS.get(attribution.kind, attribution.kind)
        attribution.stance_label = STANCE_LABELS.get(attribution.stance, attribution.stance)
        attribution.published = source.published_on.isoformat() if source.published_on else ""
        attribution.relay_url = (
            outlet_url(attribution.relayed_via_id) if attribution.relayed_via_id else ""
        )
        attribution.outlet_url = outlet_url(source.outlet_id) if source.outlet_id else ""
        offset = max(attribution.start - (CONTEXT_LIMIT + CONTEXT_MARGIN), 0)
        attribution.context = sentence_around(
            attribution.window,
            attribution.start - offset,
            attribution.end - offset,
            CONTEXT_LIMIT,
        )
    return page, _cursor(page[-1]) if more else "", loaded


def _render_claim(request, claim, review_form, status=200):
    """The claim page. Queries, whatever the size of the claim or the database:
    the claim (with its creator and its origin groups, stored by the status
    engine), its tags, the ids of one page of its live attributions, those
    attributions and the ones the chain draws one by one (a few per origin), with
    source, outlet, speaker, relaying agency and the part of the body around each
    quote of the page (evidence_page), its removed and orphaned attributions
    (capped), its reviews, the claim's history, its attributions' history, the
    notes on the claim and its attributions (for roles that see annotations),
    and, for a claim with a verdict, its first appearance and the articles of
    its ClaimReview (capped). The similar claims
    (a trigram search over every claim) load after the page, from /claims/similar/
    (static/js/similar.js).
    """
    groups = origin_groups(claim)
    cursor = request.GET.get("after", "")
    # The page's evidence and the passages the chain draws, loaded together.
    attributions, next_cursor, loaded = evidence_page(claim, cursor, also=drawn_ids(groups))
    _name_relays(attributions, groups)
    load_drawn(groups, loaded)
    set_aside = _set_aside(claim)
    reviews, merged_reviews = _reviews(claim)
    drawn = [a for group in groups for a in group.attributions]
    names = _history_names(claim, [*attributions, *drawn, *set_aside])
    claimreview_json = _claimreview_json(request, claim, reviews)
    return render(
        request,
        "claims/claim_detail.html",
        {
            "claim": claim,
            "attributions": attributions,
            "can_edit_evidence": request.user.has_perm("claims.change_attribution"),
            "evidence_count": sum(group.count for group in groups),
            **_evidence_links(request, cursor, next_cursor),
            **_set_aside_panels(set_aside),
            "groups": groups,
            "chain": chain_layout(claim, groups),
            "reviews": reviews,
            "merged_reviews": merged_reviews,
            "review_form": review_form,
            "history": claim_history(claim, names, attribution_limit=HISTORY_ATTRIBUTIONS),
            # schema.org ClaimReview for claims with a verdict.
            "claimreview": claimreview_json,
            # Notes on the claim and its evidence, in threads (web.annotation_views).
            **claim_context(request, claim, attributions),
        },
        status=status,
    )


def _name_relays(attributions, groups):
    """Set each attribution's `via_name`: the agency it came through ("" for none), also
    when the engine found it named in the paragraph ("TASS said") rather than set on it."""
    via = {pk: name for group in groups for pk, name in group.via.items()}
    for attribution in attributions:
        attribution.via_name = via.get(attribution.pk, "")


def _set_aside(claim):
    """The claim's removed and orphaned attributions, in evidence order, one more than
    SET_ASIDE_LIMIT (one query)."""
    return list(
        claim.attributions.exclude(deleted_at__isnull=True, orphaned_at__isnull=True)
        .select_related("source")
        .only(
            "claim_id",
            "source_id",
            "quote",
            "speaker_id",
            "relayed_via_id",
            "deleted_at",
            "orphaned_at",
            "orphan_reason",
            "source__title",
        )
        .in_evidence_order()[: SET_ASIDE_LIMIT + 1]
    )


def _set_aside_panels(set_aside):
    """The page's orphaned and removed panels from _set_aside(): the first SET_ASIDE_LIMIT,
    and whether there are more."""
    shown = set_aside[:SET_ASIDE_LIMIT]
    return {
        "orphaned": [a for a in shown if a.deleted_at is None],
        "removed": [a for a in shown if a.deleted_at is not None],
        "set_aside_more": len(set_aside) > SET_ASIDE_LIMIT,
    }


def _reviews(claim):
    """(its own reviews, those of the claims merged into it), newest first, in one query."""
    # Both sides of the OR are on the review's claim_id (review_claim_idx), the merged
    # claims found by the merged_into index: an OR across the join makes SQLite scan
    # every review.
    merged = Claim.objects.filter(merged_into=claim).values("pk")
    all_reviews = list(
        Review.objects.filter(Q(claim=claim) | Q(claim__in=merged))
        .select_related("reviewer", "claim")
        # What the verdict panels show (not the reviewed claims' long derived texts).
        .only(
            "claim_id",
            "reviewer_id",
            "verdict",
            "rationale",
            "created_at",
            "reviewer__username",
            "claim__statement",
        )
        .order_by("-created_at", "-pk")
    )
    reviews = [r for r in all_reviews if r.claim_id == claim.pk]
    return reviews, [r for r in all_reviews if r.claim_id != claim.pk]


def _history_names(claim, attributions):
    """What the claim's history calls the claim and the sources, speakers and relaying
    agencies of `attributions`, keyed by (field, id); no query (only what is loaded)."""
    names = {("claim", claim.pk): "this claim"}
    for a in attributions:
        names[("source", a.source_id)] = str(a.source)
        if a.speaker_id and Attribution.speaker.is_cached(a):
            names[("speaker", a.speaker_id)] = a.speaker.name
        if a.relayed_via_id and Attribution.relayed_via.is_cached(a):
            names[("relayed_via", a.relayed_via_id)] = a.relayed_via.name
    return names


def _claimreview_json(request, claim, reviews):
    """The claim's schema.org ClaimReview as embedded JSON, "" for a claim without a verdict.

    `reviews` are its own, newest first; the latest is the one the ClaimReview reports.
    """
    if not claim.verdict:
        return ""
    first, sources = claimreview.appearances(claim, limit=CLAIMREVIEW_APPEARANCES)
    data = claimreview.build(
        claim, reviews[0] if reviews else None, first, sources, request.build_absolute_uri
    )
    return claimreview.embedded_json(data) if data else ""


def _evidence_links(request, cursor, next_cursor):
    """The links from this page of evidence to the next and back to the first ("" for none)."""
    return {
        "evidence_next": f"?after={next_cursor}#evidence-heading" if next_cursor else "",
        "evidence_first": f"{request.path}#evidence-heading" if cursor else "",
    }


@require_perm("claims.view_claim")
def claim_detail(request, pk):
    """A claim: status, verdict, evidence in context, provenance chain, similar claims, history.

    A claim merged into another is a tombstone: its address redirects there (301).
    """
    claim = _claim_for_page(pk)
    if claim.merged_into_id:
        return redirect("claim-detail", pk=claim.merged_into_id, permanent=True)
    return _render_claim(request, claim, ReviewForm(initial={"version": claim.version}))


@require_perm("claims.view_claim", "claims.record_verdict")
@require_POST
def claim_review(request, pk):
    """Record a verdict. A save based on an outdated version gets the conflict page (409)."""
    claim = _claim_for_page(pk)
    if claim.merged_into_id:
        messages.error(request, f"Claim #{claim.pk} was merged into this one; review it here.")
        return redirect("claim-detail", pk=claim.merged_into_id)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _render_claim(request, claim, form, status=400)
    data = form.cleaned_data
    try:
        claim.record_verdict(request.user, data["verdict"], data["rationale"], data["version"])
    except VersionConflict:
        return _render_conflict(request, claim, form)
    messages.success(request, f"Verdict recorded: {claim.get_verdict_display()}.")
    return redirect("claim-detail", pk=claim.pk)


def _render_conflict(request, claim, form):
    """What changed since the version the reviewer saw, their own input kept, a way on."""
    claim.refresh_from_db()
    submitted = form.cleaned_data
    changes = changes_since(claim, submitted["version"])
    reviews = claim.reviews.select_related("reviewer")
    # A verdict's Review and its history record share one timestamp (Claim.record_verdict).
    newer = reviews.filter(created_at__gte=changes[0].when) if changes else reviews[:1]
    newer_reviews = list(newer)
    resubmit = ReviewForm(
        initial={
            "verdict": submitted["verdict"],
            "rationale": submitted["rationale"],
            "version": claim.version,
        }
    )
    return render(
        request,
        "claims/conflict.html",
        {
            "claim": claim,
            "changes": changes,
            "newer_reviews": newer_reviews,
            "submitted": submitted,
            "submitted_verdict_label": Claim.Verdict(submitted["verdict"]).label,
            "review_form": resubmit,
        },
        status=409,
    )
