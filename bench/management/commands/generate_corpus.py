"""manage.py generate_corpus: a deterministic synthetic newsroom corpus for benchmarks."""

import time

from django.core.management.base import BaseCommand, CommandError

from bench import corpus


class Command(BaseCommand):
    help = (
        "Create a synthetic corpus (at --scale 1.0: 50,000 sources, 2,000 outlets, 20,000 "
        "actors, 200,000 claims, 1,000,000 attributions) with bulk inserts, deterministic for "
        "--seed, then fill the derived data (statuses, search documents)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, required=True, help="Random seed.")
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Size factor (default 1.0, full size)."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Empty every claims and sources table first, if the database has data.",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Worker processes for the status recompute (default as recompute_status).",
        )

    def handle(self, *args, seed, scale, force, workers, **options):
        if not 0 < scale <= 10:
            raise CommandError("--scale must be greater than 0 and at most 10.")
        if not corpus.is_empty():
            if not force:
                raise CommandError(
                    "The database already has outlets, sources, actors or claims; "
                    "use --force to empty the claims and sources tables first."
                )
            self.stdout.write("Emptying the claims and sources tables …")
            corpus.wipe()
        started = time.perf_counter()
        self.stdout.write(f"Generating the corpus (seed {seed}, scale {scale}) …")
        out = self.stdout.write if options["verbosity"] > 0 else (lambda msg: None)
        made = corpus.build(scale=scale, seed=seed, out=out, workers=workers)
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated in {time.perf_counter() - started:.1f} s: "
                + ", ".join(f"{v:,} {k}" for k, v in made.items())
            )
        )
