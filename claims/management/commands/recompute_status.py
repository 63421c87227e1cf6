"""manage.py recompute_status: rebuild every claim's stored status, grade and explanation."""

from django.core.management.base import BaseCommand, CommandError

from claims import engine


class Command(BaseCommand):
    help = (
        "Recompute the support status, credibility grade and explanation of every claim, "
        "in batches, and report how many changed. After incremental updates it reports 0."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=int,
            default=5000,
            help="Claims per batch; each batch is one transaction (default 5000).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Worker processes (default: one per core, up to 4, on PostgreSQL; 1 on SQLite).",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Write nothing; fail if any stored status is stale.",
        )

    def handle(self, *args, batch_size, check, workers, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        if workers is None:
            workers = engine.default_workers()
        elif workers < 1:
            raise CommandError("--workers must be at least 1.")
        verbose = options["verbosity"] > 1

        def progress(summary):
            if verbose:
                self.stdout.write(f"  {summary.claims} claims, {summary.changed} changed …")

        summary = engine.recompute_all(
            batch_size=batch_size, write=not check, progress=progress, workers=workers
        )
        if check:
            if summary.changed:
                raise CommandError(
                    f"{summary.changed} of {summary.claims} claims have a stale status; "
                    "run manage.py recompute_status to fix them."
                )
            self.stdout.write(f"Checked {summary.claims} claims: all statuses are current.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Recomputed {summary.claims} claims in {summary.seconds:.1f} s: "
                f"{summary.changed} changed."
            )
        )
