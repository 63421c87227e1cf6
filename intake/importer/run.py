"""An import run: parsed items in, one Source per article, recorded on an ImportBatch.

    run = ImportRun(user=..., via=..., outlet=..., dry_run=..., corrections=...)
    result = run.run(items)             every item, in groups of COMMIT_EVERY
    outcome = run.import_article(...)   one article (inside the caller's transaction)

A run holds its options, its batch, the lookup of actors and outlets it
loaded once, and the articles it has seen (so a dry run, which writes
nothing, still reports duplicates within the run).
"""

import dataclasses
import itertools
import logging

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction

from claims import derived
from intake.importer.articles import ArticleData, FileOutcome, FileStatus, ImportResult
from intake.importer.duplicates import duplicate_index, duplicate_message, find_duplicate
from intake.importer.files import encoding_name
from intake.importer.outlets import resolve_outlet
from intake.suggest.attributions import suggest
from intake.suggest.relays import find_relays
from intake.suggestions import database_lookup, store_suggestions
from sources.models import ImportBatch, Source, SourceRelay

logger = logging.getLogger(__name__)

# Articles written per transaction: each has its own savepoint inside it.
COMMIT_EVERY = 50


class TryCarefully(Exception):
    """Something in a group failed without savepoints: do the group again with them."""


class ImportRun:
    """One run of the importer, with its options.

    user          who imports (Source.imported_by, ImportBatch.created_by)
    via           how (ImportBatch.Via)
    outlet        an Outlet overriding the outlet every article names, or None
    dry_run       write nothing; report what a real run would do
    corrections   {item label: fields an admin corrected in the upload preview}
                  (title, byline, published_on, url, language, outlet, skip)
    keep_sources  False: the outcomes keep no Source or text (a long run's
                  memory stays flat)
    files         the file names recorded on the batch; None: the items' files
    """

    def __init__(
        self,
        *,
        user=None,
        via=ImportBatch.Via.COMMAND,
        outlet=None,
        dry_run=False,
        corrections=None,
        keep_sources=True,
        files=None,
    ):
        self.user = user
        self.via = via
        self.outlet = outlet
        self.dry_run = dry_run
        self.corrections = corrections or {}
        self.keep_sources = keep_sources
        self.files = files
        self.batch = None
        self.lookup = database_lookup()
        # Content hashes and URLs of this run's articles -> (label, source id or None).
        self.seen = {}
        self.seen_files = []
        self.result = ImportResult(batch=None, dry_run=dry_run)

    # -- the whole run --

    def run(self, items):
        """Import parsed `items` (see parse_bytes), each on its own; returns the ImportResult.

        `items` may be a generator, so files are parsed just before they are
        imported. Articles are committed in groups of COMMIT_EVERY; a dry run
        over a list previews it in one group. A run that imports nothing and
        fails nothing leaves no batch behind.
        """
        if not self.dry_run:
            self.batch = ImportBatch.objects.create(created_by=self.user, via=self.via)
        self.result.batch = self.batch
        preview = self.dry_run and isinstance(items, list)
        items = iter(items)
        while True:
            group = list(itertools.islice(items, None if preview else COMMIT_EVERY))
            self.collect(self.import_group(group))
            if preview or len(group) < COMMIT_EVERY:
                break
            if not self.dry_run:
                # Committed: the next group's duplicate_index finds these in the database.
                self.seen.clear()
        self.finish()
        return self.result

    def import_group(self, group):
        """[(item, outcome or None)] for one group, in one transaction (none on a dry run).

        First without a savepoint per article (fewer round trips); if anything
        in the group fails, the group is rolled back whole and done again with
        one savepoint per article, so a failure undoes that article only.
        """
        if self.dry_run:
            return self.import_items(group, careful=True)
        seen_before = dict(self.seen)
        try:
            return self.write_group(group, careful=False)
        except TryCarefully:
            self.seen = seen_before
            return self.write_group(group, careful=True)

    def write_group(self, group, careful):
        """Import a group in one transaction, with its batch counts and one derived refresh.

        The batch's counts are written as of the end of the group, in its
        transaction: a run killed between groups leaves a batch that counts
        exactly the articles it holds. Derived state the group's writes touch
        is refreshed once, at the end of the group, in its transaction.
        """
        with transaction.atomic():
            refresh = derived.Refresh()
            outcomes = self.import_items(group, careful, refresh)
            done = self.result.outcomes + [outcome for _, outcome in outcomes if outcome]
            names = self.files
            if names is None:
                names = list(
                    dict.fromkeys([*self.seen_files, *(item.file for item, _ in outcomes)])
                )
            record_outcomes(self.batch, done, names)
            refresh.run()
        return outcomes

    def import_items(self, group, careful, refresh=None):
        # The existing sources these articles duplicate, in one or two queries. A
        # source imported meanwhile by someone else is caught by its unique hash.
        known = duplicate_index([item.article for item in group if item.article])
        return [(item, self.import_item(item, known, careful, refresh)) for item in group]

    def import_item(self, item, known, careful, refresh):
        """The outcome of one parsed item (None: the admin skipped it in the preview)."""
        if item.article is None:
            return FileOutcome(
                path=item.label, file=item.file, status=FileStatus.FAILED, message=item.error
            )
        article, outlet = item.article, self.outlet
        correction = self.corrections.get(item.label)
        if correction is not None:
            if correction.get("skip"):
                return None
            article, outlet = apply_correction(article, correction, outlet)
        try:
            outcome = self.import_article(
                article,
                label=item.label,
                outlet=outlet,
                refresh=refresh,
                known=known,
                savepoint=careful,
            )
        except Exception as exc:
            if not careful:
                raise TryCarefully from exc
            outcome = failure(item, exc)
        outcome.file = item.file
        return outcome

    def collect(self, outcomes):
        """Add a group's outcomes to the result (without their sources unless keep_sources)."""
        for item, outcome in outcomes:
            if self.files is None and item.file not in self.seen_files:
                self.seen_files.append(item.file)
            if outcome is None:
                continue
            if outcome.source is not None:
                outcome.source_id = outcome.source.pk
            if not self.keep_sources:
                outcome.source = outcome.article = None
            self.result.outcomes.append(outcome)

    def finish(self):
        if self.batch is None:
            return
        if not (self.result.imported or self.result.failed):
            # Nothing imported and nothing failed (all duplicates, or no files): the
            # run changed nothing, and leaves no batch behind.
            self.batch.delete()
            self.result.batch = self.batch = None
        else:
            files = self.files if self.files is not None else self.seen_files
            record_outcomes(self.batch, self.result.outcomes, files)

    # -- one article --

    def import_article(
        self, article, *, label, outlet=None, refresh=None, known=None, savepoint=True
    ):
        """Store one parsed article as a Source, unless it is a duplicate; its FileOutcome.

        The source, its relays and its suggested attributions are written in
        one transaction (a savepoint inside the caller's, which `refresh`
        belongs to): a failure leaves no row behind. `outlet` (an Outlet)
        overrides the outlet found in the article. `known` is a
        duplicate_index. savepoint=False writes without a savepoint of its
        own: for a caller that rolls back and retries the whole enclosing
        transaction on any error. The outcome is filled in on dry runs too.
        """
        outcome = FileOutcome(
            path=label, status=FileStatus.IMPORTED, encoding=article.encoding, article=article
        )
        outcome.title = article.title
        keys = [h for h in article.hashes() if h] + ([article.url] if article.url else [])
        if self.mark_duplicate(outcome, article, keys, known):
            return outcome
        notes = [*article.notes, *encoding_notes(article)]
        outlet_id = outlet.pk if outlet is not None else resolve_outlet(article, self.lookup, notes)
        relays, proposed = find_relays(article.body, self.lookup, own_outlet_id=outlet_id)
        found = suggest(article.body, self.lookup)
        source = self.new_source(article, label, outlet_id, notes, proposed)
        outcome.outlet_name = self.lookup.outlet_name(outlet_id) if outlet_id else ""
        outcome.missing = source.metadata_missing()
        outcome.relays = [self.lookup.outlet_name(relay.outlet_id) for relay in relays]
        outcome.proposed_relays = [p.as_dict() for p in proposed]
        outcome.suggestion_count = len(found)
        try:
            # Uniqueness (text, URL) was checked above; a race ends in IntegrityError below.
            # The foreign keys hold rows we were given or just resolved: not queried again.
            source.full_clean(
                exclude=["outlet", "batch", "imported_by"],
                validate_unique=False,
                validate_constraints=False,
            )
            if not self.dry_run:
                self.write_source(source, relays, found, savepoint, refresh)
        except ValidationError as exc:
            outcome.status = FileStatus.FAILED
            outcome.message = "; ".join(exc.messages)
            return outcome
        except IntegrityError:
            if not savepoint:
                raise  # the caller retries the whole transaction, with savepoints
            # Someone imported the same article between our check and our insert.
            existing = find_duplicate(article)
            if existing is None:
                raise
            outcome.status, outcome.source = FileStatus.DUPLICATE, existing
            outcome.message = duplicate_message(existing, article)
            return outcome
        for key in keys:
            self.seen[key] = (label, None if self.dry_run else source.pk)
        outcome.source = None if self.dry_run else source
        outcome.message = "would import" if self.dry_run else f"source #{source.pk}"
        return outcome

    def mark_duplicate(self, outcome, article, keys, known):
        """True (and `outcome` says so) if `article` duplicates a source or an earlier article."""
        existing = find_duplicate(article, known)
        if existing is not None:
            outcome.status, outcome.source = FileStatus.DUPLICATE, existing
            outcome.message = duplicate_message(existing, article)
            return True
        earlier = next((self.seen[key] for key in keys if key in self.seen), None)
        if earlier is None:
            return False
        earlier_label, earlier_pk = earlier
        outcome.status, outcome.source_id = FileStatus.DUPLICATE, earlier_pk
        what = f"source #{earlier_pk} ({earlier_label})" if earlier_pk else earlier_label
        outcome.message = f"duplicate of {what}, earlier in this run"
        return True

    def new_source(self, article, label, outlet_id, notes, proposed):
        """The unsaved Source for `article`."""
        source = Source(
            title=article.title,
            body=article.body,
            url=article.url,
            byline=article.byline,
            published_on=article.published_on,
            language=article.language or "en",
            outlet_id=outlet_id,
            imported_by=self.user,
            batch=self.batch,
            original_text=article.original_text,
            raw_html=article.raw_html,
            import_format=article.format,
            encoding=article.encoding,
            import_label=label[:1000],
            import_notes="\n".join(notes),
            proposed_relays=[p.as_dict() for p in proposed],
        )
        source.content_hash = article.hashes()[0]
        return source

    def write_source(self, source, relays, found, savepoint, refresh):
        """Insert the source, its relays (one INSERT) and its suggestions (one INSERT)."""
        with transaction.atomic(savepoint=savepoint):
            source.save()
            if relays:
                SourceRelay.objects.bulk_create(
                    [
                        SourceRelay(source=source, outlet_id=r.outlet_id, cue=r.cue[:300])
                        for r in relays
                    ]
                )
                # The engine reads relays: the claims citing this source (none yet) follow.
                refresh.add(sources=[source.pk])
            store_suggestions(source.pk, found)


def encoding_notes(article):
    """Notes for editors about how the article's bytes were decoded (none for plain UTF-8)."""
    if article.encoding_candidates:
        others = ", ".join(encoding_name(c) for c in article.encoding_candidates[1:])
        return [
            f"Decoded as {encoding_name(article.encoding)}, but the encoding detector was "
            f"unsure (also possible: {others or 'none'}); if the text looks wrong, import it "
            "again choosing the encoding."
        ]
    if article.encoding and article.encoding != "utf-8":
        return [f"Decoded as {encoding_name(article.encoding)}."]
    return []


def record_outcomes(batch, outcomes, files=None):
    """Write the files, counts and per-file errors of a run onto its batch."""
    if files is None:
        files = list(dict.fromkeys(outcome.file or outcome.path for outcome in outcomes))
    batch.files = files
    batch.imported_count = sum(o.status == FileStatus.IMPORTED for o in outcomes)
    batch.duplicate_count = sum(o.status == FileStatus.DUPLICATE for o in outcomes)
    batch.failed_count = sum(o.status == FileStatus.FAILED for o in outcomes)
    batch.errors = [
        {"file": o.path, "error": o.message} for o in outcomes if o.status == FileStatus.FAILED
    ]
    batch.save(
        update_fields=["files", "imported_count", "duplicate_count", "failed_count", "errors"]
    )


def failure(item, exc):
    """A failed outcome for an article whose import raised `exc`."""
    if isinstance(exc, DatabaseError):
        message = f"database error: {exc}"
    else:
        # A bug must not cost the rest of the batch; it is logged in full.
        logger.error("Unexpected error importing %s", item.label, exc_info=exc)
        message = f"unexpected error: {type(exc).__name__}: {exc}"
    return FileOutcome(path=item.label, status=FileStatus.FAILED, message=message)


def apply_correction(article, correction, outlet=None):
    """(article, outlet) with an admin's corrected fields applied (upload preview).

    `correction` holds title, byline, published_on, url, language and, when
    the admin set or cleared it, outlet (an Outlet or None) with outlet_name.
    """
    changes = {
        name: correction[name]
        for name in ("title", "byline", "published_on", "url", "language")
        if name in correction
    }
    if "outlet_name" in correction:
        # What the admin chose replaces what the article said, site address included.
        changes["outlet_name"] = correction["outlet_name"]
        changes["outlet_cue"] = "corrected in the upload preview"
        changes["site_domain"] = ""
    fields = {f.name: getattr(article, f.name) for f in dataclasses.fields(article)}
    article = ArticleData(**{**fields, **changes, "notes": list(article.notes), "_hashes": None})
    return article, correction.get("outlet") or outlet
