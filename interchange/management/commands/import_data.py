"""manage.py import_data FILE: restore a backup made by export_data (interchange.backup).

Into an empty database only (migrated; users may exist): a database that holds
any outlets, sources, actors, tags, claims or annotations is refused with a
message and left untouched. The restore is one transaction: a malformed or
inconsistent file writes nothing. Restored users have no password; set one
with `manage.py changepassword USER`.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from interchange.backup import BackupError, import_data
from lib import jsontext


class Command(BaseCommand):
    help = "Restore a backup made by export_data into an empty database (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")

    def handle(self, *args, file, **options):
        path = Path(file)
        try:
            # NUL characters are located by import_data, which names the row.
            data = jsontext.loads(path.read_text(encoding="utf-8-sig"), refuse_nul=False)
        except FileNotFoundError:
            raise CommandError(f"No such file: {path}") from None
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from None
        except jsontext.JSONRefused as error:
            raise CommandError(f"{path} is not JSON we can read: {error}") from None
        try:
            counts = import_data(data)
        except BackupError as error:
            raise CommandError(str(error)) from None
        summary = ", ".join(f"{n} {what}" for what, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Restored from {path}: {summary}."))
