"""Benchmark: importing 10,000 generated articles with relay detection and suggestions.

Generates articles (deterministic for a seed) as plain-text files, one JSON
Lines file and one zip archive, imports them all with
intake.actions.import_files, as `manage.py import_articles` does, and
measures the rate and the memory (resident set size, sampled as files are
imported) across the batch. Writes its section of bench/RESULTS.md.

    .venv/bin/python bench/import_rate.py                       # SQLite (a fresh file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/provenance_h5_bench \\
        .venv/bin/python bench/import_rate.py                   # PostgreSQL (recreated)

The database is created afresh for every run (the SQLite file under var/, or
the PostgreSQL database named in DATABASE_URL, which is dropped and created:
give it a name of its own). Target: at least 200 articles per second, with
flat memory.
"""

import argparse
import datetime
import io
import json
import os
import platform
import random
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "provenance.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("BENCH", "1")

SQLITE_PATH = ROOT / "var" / "bench-import.sqlite3"
START, END = "<!-- import-rate:start -->", "<!-- import-rate:end -->"


def _names(text):
    return text.split()


FIRST = _names(
    "Ivan Olga Pavel Anna Sergei Maria Dmitri Elena Li Wang Zhang Chen Liu Yang Huang Zhao"
)
LAST = _names(
    "Petrov Smirnova Ivanov Orlova Volkov Kuznetsova Sokolov Zhou Wu Sun Ma Hu Guo He Lin Luo"
)
PLACES = _names("Northern Eastern Global Pacific Central Baltic Caspian Atlantic Silk Steppe")
PAPERS = _names("Star Wire Herald Courier Voice Post Mirror Bulletin Tribune Observer")
ROLES = [
    "Minister of Foreign Affairs of {c}",
    "Minister of Defense of {c}",
    "Secretary of the Security Council of {c}",
    "Spokesperson of the Ministry of Foreign Affairs of {c}",
    "Ambassador of {c} to the United Nations",
]
COUNTRIES = [("Russia", "Russian", "RU"), ("China", "Chinese", "CN"), ("India", "Indian", "IN")]
TOPICS = [
    "energy cooperation",
    "the border talks",
    "joint naval patrols",
    "the new pipeline",
    "trade in national currencies",
    "the security consultations",
    "the sanctions",
    "the grain corridor",
]
FILLER = [
    "Delegations from both sides met for two days of talks in the capital.",
    "The meeting followed a summit of regional leaders earlier this month.",
    "Officials signed several documents on {t} at the end of the visit.",
    "Trade between the two countries grew by a fifth over the past year.",
    "The two sides have held such consultations every year since 2005.",
    "Observers noted the large number of military officials in the delegation.",
    "The agreement covers {t} and a number of smaller projects.",
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--no-write", action="store_true", help="do not write RESULTS.md")
    return parser.parse_args()


def rss_mb():
    """The resident set size of this process now, in MiB (Linux /proc)."""
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


# --------------------------------------------------------------------------
# Database and cast
# --------------------------------------------------------------------------


def fresh_database():
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        name = url.rsplit("/", 1)[1]
        admin = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
        return f"PostgreSQL ({name})"
    SQLITE_PATH.parent.mkdir(exist_ok=True)
    SQLITE_PATH.unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
    return f"SQLite ({SQLITE_PATH.relative_to(ROOT)})"


def make_cast(rng):
    """The demo's outlets and actors, plus 2,000 actors and 200 outlets, as lookups see them."""
    from claims.models import Actor, ActorAlias
    from lib.text import normalize_name
    from sources.models import Outlet, OutletAlias
    from tests.factories import make_demo_cast

    make_demo_cast()
    actors, aliases, names = [], [], set()
    while len(actors) < 2000:
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}{rng.randrange(100)}"
        if name in names:
            continue
        names.add(name)
        country, _, code = rng.choice(COUNTRIES)
        kind = rng.choice(["official"] * 6 + ["analyst"] * 2 + ["journalist"])
        actors.append(
            Actor(name=name, kind=kind, role=rng.choice(ROLES).format(c=country), country=code)
        )
    for actor in actors:
        actor.name_key = normalize_name(actor.name)
    Actor.objects.bulk_create(actors)
    for actor in Actor.objects.filter(name__in=names)[:500]:
        aliases.append(ActorAlias(actor=actor, name=actor.name.split()[-1]))
    for alias in aliases:
        alias.name_key = normalize_name(alias.name)
    ActorAlias.objects.bulk_create(aliases, ignore_conflicts=True)
    names = [f"{a} {b} {c}" for a in PLACES for b in PAPERS for c in ("News", "Daily")]
    outlets = [Outlet(name=name, kind="wire") for name in names[:200]]
    for outlet in outlets:
        outlet.name_key = normalize_name(outlet.name)
    Outlet.objects.bulk_create(outlets)
    OutletAlias.objects.bulk_create(
        [
            OutletAlias(outlet=o, name=f"AN{n}", name_key=f"an{n}")
            for n, o in enumerate(Outlet.objects.filter(name__in=names[:200]))
        ]
    )
    return [a.name for a in actors], [o.name for o in outlets]


# --------------------------------------------------------------------------
# Articles
# --------------------------------------------------------------------------


def article(rng, n, people, agencies):
    """One article: a title, a date line, paragraphs of quotes, reported speech, hedges."""
    country, adjective, _ = rng.choice(COUNTRIES)
    topic = rng.choice(TOPICS)
    lines = [
        f"Talks on {topic} number {n}",
        rng.choice(["", f"By {rng.choice(FIRST)} {rng.choice(LAST)} March {1 + n % 28}, 2023"]),
    ]
    for _ in range(rng.randint(4, 8)):
        person = rng.choice(people + ["Nikolai Patrushev", "Yang Jiechi", "Patrushev"])
        unknown = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        agency = rng.choice(agencies + ["TASS", "Xinhua", "RIA Novosti"])
        kind = rng.randrange(8)
        filler = rng.choice(FILLER).format(t=topic)
        if kind == 0:
            text = f"“We have agreed on {topic} and will move forward,” {person} said. {filler}"
        elif kind == 1:
            text = (
                f"{person} noted that {topic} could possibly change the balance in the region. "
                f"{filler}"
            )
        elif kind == 2:
            text = f"According to {agency}, the sides discussed {topic} in detail. {filler}"
        elif kind == 3:
            text = (
                f"Political scientist {unknown} wrote that the visit suggests a new phase. {filler}"
            )
        elif kind == 4:
            text = f"“The course is unchanged,” {agency} quoted {person} as saying. {filler}"
        elif kind == 5:
            text = (
                f"The {adjective} foreign minister told reporters that {topic} was on track. "
                f"{filler}"
            )
        elif kind == 6:
            text = (
                f"Some analysts say that {topic} will strengthen both economies. {filler} {filler}"
            )
        else:
            text = f"{filler} The talks on {topic} lasted longer than planned, {agency} said."
        lines.append(text)
    if rng.random() < 0.3:
        lines.append("Subscribe to our Telegram channel!")
    return lines[0], "\n\n".join(line for line in lines if line) + "\n"


def write_articles(folder, count, rng, people, agencies):
    """count articles: 80% .txt files, 10% rows of one .jsonl, 10% members of one .zip."""
    texts = folder / "texts"
    texts.mkdir()
    n_jsonl = n_zip = count // 10
    n_text = count - n_jsonl - n_zip
    for n in range(n_text):
        _, text = article(rng, n, people, agencies)
        (texts / f"{n:05d}.txt").write_text(text, encoding="utf-8")
    with open(folder / "rows.jsonl", "w", encoding="utf-8") as handle:
        for n in range(n_text, n_text + n_jsonl):
            title, text = article(rng, n, people, agencies)
            row = {"title": title, "body": text, "url": f"https://example.com/a/{n}"}
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for n in range(n_text + n_jsonl, count):
            archive.writestr(f"zipped/{n:05d}.txt", article(rng, n, people, agencies)[1])
    (folder / "bundle.zip").write_bytes(buffer.getvalue())
    return [texts, folder / "rows.jsonl", folder / "bundle.zip"]


# --------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------


def write_results(rows, info, args):
    path = ROOT / "bench" / "RESULTS.md"
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    block = "\n".join(
        [
            START,
            "## Import rate",
            "",
            f"Measured {datetime.date.today().isoformat()} with `bench/import_rate.py`: "
            f"{args.articles:,} generated articles (80% plain-text files, 10% rows of one "
            "JSON Lines file, 10% members of one zip), each with 4–8 paragraphs of quotes, "
            "reported speech, agency cues and hedges, imported through "
            "`intake.actions.import_files` with relay detection and suggested "
            "attributions; 2,000+ actors and 200+ outlets to resolve against. Target: at "
            "least 200 articles/s with flat memory.",
            "",
            "| Machine | |",
            "|---|---|",
            *[f"| {k} | {v} |" for k, v in info.items()],
            "",
            "| Database | articles | seconds | articles/s | CPU s (this process) "
            "| articles per CPU-second | load average (2 cores) | suggestions | relays "
            "| RSS after 10% / 50% / 100% of the text files (MiB) |",
            "|---|---:|---:|---:|---:|---:|---|---:|---:|---|",
            *rows,
            "",
            "The machine is shared: articles/s is wall-clock time under the load shown; "
            "articles per CPU-second is what one uncontended core does (the importer runs "
            "in one process). On PostgreSQL part of the work is in the server process, "
            "not counted in CPU s.",
            "",
            "Memory: the run keeps one light outcome per article (no text, no Source), "
            "forgets committed articles' hashes (the database finds those duplicates), "
            "and parses each file just before importing it, so the resident set stays "
            "flat across the batch (the last column).",
            "",
            "Reproduce:",
            "",
            "```",
            ".venv/bin/python bench/import_rate.py",
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/provenance_h5_bench \\",
            "    .venv/bin/python bench/import_rate.py",
            "```",
            END,
        ]
    )
    if START in text:
        before, rest = text.split(START, 1)
        after = rest.split(END, 1)[1] if END in rest else ""
        text = before + block + after
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text)
    return path


def existing_rows():
    """The rows of the other database from an earlier run, to keep both in the table."""
    path = ROOT / "bench" / "RESULTS.md"
    if not path.exists() or START not in path.read_text():
        return {}
    section = path.read_text().split(START, 1)[1].split(END, 1)[0]
    return {
        line.split("|")[1].strip().split(" ")[0]: line
        for line in section.splitlines()
        if line.startswith("| SQLite") or line.startswith("| PostgreSQL")
    }


def main():
    args = parse_args()
    database = fresh_database()

    import django

    django.setup()
    from django.core.management import call_command

    from intake.actions import import_files
    from intake.models import Suggestion
    from sources.models import Source, SourceRelay

    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)
    people, agencies = make_cast(rng)
    folder = Path(tempfile.mkdtemp(prefix="bench-import-"))
    try:
        paths = write_articles(folder, args.articles, rng, people, agencies)
        text_files = int(args.articles * 0.8)
        samples = {}
        marks = {max(1, text_files // 10): "10%", text_files // 2: "50%", text_files: "100%"}

        def progress(done, total, path):
            if done in marks:
                samples[marks[done]] = rss_mb()

        load = os.getloadavg()[0]
        started, cpu = time.perf_counter(), time.process_time()
        result = import_files(paths, keep_sources=False, progress=progress)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    imported = len(result.imported)
    failed = list(result.failed)
    if failed or imported != args.articles:
        sys.exit(f"Expected {args.articles} imported, got {imported}; failures: {failed[:3]}")
    rate = imported / seconds
    suggestions, relays = Suggestion.objects.count(), SourceRelay.objects.count()
    assert Source.objects.count() == imported
    memory = " / ".join(f"{samples.get(k, 0):.0f}" for k in ("10%", "50%", "100%"))
    cpu_rate = imported / cpu
    load = f"{load:.1f} → {os.getloadavg()[0]:.1f}"
    print(
        f"{database}: {imported:,} articles in {seconds:.1f} s = {rate:.0f} articles/s "
        f"({cpu:.1f} s of CPU in this process = {cpu_rate:.0f} per CPU-second; load {load}); "
        f"{suggestions:,} suggestions, {relays:,} relays; RSS {memory} MiB"
    )
    row = (
        f"| {database} | {imported:,} | {seconds:.1f} | **{rate:.0f}** | {cpu:.1f} "
        f"| {cpu_rate:.0f} | {load} | {suggestions:,} | {relays:,} | {memory} |"
    )
    if not args.no_write:
        import psycopg

        rows = existing_rows()
        rows[database.split(" ")[0]] = row
        info = {
            "CPU": f"{os.cpu_count()} cores ({platform.machine()}), load {os.getloadavg()[0]:.2f}",
            "OS": platform.platform(),
            "Python": platform.python_version(),
            "Django": django.get_version(),
            "psycopg": psycopg.__version__,
        }
        path = write_results([rows[k] for k in sorted(rows, reverse=True)], info, args)
        print(f"Wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
