"""The editors' queue of suggested attributions.

The importer proposes attributions (intake.suggest, intake.models.Suggestion).
Editors (claims.add_attribution) work through them here: accept one as an
attribution, on an existing claim or a new one, or dismiss it. Accepting goes
through the same form and checks as attributing from the source reader
(web.forms.AttributionForm: the quote is found again in the body, the speaker
resolved by name or alias or created, the relay resolved) and the write
function intake.actions.accept_suggestion, which records the decision and
the attribution and refreshes the claim's status in one transaction. Every
POST redirects to a GET. A suggestion is decided once: a second decision (two
editors on one suggestion) is refused with a message, never applied twice.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from claims.actions import passage_errors_on
from claims.models import QUOTE_CONTEXT, Attribution, Claim
from claims.similar import similar_claims
from intake.actions import SuggestionDecided, accept_suggestion, dismiss_suggestion
from intake.models import Suggestion
from lib.access import check_may_create, check_perm, require_perm
from web.forms import AttributionForm, add_model_errors

# Suggestions per page of the queue.
PAGE_SIZE = 25
# Similar claims offered when accepting a suggestion.
SIMILAR_LIMIT = 5

STATE_FILTERS = [
    ("pending", "Pending"),
    ("accepted", "Accepted"),
    ("dismissed", "Dismissed"),
]


def _queue_url(request_get=None):
    url = reverse("suggestion-queue")
    query = request_get.urlencode() if request_get else ""
    return f"{url}?{query}" if query else url


def _mark_attributed(suggestions):
    """Set `attributed` on each suggestion whose passage already carries an attribution.

    One query: the live attributions of the page's sources.
    """
    source_ids = {s.source_id for s in suggestions}
    spans = {}
    for source_id, start, end, claim_id in (
        Attribution.objects.live()
        .filter(source_id__in=source_ids)
        .values_list("source_id", "start", "end", "claim_id")
    ):
        spans.setdefault(source_id, []).append((start, end, claim_id))
    for suggestion in suggestions:
        suggestion.attributed = sorted(
            {
                claim_id
                for start, end, claim_id in spans.get(suggestion.source_id, ())
                if start < suggestion.end and suggestion.start < end
            }
        )


@require_perm("claims.view_claim", "claims.add_attribution")
def suggestion_queue(request):
    """Suggested attributions, newest articles first, in text order within an article.

    Queries, whatever the size of the queue: the count, the page (with source,
    outlet, speaker and relay), and the attributions already on those sources.
    """
    state = request.GET.get("state", Suggestion.State.PENDING)
    if state not in Suggestion.State.values:
        state = Suggestion.State.PENDING
    suggestions = Suggestion.objects.filter(state=state)
    source = request.GET.get("source", "")
    if source.isdigit():
        suggestions = suggestions.filter(source_id=int(source))
    if request.GET.get("speculative") in ("yes", "no"):
        suggestions = suggestions.filter(speculative=request.GET["speculative"] == "yes")
    page = Paginator(
        suggestions.select_related(
            "source__outlet", "speaker", "relayed_via", "decided_by"
        ).order_by("-source_id", "start", "pk"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    _mark_attributed(rows)
    return render(
        request,
        "claims/suggestion_queue.html",
        {
            "page": page,
            "suggestions": rows,
            "state": state,
            "states": STATE_FILTERS,
            "source_filter": source if source.isdigit() else "",
            "speculative": request.GET.get("speculative", ""),
            "next_url": _queue_url(request.GET),
        },
    )


def _suggestion(pk):
    return get_object_or_404(
        Suggestion.objects.select_related(
            "source__outlet", "speaker", "relayed_via", "decided_by", "attribution__claim"
        ),
        pk=pk,
    )


def _initial(suggestion):
    """The attribute form filled in from a suggestion."""
    body = suggestion.source.body
    if suggestion.speaker_id:
        speaker, new = suggestion.speaker.name, False
    else:
        speaker, new = suggestion.speaker_name, bool(suggestion.speaker_name)
    return {
        "exact": suggestion.quote,
        "prefix": body[max(0, suggestion.start - QUOTE_CONTEXT) : suggestion.start],
        "suffix": body[suggestion.end : suggestion.end + QUOTE_CONTEXT],
        "speaker": speaker,
        "new_speaker": new,
        "kind": suggestion.kind,
        "stance": Attribution.Stance.SUPPORTS,
        "relayed_via": suggestion.relayed_via.name if suggestion.relayed_via_id else "",
    }


def _render_detail(request, suggestion, form, status=200):
    _mark_attributed([suggestion])
    similar = similar_claims(Claim(statement=suggestion.quote[:2000]), limit=SIMILAR_LIMIT)
    return render(
        request,
        "claims/suggestion_detail.html",
        {
            "suggestion": suggestion,
            "source": suggestion.source,
            "form": form,
            "similar": similar,
            "next": request.GET.get("next") or request.POST.get("next") or "",
        },
        status=status,
    )


def _safe_next(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    return target if target.startswith(reverse("suggestion-queue")) else ""


@require_perm("claims.view_claim", "claims.add_attribution")
def suggestion_detail(request, pk):
    """One suggestion: the passage, why it was suggested, and the form to accept it.

    Queries: the suggestion (with source, outlet, speaker, relay, decider and
    attribution), the attributions already on its source, and similar claims.
    """
    suggestion = _suggestion(pk)
    initial = _initial(suggestion)
    if request.GET.get("claim", "").isdigit():
        initial["claim"] = int(request.GET["claim"])  # a similar claim, picked
    form = AttributionForm(source=suggestion.source, initial=initial)
    return _render_detail(request, suggestion, form)


@require_perm("claims.view_claim", "claims.add_attribution")
@require_POST
def suggestion_accept(request, pk):
    """Accept a suggestion as an attribution on an existing or a new claim.

    The form is the reader's attribute form, checked the same way; the claim, a
    new actor, new tags, the attribution and the suggestion's new state are
    written in one transaction (intake.actions.accept_suggestion).
    """
    suggestion = _suggestion(pk)
    if not suggestion.is_pending:
        messages.error(request, _already_decided(suggestion))
        return redirect("suggestion-detail", pk=suggestion.pk)
    source = suggestion.source
    form = AttributionForm(request.POST, source=source)
    if not form.is_valid():
        return _render_detail(request, suggestion, form, status=400)
    data = form.cleaned_data
    if data["claim_obj"] is None:
        check_perm(request, "claims.add_claim")
    check_may_create(request.user, new_actor=data["new_actor"], tags=data.get("tag_list", []))
    try:
        attribution = accept_suggestion(request.user, suggestion, **form.attribution())
    except ValidationError as error:
        add_model_errors(form, passage_errors_on("exact", error))
        return _render_detail(request, suggestion, form, status=400)
    except SuggestionDecided:
        suggestion.refresh_from_db()
        messages.error(request, _already_decided(suggestion))
        return redirect("suggestion-detail", pk=suggestion.pk)
    claim = attribution.claim  # its status refreshed by accept_suggestion
    messages.success(
        request,
        f"Accepted as evidence for claim #{claim.pk}. "
        f"Its status is now {claim.get_status_display()}.",
    )
    return redirect(_safe_next(request) or reverse("suggestion-queue"))


def _already_decided(suggestion):
    who = suggestion.decided_by.get_username() if suggestion.decided_by else "someone"
    state = suggestion.get_state_display().lower()
    return f"Suggestion #{suggestion.pk} was already {state} by {who}."


@require_perm("claims.view_claim", "claims.add_attribution")
@require_POST
def suggestion_dismiss(request, pk):
    """Dismiss a suggestion: it leaves the queue and stays on record as dismissed."""
    suggestion = get_object_or_404(Suggestion.objects.select_related("decided_by"), pk=pk)
    try:
        dismiss_suggestion(request.user, suggestion)
    except SuggestionDecided:
        suggestion.refresh_from_db()
        messages.error(request, _already_decided(suggestion))
    else:
        messages.success(request, f"Suggestion #{suggestion.pk} dismissed.")
    return redirect(_safe_next(request) or reverse("suggestion-queue"))
