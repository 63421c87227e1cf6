"""A synthetic newsroom corpus for benchmarks: deterministic for a seed, bulk-inserted.

Used by `manage.py generate_corpus` (and bench/recompute.py, bench/run). It
spans outlets, sources, actors, claims and attributions, so it is a plain
module. Started from bench/recompute.py's builder (issue 3) and extended for
issue 8: longer article bodies, titles, bylines, event dates, verdicts and
tags, a few very long articles, a SQLite path, and the derived data filled in
at the end (statuses by the engine's full recompute, search documents by
claims.search.rebuild_all), so the database is consistent as the app sees it.

Shape at scale 1.0: 2,000 outlets (60 wire agencies; 200 owner groups own 40%
of the outlets), 20,000 actors (15% analysts, 10% unnamed), 50,000 sources
(a tenth are agency stories; a fifth of the rest republish one, verbatim or
lightly edited, most naming the agency with a relay cue; bodies of 5-14
paragraphs, about 350 words, and one in 500 a long read of 40-80 paragraphs),
200,000 claims and 1,000,000 attributions with skewed per-claim counts (most
1-3, 2% with 20 to 1,000), 10% relayed, 10% speculation, hedged quotes, 8% of
claims with disputes. Every quote is the body's text at its offsets.
"""

import datetime
import itertools
import random
import statistics
import time

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone

from claims import search, status
from claims.models import Actor, Attribution, Claim, Tag, statement_fingerprint
from lib.text import content_hash, normalize_name
from sources.models import Outlet, OwnerGroup, Source, SourceRelay

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
ACTOR_KINDS = (
    ["official"] * 50
    + ["government_body"] * 10
    + ["journalist"] * 10
    + ["analyst"] * 15
    + ["agency"] * 5
    + ["unnamed"] * 10
)


def _coined_words(n):
    """`n` distinct made-up words (fixed, whatever the seed): the long tail of the vocabulary."""
    onsets = [
        "b",
        "c",
        "d",
        "f",
        "g",
        "h",
        "k",
        "l",
        "m",
        "n",
        "p",
        "r",
        "s",
        "t",
        "v",
        "z",
        "br",
        "dr",
        "gr",
        "kr",
        "pr",
        "st",
        "tr",
        "sh",
        "ch",
    ]
    vowels = ["a", "e", "i", "o", "u", "ai", "ei", "ou"]
    codas = ["", "", "n", "r", "s", "l", "t", "m"]
    rng = random.Random(20261201)
    taken = set(WORDS) | {w for cue in HEDGES for w in cue.split()}
    coined = []
    while len(coined) < n:
        word = "".join(
            rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas)
            for _ in range(rng.randint(2, 3))
        )
        if word not in taken:
            taken.add(word)
            coined.append(word)
    return coined


# The text's vocabulary: the real words above, most frequent first, then 6,000 coined
# ones, drawn by the Zipf-Mandelbrot law (the word of rank r with weight 1 / (r + 10)),
# as in real text, so a search term is about as selective as in a newsroom's archive:
# "minister" (rank 1) is in about 1 sentence in 6, "pipeline" (rank 14) in 1 in 12, the
# 500th word in 1 in 300 and the 3,000th in 1 in 1,300.
VOCABULARY = WORDS + _coined_words(6000)
_CUMULATIVE = list(itertools.accumulate(1 / (rank + 10) for rank in range(1, len(VOCABULARY) + 1)))


def words(rng, k):
    """`k` words drawn from the vocabulary by frequency."""
    return rng.choices(VOCABULARY, cum_weights=_CUMULATIVE, k=k)


TAGS = ("energy", "defence", "diplomacy", "trade", "security", "sanctions", "border", "cyber")
# The tables a --force run empties (every model of the two apps, with history).
APPS = ("claims", "sources")


def sizes(scale):
    """Row counts for a scale; small scales keep at least a few of each."""
    return {
        "owner_groups": max(2, int(200 * scale)),
        "outlets": max(6, int(2000 * scale)),
        "wires": max(2, int(60 * scale)),
        "actors": max(10, int(20000 * scale)),
        "sources": max(20, int(50000 * scale)),
        "claims": max(20, int(200000 * scale)),
        "attributions": max(40, int(1_000_000 * scale)),
    }


def sentence(rng, hedge=False):
    chosen = words(rng, rng.randint(9, 16))
    if hedge:
        chosen.insert(rng.randint(1, len(chosen) - 1), rng.choice(HEDGES))
    elif rng.random() < 0.03:
        chosen.insert(rng.randint(1, len(chosen) - 1), f"on May {rng.randint(1, 28)}")
    chosen[0] = chosen[0].capitalize()
    return " ".join(chosen) + "."


def paragraph(rng):
    return " ".join(sentence(rng, hedge=rng.random() < 0.06) for _ in range(rng.randint(2, 4)))


def mutate(rng, text, rate):
    parts = text.split(" ")
    for i in range(len(parts)):
        if rng.random() < rate and not parts[i].endswith("."):
            parts[i] = words(rng, 1)[0]
    return " ".join(parts)


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


def is_empty():
    return not (
        Source.objects.exists()
        or Claim.objects.exists()
        or Outlet.objects.exists()
        or Actor.objects.exists()
    )


def wipe():
    """Empty every table of the claims and sources apps (a --force run)."""
    tables = []
    for label in APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if not model._meta.proxy and model._meta.managed:
                tables.append(model._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            names = ", ".join(connection.ops.quote_name(t) for t in tables)
            cursor.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        else:
            # Foreign keys are checked at commit on SQLite: every row is gone by then.
            for table in tables:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608
            cursor.execute("DELETE FROM claims_claim_fts")


def build(scale=1.0, seed=1, out=print, derive=True, workers=None):
    """Insert the corpus (in one transaction), then derive statuses and search documents.

    Returns the row counts created.
    """
    rng = random.Random(seed)
    n = sizes(scale)
    now = timezone.now()
    started = time.perf_counter()

    def log(msg):
        out(f"  [{time.perf_counter() - started:6.1f} s] {msg}")

    with transaction.atomic():
        groups = OwnerGroup.objects.bulk_create(
            [OwnerGroup(name=f"Holding {i:04d}") for i in range(n["owner_groups"])]
        )
        outlets = []
        for i in range(n["outlets"]):
            wire = i < n["wires"]
            name = f"Agency {i:03d}" if wire else f"Outlet {i:05d}"
            outlets.append(
                Outlet(
                    name=name,
                    name_key=normalize_name(name),
                    domain=f"{name.lower().replace(' ', '')}.example",
                    kind=Outlet.Kind.WIRE if wire else rng.choice(list(Outlet.Kind.values)),
                    owner_group=rng.choice(groups) if rng.random() < 0.4 else None,
                    reliability=rng.choice("AABBCCDDEF"),
                )
            )
        outlets = Outlet.objects.bulk_create(outlets, batch_size=2000)
        wires, others = outlets[: n["wires"]], outlets[n["wires"] :]
        log(f"{len(groups)} owner groups, {len(outlets)} outlets")

        actors = []
        for i in range(n["actors"]):
            kind = rng.choice(ACTOR_KINDS)
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
        sources, spans, relays, copies_of, hashes = [], [], [], {}, set()
        n_sources = n["sources"]
        n_stories = max(2, n_sources // 10)
        for i in range(n_sources):
            relay = None
            if i < n_stories:
                outlet = rng.choice(wires)
                paragraphs = [paragraph(rng) for _ in range(rng.randint(4, 9))]
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
                long_read = rng.random() < 0.002
                count = rng.randint(40, 80) if long_read else rng.randint(5, 14)
                paragraphs = [paragraph(rng) for _ in range(count)]
            body = "\n\n".join(paragraphs)
            while content_hash(body) in hashes:  # the same text cannot come in twice
                body += "\n\n" + paragraph(rng)
            hashes.add(content_hash(body))
            speaker = rng.choice(actors)
            sources.append(
                Source(
                    title=sentence(rng)[:-1],
                    outlet=outlet,
                    byline=f"By {speaker.name}" if rng.random() < 0.7 else "",
                    url=f"https://{outlet.domain}/article/{i}" if outlet else "",
                    body=body,
                    content_hash=content_hash(body),
                    published_on=(
                        datetime.date(2020, 1, 1) + datetime.timedelta(days=i % 2000)
                        if rng.random() < 0.95
                        else None
                    ),
                    imported_at=now,
                    import_format=Source.Format.TEXT,
                )
            )
            spans.append(sentence_spans(body))
            if relay is not None:
                relays.append((i, relay, f"{relay.name} said" if rng.random() < 0.7 else ""))
        sources = Source.objects.bulk_create(sources, batch_size=1000)
        SourceRelay.objects.bulk_create(
            [SourceRelay(source=sources[i], outlet=o, cue=cue) for i, o, cue in relays],
            batch_size=5000,
        )
        log(f"{len(sources)} sources, {len(relays)} relays")

        # Skewed attribution counts: most claims 1-3, a few hundreds; total exact.
        n_claims = n["claims"]
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
        diff = n["attributions"] - sum(counts)
        while diff:
            i = rng.randrange(n_claims)
            step = max(-counts[i] + 1, min(diff, 5)) if diff > 0 else max(diff, 1 - counts[i])
            counts[i] += step
            diff -= step
        log(f"claim sizes: max {max(counts)}, median {statistics.median(counts)}")

        tags = [Tag.objects.get_or_create(slug=t, defaults={"name": t})[0] for t in TAGS]
        claims, fingerprints = [], set()
        verdicts = list(Claim.Verdict.values)
        for i in range(n_claims):
            statement = sentence(rng)
            start = end = None
            if rng.random() < 0.3:
                start = datetime.date(2014, 1, 1) + datetime.timedelta(days=rng.randrange(4000))
                if rng.random() < 0.2:
                    end = start + datetime.timedelta(days=rng.randint(1, 5))
            fingerprint = statement_fingerprint(statement, start, end)
            if fingerprint in fingerprints:
                statement = f"{statement[:-1]} (report {i})."
                fingerprint = statement_fingerprint(statement, start, end)
            fingerprints.add(fingerprint)
            claims.append(
                Claim(
                    statement=statement,
                    fingerprint=fingerprint,
                    event_start=start,
                    event_end=end,
                    verdict=rng.choice(verdicts) if rng.random() < 0.1 else "",
                    created_at=now - datetime.timedelta(minutes=n_claims - i),
                )
            )
        claims = Claim.objects.bulk_create(claims, batch_size=5000)
        through = Claim.tags.through
        through.objects.bulk_create(
            [
                through(claim_id=c.pk, tag_id=t.pk)
                for c in claims
                if rng.random() < 0.3
                for t in rng.sample(tags, rng.randint(1, 2))
            ],
            batch_size=10000,
        )
        log(f"{len(claims)} claims")

        analysts = [a for a in actors if a.kind == "analyst"] or actors
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
                else:
                    continue  # no free passage found: one attribution fewer
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

    if derive:
        if workers is None:
            workers = status.default_workers()
        summary = status.recompute_all(workers=workers)
        log(f"statuses: {summary.claims} claims recomputed, {summary.changed} changed")
        # After the statuses: each document copies its claim's as it is written
        # (ClaimSearchDocument), where written before, every status set would
        # rewrite its document too.
        search.rebuild_all()
        log("search documents")
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    elif not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    log("analyzed")
    return counts_now()


def counts_now():
    return {
        "owner groups": OwnerGroup.objects.count(),
        "outlets": Outlet.objects.count(),
        "actors": Actor.objects.count(),
        "sources": Source.objects.count(),
        "relays": SourceRelay.objects.count(),
        "claims": Claim.objects.count(),
        "attributions": Attribution.objects.count(),
    }
