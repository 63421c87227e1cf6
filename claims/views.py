"""Views of the claims app: the fact-checker's workspace (issue 4).

Every view enforces its role with provenance.access.require_perm.
"""

import csv

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Q
from django.http import HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from claims import claimreview
from claims.annotation_views import claim_context
from claims.chain import layout as chain_layout
from claims.chain import origin_groups, relay_rows
from claims.filters import (
    OUTLET_KIND_CHOICES,
    REVIEWED_CHOICES,
    SORTS,
    ClaimFilter,
    queue_priority,
)
from claims.forms import ReviewForm
from claims.history import changes_since, claim_history
from claims.models import Actor, Attribution, Claim, Review, VersionConflict
from claims.similar import similar_claims
from provenance.access import require_perm
from sources.reader import quote_in_context

# Rows per page of every claim table.
PAGE_SIZE = 50
# Claims shown in the dashboard's review queue; the rest are a click away.
QUEUE_SIZE = 20
# The dashboard and breakdown bar charts: pixels for the longest bar.
CHART_BAR_MAX = 320


# Shared helpers (also used by sources.views) ------------------------------


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


def status_breakdown(claims, **list_params):
    """Counts of `claims` by status (one GROUP BY), charted, each linked to the list."""
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


def claim_page(request, claims):
    """One page of `claims` (already ordered): a COUNT and a SELECT, plus tags."""
    return Paginator(claims.prefetch_related("tags"), PAGE_SIZE).get_page(request.GET.get("page"))


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


def _facets(request, filterset):
    counts = filterset.facet_counts()
    data = filterset.form.cleaned_data
    total = sum(counts["status"].values())
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


@require_perm("claims.view_claim")
def claim_list(request):
    """The fact-checker's home: every claim, filtered, faceted, sorted and paged."""
    filterset = ClaimFilter(request.GET, queryset=Claim.objects.current())
    page = claim_page(request, filterset.qs)
    claims = list(page.object_list)
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
            "facets": _facets(request, filterset),
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
    claims = filterset.qs.only(*CSV_COLUMNS[:-1]).iterator(chunk_size=2000)
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
    by_verdict = dict(
        Claim.objects.current().order_by().values_list("verdict").annotate(n=Count("pk"))
    )
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
    queue = list(
        Claim.objects.current()
        .filter(verdict="")
        .order_by(queue_priority().asc(), "created_at", "pk")
        .prefetch_related("tags")[:QUEUE_SIZE]
    )
    return render(
        request,
        "claims/dashboard.html",
        {
            "status_chart": status_breakdown(Claim.objects.current()),
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
    claims = Claim.objects.current().filter(
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


def _render_claim(request, claim, review_form, status=200):
    """The claim page. Queries, whatever the size of the claim or the database:
    the claim (with its creator), its tags, its attributions (with source,
    outlet, owner group, speaker and relaying agency), the relays of their
    sources, its reviews, the claim's history, its attributions' history, and
    the similar claims, and the notes on the claim and its attributions (for
    roles that see annotations). Removed and orphaned attributions come with
    the same query and are listed apart; only live ones are evidence, in the
    chain too.
    """
    every_attribution = list(
        claim.attributions.select_related(
            "source__outlet__owner_group", "speaker", "relayed_via__owner_group"
        ).order_by(F("source__published_on").asc(nulls_last=True), "source_id", "start")
    )
    attributions = [a for a in every_attribution if a.is_live]
    orphaned = [a for a in every_attribution if a.deleted_at is None and a.orphaned_at]
    removed = [a for a in every_attribution if a.deleted_at is not None]
    for attribution in attributions:
        attribution.in_context = quote_in_context(
            attribution.source.body, attribution.start, attribution.end
        )
    groups = origin_groups(claim, attributions, relay_rows(claim))
    # The agency each passage came through, also when the engine found it named
    # in the paragraph ("TASS said") rather than set on the attribution.
    via = {pk: name for group in groups for pk, name in group.via.items()}
    for attribution in attributions:
        attribution.via_name = via.get(attribution.pk, "")
    # Its own reviews and those of the claims merged into it, in one query.
    all_reviews = list(
        Review.objects.filter(Q(claim=claim) | Q(claim__merged_into=claim))
        .select_related("reviewer", "claim")
        .order_by("-created_at", "-pk")
    )
    reviews = [r for r in all_reviews if r.claim_id == claim.pk]
    merged_reviews = [r for r in all_reviews if r.claim_id != claim.pk]
    names = {("claim", claim.pk): "this claim"}
    for a in every_attribution:
        names[("source", a.source_id)] = str(a.source)
        if a.speaker_id:
            names[("speaker", a.speaker_id)] = a.speaker.name
        if a.relayed_via_id:
            names[("relayed_via", a.relayed_via_id)] = a.relayed_via.name
    return render(
        request,
        "claims/claim_detail.html",
        {
            "claim": claim,
            "attributions": attributions,
            "orphaned": orphaned,
            "removed": removed,
            "groups": groups,
            "chain": chain_layout(claim, groups),
            "reviews": reviews,
            "merged_reviews": merged_reviews,
            "review_form": review_form,
            "history": claim_history(claim, names),
            "similar": similar_claims(claim),
            # schema.org ClaimReview for claims with a verdict, from rows loaded above.
            "claimreview": claimreview.script_tag(data)
            if (
                data := claimreview.claim_review(
                    claim, reviews[0] if reviews else None, attributions, request.build_absolute_uri
                )
            )
            else "",
            # Notes on the claim and its evidence, in threads (claims.annotation_views).
            **claim_context(request, claim, every_attribution, attributions),
        },
        status=status,
    )


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
