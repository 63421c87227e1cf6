"""Pages of sources and outlets: the outlet page, the source reader, the text correction.

Every view enforces its role with lib.access.require_perm.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render

from claims.models import Attribution, Claim
from intake.actions import correct_source_text
from intake.forms import CorrectTextForm
from lib.access import require_perm
from sources.models import Outlet, Source
from web.annotation_views import passage_threads, reader_context
from web.forms import AttributionForm
from web.reader import highlighted_paragraphs
from web.views import claim_page, list_url, status_breakdown


@require_perm("sources.view_outlet", "claims.view_claim")
def outlet_detail(request, pk):
    """An outlet, the claims its articles carry, with a status breakdown."""
    outlet = get_object_or_404(
        Outlet.objects.select_related("owner_group").prefetch_related("aliases"), pk=pk
    )
    # Claims evidenced by at least one of the outlet's articles (same as ?outlet= on the list).
    claims = Claim.objects.listed().filter(
        Exists(Attribution.objects.live().filter(claim=OuterRef("pk"), source__outlet=outlet))
    )
    siblings = list(outlet.owner_group.outlets.exclude(pk=outlet.pk)) if outlet.owner_group else []
    return render(
        request,
        "sources/outlet_detail.html",
        {
            "outlet": outlet,
            "siblings": siblings,
            "source_count": outlet.sources.count(),
            "breakdown": status_breakdown(claims, outlet=outlet.name),
            "page": claim_page(request, claims.order_by("-created_at", "-pk")),
            "all_url": list_url(outlet=outlet.name),
        },
    )


@require_perm("sources.view_source", "claims.view_claim")
def source_detail(request, pk):
    """The source reader: the article with every attributed span highlighted.

    Queries, whatever the size of the article or the database: the source (with
    its outlet), its relays (with their outlets), and its attributions (with
    claim, speaker and relaying agency).
    """
    source = get_object_or_404(Source.objects.select_related("outlet", "imported_by"), pk=pk)
    relays = list(source.relay_links.select_related("outlet").order_by("outlet__name"))
    # Removed attributions are left out; orphaned ones (their quote was lost in a
    # text correction) come in the same query and are listed apart, not highlighted.
    every_attribution = list(
        source.attributions.filter(deleted_at__isnull=True)
        .select_related("claim", "speaker", "relayed_via")
        .defer("claim__origin_groups")  # read by the claim page only (ClaimQuerySet.listed)
        .order_by("start", "end", "pk")
    )
    attributions = [a for a in every_attribution if a.orphaned_at is None]
    orphaned = [a for a in every_attribution if a.orphaned_at is not None]
    # Passage notes and their threads (web.annotation_views): one query.
    anchored_notes, orphaned_notes = passage_threads(request, source)
    paragraphs = highlighted_paragraphs(source.body, attributions, notes=anchored_notes)
    # The claims it carries, in order of first appearance, with their attributions here.
    carried = {}
    for attribution in attributions:
        carried.setdefault(attribution.claim_id, (attribution.claim, []))[1].append(attribution)
    return render(
        request,
        "sources/source_detail.html",
        {
            "source": source,
            # Imported addresses are untrusted: link only to web pages, never javascript: etc.
            "source_link": source.url if source.url.startswith(("https://", "http://")) else "",
            "relays": relays,
            "attributions": attributions,
            "orphaned": orphaned,
            "claims": list(carried.values()),
            "kinds": Attribution.Kind.choices,
            # Editors attribute passages right here (web.editor_views.attribute).
            "attribute_form": (
                AttributionForm(source=source)
                if request.user.has_perm("claims.add_attribution")
                else None
            ),
            # The paragraphs as rows with their margin notes, orphaned notes, the note form.
            **reader_context(request, source, paragraphs, anchored_notes, orphaned_notes),
        },
    )


@require_perm("sources.view_source", "sources.change_source", "claims.view_claim")
def source_correct(request, pk):
    """Admins correct an article's stored text; every anchor is found again.

    intake.actions.correct_source_text does the work in one transaction: the new body and
    hash, the old body kept on a SourceCorrection, attributions (and any other
    registered anchors) re-anchored from their quote selectors, orphans
    flagged, statuses recomputed. A text another source has is refused.
    """
    source = get_object_or_404(Source, pk=pk)
    initial = {"body": source.body}
    form = CorrectTextForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            correction = correct_source_text(
                source, form.cleaned_data["body"], request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            text = f"Text corrected: {correction.reanchored_count} anchor(s) found again"
            if correction.orphaned_count:
                text += f", {correction.orphaned_count} orphaned (listed under Orphaned anchors)"
                messages.warning(request, text + ".")
            else:
                messages.success(request, text + ".")
            return redirect("source-detail", pk=source.pk)
    corrections = list(source.corrections.select_related("corrected_by")[:20])
    return render(
        request,
        "sources/source_correct.html",
        {"source": source, "form": form, "corrections": corrections},
        status=400 if request.method == "POST" else 200,
    )
