"""Every state change of intake is one function here; views, API, admin and commands call them."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from claims import derived
from claims.actions import attribute_passage
from claims.models import Claim, reanchor_annotations, reanchor_attributions
from intake.importer.articles import Format
from intake.importer.files import collect_files
from intake.importer.formats import read_articles
from intake.importer.run import ImportRun
from intake.models import Suggestion, reanchor_suggestions
from lib.concurrency import lock_claims, retry_once_on_conflict
from lib.text import content_hash
from sources.models import Source, SourceCorrection

# Correcting a source's text ------------------------------------------------------------


@retry_once_on_conflict
def correct_source_text(source, new_body, user, note="", *, refresh=None):
    """Replace `source`'s body with an admin's correction and re-anchor everything on it.

    In one transaction, taking its locks in the order of lib.concurrency (the
    source's suggestions, the claims its attributions evidence, the source):
    the body and its content hash are updated, the old body is kept on a
    SourceCorrection, then the attributions (claims.models.reanchor_attributions),
    the passage notes (claims.models.reanchor_annotations) and the pending
    suggestions (intake.models.reanchor_suggestions) are found again from their
    quotes; anchors not found are flagged orphaned (suggestions are dismissed),
    nothing is dropped. Derived state (statuses) is refreshed once, after the
    re-anchoring. The correction counts the attributions and notes re-anchored
    and orphaned. Raises ValidationError (and changes nothing) for an empty or
    unchanged text, or a text another source already has. Returns the
    SourceCorrection; `source.body` is the new text.
    """
    if not (new_body or "").strip():
        raise ValidationError({"body": "The corrected text is empty."})
    with derived.batch(refresh) as batch:
        list(source.suggestions.select_for_update().order_by("pk").values_list("pk"))
        lock_claims(Claim.objects, source.attributions.values_list("claim_id", flat=True))
        old_body = Source.objects.select_for_update().only("body").get(pk=source.pk).body
        _check_new_body(source, old_body, new_body)
        source.body = new_body
        try:
            with transaction.atomic():
                source.save(update_fields=["body", "content_hash"])
        except IntegrityError as error:  # a source with this text was added meanwhile
            source.body = old_body
            raise ValidationError(
                {"body": "Another source already has exactly this text."}
            ) from error
        correction = SourceCorrection.objects.create(
            source=source,
            old_body=old_body,
            old_hash=content_hash(old_body),
            new_hash=source.content_hash,
            note=note,
            corrected_by=user,
            corrected_at=timezone.now(),
        )
        for reanchored, orphaned in (
            reanchor_attributions(source, correction, batch),
            reanchor_annotations(source, correction),
        ):
            correction.reanchored_count += reanchored
            correction.orphaned_count += orphaned
        reanchor_suggestions(source, correction)
        correction.save(update_fields=["reanchored_count", "orphaned_count"])
    return correction


def _check_new_body(source, old_body, new_body):
    """Refuse (ValidationError) an unchanged text or one another source already has."""
    if new_body == old_body:
        raise ValidationError({"body": "The text is unchanged: nothing to correct."})
    clash = Source.objects.filter(content_hash=content_hash(new_body)).exclude(pk=source.pk).first()
    if clash is not None:
        raise ValidationError(
            {
                "body": f"Source #{clash.pk}, “{clash}”, already has exactly this text; "
                "two sources cannot share one text."
            }
        )


# Deciding a suggestion ------------------------------------------------------------------


class SuggestionDecided(Exception):
    """The suggestion was decided already (by another editor, or an earlier request)."""


@retry_once_on_conflict
def accept_suggestion(user, suggestion, **attribution):
    """Accept `suggestion` as the attribution `attribution` describes (the keyword
    arguments of claims.actions.attribute_passage but the source and the reason),
    in one transaction; returns the attribution.

    The suggestion is decided first, by one conditional UPDATE that locks it (the
    lock order: suggestions before claims and attributions): of two editors
    accepting it at once, the second waits, finds it decided, and writes nothing
    (SuggestionDecided). Raises ValidationError as attribute_passage does, and
    nothing is written then, the decision included. The returned attribution's
    claim carries its refreshed status (no query: the batch's result).
    """
    with derived.batch() as batch:
        decided_at = _decide(user, suggestion, Suggestion.State.ACCEPTED)
        written = attribute_passage(
            user,
            suggestion.source,
            claim_reason="Written from a suggested attribution",
            reason=f"Accepted from suggestion #{suggestion.pk}",
            refresh=batch,
            **attribution,
        )
        Suggestion.objects.filter(pk=suggestion.pk).update(attribution=written)
    batch.apply_to(written.claim)
    _decided(suggestion, Suggestion.State.ACCEPTED, user, decided_at)
    suggestion.attribution = written
    return written


def dismiss_suggestion(user, suggestion):
    """Dismiss `suggestion`: it leaves the queue and stays on record as dismissed.
    SuggestionDecided if it was decided already (nothing changes then)."""
    decided_at = _decide(user, suggestion, Suggestion.State.DISMISSED)
    _decided(suggestion, Suggestion.State.DISMISSED, user, decided_at)


def _decide(user, suggestion, state):
    """Record the decision in the database (a conditional UPDATE that locks the row);
    returns its time. The caller updates the in-memory suggestion once the whole
    write has succeeded (_decided), so a failed accept leaves it pending."""
    now = timezone.now()
    decided = Suggestion.objects.filter(pk=suggestion.pk, state=Suggestion.State.PENDING).update(
        state=state, decided_by=user, decided_at=now
    )
    if not decided:
        raise SuggestionDecided(f"Suggestion #{suggestion.pk} was decided already.")
    return now


def _decided(suggestion, state, user, decided_at):
    suggestion.state, suggestion.decided_by, suggestion.decided_at = state, user, decided_at


# Importing articles ---------------------------------------------------------------------


def import_articles(items, **options):
    """Import parsed items (intake.importer.formats.parse_bytes) with a new ImportRun of
    `options` (user, via, outlet, dry_run, corrections, keep_sources, files: see
    ImportRun); returns its ImportResult. Each article is imported on its own: one that
    fails is reported with its reason and the rest go on."""
    return ImportRun(**options).run(items)


def import_files(paths, *, fmt=Format.AUTO, encoding=None, progress=None, **options):
    """Import every article in `paths` (files and folders; globs are the caller's job).

    As import_articles, the files parsed one by one just before their articles
    are imported. A real run records itself on a new ImportBatch; a dry run
    writes nothing and reports what a real run would do. `progress(done, total,
    path)` is called after each file.
    """
    files = collect_files(paths)

    def parsed():
        for done, path in enumerate(files, start=1):
            yield from read_articles(path, fmt, encoding)
            if progress is not None:
                progress(done, len(files), path)

    return ImportRun(files=files, **options).run(parsed())


def import_article(article, *, label, user=None, outlet=None):
    """Store one parsed article (an ArticleData) as a Source with no batch, in its own
    transaction, unless it is a duplicate; returns its FileOutcome."""
    with derived.batch() as refresh:
        return ImportRun(user=user).import_article(
            article, label=label, outlet=outlet, refresh=refresh
        )
