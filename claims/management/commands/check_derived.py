"""manage.py check_derived: all derived state (claims.derived.DERIVED) checked for drift."""

from django.core.management.base import BaseCommand, CommandError

from claims import derived


class Command(BaseCommand):
    help = (
        "Check all derived state for drift: that the triggers are installed, the stored "
        "statuses (a full recompute, writing nothing), the search documents, the claim "
        "counts, the attributions' copied dates and (PostgreSQL) the documents' facet "
        "copies. Fails if anything drifted; --fix rebuilds what drifted."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="Rebuild what drifted.")

    def handle(self, *args, fix, **options):
        found = derived.check(fix=fix)
        for drift in found:
            line = f"{drift.name}: {drift.drifted} drifted of {drift.checked}"
            if drift.examples:
                line += f" (e.g. {', '.join(map(str, drift.examples))})"
            self.stdout.write(line)
        drifted = [d.name for d in found if d.drifted]
        if not drifted:
            self.stdout.write(self.style.SUCCESS("All derived state is current."))
        elif fix:
            self.stdout.write(self.style.SUCCESS(f"Rebuilt: {', '.join(drifted)}."))
        else:
            raise CommandError(
                f"Drifted: {', '.join(drifted)}; run manage.py check_derived --fix to rebuild."
            )
