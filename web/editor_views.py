"""Views of the editors' tools: attributing passages, claims, merges, anchors.

Every view enforces its role with lib.access.require_perm (check_perm and
check_may_create for rights that only some submissions need, such as creating
a claim, an actor or a tag). State changes are POST-only and redirect to a GET;
bad input re-renders the form with status 400, a stale version gets a conflict
page with status 409. Every write is one write function (claims.actions, the
claims models' write methods), which runs in one transaction and refreshes the
claims' statuses in it.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_POST

from claims.actions import (
    attribute_passage,
    edit_attribution,
    merge_actors,
    merge_claims,
    passage_errors_on,
    remove_attribution,
)
from claims.history import attribution_changes_since, changes_since
from claims.models import Actor, ActorAlias, Attribution, Claim, VersionConflict
from claims.similar import similar_claims
from lib.access import check_may_create, check_perm, require_perm
from lib.text import normalize_name
from sources.models import Source
from web.annotation_views import orphaned_notes
from web.forms import (
    ActorMergeForm,
    AttributionEditForm,
    AttributionForm,
    ClaimForm,
    ClaimMergeForm,
    add_model_errors,
    passage_values,
)

# Rows per page of the orphaned-anchors list.
PAGE_SIZE = 50
# Suggestions returned by the JSON endpoints.
AUTOCOMPLETE_LIMIT = 10
SIMILAR_LIMIT = 5


# Attributing from the source reader --------------------------------------


@require_perm("claims.view_claim", "claims.add_attribution")
def attribute(request, pk):
    """Attribute a passage of a source to a claim (existing or new), with its speaker.

    The browser sends a TextQuoteSelector (exact, prefix, suffix): the reader's
    script fills it from a selection, or the editor pastes the quote. The
    server finds the offsets itself (Source.find_quote); the write function
    claims.actions.attribute_passage validates and writes the claim, a new
    actor, new tags and the attribution in one transaction, with the claim's
    status.
    """
    source = get_object_or_404(Source.objects.select_related("outlet"), pk=pk)
    if request.method != "POST":
        initial = {
            key: request.GET[key] for key in ("exact", "prefix", "suffix") if key in request.GET
        }
        if request.GET.get("claim", "").isdigit():
            initial["claim"] = int(request.GET["claim"])
        form = AttributionForm(source=source, initial=initial)
        return _render_attribute(request, source, form)
    form = AttributionForm(request.POST, source=source)
    if not form.is_valid():
        return _render_attribute(request, source, form, status=400)
    data = form.cleaned_data
    if data["claim_obj"] is None:
        check_perm(request, "claims.add_claim")
    check_may_create(request.user, new_actor=data["new_actor"], tags=data.get("tag_list", []))
    try:
        attribution = attribute_passage(
            request.user,
            source,
            **form.attribution(),
            claim_reason="Written from the source reader",
            reason="Attributed from the source reader",
        )
    except ValidationError as error:
        add_model_errors(form, passage_errors_on("exact", error))
        return _render_attribute(request, source, form, status=400)
    claim = Claim.objects.get(pk=attribution.claim_id)
    messages.success(
        request,
        f"Attributed to claim #{claim.pk}. Its status is now {claim.get_status_display()}.",
    )
    if data.get("then") == "source":
        return redirect(reverse("source-detail", args=[source.pk]) + f"#a{attribution.pk}")
    return redirect(reverse("claim-detail", args=[claim.pk]) + f"#e{attribution.pk}")


def _render_attribute(request, source, form, status=200):
    return render(request, "claims/attribute.html", {"source": source, "form": form}, status=status)


# Claims --------------------------------------------------------------------


@require_perm("claims.view_claim", "claims.add_claim")
def claim_create(request):
    """Write a new claim: statement, event date or range, tags."""
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        check_may_create(request.user, tags=data.get("tag_list", []))
        try:
            claim = Claim.create_new(
                request.user, reason="Written on the claim form", **form.claim_words()
            )
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            messages.success(request, f"Claim #{claim.pk} written.")
            return redirect("claim-detail", pk=claim.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "claims/claim_form.html", {"form": form, "claim": None}, status=status)


def _current_claim(pk):
    claim = get_object_or_404(Claim.objects.prefetch_related("tags"), pk=pk)
    return claim


@require_perm("claims.view_claim", "claims.change_claim")
def claim_edit(request, pk):
    """Edit a claim. A save based on an older version gets the conflict page (409)."""
    claim = _current_claim(pk)
    if claim.merged_into_id:
        return redirect("claim-edit", pk=claim.merged_into_id)
    if request.method != "POST":
        form = ClaimForm(
            instance=claim,
            initial={
                "statement": claim.statement,
                "event_start": claim.event_start,
                "event_end": claim.event_end,
                "tags": ", ".join(tag.name for tag in claim.tags.all()),
                "version": claim.version,
            },
        )
        return render(request, "claims/claim_form.html", {"form": form, "claim": claim})
    form = ClaimForm(request.POST, instance=claim)
    if not form.is_valid():
        return render(request, "claims/claim_form.html", {"form": form, "claim": claim}, status=400)
    data = form.cleaned_data
    check_may_create(request.user, tags=data.get("tag_list", []))
    try:
        claim.edit(request.user, data["version"], **form.claim_words())
    except VersionConflict:
        claim.refresh_from_db()
        submitted = [
            ("Statement", data["statement"]),
            ("Event date", data.get("event_start") or "—"),
            ("Event end", data.get("event_end") or "—"),
            ("Tags", ", ".join(t.name for t in data.get("tag_list", [])) or "—"),
        ]
        resubmit = ClaimForm(
            instance=claim, initial={**request.POST.dict(), "version": claim.version}
        )
        return render(
            request,
            "claims/edit_conflict.html",
            {
                "claim": claim,
                "what": "claim",
                "seen_version": data["version"],
                "changes": changes_since(claim, data["version"]),
                "submitted": submitted,
                "form": resubmit,
                "action": reverse("claim-edit", args=[claim.pk]),
                "back": reverse("claim-detail", args=[claim.pk]),
            },
            status=409,
        )
    except ValidationError as error:
        add_model_errors(form, error)
        return render(request, "claims/claim_form.html", {"form": form, "claim": claim}, status=400)
    messages.success(request, f"Claim #{claim.pk} saved.")
    return redirect("claim-detail", pk=claim.pk)


@require_perm("claims.view_claim", "claims.change_claim", "claims.change_attribution")
def claim_merge(request, pk):
    """Merge a claim into another that says the same thing (claims.actions.merge_claims)."""
    claim = get_object_or_404(Claim, pk=pk)
    if claim.merged_into_id:
        messages.info(request, f"Claim #{claim.pk} is already merged into this one.")
        return redirect("claim-detail", pk=claim.merged_into_id)
    candidates = similar_claims(claim)
    if request.method != "POST":
        form = ClaimMergeForm(
            claim=claim, candidates=candidates, initial={"version": claim.version}
        )
        return render(
            request,
            "claims/claim_merge.html",
            {"claim": claim, "form": form, "similar": candidates},
        )
    form = ClaimMergeForm(request.POST, claim=claim, candidates=candidates)
    status = 400
    if form.is_valid():
        target = form.cleaned_data["target_claim"]
        try:
            moved, duplicates = merge_claims(
                claim, target, request.user, version=form.cleaned_data["version"]
            )
        except VersionConflict:
            status = 409
            form.add_error(
                None,
                f"Claim #{claim.pk} changed while you were looking (it is now at version "
                f"{Claim.objects.get(pk=claim.pk).version}). Read it again before merging.",
            )
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            note = f" ({duplicates} duplicate passage(s) removed)" if duplicates else ""
            messages.success(
                request,
                f"Claim #{claim.pk} merged into this one: {moved} attribution(s) moved{note}.",
            )
            return redirect("claim-detail", pk=target.pk)
    return render(
        request,
        "claims/claim_merge.html",
        {"claim": claim, "form": form, "similar": candidates},
        status=status,
    )


@require_perm("claims.view_claim")
def claim_similar(request):
    """JSON: claims worded like ?q= (claims.similar), for the attribute form's suggestions."""
    text = request.GET.get("q", "").strip()[:1000]
    results = []
    if len(text) >= 3:
        for other in similar_claims(Claim(statement=text), limit=SIMILAR_LIMIT):
            results.append(
                {
                    "id": other.pk,
                    "statement": other.statement,
                    "status": other.status,
                    "status_label": other.get_status_display(),
                    "event": other.event_display,
                    "similarity": round(other.similarity, 2),
                    "url": reverse("claim-detail", args=[other.pk]),
                }
            )
    return JsonResponse({"results": results})


# Attributions --------------------------------------------------------------


def _attribution_for_edit(pk):
    return get_object_or_404(
        Attribution.objects.select_related("claim", "source", "speaker", "relayed_via"), pk=pk
    )


def _edit_initial(attribution):
    return {
        "exact": attribution.quote,
        "prefix": attribution.prefix,
        "suffix": attribution.suffix,
        "speaker": attribution.speaker.name if attribution.speaker_id else "",
        "kind": attribution.kind,
        "stance": attribution.stance,
        "relayed_via": attribution.relayed_via.name if attribution.relayed_via_id else "",
        "seen": attribution.updated_at.isoformat(),
    }


def _render_attribution_edit(request, attribution, form, status=200):
    return render(
        request,
        "claims/attribution_edit.html",
        {"attribution": attribution, "claim": attribution.claim, "form": form},
        status=status,
    )


@require_perm("claims.view_claim", "claims.change_attribution")
def attribution_edit(request, pk):
    """Edit an attribution: kind, stance, speaker, relay, and its anchor (re-anchoring).

    Saving an orphaned attribution anchors it again (from the quote given) and
    it counts once more. A save based on an older state gets a conflict page.
    """
    attribution = _attribution_for_edit(pk)
    if attribution.deleted_at is not None:
        messages.error(request, f"Attribution #{attribution.pk} was removed; it cannot be edited.")
        return redirect("claim-detail", pk=attribution.claim_id)
    if request.method != "POST":
        form = AttributionEditForm(attribution=attribution, initial=_edit_initial(attribution))
        return _render_attribution_edit(request, attribution, form)
    form = AttributionEditForm(request.POST, attribution=attribution)
    if not form.is_valid():
        return _render_attribution_edit(request, attribution, form, status=400)
    data = form.cleaned_data
    check_may_create(request.user, new_actor=data["new_actor"])
    try:
        seen = parse_datetime(data["seen"])
    except ValueError:  # well-formed but impossible, e.g. month 13
        seen = None
    try:
        edit_attribution(request.user, attribution, seen, **passage_values(data))
    except VersionConflict:
        current = _attribution_for_edit(pk)
        return render(
            request,
            "claims/edit_conflict.html",
            {
                "claim": current.claim,
                "what": f"attribution #{current.pk}",
                "changes": attribution_changes_since(current, seen),
                "submitted": [
                    ("Quote", data["exact"]),
                    ("Speaker", data.get("speaker") or "the outlet itself"),
                    ("Kind", dict(Attribution.Kind.choices)[data["kind"]]),
                    ("Stance", dict(Attribution.Stance.choices)[data["stance"]]),
                    ("Relayed via", data["relayed_via"].name if data.get("relayed_via") else "—"),
                ],
                "form": AttributionEditForm(
                    attribution=current,
                    initial={**request.POST.dict(), "seen": current.updated_at.isoformat()},
                ),
                "action": reverse("attribution-edit", args=[current.pk]),
                "back": reverse("claim-detail", args=[current.claim_id]),
                "removed": current.deleted_at is not None,
            },
            status=409,
        )
    except ValidationError as error:
        attribution = _attribution_for_edit(pk)  # drop the unsaved changes
        form.attribution = attribution
        add_model_errors(form, passage_errors_on("exact", error))
        return _render_attribution_edit(request, attribution, form, status=400)
    attribution.claim.refresh_from_db()
    messages.success(
        request,
        f"Attribution #{attribution.pk} saved. The claim is now "
        f"{attribution.claim.get_status_display()}.",
    )
    return redirect(reverse("claim-detail", args=[attribution.claim_id]) + f"#e{attribution.pk}")


@require_perm("claims.view_claim", "claims.delete_attribution")
@require_POST
def attribution_remove(request, pk):
    """Remove an attribution: a soft delete, kept in the history; the status follows."""
    attribution = get_object_or_404(Attribution.objects.select_related("claim"), pk=pk)
    if attribution.deleted_at is None:
        remove_attribution(attribution, request.user)
        attribution.claim.refresh_from_db()
        messages.success(
            request,
            f"Attribution #{attribution.pk} removed (kept in the history). The claim is now "
            f"{attribution.claim.get_status_display()}.",
        )
    return redirect(reverse("claim-detail", args=[attribution.claim_id]) + "#evidence-heading")


@require_perm("claims.view_claim", "claims.change_attribution")
def orphaned_attributions(request):
    """Attributions whose quote was lost when a source's text was corrected, newest first.

    Queries: the session, the user, the user's permissions (2), the count, the page
    (with claim, source and speaker), and the newest orphaned passage notes (with
    source and author; annotations, for roles that see them).
    """
    orphaned = (
        Attribution.objects.orphaned()
        .select_related("claim", "source", "speaker")
        .order_by("-orphaned_at", "-pk")
    )
    page = Paginator(orphaned, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "claims/orphaned.html",
        {"page": page, "orphaned_notes": orphaned_notes(request, PAGE_SIZE)},
    )


# Actors --------------------------------------------------------------------


@require_perm("claims.view_actor")
def actor_autocomplete(request):
    """JSON: actors whose name or alias matches ?q=, for the speaker field.

    The actor the text resolves to exactly (Actor.objects.resolve: name or alias,
    "Jiechi" → Yang Jiechi) comes first, then names and aliases starting with
    it, then those containing it. Each result says which alias matched.
    """
    text = request.GET.get("q", "").strip()[:200]
    key = normalize_name(text)
    if not key:
        return JsonResponse({"results": []})
    exact = Actor.objects.resolve(text)
    exact_pk = exact.pk if exact else 0
    alias_starts = ActorAlias.objects.filter(actor=OuterRef("pk"), name_key__startswith=key)
    alias_contains = ActorAlias.objects.filter(actor=OuterRef("pk"), name_key__contains=key)
    actors = list(
        Actor.objects.filter(Q(name_key__contains=key) | Exists(alias_contains) | Q(pk=exact_pk))
        .annotate(
            rank=Case(
                When(pk=exact_pk, then=Value(0)),
                When(name_key__startswith=key, then=Value(1)),
                When(Exists(alias_starts), then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            )
        )
        .prefetch_related("aliases")
        .order_by("rank", "name")[:AUTOCOMPLETE_LIMIT]
    )
    results = []
    for actor in actors:
        aliases = actor.aliases.all()
        # The alias typed in full ("Jiechi"), else one containing it that the name lacks.
        matched = next((a.name for a in aliases if a.name_key == key), "") or next(
            (a.name for a in aliases if key in a.name_key and key not in actor.name_key), ""
        )
        results.append(
            {
                "id": actor.pk,
                "name": actor.name,
                "kind": actor.get_kind_display(),
                "role": actor.role,
                "alias": matched,
            }
        )
    return JsonResponse({"results": results})


@require_perm("claims.view_actor", "claims.change_actor", "claims.change_attribution")
def actor_merge(request, pk):
    """Merge an actor into another, keeping every name as an alias (claims.actions.merge_actors)."""
    actor = get_object_or_404(Actor.objects.prefetch_related("aliases"), pk=pk)
    form = ActorMergeForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        check_perm(request, "claims.add_actoralias")
        target = form.cleaned_data["target"]
        try:
            moved = merge_actors(actor, target, request.user)
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            messages.success(
                request,
                f"{actor.name} merged into {target.name}: {moved} attribution(s) moved; "
                f"“{actor.name}” is now an alias.",
            )
            return redirect("actor-detail", pk=target.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "claims/actor_merge.html", {"actor": actor, "form": form}, status=status)
