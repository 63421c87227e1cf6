"""manage.py import_articles PATH...: import articles (intake.actions.import_files).

Files, folders and glob patterns; plain text, HTML pages, JSON Lines, CSV and
zip archives of these, told apart by their content (or forced with --format).
A progress bar goes to stderr while it runs (on a terminal, or with
--progress); a summary table of every article (imported, duplicate, failed
with the reason) goes to stdout. Exits non-zero when any file or row failed.
"""

import codecs
import glob
import os
import time

from django.core.management.base import BaseCommand, CommandError

from intake.actions import import_files
from intake.importer.articles import FORMAT_CHOICES, FileStatus, Format
from intake.importer.files import encoding_name
from sources.models import ImportBatch, Outlet

GLOB_CHARACTERS = set("*?[")


def expand(paths):
    """Files and folders as given; glob patterns expanded in sorted order.

    A pattern that matches nothing is kept as it is, so it is reported as missing.
    """
    expanded = []
    for path in paths:
        if GLOB_CHARACTERS & set(path) and not os.path.exists(path):
            expanded.extend(sorted(glob.glob(path, recursive=True)) or [path])
        else:
            expanded.append(path)
    return expanded


class ProgressBar:
    """A one-line progress bar redrawn in place: [#####.....] 12/40 30% 8.1/s name."""

    WIDTH = 30

    def __init__(self, stream, enabled):
        self.stream = stream
        self.enabled = enabled
        self.started = time.monotonic()
        self.drawn = False

    def __call__(self, done, total, label):
        if not self.enabled or not total:
            return
        filled = self.WIDTH * done // total
        rate = done / max(time.monotonic() - self.started, 1e-6)
        name = os.path.basename(str(label))[:40]
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (self.WIDTH - filled)}] {done}/{total} "
            f"{100 * done // total:3d}% {rate:6.1f} files/s {name:<40}",
            style_func=str,
            ending="",
        )
        self.stream.flush()
        self.drawn = True

    def finish(self):
        if self.drawn:
            self.stream.write("", style_func=str)
            self.stream.flush()


class Command(BaseCommand):
    help = (
        "Import articles from files, folders and glob patterns: plain text, HTML pages, "
        "JSON Lines, CSV, or zip archives of these. Re-running reports duplicates and "
        "changes nothing; exits non-zero when any file failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="files, folders or globs")
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would happen; write nothing"
        )
        parser.add_argument(
            "--outlet", metavar="NAME", help="outlet of every imported article (name or alias)"
        )
        parser.add_argument(
            "--format",
            dest="fmt",
            choices=[value for value, _ in FORMAT_CHOICES],
            default=Format.AUTO.value,
            help="the files' format; auto (the default) tells it from each file's content",
        )
        parser.add_argument(
            "--encoding",
            metavar="CODEC",
            help="the files' encoding (e.g. cp1251, utf-16); by default it is detected "
            "for each file, and a doubtful guess is noted on the source",
        )
        parser.add_argument(
            "--progress",
            action="store_true",
            default=None,
            help="draw the progress bar on stderr even when it is not a terminal",
        )
        parser.add_argument(
            "--no-progress", dest="progress", action="store_false", help="no progress bar"
        )

    def handle(self, *args, paths, dry_run, outlet, fmt, encoding, progress, verbosity, **options):
        if encoding:
            try:
                codecs.lookup(encoding)
            except LookupError:
                raise CommandError(f"Unknown encoding “{encoding}” (--encoding).") from None
        outlet_obj = None
        if outlet:
            outlet_obj = Outlet.objects.resolve(outlet)
            if outlet_obj is None:
                raise CommandError(
                    f"Unknown outlet “{outlet}”: no outlet has this name or alias. "
                    "Add it in the admin first."
                )

        if progress is None:
            progress = verbosity >= 1 and self.stderr.isatty()
        bar = ProgressBar(self.stderr, progress)
        try:
            result = import_files(
                expand(paths),
                via=ImportBatch.Via.COMMAND,
                outlet=outlet_obj,
                dry_run=dry_run,
                fmt=fmt,
                encoding=encoding or None,
                progress=bar,
                keep_sources=False,
            )
        finally:
            bar.finish()

        if verbosity >= 1 and result.outcomes:
            self.write_table(result.outcomes, dry_run)
        if not result.outcomes:
            self.stdout.write(self.style.WARNING("Nothing to import: no files found."))

        counts = (
            f"{len(result.imported)} {'to import' if dry_run else 'imported'}, "
            f"{len(result.duplicates)} duplicate, {len(result.failed)} failed"
        )
        if dry_run:
            self.stdout.write(f"Dry run: {counts}. Nothing was written.")
        elif result.batch is None:
            self.stdout.write(f"Nothing new: {counts}. Nothing was written.")
        else:
            self.stdout.write(f"Import batch #{result.batch.pk}: {counts}.")
        if result.failed:
            files = {outcome.file or outcome.path for outcome in result.failed}
            raise CommandError(
                f"{len(result.failed)} of {len(result.outcomes)} articles could not be "
                f"imported ({len(files)} file(s) with failures)."
            )

    def write_table(self, outcomes, dry_run):
        """One row per article: status, file (or file:row, archive!member), detail."""
        rows = [
            (self.status_label(o, dry_run), o.path, self.describe(o, dry_run)) for o in outcomes
        ]
        width = min(max(len(path) for _, path, _ in rows), 80)
        self.stdout.write(f"{'Status':<12} {'File':<{width}}  Detail")
        self.stdout.write(f"{'-' * 12} {'-' * width}  {'-' * 30}")
        styles = {
            FileStatus.IMPORTED: self.style.SUCCESS,
            FileStatus.DUPLICATE: self.style.WARNING,
            FileStatus.FAILED: self.style.ERROR,
        }
        for outcome, (label, path, detail) in zip(outcomes, rows, strict=True):
            line = f"{label:<12} {path:<{width}}  {detail}"
            self.stdout.write(styles[outcome.status](line))

    @staticmethod
    def status_label(outcome, dry_run):
        if outcome.status == FileStatus.IMPORTED and dry_run:
            return "would import"
        return str(outcome.status)

    @staticmethod
    def describe(outcome, dry_run):
        if outcome.status != FileStatus.IMPORTED:
            return outcome.message
        parts = [] if dry_run else [outcome.message]
        if outcome.title:
            parts.append(f"“{outcome.title}”")
        if outcome.outlet_name:
            parts.append(f"outlet {outcome.outlet_name}")
        if outcome.encoding and outcome.encoding != "utf-8":
            doubt = ", unsure" if outcome.article and outcome.article.encoding_candidates else ""
            parts.append(f"(decoded as {encoding_name(outcome.encoding)}{doubt})")
        if outcome.relays:
            parts.append(f"relays {', '.join(outcome.relays)}")
        if outcome.proposed_relays:
            names = ", ".join(p["name"] for p in outcome.proposed_relays)
            parts.append(f"unknown agencies proposed: {names}")
        if outcome.suggestion_count:
            parts.append(f"{outcome.suggestion_count} suggested attributions")
        if outcome.missing:
            parts.append(f"needs metadata: {', '.join(outcome.missing)}")
        return " ".join(parts)
