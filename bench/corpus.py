"""A synthetic newsroom corpus for benchmarks: deterministic for a seed, bulk-inserted.

Used by `manage.py generate_corpus` (and bench/recompute.py, bench/run). It
spans outlets, sources, actors, claims and attributions, so it is a plain
module. The rows are bulk-inserted in one transaction (no write functions: a
benchmark loader), and the derived data is then filled in by the documented
rebuilds (statuses by the engine's full recompute, search documents by
claims.search.rebuild_all), so the database is consistent as the app sees it
(`manage.py check_derived` finds no drift). Works on SQLite and PostgreSQL.

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

from claims import engine, search
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
# The tables a --force run empties (every model of these apps, with history).
APPS = ("intake", "claims", "sources")


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
    """Empty every table of the intake, claims and sources apps (a --force run)."""
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


def claim_sizes(rng, n_claims, total):
    """Attributions per claim, skewed (most 1-3, 2% with 20 to 1,000), summing to `total`."""
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
    diff = total - sum(counts)
    while diff:
        i = rng.randrange(n_claims)
        step = max(-counts[i] + 1, min(diff, 5)) if diff > 0 else max(diff, 1 - counts[i])
        counts[i] += step
        diff -= step
    return counts


class _Corpus:
    """One build: the random stream, the row counts, and the rows inserted so far.

    The steps run in a fixed order and draw from one random stream, so a seed always
    gives the same corpus.
    """

    def __init__(self, rng, n, now, log):
        self.rng, self.n, self.now, self.log = rng, n, now, log

    def insert(self):
        self.insert_outlets()
        self.insert_actors()
        self.insert_sources()
        counts = claim_sizes(self.rng, self.n["claims"], self.n["attributions"])
        self.log(f"claim sizes: max {max(counts)}, median {statistics.median(counts)}")
        self.insert_claims()
        self.insert_attributions(counts)

    def insert_outlets(self):
        rng, n = self.rng, self.n
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
        self.wires, self.others = outlets[: n["wires"]], outlets[n["wires"] :]
        self.log(f"{len(groups)} owner groups, {len(outlets)} outlets")

    def insert_actors(self):
        rng = self.rng
        actors = []
        for i in range(self.n["actors"]):
            kind = rng.choice(ACTOR_KINDS)
            role = ""
            if kind == "analyst":
                role = rng.choice(["political scientist", "sinologist", "military analyst"])
            elif kind == "unnamed":
                role = rng.choice(["analyst", "diplomatic source", "official", "expert"])
            name = f"Speaker {i:06d}"
            actors.append(Actor(name=name, name_key=normalize_name(name), kind=kind, role=role))
        self.actors = Actor.objects.bulk_create(actors, batch_size=5000)
        self.log(f"{len(self.actors)} actors")

    def insert_sources(self):
        """Agency stories first; a fifth of the rest republish one of them."""
        self.sources, self.spans, self.copies_of = [], [], {}
        self.n_stories = max(2, self.n["sources"] // 10)
        relays, hashes = [], set()
        for i in range(self.n["sources"]):
            outlet, relay, paragraphs = self.article(i)
            body = "\n\n".join(paragraphs)
            while content_hash(body) in hashes:  # the same text cannot come in twice
                body += "\n\n" + paragraph(self.rng)
            hashes.add(content_hash(body))
            self.sources.append(self.source(i, outlet, body))
            self.spans.append(sentence_spans(body))
            if relay is not None:
                cue = f"{relay.name} said" if self.rng.random() < 0.7 else ""
                relays.append((i, relay, cue))
        self.sources = Source.objects.bulk_create(self.sources, batch_size=1000)
        SourceRelay.objects.bulk_create(
            [SourceRelay(source=self.sources[i], outlet=o, cue=cue) for i, o, cue in relays],
            batch_size=5000,
        )
        self.log(f"{len(self.sources)} sources, {len(relays)} relays")

    def article(self, i):
        """(outlet, relayed agency or None, paragraphs) of the i-th source."""
        rng = self.rng
        if i < self.n_stories:
            return rng.choice(self.wires), None, [paragraph(rng) for _ in range(rng.randint(4, 9))]
        if rng.random() < 0.22:
            return self.republication(i)
        outlet = rng.choice(self.others) if rng.random() < 0.9 else None
        long_read = rng.random() < 0.002
        count = rng.randint(40, 80) if long_read else rng.randint(5, 14)
        return outlet, None, [paragraph(rng) for _ in range(count)]

    def republication(self, i):
        """An agency story passed on, verbatim or edited, mostly naming the agency."""
        rng = self.rng
        story = rng.randrange(self.n_stories)
        relay = self.sources[story].outlet
        outlet = rng.choice(self.others) if rng.random() < 0.9 else None
        copied = self.sources[story].body.split("\n\n")
        rate = rng.choice([0.0, 0.02, 0.05, 0.3])
        paragraphs = [mutate(rng, p, rate) for p in copied[: rng.randint(2, len(copied))]]
        if rng.random() < 0.8:
            k = rng.randrange(len(paragraphs))
            paragraphs[k] = paragraphs[k] + f" {relay.name} said."
        paragraphs.append(paragraph(rng))
        self.copies_of.setdefault(story, []).append(i)
        return outlet, relay, paragraphs

    def source(self, i, outlet, body):
        rng = self.rng
        speaker = rng.choice(self.actors)
        return Source(
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
            imported_at=self.now,
            import_format=Source.Format.TEXT,
        )

    def insert_claims(self):
        rng, n_claims = self.rng, self.n["claims"]
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
                    created_at=self.now - datetime.timedelta(minutes=n_claims - i),
                )
            )
        self.claims = Claim.objects.bulk_create(claims, batch_size=5000)
        through = Claim.tags.through
        through.objects.bulk_create(
            [
                through(claim_id=c.pk, tag_id=t.pk)
                for c in self.claims
                if rng.random() < 0.3
                for t in rng.sample(tags, rng.randint(1, 2))
            ],
            batch_size=10000,
        )
        self.log(f"{len(self.claims)} claims")

    def insert_attributions(self, counts):
        self.analysts = [a for a in self.actors if a.kind == "analyst"] or self.actors
        batch, made = [], 0
        for claim, count in zip(self.claims, counts, strict=True):
            batch.extend(self.claim_attributions(claim, count))
            if len(batch) >= 20000:
                Attribution.objects.bulk_create(batch, batch_size=5000)
                made += len(batch)
                batch = []
        Attribution.objects.bulk_create(batch, batch_size=5000)
        made += len(batch)
        self.log(f"{made} attributions")

    def claim_attributions(self, claim, count):
        """Up to `count` attributions of one claim, each on a passage of its own."""
        rng = self.rng
        # A third of the claims follow one agency story and its republications.
        pool = None
        if rng.random() < 0.33:
            story = rng.randrange(self.n_stories)
            pool = [story, *self.copies_of.get(story, [])]
        used = set()
        disputes = rng.random() < 0.08
        made = []
        for _ in range(count):
            passage = self.free_passage(pool, used)
            if passage is None:
                continue  # no free passage found: one attribution fewer
            used.add((passage[0], passage[1]))
            made.append(self.attribution(claim, *passage, disputes))
        return made

    def free_passage(self, pool, used):
        """(source index, start, end) of a sentence not yet quoted for this claim, or None."""
        rng = self.rng
        for attempt in range(50):
            in_pool = pool and attempt < 5 and rng.random() < 0.7
            si = rng.choice(pool) if in_pool else rng.randrange(self.n["sources"])
            if self.spans[si]:
                start, end = rng.choice(self.spans[si])
                if (si, start) not in used:
                    return si, start, end
        return None

    def attribution(self, claim, si, start, end, disputes):
        rng = self.rng
        kind = rng.choice(KINDS)
        speaker = None
        if kind == "speculation":
            speaker = rng.choice(self.analysts) if rng.random() < 0.7 else rng.choice(self.actors)
        elif kind != "assertion" and rng.random() < 0.9:
            speaker = rng.choice(self.actors)
        source = self.sources[si]
        return Attribution(
            claim=claim,
            source=source,
            quote=source.body[start:end],
            start=start,
            end=end,
            speaker=speaker,
            kind=kind,
            stance="disputes" if disputes and rng.random() < 0.3 else "supports",
            relayed_via=rng.choice(self.wires) if rng.random() < 0.1 else None,
            created_at=self.now,
            updated_at=self.now,
        )


def derive_all(workers, log):
    """Fill the derived data: statuses by a full recompute, then the search documents."""
    if workers is None:
        workers = engine.default_workers()
    summary = engine.recompute_all(workers=workers)
    log(f"statuses: {summary.claims} claims recomputed, {summary.changed} changed")
    # Statuses first: each search document copies its claim's status as it is written.
    search.rebuild_all()
    log("search documents")


def analyze():
    """Refresh the planner's statistics (not possible inside a transaction)."""
    if connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def build(scale=1.0, seed=1, out=print, derive=True, workers=None):
    """Insert the corpus (in one transaction), then derive statuses and search documents.

    Returns the row counts created.
    """
    started = time.perf_counter()

    def log(msg):
        out(f"  [{time.perf_counter() - started:6.1f} s] {msg}")

    with transaction.atomic():
        _Corpus(random.Random(seed), sizes(scale), timezone.now(), log).insert()
    if derive:
        derive_all(workers, log)
    analyze()
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
