"""Benchmark: the full status recompute (claims.status.recompute_all) at newsroom scale.

Builds (once, then reuses) a synthetic corpus with bulk inserts in a dedicated
PostgreSQL database, times several full recomputes and writes bench/RESULTS.md.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/provenance_bench \\
        .venv/bin/python bench/recompute.py [--runs 5] [--scale 1.0] [--rebuild]

Shape at scale 1.0: 2,000 outlets (60 wire agencies; 200 owner groups own 40% of
the outlets), 20,000 actors, 50,000 sources with short bodies (a fifth of them
republish an agency's story, most with a relay cue), 200,000 claims and
1,000,000 attributions with skewed per-claim counts (most claims 1-3, a few
hundreds), relayed attributions, speculation, hedges and disputes.

Each timed run starts from blank stored statuses (reset untimed), so every
claim is written: the worst case. A last run times a recompute that changes
nothing, the steady state after incremental updates.
"""

import argparse
import datetime
import os
import platform
import random
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "provenance.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/provenance_bench"

WORDS = [
    "minister",
    "security",
    "council",
    "agreed",
    "cooperation",
    "region",
    "military",
    "exercise",
    "border",
    "talks",
    "delegation",
    "summit",
    "treaty",
    "pipeline",
    "sanctions",
    "export",
    "energy",
    "trade",
    "partner",
    "navy",
    "patrol",
    "strategic",
    "stability",
    "consultation",
    "meeting",
    "visit",
    "capital",
    "foreign",
    "affairs",
    "commission",
    "statement",
    "agency",
    "official",
    "spokesman",
    "defence",
    "budget",
    "missile",
    "drill",
    "joint",
    "forces",
    "alliance",
    "pact",
    "envoy",
    "diplomat",
    "parliament",
    "president",
    "premier",
    "committee",
    "report",
    "policy",
    "framework",
    "investment",
    "bank",
    "loan",
    "project",
    "railway",
    "port",
    "harbour",
    "coast",
    "island",
    "strait",
    "tension",
    "escalation",
    "pressure",
    "threat",
    "response",
    "measure",
    "interest",
    "sovereignty",
    "integrity",
    "terrorism",
    "extremism",
    "crime",
    "drug",
    "trafficking",
    "information",
    "exchange",
    "law",
    "enforcement",
    "order",
    "public",
    "safety",
    "technology",
    "satellite",
    "cyber",
    "network",
    "infrastructure",
    "supply",
    "grain",
    "oil",
    "gas",
    "field",
    "contract",
    "company",
    "ministry",
    "department",
    "office",
    "headquarters",
    "week",
    "month",
    "year",
    "day",
    "morning",
    "evening",
    "announced",
    "stated",
    "noted",
    "added",
    "stressed",
    "emphasised",
    "confirmed",
    "denied",
    "rejected",
    "welcomed",
    "condemned",
    "urged",
    "called",
    "warned",
    "promised",
    "planned",
    "signed",
]
HEDGES = ("could", "may", "might", "likely", "possibly", "is expected to", "suggests")
KINDS = (
    (["direct_quote"] * 35) + (["paraphrase"] * 35) + (["assertion"] * 20) + (["speculation"] * 10)
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
    parser.add_argument("--seed", type=int, default=20260301)
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


# ---------------------------------------------------------------- corpus


def sentence(rng, hedge=False):
    words = [rng.choice(WORDS) for _ in range(rng.randint(9, 16))]
    if hedge:
        words.insert(rng.randint(1, len(words) - 1), rng.choice(HEDGES))
    elif rng.random() < 0.03:
        words.insert(rng.randint(1, len(words) - 1), f"on May {rng.randint(1, 28)}")
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def paragraph(rng):
    return " ".join(sentence(rng, hedge=rng.random() < 0.06) for _ in range(rng.randint(2, 4)))


def mutate(rng, text, rate):
    words = text.split(" ")
    for i in range(len(words)):
        if rng.random() < rate and not words[i].endswith("."):
            words[i] = rng.choice(WORDS)
    return " ".join(words)


def sentence_spans(body):
    """(start, end) of each sentence in the body: candidate quotes."""
    spans = []
    start = 0
    for i, ch in enumerate(body):
        if ch == ".":
            spans.append((start, i + 1))
            start = i + 2
        elif ch == "\n":
            start = i + 1
    return [(s, e) for s, e in spans if e - s > 20 and "\n" not in body[s:e]]


def build_corpus(scale, seed, out):
    from django.db import connection, transaction
    from django.utils import timezone

    from claims.models import Actor, Attribution, Claim, statement_fingerprint
    from provenance.text import content_hash, normalize_name
    from sources.models import Outlet, OwnerGroup, Source, SourceRelay

    rng = random.Random(seed)
    n_outlets, n_wires, n_groups = int(2000 * scale), max(2, int(60 * scale)), int(200 * scale)
    n_actors, n_sources = int(20000 * scale), int(50000 * scale)
    n_claims, n_attributions = int(200000 * scale), int(1_000_000 * scale)
    now = timezone.now()
    started = time.perf_counter()

    def log(msg):
        out(f"  [{time.perf_counter() - started:6.1f} s] {msg}")

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE claims_attribution, claims_historicalattribution, claims_claim, "
            "claims_historicalclaim, claims_actor, claims_historicalactor, "
            "sources_sourcerelay, sources_source, sources_outlet, sources_ownergroup "
            "RESTART IDENTITY CASCADE"
        )
    with transaction.atomic():
        groups = OwnerGroup.objects.bulk_create(
            [OwnerGroup(name=f"Holding {i:04d}") for i in range(n_groups)]
        )
        outlets = []
        for i in range(n_outlets):
            wire = i < n_wires
            name = f"Agency {i:03d}" if wire else f"Outlet {i:05d}"
            outlets.append(
                Outlet(
                    name=name,
                    name_key=normalize_name(name),
                    kind=Outlet.Kind.WIRE if wire else rng.choice(list(Outlet.Kind.values)),
                    owner_group=rng.choice(groups) if rng.random() < 0.4 else None,
                    reliability=rng.choice("AABBCCDDEF"),
                )
            )
        outlets = Outlet.objects.bulk_create(outlets, batch_size=2000)
        wires, others = outlets[:n_wires], outlets[n_wires:]
        log(f"{len(groups)} owner groups, {len(outlets)} outlets")

        actor_kinds = (
            ["official"] * 50
            + ["government_body"] * 10
            + ["journalist"] * 10
            + ["analyst"] * 15
            + ["agency"] * 5
            + ["unnamed"] * 10
        )
        actors = []
        for i in range(n_actors):
            kind = rng.choice(actor_kinds)
            role = ""
            if kind == "analyst":
                role = rng.choice(["political scientist", "sinologist", "military analyst"])
            elif kind == "unnamed":
                role = rng.choice(["analyst", "diplomatic source", "official", "expert"])
            name = f"Speaker {i:06d}"
            actors.append(Actor(name=name, name_key=normalize_name(name), kind=kind, role=role))
        actors = Actor.objects.bulk_create(actors, batch_size=5000)
        log(f"{len(actors)} actors")

        # Sources: agency stories first; a fifth of the rest republish one of them.
        sources, spans, relays, copies_of = [], [], [], {}
        n_stories = n_sources // 10
        for i in range(n_sources):
            outlet = None
            relay = None
            if i < n_stories:
                outlet = rng.choice(wires)
                paragraphs = [paragraph(rng) for _ in range(rng.randint(3, 5))]
            elif rng.random() < 0.22:
                story = rng.randrange(n_stories)
                relay = sources[story].outlet
                outlet = rng.choice(others) if rng.random() < 0.9 else None
                copied = sources[story].body.split("\n\n")
                rate = rng.choice([0.0, 0.02, 0.05, 0.3])
                paragraphs = [mutate(rng, p, rate) for p in copied[: rng.randint(2, len(copied))]]
                if rng.random() < 0.8:
                    k = rng.randrange(len(paragraphs))
                    paragraphs[k] = paragraphs[k] + f" {relay.name} said."
                paragraphs.append(paragraph(rng))
                copies_of.setdefault(story, []).append(i)
            else:
                outlet = rng.choice(others) if rng.random() < 0.9 else None
                paragraphs = [paragraph(rng) for _ in range(rng.randint(3, 6))]
            body = "\n\n".join(paragraphs)
            sources.append(
                Source(
                    title=f"Article {i}",
                    outlet=outlet,
                    body=body,
                    content_hash=content_hash(f"{i}\n{body}"),
                    published_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=i % 2000),
                    imported_at=now,
                )
            )
            spans.append(sentence_spans(body))
            if relay is not None:
                relays.append((i, relay, f"{relay.name} said" if rng.random() < 0.7 else ""))
        sources = Source.objects.bulk_create(sources, batch_size=2000)
        SourceRelay.objects.bulk_create(
            [SourceRelay(source=sources[i], outlet=o, cue=cue) for i, o, cue in relays],
            batch_size=5000,
        )
        log(f"{len(sources)} sources, {len(relays)} relays")

        # Skewed attribution counts: most claims 1-3, a few hundreds; total exact.
        counts = []
        for _ in range(n_claims):
            u = rng.random()
            if u < 0.6:
                counts.append(rng.randint(1, 2))
            elif u < 0.85:
                counts.append(rng.randint(3, 5))
            elif u < 0.98:
                counts.append(rng.randint(6, 20))
            else:
                counts.append(min(1000, int(20 / (rng.random() ** (1 / 1.4)))))
        diff = n_attributions - sum(counts)
        while diff:
            i = rng.randrange(n_claims)
            step = max(-counts[i] + 1, min(diff, 5)) if diff > 0 else max(diff, 1 - counts[i])
            counts[i] += step
            diff -= step
        log(f"claim sizes: max {max(counts)}, median {statistics.median(counts)}")

        claims = Claim.objects.bulk_create(
            [
                Claim(
                    statement=f"Synthetic claim {i}",
                    fingerprint=statement_fingerprint(f"Synthetic claim {i}"),
                    created_at=now,
                )
                for i in range(n_claims)
            ],
            batch_size=5000,
        )
        log(f"{len(claims)} claims")

        analysts = [a for a in actors if a.kind == "analyst"]
        batch, made = [], 0
        for claim, count in zip(claims, counts, strict=True):
            # A third of the claims follow one agency story and its republications.
            pool = None
            if rng.random() < 0.33:
                story = rng.randrange(n_stories)
                pool = [story, *copies_of.get(story, [])]
            used = set()
            disputes = rng.random() < 0.08
            for _ in range(count):
                for attempt in range(50):
                    in_pool = pool and attempt < 5 and rng.random() < 0.7
                    si = rng.choice(pool) if in_pool else rng.randrange(n_sources)
                    if spans[si]:
                        start, end = rng.choice(spans[si])
                        if (si, start) not in used:
                            break
                used.add((si, start))
                kind = rng.choice(KINDS)
                speaker = None
                if kind == "speculation":
                    speaker = rng.choice(analysts) if rng.random() < 0.7 else rng.choice(actors)
                elif kind != "assertion" and rng.random() < 0.9:
                    speaker = rng.choice(actors)
                batch.append(
                    Attribution(
                        claim=claim,
                        source=sources[si],
                        quote=sources[si].body[start:end],
                        start=start,
                        end=end,
                        speaker=speaker,
                        kind=kind,
                        stance="disputes" if disputes and rng.random() < 0.3 else "supports",
                        relayed_via=rng.choice(wires) if rng.random() < 0.1 else None,
                        created_at=now,
                        updated_at=now,
                    )
                )
            if len(batch) >= 20000:
                Attribution.objects.bulk_create(batch, batch_size=5000)
                made += len(batch)
                batch = []
        Attribution.objects.bulk_create(batch, batch_size=5000)
        made += len(batch)
        log(f"{made} attributions")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    log("vacuumed")


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


def write_results(info, shape, runs, cpu, steady, summary_rows, args):
    path = ROOT / "bench" / "RESULTS.md"
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    start = "<!-- recompute:start -->"
    end = "<!-- recompute:end -->"
    lines = [
        start,
        "## Full status recompute (issue 3)",
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
        f"| nothing changed (steady state, 1 run) | {steady:.1f} |",
        "",
        *summary_rows,
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

    from claims import status
    from claims.models import Claim

    call_command("migrate", verbosity=0)
    shape = counts()
    expected = int(1_000_000 * args.scale)
    if args.rebuild or shape["attributions"] != expected:
        print(f"Building the corpus (scale {args.scale}) …")
        build_corpus(args.scale, args.seed, print)
        shape = counts()
    print("Corpus:", ", ".join(f"{v:,} {k}" for k, v in shape.items()))

    workers = args.workers or status.default_workers()
    load_before = os.getloadavg()
    runs, cpu = [], []
    for i in range(args.runs):
        reset_statuses()
        before = cpu_seconds()
        summary = status.recompute_all(batch_size=args.batch_size, workers=workers)
        runs.append(summary.seconds)
        cpu.append(cpu_seconds() - before)
        print(
            f"run {i + 1}: {summary.claims:,} claims, {summary.changed:,} changed, "
            f"{summary.seconds:.1f} s wall, {cpu[-1]:.1f} s CPU in Python"
        )
    summary = status.recompute_all(batch_size=args.batch_size, workers=workers)
    steady = summary.seconds
    print(f"steady state: {summary.changed:,} changed, {steady:.1f} s")
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
        + f". The steady-state run reported {summary.changed} changed claims.",
    ]
    print(f"median {statistics.median(runs):.1f} s; peak memory {peak_mb:.0f} MB; {by_status}")
    if not args.no_write:
        path = write_results(versions(), shape, runs, cpu, steady, summary_rows, args)
        print(f"Wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
