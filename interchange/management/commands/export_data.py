"""manage.py export_data FILE: everything, in the documented backup format (interchange.backup).

FILE "-" writes to standard output. Restore with `manage.py import_data FILE`
into an empty database.
"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from interchange.backup import export_data


class Command(BaseCommand):
    help = "Export everything (outlets, sources, actors, claims, evidence, reviews, annotations)."

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="Where to write the JSON; - for stdout.")

    def handle(self, *args, file, **options):
        data = export_data()
        text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
        if file == "-":
            sys.stdout.write(text)
            return
        path = Path(file)
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error}") from None
        counts = ", ".join(
            f"{len(data[key])} {key.replace('_', ' ')}"
            for key in ("sources", "claims", "attributions", "reviews", "annotations")
        )
        self.stdout.write(f"Exported to {path}: {counts} (annotations as W3C collections).")
