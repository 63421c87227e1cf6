"""Annotations: notes on claims, attributions and passages, in threads.

Who may do what (the roles get these in claims/migrations/0006_annotation):

- claims.view_annotation (fact-checkers, editors, admins): read notes and
  download them as W3C Web Annotation JSON-LD;
- claims.add_annotation (editors, admins): write notes and replies;
- claims.change_annotation (editors, admins): edit and delete their own notes.
  Only the author ever edits a note;
- claims.moderate_annotation (admins): delete anyone's note.

Deleting is a soft delete kept in the history. Every change is a POST that
redirects to the page showing the note; a form with errors comes back on a
page of its own (400), and an edit based on an outdated version gets 409.

The reader and the claim page show notes through passage_threads() with
reader_context(), and claim_context(): one query each, whatever the number of
notes and replies.
"""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from claims.actions import write_note
from claims.models import Annotation, AnnotationConflict, Claim
from interchange import webanno
from lib.access import may_delete_note, require_perm
from sources.models import Source
from web.forms import (
    AnnotationEditForm,
    AnnotationReplyForm,
    ClaimAnnotationForm,
    PassageAnnotationForm,
)
from web.reader import margin_rows, rows_key

# Access helpers ----------------------------------------------------------------


def _note(pk):
    """A note that is not deleted (404 otherwise), with what its pages show."""
    note = get_object_or_404(
        Annotation.objects.select_related("author", "source", "attribution__source", "claim"),
        pk=pk,
    )
    if note.deleted_at:
        raise Http404("This annotation was deleted.")
    return note


def _own_note(request, pk):
    """A live note of the signed-in user's own (403 for anyone else's)."""
    note = _note(pk)
    if note.author_id != request.user.pk:
        raise PermissionDenied("Only the author can edit an annotation.")
    return note


def _live_claim_attributions(claim):
    """The claim's attributions that can be annotated: live ones, with their source title."""
    return list(
        claim.attributions.live()
        .select_related("source")
        .only("pk", "claim_id", "quote", "start", "source__title")
        .order_by("source_id", "start", "pk")
    )


def _form_page(request, context, status):
    return render(request, "claims/annotation_form.html", context, status=status)


# Shown inside other pages ---------------------------------------------------------


def passage_threads(request, source):
    """(anchored threads, orphaned threads) of `source`, or ([], []) without the right."""
    if not request.user.has_perm("claims.view_annotation"):
        return [], []
    threads = Annotation.threads(Annotation.objects.on_source(source))
    return (
        [t for t in threads if t.orphaned_at is None],
        [t for t in threads if t.orphaned_at is not None],
    )


def reader_context(request, source, paragraphs, anchored, orphaned):
    """What sources/source_detail.html needs: the paragraphs as rows with margin notes.

    `article_rows` is always there (the article is drawn from it, a row per
    paragraph: web.reader.margin_rows), with `article_key` (web.reader.rows_key)
    to cache the drawing of an article without margin notes; the notes, the export link and the form
    only for the roles that may see or write them.
    """
    if not request.user.has_perm("claims.view_annotation"):
        rows = margin_rows(source.body, paragraphs, [])
        return {"article_rows": rows, "article_key": rows_key(rows)}
    rows = margin_rows(source.body, paragraphs, anchored)
    return {
        "article_rows": rows,
        "article_key": rows_key(rows),
        "orphaned_notes": orphaned,
        "note_count": len(anchored) + len(orphaned),
        "note_form": PassageAnnotationForm(source=source)
        if request.user.has_perm("claims.add_annotation")
        else None,
    }


# The columns of a note, its author and its attribution that the claim page shows.
_CLAIM_NOTE_COLUMNS = (
    "claim_id",
    "attribution_id",
    "source_id",
    "parent_id",
    "exact",
    "start",
    "orphaned_at",
    "text",
    "author_id",
    "created_at",
    "version",
    "deleted_at",
    "author__username",
    "attribution__claim_id",
    "attribution__source_id",
    "attribution__quote",
    "attribution__start",
    "attribution__deleted_at",
    "attribution__orphaned_at",
    "attribution__source__title",
)


def claim_context(request, claim, live):
    """The claim page's notes: on the claim, and on each of its attributions, with threads.

    Every attribution of the claim counts (removed and orphaned ones too, so
    that no note goes missing); new notes may go on the claim or on the `live`
    attributions shown on the page (the evidence page). One query: notes on
    the claim and on its attributions (a subquery), with replies, authors and
    the annotated attribution's quote and source title. Returns the context for
    claims/partials/annotations.html.
    """
    if not request.user.has_perm("claims.view_annotation"):
        return {}
    notes = (
        Annotation.objects.on_claim(claim, claim.attributions.values("pk"))
        .select_related("attribution__source")
        # What claims/partials/annotations.html shows: fewer columns, less to build.
        .only(*_CLAIM_NOTE_COLUMNS)
    )
    threads = Annotation.threads(notes)
    by_attribution = {}
    for thread in threads:
        if thread.attribution_id:
            by_attribution.setdefault(thread.attribution_id, (thread.attribution, []))[1].append(
                thread
            )
    return {
        "claim_notes": [t for t in threads if not t.attribution_id],
        "attribution_notes": sorted(
            by_attribution.values(), key=lambda item: (item[0].source_id, item[0].start, item[0].pk)
        ),
        "note_count": len(threads),
        "note_form": ClaimAnnotationForm(claim=claim, attributions=live)
        if request.user.has_perm("claims.add_annotation")
        else None,
    }


def orphaned_notes(request, limit):
    """The newest passage notes whose quote a text correction lost (one query), or None.

    For the editors' "Orphaned anchors" page (web.editor_views), next to the
    orphaned attributions; each is also listed under its article in the reader.
    """
    if not request.user.has_perm("claims.view_annotation"):
        return None
    return list(
        Annotation.objects.orphaned()
        .select_related("source", "author")
        .only(
            "pk",
            "exact",
            "text",
            "orphaned_at",
            "orphan_reason",
            "source__id",
            "source__title",
            "author__username",
        )
        .order_by("-orphaned_at", "-pk")[:limit]
    )


# Writing notes ----------------------------------------------------------------------


@require_perm("sources.view_source", "claims.add_annotation")
def source_annotate(request, pk):
    """A note on a passage: the quote is found in the text (prefix/suffix tell repeats apart)."""
    source = get_object_or_404(Source.objects.select_related("outlet"), pk=pk)
    if request.method == "POST":
        form = PassageAnnotationForm(request.POST, source=source)
        if form.is_valid():
            data = form.cleaned_data
            note = write_note(
                request.user, data["text"], source=source, span=data["span"], exact=data["exact"]
            )
            messages.success(request, "Note added beside the passage.")
            return redirect(note.get_absolute_url())
        status = 400
    else:
        form, status = PassageAnnotationForm(source=source), 200
    return _form_page(
        request,
        {
            "title": "Annotate a passage",
            "form": form,
            "action": reverse("source-annotate", args=[source.pk]),
            "back": reverse("source-detail", args=[source.pk]),
            "back_label": str(source),
        },
        status,
    )


@require_perm("claims.view_claim", "claims.add_annotation")
def claim_annotate(request, pk):
    """A note on a claim, or on one of its attributions (not on a claim merged away)."""
    claim = get_object_or_404(Claim.objects.current(), pk=pk)
    attributions = _live_claim_attributions(claim)
    if request.method == "POST":
        form = ClaimAnnotationForm(request.POST, claim=claim, attributions=attributions)
        if form.is_valid():
            attribution = form.cleaned_data["target"]
            note = write_note(
                request.user,
                form.cleaned_data["text"],
                claim=claim if attribution is None else None,
                attribution=attribution,
            )
            messages.success(request, "Note added.")
            return redirect(f"{reverse('claim-detail', args=[claim.pk])}#note-{note.pk}")
        status = 400
    else:
        initial = {"target": request.GET.get("target", "claim")}
        form = ClaimAnnotationForm(initial=initial, claim=claim, attributions=attributions)
        status = 200
    return _form_page(
        request,
        {
            "title": "Annotate the claim",
            "form": form,
            "action": reverse("claim-annotate", args=[claim.pk]),
            "back": reverse("claim-detail", args=[claim.pk]),
            "back_label": str(claim),
        },
        status,
    )


@require_perm("claims.view_annotation", "claims.add_annotation")
def annotation_reply(request, pk):
    """A reply in a note's thread; it inherits the thread's target."""
    parent = _note(pk)
    if request.method == "POST":
        form = AnnotationReplyForm(request.POST)
        if form.is_valid():
            reply = parent.reply(request.user, form.cleaned_data["text"])
            reply.attribution = parent.attribution
            messages.success(request, "Reply added.")
            return redirect(reply.get_absolute_url())
        status = 400
    else:
        form, status = AnnotationReplyForm(), 200
    return _form_page(
        request,
        {
            "title": "Reply",
            "form": form,
            "note": parent,
            "action": reverse("annotation-reply", args=[parent.pk]),
            "back": parent.get_absolute_url(),
            "back_label": "Back to the thread",
        },
        status,
    )


@require_perm("claims.view_annotation", "claims.change_annotation")
def annotation_edit(request, pk):
    """Edit one's own note. A save based on an outdated version is refused (409)."""
    note = _own_note(request, pk)
    status = 200
    conflict = False
    if request.method == "POST":
        form = AnnotationEditForm(request.POST)
        if form.is_valid():
            try:
                note.edit(form.cleaned_data["text"], form.cleaned_data["version"], request.user)
            except AnnotationConflict:
                note.refresh_from_db()
                if note.deleted_at:
                    raise Http404("This annotation was deleted meanwhile.") from None
                conflict, status = True, 409
                form = AnnotationEditForm(
                    initial={"text": form.cleaned_data["text"], "version": note.version}
                )
            else:
                messages.success(request, "Note saved.")
                return redirect(note.get_absolute_url())
        else:
            status = 400
    else:
        form = AnnotationEditForm(initial={"text": note.text, "version": note.version})
    return _form_page(
        request,
        {
            "title": "Edit your note",
            "form": form,
            "note": note,
            "conflict": conflict,
            "action": reverse("annotation-edit", args=[note.pk]),
            "back": note.get_absolute_url(),
            "back_label": "Back to the note",
        },
        status,
    )


@require_perm("claims.view_annotation")
@require_POST
def annotation_delete(request, pk):
    """Soft-delete a note: its author, or a moderator. Its replies stay in the thread."""
    note = _note(pk)
    if not may_delete_note(request.user, note):
        raise PermissionDenied("Only the author or a moderator can delete an annotation.")
    note.soft_delete(request.user)
    messages.success(request, "Note deleted. Its replies stay; the history keeps the text.")
    return redirect(note.get_absolute_url())


# Export -------------------------------------------------------------------------------


def _jsonld(document, filename):
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2), content_type=webanno.MEDIA_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_perm("sources.view_source", "claims.view_annotation")
def source_annotations_export(request, pk):
    """The source's passage notes and their replies, as a W3C AnnotationCollection."""
    source = get_object_or_404(Source.objects.only("pk", "title", "url", "content_hash"), pk=pk)
    notes = list(Annotation.objects.on_source(source))
    return _jsonld(
        webanno.source_collection(source, notes), f"source-{source.pk}-annotations.jsonld"
    )


@require_perm("claims.view_claim", "claims.view_annotation")
def claim_annotations_export(request, pk):
    """Notes on the claim and on its attributions, with replies, as an AnnotationCollection."""
    claim = get_object_or_404(Claim.objects.only("pk", "statement", "fingerprint"), pk=pk)
    spans = webanno.claim_spans(claim)
    notes = list(Annotation.objects.on_claim(claim, list(spans)))
    return _jsonld(
        webanno.claim_collection(claim, spans, notes), f"claim-{claim.pk}-annotations.jsonld"
    )
