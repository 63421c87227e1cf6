"""manage.py import_annotations FILE...: W3C Web Annotation JSON-LD files back in.

Takes the files the source and claim pages export (an AnnotationCollection), or
an AnnotationPage or a single Annotation. Each file is imported in one
transaction: when anything in it is wrong (not JSON, a wrong @context, a bad
selector, an unknown source, claim, attribution, creator or parent), every
problem is reported and nothing of that file is written. Annotations are
matched by id, so importing a file again changes nothing. Exits non-zero when
any file failed. See interchange.webanno for the format.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from interchange.webanno import WebAnnotationError, import_document
from lib import jsontext


class Command(BaseCommand):
    help = "Import annotations from W3C Web Annotation JSON-LD files (as the pages export them)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and count, but write nothing."
        )

    def handle(self, *args, files, dry_run, **options):
        failed = 0
        for name in files:
            try:
                document = self._read(Path(name))
                report = import_document(document, dry_run=dry_run)
            except WebAnnotationError as error:
                failed += 1
                self.stderr.write(f"{name}: not imported, nothing written:")
                for problem in error.errors:
                    self.stderr.write(f"  - {problem}")
                continue
            prefix = "(dry run) " if dry_run else ""
            self.stdout.write(f"{prefix}{name}: {report}")
        if failed:
            raise CommandError(f"{failed} of {len(files)} file(s) failed; see above.")

    def _read(self, path):
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise WebAnnotationError(["No such file."]) from None
        except (OSError, UnicodeDecodeError) as error:
            raise WebAnnotationError([f"Cannot read the file: {error}"]) from None
        try:
            # NUL characters are refused by import_document, which names the note.
            return jsontext.loads(text, refuse_nul=False)
        except jsontext.JSONRefused as error:
            raise WebAnnotationError([str(error)]) from None
