"""Benchmark: the full status recompute (claims.engine.recompute_all) at newsroom scale.

Times several full recomputes on the project's synthetic corpus (bench/corpus.py,
`manage.py generate_corpus`, the one bench/run uses) in a dedicated PostgreSQL
database, building it with bulk inserts if it is not there, and writes its
section of bench/RESULTS.md.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/provenance_bench \\
        .venv/bin/python bench/recompute.py [--runs 5] [--scale 1.0] [--rebuild]

Shape at scale 1.0 (see bench/corpus.py): 2,000 outlets (60 wire agencies; 200
owner groups own 40% of the outlets), 20,000 actors, 50,000 sources (a fifth
republish an agency story, most with a relay cue), 200,000 claims and 1,000,000
attributions with skewed per-claim counts (most claims 1-3, 2% with 20 to
1,000), relayed attributions, speculation, hedges and disputes.

Each timed run starts from blank stored statuses (reset untimed), so every
claim is written: the worst case. A second recompute right after it changes
nothing: the steady state after incremental updates.
"""

import argparse
import datetime
import os
import platform
import resource
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "provenance.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("BENCH", "1")

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/provenance_bench"
NOTE = (
    "Corpus: `bench/corpus.py`, seed {seed} (the one `bench/run` uses). Where the time goes: "
    "the Python side (fetch, evaluate, explain) is about 48 CPU-seconds per million "
    "attributions, split over the workers; PostgreSQL does the rest. The gap between the two "
    "columns is the writing: every claim changes status, so each of the 200,000 row updates "
    "is non-HOT and touches every index of the claim table (nine, among them the statement "
    "trigram GIN index). After incremental updates nothing is written, as in the second "
    "column."
)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed full recomputes (default 5)")
    parser.add_argument("--scale", type=float, default=1.0, help="corpus size factor")
    parser.add_argument("--batch-size", type=int, default=5000, help="claims per batch")
    parser.add_argument(
        "--workers", type=int, default=None, help="worker processes (default: as the command)"
    )
    parser.add_argument("--rebuild", action="store_true", help="rebuild the corpus")
    parser.add_argument(
        "--seed", type=int, default=8, help="corpus seed (default 8, as bench/run uses)"
    )
    parser.add_argument("--no-write", action="store_true", help="do not write RESULTS.md")
    return parser.parse_args()


def ensure_database(url):
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def counts():
    from claims.models import Attribution, Claim
    from sources.models import Outlet, Source, SourceRelay

    return {
        "outlets": Outlet.objects.count(),
        "sources": Source.objects.count(),
        "relays": SourceRelay.objects.count(),
        "claims": Claim.objects.count(),
        "attributions": Attribution.objects.count(),
    }


def cpu_seconds():
    """User + system CPU of this process and its finished workers (not PostgreSQL's)."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def reset_statuses():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE claims_claim SET status = 'unsupported', grade = 6, explanation = '', "
            "origin_count = 0"
        )
        cursor.execute("VACUUM ANALYZE claims_claim")


def versions():
    import django
    import psycopg
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        buffers = cursor.fetchone()[0]
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return {
        "cpu": f"{cpu}, {os.cpu_count()} cores",
        "memory": f"{mem_kb / 1024 / 1024:.0f} GB",
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "psycopg": psycopg.__version__,
        "postgresql": f"{pg} (shared_buffers {buffers})",
    }


def write_results(info, shape, runs, cpu, steady, loads, summary_rows, args):
    path = ROOT / "bench" / "RESULTS.md"
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    start = "<!-- recompute:start -->"
    end = "<!-- recompute:end -->"
    lines = [
        start,
        "## Full status recompute",
        "",
        f"Measured {datetime.date.today().isoformat()} with `bench/recompute.py` "
        f"(scale {args.scale}, batches of {args.batch_size} claims). Target: under 60 s "
        "for 1,000,000 attributions on PostgreSQL on this 2-core machine.",
        "",
        "| Machine | |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in info.items()],
        "",
        "| Corpus | rows |",
        "|---|---:|",
        *[f"| {k} | {v:,} |" for k, v in shape.items()],
        "",
        "| Full recompute | seconds |",
        "|---|---:|",
        f"| every claim written (median of {len(runs)}) | **{statistics.median(runs):.1f}** |",
        f"| every claim written (min / max) | {min(runs):.1f} / {max(runs):.1f} |",
        f"| CPU seconds in Python per run, all workers (median) | {statistics.median(cpu):.1f} |",
        "| nothing changed, right after (steady state, median) | "
        f"{statistics.median(steady):.1f} |",
        "",
        "| Run | load (1 min) at start | every claim written, s | nothing changed, s |",
        "|---:|---:|---:|---:|",
        *[
            f"| {i + 1} | {load:.1f} | {cold:.1f} | {warm:.1f} |"
            for i, (load, cold, warm) in enumerate(zip(loads, runs, steady, strict=True))
        ],
        "",
        *summary_rows,
        "",
        NOTE.format(seed=args.seed),
        "",
        "Reproduce:",
        "",
        "```",
        f"DATABASE_URL={DEFAULT_URL} \\",
        f"    .venv/bin/python bench/recompute.py --runs {args.runs}",
        "```",
        end,
    ]
    block = "\n".join(lines)
    if start in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1] if end in rest else ""
        text = before + block + after
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text)
    return path


def main():
    args = parse_args()
    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    if not url.startswith("postgres"):
        sys.exit("The benchmark runs on PostgreSQL: set DATABASE_URL=postgres://…")
    ensure_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Count

    from bench import corpus
    from claims import engine
    from claims.models import Claim

    call_command("migrate", verbosity=0)
    # The corpus is the project's shared one (bench/corpus.py, `manage.py
    # generate_corpus`), which bench/run also builds in this database: reuse it
    # when it is there; it is deterministic for its seed and scale.
    shape = counts()
    expected = corpus.sizes(args.scale)["attributions"]
    if args.rebuild or shape["attributions"] != expected:
        print(f"Building the corpus (seed {args.seed}, scale {args.scale}) …")
        if not corpus.is_empty():
            corpus.wipe()
        corpus.build(scale=args.scale, seed=args.seed, out=print)
        shape = counts()
    print("Corpus:", ", ".join(f"{v:,} {k}" for k, v in shape.items()))

    workers = args.workers or engine.default_workers()
    load_before = os.getloadavg()
    runs, cpu, steady, loads, changed_after = [], [], [], [], []
    for i in range(args.runs):
        reset_statuses()
        loads.append(os.getloadavg()[0])
        before = cpu_seconds()
        summary = engine.recompute_all(batch_size=args.batch_size, workers=workers)
        runs.append(summary.seconds)
        cpu.append(cpu_seconds() - before)
        again = engine.recompute_all(batch_size=args.batch_size, workers=workers)
        steady.append(again.seconds)
        changed_after.append(again.changed)
        print(
            f"run {i + 1} (load {loads[-1]:.1f}): {summary.claims:,} claims, "
            f"{summary.changed:,} changed, {summary.seconds:.1f} s wall, {cpu[-1]:.1f} s CPU "
            f"in Python; again: {again.changed} changed, {again.seconds:.1f} s"
        )
    load_after = os.getloadavg()
    peak_mb = (
        max(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
        )
        / 1024
    )
    by_status = dict(Claim.objects.order_by().values_list("status").annotate(n=Count("pk")))
    summary_rows = [
        f"{workers} worker process(es). Load average (1 min) {load_before[0]:.1f} before the "
        f"runs, {load_after[0]:.1f} after (other work shares the 2 cores). "
        f"Peak memory of one process: {peak_mb:.0f} MB. Statuses after the run: "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(by_status.items()))
        + f". The steady-state runs reported {max(changed_after)} changed claims.",
    ]
    print(
        f"median {statistics.median(runs):.1f} s, steady {statistics.median(steady):.1f} s; "
        f"peak memory {peak_mb:.0f} MB; {by_status}"
    )
    if not args.no_write:
        path = write_results(versions(), shape, runs, cpu, steady, loads, summary_rows, args)
        print(f"Wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
