"""The provenance engine: each claim's support status, credibility grade and explanation.

It spans claims, attributions, sources, outlets and actors, so it is a plain
module. The results are stored on Claim (status, grade, explanation,
origin_count, and outlet_kinds for the claim list's outlet-kind facet) for fast
filtering; claims.signals keeps them current in the transaction of every change
that can alter them, and `manage.py recompute_status` rebuilds them all.

Rules (issue 3)
---------------
Origin of an attribution, the most upstream outlet in its chain:
  1. the outlet it was relayed via (Attribution.relayed_via), if set;
  2. otherwise a relay of its source (SourceRelay) named in the paragraph that
     holds the quote: the relay's cue ("TASS said") or, when the cue is blank,
     the outlet's name as a whole word. The paragraph says where the words came
     from; a relay named elsewhere in the article does not apply to them;
  3. otherwise the source's own outlet;
  4. otherwise the source itself ("an article with no known outlet").

Two origins are not independent when they are the same outlet, share an owner
group, or when their attributed paragraphs are near-copies: Jaccard similarity
of the sets of 5-word shingles (lower-cased words) of at least 0.8, shown in the
explanation. A paragraph is the text between blank lines (or between line
breaks in a body that has no blank line); a quote spanning several paragraphs
takes them all. Independent origins are the connected groups of that relation.

An attribution is speculative when its kind is speculation/opinion, its speaker
is an analyst or pundit (Actor.Kind.ANALYST), its speaker is an unnamed actor
whose name or role names a pundit ("unnamed analysts", role "political
scientist"; see PUNDIT_WORDS), or its quote carries a hedge (HEDGE_CUES). Only
the quoted text is checked for hedges: a hedge in the next sentence qualifies
that sentence, not the quote.

Status, first match wins: unsupported (no supporting attribution), contested
(a non-speculative attribution disputes it), speculative (every supporting
attribution is speculative), corroborated (2+ independent origins among the
non-speculative supporting attributions), single source (exactly one).

Credibility grade (Admiralty 1-6): 1 corroborated (it can have no counted
dispute, since contested comes first); 2 single source whose origin is graded A
or B (every origin of the group, when one group joins several); 3 other single
source; 4 contested; 5 contested by more independent origins than support it;
6 speculative or unsupported.

origin_count is the number of independent origins among the counted
(non-speculative) supporting attributions. Only live attributions are
evidence: removed (soft-deleted) and orphaned ones are ignored.

Speculative attributions are never counted, on either side; the explanation
names each one left out and why (which cue fired). Claims are never merged by
the engine: the same words about different event dates are different claims.

Keeping current: claims.signals calls schedule() on every relevant save or
delete; deferred() batches many edits into one recompute at the end of the
block, still inside its transaction. Writes that bypass model signals
(QuerySet.update(), bulk_create(), raw SQL) must call recompute_claims() or
recompute_for() themselves, in the same transaction. `manage.py
recompute_status --check` finds any drift.

Performance: an incremental recompute runs a fixed number of queries (see
recompute()). The full rebuild (recompute_all) reads claims in id batches with
values_list, loads each body once and caches paragraph shingles, writes only
the claims that changed with one UPDATE per batch, and can fan out to worker
processes (bench/recompute.py, bench/RESULTS.md).
"""

import json
import multiprocessing
import os
import re
import threading
import time
from array import array
from bisect import bisect_right
from contextlib import contextmanager
from typing import NamedTuple

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL

from claims import search
from claims.models import Actor, Attribution, Claim
from lib.text import counted, isolate
from sources.models import Outlet, SourceRelay

# --------------------------------------------------------------------------
# Cues. The one list of hedges; the one list of pundit words.
# --------------------------------------------------------------------------

#: Words and phrases that hedge a statement. Matched as whole words,
#: case-insensitively, with two exceptions handled in hedge_cues(): "May" with
#: a capital inside a sentence, or any "may" followed by a number, is the month
#: ("on May 9", "in May 2022"); "might" after a possessive or an adjective such
#: as "military" is the noun ("Russia's military might").
HEDGE_CUES = (
    "could",
    "might",
    "may",
    "possibly",
    "perhaps",
    "maybe",
    "probably",
    "likely",
    "unlikely",
    "in all likelihood",
    "suggests",
    "suggest",
    "suggested",
    "is expected to",
    "are expected to",
    "was expected to",
    "were expected to",
    "obviously",
    "apparently",
    "allegedly",
    "presumably",
    "seemingly",
    "seems to",
    "appears to",
    "it seems",
    "rumoured",
    "rumored",
    "speculated",
)

#: An unnamed speaker is a pundit when its name or role contains one of these
#: ("some analysts", "an unnamed political scientist"). Named speakers are
#: judged by their kind alone.
PUNDIT_WORDS = (
    "analyst",
    "pundit",
    "commentator",
    "political scientist",
    "political analyst",
    "sinologist",
    "expert",
)

_MIGHT_AS_NOUN_AFTER = frozenset(
    ["its", "their", "his", "her", "our", "my", "your", "whose", "full", "all", "great"]
    + ["military", "economic", "naval", "nuclear", "industrial", "financial", "air", "armed"]
)

NEAR_COPY_THRESHOLD = (4, 5)  # Jaccard >= 4/5, kept as a fraction to compare exactly
SHINGLE_WORDS = 5


def _phrase_pattern(phrases):
    alternatives = sorted(
        (r"\s+".join(re.escape(word) for word in phrase.split()) for phrase in phrases),
        key=len,
        reverse=True,
    )
    return r"\b(?:" + "|".join(alternatives) + r")\b"


_HEDGE_RE = re.compile(_phrase_pattern(HEDGE_CUES), re.IGNORECASE)
_PUNDIT_RE = re.compile(_phrase_pattern(PUNDIT_WORDS) + r"|\b(?:analysts|pundits|experts)\b", re.I)
# The longest word of each cue: a quote containing none of them has no cue.
_HEDGE_KEY_WORDS = tuple({max(phrase.split(), key=len) for phrase in HEDGE_CUES})
_SENTENCE_OPENERS = " \t\"'“‘«(["
_WORD_RE = re.compile(r"\w+")
_BLANK_LINE_RE = re.compile(r"\n[^\S\n]*\n\s*")
_LINE_BREAK_RE = re.compile(r"\n\s*")
_NUMBER_AHEAD_RE = re.compile(r"[^\S\n]*\d")


def _may_be_hedged(text):
    """False when no cue can be in the text: the common case, checked fast."""
    return any(map(text.lower().__contains__, _HEDGE_KEY_WORDS))


def hedge_cues(text):
    """The hedge cues in `text`, lower-cased, in order of first appearance."""
    if not _may_be_hedged(text):
        return []
    found = []
    for match in _HEDGE_RE.finditer(text):
        cue = " ".join(match.group(0).lower().split())
        if text.startswith(("n't", "n’t"), match.end()):
            continue  # "couldn't", "mightn't": a negation, not a hedge
        if cue == "may" and _is_the_month(text, match):
            continue
        if cue == "might" and _is_the_noun(text, match):
            continue
        if cue not in found:
            found.append(cue)
    return found


def _is_the_month(text, match):
    if _NUMBER_AHEAD_RE.match(text, match.end()):
        return True  # "May 9", "May 2022"
    if match.group(0) != "May":
        return False  # "may" or "MAY" without a number: the modal verb
    before = text[: match.start()].rstrip(_SENTENCE_OPENERS)
    return bool(before) and before[-1] not in ".!?:;\n"  # capitalised mid-sentence


def _is_the_noun(text, match):
    before = text[max(0, match.start() - 40) : match.start()].split()
    if not before:
        return False
    word = before[-1].lower()
    return word.endswith(("'s", "’s")) or word in _MIGHT_AS_NOUN_AFTER


def speculation_reasons(kind, speaker_kind, speaker_name, speaker_role, quote):
    """Why an attribution is speculative, as a list of short phrases; empty if it is not."""
    reasons = []
    if kind == Attribution.Kind.SPECULATION:
        reasons.append("speculation or opinion")
    if speaker_kind == Actor.Kind.ANALYST:
        reasons.append("the speaker is an analyst or pundit")
    elif speaker_kind == Actor.Kind.UNNAMED and _PUNDIT_RE.search(
        f"{speaker_name or ''} {speaker_role or ''}"
    ):
        reasons.append("the speaker is an unnamed analyst")
    cues = hedge_cues(quote)
    if cues:
        reasons.append("hedged: " + ", ".join(f"“{cue}”" for cue in cues))
    return reasons


# --------------------------------------------------------------------------
# Paragraphs and shingles
# --------------------------------------------------------------------------


class Paragraphs:
    """Source bodies split into paragraphs, with the shingles of each paragraph.

    Bodies are loaded in one query per batch (load) and kept up to
    `max_chars` characters so a full recompute reads each body about once.
    """

    def __init__(self, using=DEFAULT_DB_ALIAS, max_chars=200_000_000, max_packed=300_000):
        self.using = using
        self.max_chars = max_chars
        self.max_packed = max_packed
        self._bodies = {}  # source id -> [body, starts, ends]
        self._chars = 0
        self._shingles = {}  # paragraph key -> frozenset, for the current batch
        self._packed = {}  # paragraph key -> array of the same hashes, across batches

    def load(self, source_ids):
        """Make sure the bodies of `source_ids` are at hand (at most one query)."""
        from sources.models import Source

        missing = [sid for sid in source_ids if sid not in self._bodies]
        if not missing:
            return
        if self._chars > self.max_chars:
            wanted = set(source_ids)
            self._bodies = {k: v for k, v in self._bodies.items() if k in wanted}
            self._chars = sum(len(v[0]) for v in self._bodies.values())
            self._shingles.clear()
            self._packed.clear()
        rows = Source.objects.using(self.using).filter(_ids_in("id", missing, self.using))
        for source_id, body in rows.values_list("id", "body"):
            self._bodies[source_id] = [body, None, None]
            self._chars += len(body)

    def _spans(self, source_id):
        entry = self._bodies[source_id]
        if entry[1] is None:
            body = entry[0]
            separators = list(_BLANK_LINE_RE.finditer(body))
            if not separators:
                separators = list(_LINE_BREAK_RE.finditer(body))
            entry[1] = [0] + [m.end() for m in separators]
            entry[2] = [m.start() for m in separators] + [len(body)]
        return entry

    def key(self, source_id, start, end):
        """(source id, first paragraph, last paragraph) of the span start..end."""
        _, starts, _ = self._spans(source_id)
        first = bisect_right(starts, start) - 1
        last = bisect_right(starts, max(start, end - 1)) - 1
        return (source_id, max(first, 0), max(last, 0))

    def text(self, key):
        body, starts, ends = self._spans(key[0])
        return body[starts[key[1]] : ends[key[2]]]

    def forget_shingles(self):
        self._shingles.clear()

    def shingles(self, key):
        shingles = self._shingles.get(key)
        if shingles is not None:
            return shingles
        packed = self._packed.get(key)
        if packed is not None:
            shingles = frozenset(packed)
        else:
            words = _WORD_RE.findall(self.text(key).casefold())
            if len(words) < SHINGLE_WORDS:
                shingles = frozenset([hash(tuple(words))]) if words else frozenset()
            else:
                # Hashes of the 5-word tuples; hash() is stable within one process.
                shingles = frozenset(
                    map(hash, zip(*(words[i:] for i in range(SHINGLE_WORDS)), strict=False))
                )
            if len(self._packed) >= self.max_packed:
                self._packed.clear()
            self._packed[key] = array("q", shingles)  # compact: 8 bytes a shingle
        self._shingles[key] = shingles
        return shingles


def jaccard(a, b):
    """Jaccard similarity of two sets, as (intersection, union) sizes."""
    inter = len(a & b)
    return inter, len(a) + len(b) - inter


def _similar_pairs(sets):
    """(i, j, intersection, union) for every pair of sets with Jaccard >= the threshold, i < j.

    Prefix filtering, exact: two sets with Jaccard >= t share a token among the
    first |s| - ceil(t|s|) + 1 tokens of each, in one global order; only pairs
    sharing such a token are compared. For claims with many paragraphs.
    """
    num, den = NEAR_COPY_THRESHOLD
    index = {}
    for j, tokens in enumerate(sets):
        if not tokens:
            continue
        ordered = sorted(tokens)
        prefix = len(ordered) - (num * len(ordered) + den - 1) // den + 1
        candidates = set()
        for token in ordered[:prefix]:
            seen = index.get(token)
            if seen is None:
                index[token] = [j]
            else:
                candidates.update(seen)
                seen.append(j)
        for i in sorted(candidates):
            inter, union = jaccard(sets[i], tokens)
            if _is_near_copy(inter, union):
                yield i, j, inter, union


def _is_near_copy(inter, union):
    num, den = NEAR_COPY_THRESHOLD
    return union > 0 and inter * den >= num * union


def _score(inter, union):
    """The similarity rounded down to two decimals, so 0.799 never reads 0.80."""
    return f"{(inter * 100 // union) / 100:.2f}"


# --------------------------------------------------------------------------
# Evaluating claims
# --------------------------------------------------------------------------


class Result(NamedTuple):
    """What the engine stores on a claim: each field is the Claim field of that name."""

    status: str
    grade: int
    explanation: str
    origin_count: int
    # Claim.outlet_kinds: the kinds of outlet of every live attribution's source,
    # whatever its stance (set by Evaluator.evaluate, not by _claim).
    outlet_kinds: int = 0
    # Claim.origin_groups: the claim's origin groups (origin_groups_summary).
    origin_groups: list = []


UNSUPPORTED_NOTHING = Result(
    Claim.Status.UNSUPPORTED,
    Claim.Grade.CANNOT_BE_JUDGED,
    "Unsupported: no supporting attribution.",
    0,
)
# A new claim starts with the model defaults; they must equal what the engine says.
assert UNSUPPORTED_NOTHING.explanation == Claim._meta.get_field("explanation").default

_ATTRIBUTION_FIELDS = (
    "claim_id",
    "id",
    "source_id",
    "start",
    "end",
    "quote",
    "kind",
    "stance",
    "speaker__name",
    "speaker__kind",
    "speaker__role",
    "relayed_via_id",
    "relayed_via__name",
    "relayed_via__owner_group_id",
    "relayed_via__owner_group__name",
    "relayed_via__reliability",
    "source__outlet_id",
    "source__outlet__name",
    "source__outlet__owner_group_id",
    "source__outlet__owner_group__name",
    "source__outlet__reliability",
    "source__title",
    "source__outlet__kind",
)
# Where each attribution row holds its source's outlet kind (None: no known outlet).
_OUTLET_KIND = _ATTRIBUTION_FIELDS.index("source__outlet__kind")
_RELAYED_VIA = _ATTRIBUTION_FIELDS.index("relayed_via_id")
_KIND_BIT = {kind: Claim.outlet_kind_bit(kind) for kind in Claim.OUTLET_KIND_BITS}
_RELAY_FIELDS = (
    "source_id",
    "outlet_id",
    "cue",
    "outlet__name",
    "outlet__owner_group_id",
    "outlet__owner_group__name",
    "outlet__reliability",
)
_SUPPORTS = Attribution.Stance.SUPPORTS.value
_DIRECT_QUOTE = Attribution.Kind.DIRECT_QUOTE.value
_PARAPHRASE = Attribution.Kind.PARAPHRASE.value
_SPECULATION = Attribution.Kind.SPECULATION.value
_PUNDIT_KINDS = (Actor.Kind.ANALYST.value, Actor.Kind.UNNAMED.value)
_GOOD_RELIABILITY = ("A", "B")


class _Origin:
    """An outlet, or an article with no known outlet, that statements come from."""

    __slots__ = ("key", "name", "group_id", "group_name", "reliability")

    def __init__(self, key, name, group_id=None, group_name=None, reliability=None):
        self.key = key
        # Names as the explanation quotes them: isolated, so none reorders the sentence.
        self.name = isolate(name)
        self.group_id = group_id
        self.group_name = isolate(group_name)
        self.reliability = reliability


class _Att:
    __slots__ = (
        "id",
        "source_id",
        "start",
        "end",
        "kind",
        "supports",
        "speaker",
        "role",
        "reasons",
        "origin",
        "source_label",
        "relayed",
        "needs_paragraph",
    )


def _bare_source_label(source_id, title):
    title = (title or "").strip()
    if not title:
        return f"an article with no known outlet (source #{source_id})"
    if len(title) > 70:
        title = title[:69].rstrip() + "…"
    return f"an article with no known outlet, “{title}”"


class _Relay:
    __slots__ = ("needle", "origin")


class Evaluator:
    """Turns fetched rows into Results. Shared by incremental and full recomputes."""

    def __init__(self, using=DEFAULT_DB_ALIAS, paragraphs=None):
        self.using = using
        self.paragraphs = paragraphs or Paragraphs(using)
        self._outlets = {}
        self._sources = {}
        self._name_patterns = {}
        self._pairs = {}  # (paragraph key, paragraph key) -> (intersection, union)

    def _outlet(self, outlet_id, name, group_id, group_name, reliability):
        # One evaluate() reads one snapshot: an outlet's values are the same on every row.
        origin = self._outlets.get(outlet_id)
        if origin is None:
            origin = _Origin(("o", outlet_id), name, group_id, group_name, reliability)
            self._outlets[outlet_id] = origin
        return origin

    def evaluate(self, claim_ids, att_rows, relay_rows):
        """{claim id: Result} for `claim_ids`, from their attribution and relay rows."""
        self._outlets.clear()
        self._sources.clear()
        self.paragraphs.forget_shingles()  # bounded memory: kept for one batch
        relays = {}
        for source_id, outlet_id, cue, name, group_id, group_name, reliability in relay_rows:
            relay = _Relay()
            relay.needle = " ".join(cue.split()) or name  # the cue, else the outlet's name
            relay.origin = self._outlet(outlet_id, name, group_id, group_name, reliability)
            relays.setdefault(source_id, []).append(relay)

        by_claim = {}
        outlet_kinds = {}  # claim id -> Claim.outlet_kinds
        needed_sources = set()
        for row in att_rows:
            att = self._attribution(row, relays)
            by_claim.setdefault(row[0], []).append(att)
            outlet_kinds[row[0]] = outlet_kinds.get(row[0], 0) | _KIND_BIT[row[_OUTLET_KIND]]
            if att.needs_paragraph:
                needed_sources.add(att.source_id)
        # A claim with 2+ counted attributions on one side may need the near-copy
        # test: load those bodies too, all in one query.
        for atts in by_claim.values():
            if len(atts) > 1:
                counted = [a for a in atts if not a.reasons]
                supports = sum(1 for a in counted if a.supports)
                if supports > 1 or len(counted) - supports > 1:
                    needed_sources.update(a.source_id for a in counted)
        if needed_sources:
            self.paragraphs.load(needed_sources)

        results = {}
        for claim_id in claim_ids:
            atts = by_claim.get(claim_id)
            if not atts:
                results[claim_id] = UNSUPPORTED_NOTHING
                continue
            for att in atts:
                if att.needs_paragraph:
                    self._resolve_relay(att, relays[att.source_id])
            results[claim_id] = self._claim(atts)._replace(outlet_kinds=outlet_kinds[claim_id])
        return results

    def _attribution(self, row, relays):
        att = _Att()
        (
            _,
            att.id,
            att.source_id,
            att.start,
            att.end,
            quote,
            att.kind,
            stance,
            att.speaker,
            speaker_kind,
            att.role,
            relay_id,
            relay_name,
            relay_group,
            relay_group_name,
            relay_reliability,
            outlet_id,
            outlet_name,
            outlet_group,
            outlet_group_name,
            outlet_reliability,
            title,
            _outlet_kind,
        ) = row
        att.supports = stance == _SUPPORTS
        if att.kind == _SPECULATION or speaker_kind in _PUNDIT_KINDS or _may_be_hedged(quote):
            att.reasons = speculation_reasons(att.kind, speaker_kind, att.speaker, att.role, quote)
        else:
            att.reasons = ()  # the fast path of speculation_reasons()
        att.speaker, att.role = isolate(att.speaker), isolate(att.role)
        att.needs_paragraph = False
        if outlet_id is not None:
            att.source_label = isolate(outlet_name)
            own = self._outlet(
                outlet_id, outlet_name, outlet_group, outlet_group_name, outlet_reliability
            )
        else:
            own = self._sources.get(att.source_id)
            label = isolate(_bare_source_label(att.source_id, title))
            if own is None or own.name != label:
                own = _Origin(("s", att.source_id), label)
                self._sources[att.source_id] = own
            att.source_label = label
        if relay_id is not None:
            att.origin = self._outlet(
                relay_id, relay_name, relay_group, relay_group_name, relay_reliability
            )
            att.relayed = att.origin is not own
        else:
            att.origin = own
            att.relayed = False
            if att.source_id in relays:
                att.needs_paragraph = True  # resolved once the bodies are loaded
        return att

    def _resolve_relay(self, att, relays):
        """Origin from a source relay named in the attributed paragraph, if any."""
        paragraph = self.paragraphs.text(self.paragraphs.key(att.source_id, att.start, att.end))
        best = None
        for relay in relays:
            # Whole words, any case: the cue "RT said" is not in "the report said".
            pattern = self._name_patterns.get(relay.needle)
            if pattern is None:
                words = r"\s+".join(map(re.escape, relay.needle.split()))
                pattern = re.compile(r"(?<!\w)" + words + r"(?!\w)", re.IGNORECASE)
                self._name_patterns[relay.needle] = pattern
            match = pattern.search(paragraph)
            position = match.start() if match else -1
            if position >= 0 and (best is None or position < best[0]):
                best = (position, relay.origin)
        if best is not None and best[1] is not att.origin:
            att.origin = best[1]
            att.relayed = True

    # ----- one claim -----

    def _claim(self, atts):
        atts.sort(key=lambda a: a.id)
        supports, spec_supports, disputes, spec_disputes = [], [], [], []
        for att in atts:
            if att.supports:
                (spec_supports if att.reasons else supports).append(att)
            else:
                (spec_disputes if att.reasons else disputes).append(att)

        sentences = []
        support_groups = self._groups(supports) if supports else []
        dispute_groups = self._groups(disputes) if disputes else []
        n_support, n_dispute = len(support_groups), len(dispute_groups)

        if not supports and not spec_supports:
            status, grade = Claim.Status.UNSUPPORTED, Claim.Grade.CANNOT_BE_JUDGED
            sentences.append("Unsupported: no supporting attribution.")
            if dispute_groups:
                sentences.append(f"Disputed by {_origins(n_dispute)}: {_list(dispute_groups)}.")
        elif disputes:
            status = Claim.Status.CONTESTED
            sentences.append(
                f"Contested: disputed by {_origins(n_dispute)}: {_list(dispute_groups)}."
            )
            if support_groups:
                sentences.append(f"Supported by {_origins(n_support)}: {_list(support_groups)}.")
            else:
                sentences.append("No non-speculative attribution supports it.")
            grade = Claim.Grade.IMPROBABLE if n_dispute > n_support else Claim.Grade.DOUBTFUL
        elif not supports:
            status, grade = Claim.Status.SPECULATIVE, Claim.Grade.CANNOT_BE_JUDGED
            sentences.append("Speculative: every supporting attribution is speculative.")
        elif n_support >= 2:
            status, grade = Claim.Status.CORROBORATED, Claim.Grade.CONFIRMED
            sentences.append(f"Corroborated: {_origins(n_support)}: {_list(support_groups)}.")
        else:
            status = Claim.Status.SINGLE_SOURCE
            sentences.append(f"Single source: {_origins(1)}: {_list(support_groups)}.")
            origins = support_groups[0].origins
            if all(o.reliability in _GOOD_RELIABILITY for o in origins):
                grade = Claim.Grade.PROBABLY_TRUE
            else:
                grade = Claim.Grade.POSSIBLY_TRUE

        for group in support_groups + dispute_groups:
            sentences.extend(group.merge_sentences)
        if spec_supports:
            sentences.append(
                f"{counted(len(spec_supports), 'speculative attribution')} not counted: "
                + "; ".join(_left_out(a) for a in spec_supports)
                + "."
            )
        if spec_disputes:
            sentences.append(
                f"{counted(len(spec_disputes), 'speculative dispute')} not counted: "
                + "; ".join(_left_out(a) for a in spec_disputes)
                + "."
            )
        if grade == Claim.Grade.IMPROBABLE:
            sentences.append(
                f"Grade 5 (improbable): more independent origins dispute it ({n_dispute}) "
                f"than support it ({n_support})."
            )
        elif status == Claim.Status.SINGLE_SOURCE:
            graded = ", ".join(
                f"{o.name} is graded {o.reliability}"
                if o.reliability
                else f"{o.name} has no reliability grade"
                for o in support_groups[0].origins
            )
            sentences.append(f"Grade {int(grade)} ({_GRADE_WORDS[grade]}): {graded}.")
        uncounted = spec_supports + spec_disputes
        groups = origin_groups_summary(support_groups, dispute_groups, uncounted)
        return Result(status, int(grade), " ".join(sentences), n_support, origin_groups=groups)

    def _groups(self, atts):
        """The independent origins of counted attributions, as _Group objects."""
        by_origin = {}
        for att in atts:
            by_origin.setdefault(att.origin.key, []).append(att)
        if len(by_origin) == 1:  # the common case: one origin, nothing to join
            (only,) = by_origin.values()
            return [_Group([only[0].origin], [only])]
        keys = list(by_origin)
        origin_of = {key: by_origin[key][0].origin for key in keys}
        order = {key: i for i, key in enumerate(keys)}
        parent = {key: key for key in keys}
        links = []  # (an origin key, reason) for every union that joined two groups

        def find(key):
            while parent[key] != key:
                parent[key] = parent[parent[key]]
                key = parent[key]
            return key

        def union(a, b, reason):
            ra, rb = find(a), find(b)
            if ra == rb:
                return False
            if order[rb] < order[ra]:
                ra, rb = rb, ra
            parent[rb] = ra
            links.append((a, reason))
            return True

        components = len(keys)
        first_in_group = {}
        for key in keys:
            origin = origin_of[key]
            if origin.group_id is None:
                continue
            other = first_in_group.setdefault(origin.group_id, key)
            if other != key and union(
                other,
                key,
                f"{origin_of[other].name} and {origin.name} share the owner group "
                f"“{origin.group_name}”",
            ):
                components -= 1
        if components > 1:
            components -= self._near_copies(by_origin, origin_of, union, find, components)

        groups = {}
        for key in keys:
            groups.setdefault(find(key), []).append(key)
        result = {
            root: _Group([origin_of[k] for k in members], [by_origin[k] for k in members])
            for root, members in groups.items()
        }
        for key, reason in links:
            result[find(key)].reasons.append(reason)
        return list(result.values())

    def _near_copies(self, by_origin, origin_of, union, find, components):
        """Join origins whose attributed paragraphs are near-copies. Returns the joins."""
        paragraphs = self.paragraphs
        para_origins = {}  # paragraph key -> origin keys, in order
        for key, atts in by_origin.items():
            for att in atts:
                pkey = paragraphs.key(att.source_id, att.start, att.end)
                owners = para_origins.setdefault(pkey, [])
                if key not in owners:
                    owners.append(key)
        joins = 0

        def join(a, b, reason):
            nonlocal joins
            if union(a, b, reason):
                joins += 1

        # The same paragraph reached through two origins is a copy of itself.
        for owners in para_origins.values():
            for other in owners[1:]:
                join(
                    owners[0],
                    other,
                    f"{origin_of[owners[0]].name} and {origin_of[other].name} carry the same "
                    "paragraph (similarity 1.00)",
                )
        entries = list(para_origins.items())
        if len(entries) > 40:
            shingles = [paragraphs.shingles(pkey) for pkey, _ in entries]
            # Sorted, so the pair that joins two origins (and its score) never depends
            # on hashing.
            pairs = sorted(_similar_pairs(shingles))
        else:
            pairs = self._near_pairs(entries, find, components - joins)
        for i, j, inter, size in pairs:
            for a in entries[i][1]:
                for b in entries[j][1]:
                    if find(a) != find(b):
                        join(
                            a,
                            b,
                            f"{origin_of[a].name} and {origin_of[b].name} are near-copies "
                            f"(similarity {_score(inter, size)}, Jaccard of 5-word shingles "
                            "of the attributed paragraphs)",
                        )
        return joins

    def _near_pairs(self, entries, find, components):
        """Near-copy pairs (i, j, intersection, union) of a few paragraphs, in (i, j) order.

        Skips pairs whose origins are already one, and stops once all are; remembers
        each pair's sizes, since the same paragraphs meet again in other claims.
        """
        num, den = NEAR_COPY_THRESHOLD
        pairs = self._pairs
        if len(pairs) > 2_000_000:
            pairs.clear()
        shingles = self.paragraphs.shingles
        for i in range(len(entries)):
            for j in range(i + 1, len(entries)):
                if components <= 1:
                    return
                if find(entries[i][1][0]) == find(entries[j][1][0]):
                    continue
                key = (entries[i][0], entries[j][0])
                sizes = pairs.get(key)
                if sizes is None:
                    a, b = shingles(key[0]), shingles(key[1])
                    la, lb = len(a), len(b)
                    if (
                        not la
                        or not lb
                        or (la * den < num * lb if la < lb else lb * den < num * la)
                    ):
                        sizes = (0, 1)  # too different in size to be near-copies
                    else:
                        sizes = jaccard(a, b)
                    pairs[key] = sizes
                if _is_near_copy(*sizes):
                    components -= 1
                    yield i, j, *sizes


def _att_order(att):
    return (att.source_id, att.start, att.id)


def _summary(side, label, reason, atts):
    atts = sorted(atts, key=_att_order)
    return {
        "side": side,
        "label": label,
        "reason": reason,
        "ids": [a.id for a in atts],
        "sources": len({a.source_id for a in atts}),
        "via": [[a.id, a.origin.name] for a in atts if a.relayed],
        "notes": [[a.id, "; ".join(a.reasons)] for a in atts if a.reasons],
    }


def origin_groups_summary(support_groups, dispute_groups, uncounted):
    """A claim's origin groups as JSON-ready data, stored on Claim.origin_groups.

    One dict per independent origin, supporting ones first, then disputing ones,
    then (when any) one "uncounted" group of the speculative attributions left
    out: side ("supports", "disputes" or "uncounted"), label (the origins'
    names joined by " · "), reason (why several origins count as one), ids (its
    attributions, by source and position), sources (how many articles), via
    ([id, agency name] for each passage the engine found relayed, by
    relayed_via or by a relay named in its paragraph) and notes ([id, why it
    was left out] for the uncounted ones). Lists only, so the stored value
    compares equal to a fresh one after a JSON round trip.
    """
    groups = []
    for side, side_groups in (("supports", support_groups), ("disputes", dispute_groups)):
        for group in side_groups:
            groups.append(
                _summary(
                    side,
                    " · ".join(origin.name for origin in group.origins),
                    "; ".join(group.reasons),
                    [a for atts in group.att_lists for a in atts],
                )
            )
    if uncounted:
        groups.append(_summary("uncounted", "Not counted", "speculative", uncounted))
    return groups


_GRADE_WORDS = {
    1: "confirmed",
    2: "probably true",
    3: "possibly true",
    4: "doubtful",
    5: "improbable",
    6: "cannot be judged",
}


class _Group:
    def __init__(self, origins, att_lists):
        self.origins = origins
        self.att_lists = att_lists
        self.reasons = []

    @property
    def merge_sentences(self):
        if not self.reasons:
            return []
        return [f"Counted as one origin: {'; '.join(self.reasons)}."]

    def describe(self):
        return " together with ".join(
            _describe_origin(origin, atts)
            for origin, atts in zip(self.origins, self.att_lists, strict=True)
        )


def _describe_origin(origin, atts):
    label = origin.name
    relayers = []
    for att in atts:
        if att.relayed and att.source_label not in relayers:
            relayers.append(att.source_label)
    if relayers:
        label += ", relayed by " + _and(relayers)
    direct_sources = {att.source_id for att in atts if not att.relayed}
    if len(direct_sources) > 1:
        label += f", {len(direct_sources)} articles counted as one outlet"
    what = []
    for att in atts:
        phrase = _what(att)
        if phrase not in what:
            what.append(phrase)
    return f"{label} ({'; '.join(what)})"


def _what(att):
    if att.speaker:
        if att.kind == _DIRECT_QUOTE:
            return f"quoting {att.speaker}"
        if att.kind == _PARAPHRASE:
            return f"citing a statement by {att.speaker}"
        return f"citing {att.speaker}"
    if att.kind == _DIRECT_QUOTE:
        return "quoting an unnamed speaker"
    if att.kind == _PARAPHRASE:
        return "in its own reporting"
    return "in its own words"


def _left_out(att):
    where = att.source_label
    if att.relayed:
        where += f" relaying {att.origin.name}"
    if att.speaker:
        who = att.speaker + (f", {att.role}" if att.role else "")
        text = f"{who}, in {where}"
    else:
        text = f"{where}, in its own words"
    return f"{text} ({'; '.join(att.reasons)})"


def _and(items):
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _list(groups):
    parts = [g.describe() for g in groups]
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + ", and " + parts[-1]


def _origins(n):
    return counted(n, "independent origin")


# --------------------------------------------------------------------------
# Reading and writing
# --------------------------------------------------------------------------


def _ids_in(field, ids, using):
    """`field IN ids` that stays one parameter however many ids there are."""
    ids = sorted(set(ids))
    if len(ids) <= 500:
        return Q(**{f"{field}__in": ids})
    vendor = connections[using].vendor
    if vendor == "postgresql":
        return Q(**{f"{field}__in": RawSQL("SELECT unnest(%s::bigint[])", (ids,))})
    if vendor == "sqlite":
        return Q(**{f"{field}__in": RawSQL("SELECT value FROM json_each(%s)", (json.dumps(ids),))})
    return Q(**{f"{field}__in": ids})


def _write(results, using):
    """Store changed results: one UPDATE statement on PostgreSQL and SQLite."""
    if not results:
        return
    connection = connections[using]
    field = Claim._meta.get_field
    quote = connection.ops.quote_name
    table = quote(Claim._meta.db_table)
    cols = [quote(field(name).column) for name in ("status", "grade", "explanation")]
    count_col = quote(field("origin_count").column)
    kinds_col = quote(field("outlet_kinds").column)
    groups_col = quote(field("origin_groups").column)
    id_col = quote(Claim._meta.pk.column)
    # By ascending id: the lock order of lib.concurrency.
    rows = [[pk, *result] for pk, result in sorted(results.items())]
    assignments = (
        f"{cols[0]} = v.s, {cols[1]} = v.g, {cols[2]} = v.e, {count_col} = v.n, {kinds_col} = v.k"
        f", {groups_col} = v.o"
    )
    # Only quoted identifiers are interpolated; the values travel as one JSON parameter.
    if connection.vendor == "postgresql":
        sql = (
            f"UPDATE {table} AS c SET {assignments} FROM (SELECT "  # noqa: S608
            "(r->>0)::bigint AS i, r->>1 AS s, "
            "(r->>2)::smallint AS g, r->>3 AS e, (r->>4)::integer AS n, "
            "(r->>5)::integer AS k, (r->6)::jsonb AS o "
            "FROM json_array_elements(%s::json) AS r) AS v "
            f"WHERE c.{id_col} = v.i"
        )
    elif connection.vendor == "sqlite" and connection.Database.sqlite_version_info >= (3, 33):
        sql = (
            f"UPDATE {table} SET {assignments} FROM (SELECT "  # noqa: S608
            "json_extract(value, '$[0]') AS i, "
            "json_extract(value, '$[1]') AS s, json_extract(value, '$[2]') AS g, "
            "json_extract(value, '$[3]') AS e, json_extract(value, '$[4]') AS n, "
            "json_extract(value, '$[5]') AS k, json(json_extract(value, '$[6]')) AS o "
            f"FROM json_each(%s)) AS v WHERE {table}.{id_col} = v.i"
        )
    else:
        claims = [Claim(pk=pk, **r._asdict()) for pk, r in results.items()]
        Claim.objects.using(using).bulk_update(claims, Result._fields)
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, [json.dumps(rows, ensure_ascii=False)])


def _run(claims, attributions, relays, evaluator, using, write=True):
    """Evaluate the claims of one batch; store what changed. Returns ({id: Result}, changed).

    Queries: claims (locked, with their stored values); attributions; relays of
    their sources, when an attribution has no relayed_via; bodies, when a relay
    or the near-copy test needs a paragraph; one UPDATE, when anything changed.
    """
    if write:
        claims = claims.select_for_update(of=("self",))
    stored = {
        row[0]: Result(*row[1:]) for row in claims.order_by("id").values_list("id", *Result._fields)
    }
    if not stored:
        return {}, {}
    results = evaluator.evaluate(list(stored), *_rows(attributions, relays))
    changed = {pk: r for pk, r in results.items() if r != stored[pk]}
    if write:
        _write(changed, using)
    return results, changed


def _relays_of(attributions, using):
    """The relays of the sources of `attributions` that have no relayed_via (a subquery)."""
    return SourceRelay.objects.using(using).filter(
        source_id__in=attributions.filter(relayed_via__isnull=True).values("source_id")
    )


def _rows(attributions, relays):
    """The engine's input: the attribution rows, and the relay rows when one needs them."""
    att_rows = list(attributions.order_by().values_list(*_ATTRIBUTION_FIELDS))
    relay_rows = []
    if any(row[_RELAYED_VIA] is None for row in att_rows):
        relay_rows = list(relays.order_by("source_id", "id").values_list(*_RELAY_FIELDS))
    return att_rows, relay_rows


def _claims_condition(claim_ids=(), sources=(), outlets=(), actors=(), owner_groups=(), using=None):
    """A Q on Claim selecting the claims whose status may depend on the given rows."""
    using = using or DEFAULT_DB_ALIAS
    condition = Q(pk__in=[])
    if claim_ids:
        condition |= _ids_in("pk", claim_ids, using)
    att_condition = Q(pk__in=[])
    if sources:
        att_condition |= _ids_in("source_id", sources, using)
    if actors:
        att_condition |= _ids_in("speaker_id", actors, using)
    outlet_ids = Q(pk__in=[])
    if outlets:
        outlet_ids |= _ids_in("pk", outlets, using)
    if owner_groups:
        outlet_ids |= _ids_in("owner_group_id", owner_groups, using)
    if outlets or owner_groups:
        in_outlets = Outlet.objects.using(using).filter(outlet_ids).values("pk")
        relaying = (
            SourceRelay.objects.using(using).filter(outlet_id__in=in_outlets).values("source_id")
        )
        att_condition |= (
            Q(relayed_via_id__in=in_outlets)
            | Q(source__outlet_id__in=in_outlets)
            | Q(source_id__in=relaying)
        )
    if sources or actors or outlets or owner_groups:
        affected = Attribution.objects.using(using).filter(att_condition).values("claim_id")
        condition |= Q(pk__in=affected)
    return condition


def recompute(condition, using=DEFAULT_DB_ALIAS, write=True):
    """Recompute the claims matching a Q on Claim, in the current transaction.

    Returns ({claim id: Result} for every claim, {claim id: Result} for those
    that changed). A fixed number of queries, however many claims there are:
    the claims, locked, with their stored values; their live attributions
    joined to sources, outlets, owner groups and speakers; the relays of their
    sources (when an attribution has no relayed_via); the bodies needed for
    paragraphs (when a relay or the near-copy test needs one); one UPDATE of
    the changed claims; and the claims' search documents (claims.search).
    """
    claims = Claim.objects.using(using).filter(condition)
    matching = Claim.objects.using(using).filter(condition).values("pk")
    # Only live attributions are evidence (removed and orphaned ones are not).
    attributions = Attribution.objects.using(using).live().filter(claim_id__in=matching)
    with transaction.atomic(using=using, savepoint=False):
        outcome = _run(
            claims, attributions, _relays_of(attributions, using), Evaluator(using), using, write
        )
        if write:
            # The same claims' full-text search documents (claims.search), one statement.
            search.refresh(outcome[0], using=using)
        return outcome


def recompute_claims(claim_ids, using=DEFAULT_DB_ALIAS):
    """Recompute the given claims. Returns {claim id: Result} of those that changed."""
    return recompute(_claims_condition(claim_ids=claim_ids, using=using), using)[1]


def recompute_for(*, sources=(), outlets=(), actors=(), owner_groups=(), using=DEFAULT_DB_ALIAS):
    """Recompute every claim that may depend on the given sources, outlets, actors or groups."""
    condition = _claims_condition(
        sources=sources, outlets=outlets, actors=actors, owner_groups=owner_groups, using=using
    )
    return recompute(condition, using)[1]


def evaluate(claim_ids, using=DEFAULT_DB_ALIAS):
    """{claim id: Result} computed afresh, without storing anything."""
    return recompute(_claims_condition(claim_ids=claim_ids, using=using), using, write=False)[0]


class Summary(NamedTuple):
    claims: int
    changed: int
    seconds: float


def _batch_ranges(batch_size, using):
    """(first id, last id) of consecutive batches of `batch_size` claims."""
    claims = Claim.objects.using(using).order_by("pk").values_list("pk", flat=True)
    last = 0
    while True:
        ids = list(claims.filter(pk__gt=last)[:batch_size])
        if not ids:
            return
        yield ids[0], ids[-1]
        last = ids[-1]


def _batch(first, last, using):
    """The claims with ids first..last, their live attributions and the relays to read."""
    claims = Claim.objects.using(using).filter(pk__gte=first, pk__lte=last)
    attributions = (
        Attribution.objects.using(using).live().filter(claim_id__gte=first, claim_id__lte=last)
    )
    return claims, attributions, _relays_of(attributions, using)


def _recompute_batch(first, last, evaluator, using, write):
    """Recompute the claims with ids first..last, in one transaction."""
    with transaction.atomic(using=using):
        claims, attributions, relays = _batch(first, last, using)
        results, changed = _run(claims, attributions, relays, evaluator, using, write)
    return len(results), len(changed)


_worker_evaluator = None


def _worker_batch(task):
    """One batch in a worker process; the evaluator's caches live as long as the process."""
    global _worker_evaluator
    first, last, using, write = task
    if _worker_evaluator is None:
        _worker_evaluator = Evaluator(using)
    try:
        return _recompute_batch(first, last, _worker_evaluator, using, write)
    finally:
        connections[using].close()


def default_workers(using=DEFAULT_DB_ALIAS):
    """Worker processes for a full recompute: one per core on PostgreSQL (up to 4), else 1."""
    if connections[using].vendor != "postgresql":
        return 1  # SQLite takes one writer at a time
    return max(1, min(4, os.cpu_count() or 1))


def recompute_all(batch_size=5000, write=True, using=DEFAULT_DB_ALIAS, progress=None, workers=1):
    """Rebuild every claim's status in batches of claims, one transaction per batch.

    With write=False nothing is stored and `changed` counts the stale claims.
    `progress`, if given, is called with the Summary so far after each batch.
    With workers > 1 the batches run in that many forked processes, each with
    its own connection (PostgreSQL; not inside a transaction, since the
    workers could not see its uncommitted rows).
    """
    started = time.perf_counter()
    total = changed = 0
    ranges = list(_batch_ranges(batch_size, using))
    parallel = workers > 1 and len(ranges) > 1 and not connections[using].in_atomic_block
    if parallel:
        connections.close_all()  # the children open their own
        tasks = [(first, last, using, write) for first, last in ranges]
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            batches = pool.imap_unordered(_worker_batch, tasks)
            for n, n_changed in batches:
                total += n
                changed += n_changed
                if progress:
                    progress(Summary(total, changed, time.perf_counter() - started))
    else:
        evaluator = Evaluator(using)
        for first, last in ranges:
            n, n_changed = _recompute_batch(first, last, evaluator, using, write)
            total += n
            changed += n_changed
            if progress:
                progress(Summary(total, changed, time.perf_counter() - started))
    return Summary(total, changed, time.perf_counter() - started)


def fill_origin_groups(using=DEFAULT_DB_ALIAS, batch_size=5000):
    """Store Claim.origin_groups of every claim, in batches; nothing else is written.

    For the migration that added the field (claims 0009): it evaluates like
    recompute_all but writes only that column (one UPDATE per batch), so it
    runs whatever other derived columns later migrations add. Returns the
    number of claims.
    """
    connection = connections[using]
    table = connection.ops.quote_name(Claim._meta.db_table)
    column = connection.ops.quote_name(Claim._meta.get_field("origin_groups").column)
    id_col = connection.ops.quote_name(Claim._meta.pk.column)
    if connection.vendor == "postgresql":
        sql = (
            f"UPDATE {table} AS c SET {column} = v.o FROM (SELECT "  # noqa: S608
            "(r->>0)::bigint AS i, (r->1)::jsonb AS o "
            f"FROM json_array_elements(%s::json) AS r) AS v WHERE c.{id_col} = v.i"
        )
    else:  # SQLite 3.33+, as _write
        sql = (
            f"UPDATE {table} SET {column} = v.o FROM (SELECT "  # noqa: S608
            "json_extract(value, '$[0]') AS i, json(json_extract(value, '$[1]')) AS o "
            f"FROM json_each(%s)) AS v WHERE {table}.{id_col} = v.i"
        )
    evaluator = Evaluator(using)
    total = 0
    for first, last in _batch_ranges(batch_size, using):
        with transaction.atomic(using=using):
            claims, attributions, relays = _batch(first, last, using)
            ids = list(claims.order_by("pk").values_list("pk", flat=True))
            results = evaluator.evaluate(ids, *_rows(attributions, relays))
            rows = json.dumps([[pk, r.origin_groups] for pk, r in results.items()])
            with connection.cursor() as cursor:
                cursor.execute(sql, [rows])
        total += len(ids)
    return total


# --------------------------------------------------------------------------
# Deferring: many edits, one recompute at the end (still in their transaction)
# --------------------------------------------------------------------------

_local = threading.local()


@contextmanager
def deferred(using=DEFAULT_DB_ALIAS):
    """Collect the claims that edits affect and recompute them once, on leaving.

    For bulk work (imports, merges, the demo loader): the block runs in one
    transaction and the recompute happens at its end, inside that transaction.
    """
    pending = getattr(_local, "pending", None)
    if pending is not None:
        yield  # nested: the outermost block recomputes
        return
    _local.pending = {
        "claim_ids": set(),
        "sources": set(),
        "outlets": set(),
        "actors": set(),
        "owner_groups": set(),
    }
    try:
        with transaction.atomic(using=using):
            yield
            pending = _local.pending
            _local.pending = None
            if any(pending.values()):
                recompute(_claims_condition(using=using, **pending), using)
    finally:
        _local.pending = None


def schedule(using=DEFAULT_DB_ALIAS, **targets):
    """Recompute now, or at the end of the enclosing deferred() block.

    targets: claim_ids, sources, outlets, actors, owner_groups (iterables of ids).
    Returns {claim id: Result} for every claim recomputed now, or {} when deferred.
    """
    pending = getattr(_local, "pending", None)
    if pending is not None:
        for name, ids in targets.items():
            pending[name].update(ids)
        return {}
    if not any(targets.values()):
        return {}
    return recompute(_claims_condition(using=using, **targets), using)[0]
