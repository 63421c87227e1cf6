"""The engine's rules: from attribution and relay rows to each claim's Result.

Origin of an attribution, the most upstream outlet in its chain:
  1. the outlet it was relayed via (Attribution.relayed_via), if set;
  2. otherwise a relay of its source (SourceRelay) named in the paragraph that
     holds the quote: the relay's cue ("TASS said") or, when the cue is blank,
     the outlet's name as a whole word. The paragraph says where the words came
     from; a relay named elsewhere in the article does not apply to them;
  3. otherwise the source's own outlet;
  4. otherwise the source itself ("an article with no known outlet").

Independent origins: see claims.engine.independence.

An attribution is speculative when its kind is speculation/opinion, its speaker
is an analyst or pundit (Actor.Kind.ANALYST), its speaker is an unnamed actor
whose name or role names a pundit ("unnamed analysts", role "political
scientist"; lib.cues.PUNDIT_WORDS), or its quote carries a hedge
(lib.cues.HEDGE_CUES). Only the quoted text is checked for hedges: a hedge in
the next sentence qualifies that sentence, not the quote.

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
(non-speculative) supporting attributions. Speculative attributions are never
counted, on either side; the explanation names each one left out and why
(which cue fired). Claims are never merged by the engine: the same words about
different event dates are different claims.

Pure: rows in (claims.engine.data), Results out; the only reads are of source
bodies, through the Paragraphs' fetch function, for the sources whose
paragraphs a rule needs.
"""

import re

from claims.engine import explain
from claims.engine.data import (
    ANALYST,
    CANNOT_BE_JUDGED,
    CONFIRMED,
    CONTESTED,
    CORROBORATED,
    DOUBTFUL,
    GOOD_RELIABILITY,
    IMPROBABLE,
    POSSIBLY_TRUE,
    PROBABLY_TRUE,
    SINGLE_SOURCE,
    SPECULATION,
    SPECULATIVE,
    SUPPORTS,
    UNNAMED,
    UNSUPPORTED,
    UNSUPPORTED_NOTHING,
    AttributionRow,
    Evidence,
    Origin,
    Relay,
    Result,
)
from claims.engine.independence import Independence
from lib.cues import PUNDIT_RE, hedge_cues, may_be_hedged
from lib.text import isolate

_PUNDIT_KINDS = (ANALYST, UNNAMED)
_OUTLET_KIND = AttributionRow._fields.index("outlet_kind")


def speculation_reasons(kind, speaker_kind, speaker_name, speaker_role, quote):
    """Why an attribution is speculative, as a list of short phrases; empty if it is not."""
    reasons = []
    if kind == SPECULATION:
        reasons.append("speculation or opinion")
    if speaker_kind == ANALYST:
        reasons.append("the speaker is an analyst or pundit")
    elif speaker_kind == UNNAMED and PUNDIT_RE.search(f"{speaker_name or ''} {speaker_role or ''}"):
        reasons.append("the speaker is an unnamed analyst")
    cues = hedge_cues(quote)
    if cues:
        reasons.append("hedged: " + ", ".join(f"“{cue}”" for cue in cues))
    return reasons


def status_and_grade(supports, spec_supports, disputes, support_groups, dispute_groups):
    """(status, grade) from a claim's counted and speculative attributions and their groups."""
    if not supports and not spec_supports:
        return UNSUPPORTED, CANNOT_BE_JUDGED
    if disputes:
        return CONTESTED, IMPROBABLE if len(dispute_groups) > len(support_groups) else DOUBTFUL
    if not supports:
        return SPECULATIVE, CANNOT_BE_JUDGED
    if len(support_groups) >= 2:
        return CORROBORATED, CONFIRMED
    if all(o.reliability in GOOD_RELIABILITY for o in support_groups[0].origins):
        return SINGLE_SOURCE, PROBABLY_TRUE
    return SINGLE_SOURCE, POSSIBLY_TRUE


class Evaluator:
    """Turns attribution and relay rows into Results. Shared by incremental and full recomputes.

    `paragraphs` (claims.engine.paragraphs.Paragraphs) supplies the source
    bodies; `outlet_kind_bits` maps each outlet kind (None: no known outlet)
    to its bit in Claim.outlet_kinds. The paragraph and pair caches live as
    long as the evaluator, so a full recompute reuses them across batches.
    """

    def __init__(self, paragraphs, outlet_kind_bits):
        self.paragraphs = paragraphs
        self.independence = Independence(paragraphs)
        self.kind_bits = outlet_kind_bits
        self._outlets = {}
        self._sources = {}
        self._name_patterns = {}

    def evaluate(self, claim_ids, att_rows, relay_rows):
        """{claim id: Result} for `claim_ids`, from their attribution and relay rows.

        Rows are data.AttributionRow and data.RelayRow, or plain tuples in
        their field order. Bodies are loaded once, for the sources whose
        paragraphs a relay or the near-copy test needs.
        """
        self._outlets.clear()
        self._sources.clear()
        self.paragraphs.forget_shingles()  # bounded memory: kept for one batch
        relays = self._relays(relay_rows)
        by_claim, outlet_kinds, needed = self._read(att_rows, relays)
        needed.update(_near_copy_candidates(by_claim))
        self.paragraphs.load(needed)
        results = {}
        for claim_id in claim_ids:
            atts = by_claim.get(claim_id)
            if not atts:
                results[claim_id] = UNSUPPORTED_NOTHING
                continue
            for att in atts:
                if att.needs_paragraph:
                    self._resolve_relay(att, relays[att.source_id])
            results[claim_id] = self.judge(atts)._replace(outlet_kinds=outlet_kinds[claim_id])
        return results

    def _outlet(self, outlet_id, name, group_id, group_name, reliability):
        # One evaluate() reads one snapshot: an outlet's values are the same on every row.
        origin = self._outlets.get(outlet_id)
        if origin is None:
            origin = Origin(("o", outlet_id), name, group_id, group_name, reliability)
            self._outlets[outlet_id] = origin
        return origin

    def _relays(self, relay_rows):
        """{source id: [Relay]} from relay rows."""
        relays = {}
        for source_id, outlet_id, cue, name, group_id, group_name, reliability in relay_rows:
            needle = " ".join(cue.split()) or name  # the cue, else the outlet's name
            origin = self._outlet(outlet_id, name, group_id, group_name, reliability)
            relays.setdefault(source_id, []).append(Relay(needle, origin))
        return relays

    def _read(self, att_rows, relays):
        """({claim id: [Evidence]}, {claim id: outlet kind bits}, {source ids needing bodies})."""
        by_claim = {}
        outlet_kinds = {}
        needed = set()
        bits = self.kind_bits
        for row in att_rows:
            att = self._evidence(row, relays)
            claim_id = row[0]
            by_claim.setdefault(claim_id, []).append(att)
            outlet_kinds[claim_id] = outlet_kinds.get(claim_id, 0) | bits[row[_OUTLET_KIND]]
            if att.needs_paragraph:
                needed.add(att.source_id)
        return by_claim, outlet_kinds, needed

    def _evidence(self, row, relays):
        """One attribution row as Evidence: its side, reasons and origin before any relay."""
        att = Evidence()
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
            *relayed_via,
            outlet_id,
            outlet_name,
            outlet_group,
            outlet_group_name,
            outlet_reliability,
            title,
            _outlet_kind,
        ) = row
        att.supports = stance == SUPPORTS
        if att.kind == SPECULATION or speaker_kind in _PUNDIT_KINDS or may_be_hedged(quote):
            att.reasons = speculation_reasons(att.kind, speaker_kind, att.speaker, att.role, quote)
        else:
            att.reasons = ()  # the fast path of speculation_reasons()
        att.speaker, att.role = isolate(att.speaker), isolate(att.role)
        if outlet_id is not None:
            att.source_label = isolate(outlet_name)
            own = self._outlet(
                outlet_id, outlet_name, outlet_group, outlet_group_name, outlet_reliability
            )
        else:
            att.source_label = isolate(explain.bare_source_label(att.source_id, title))
            own = self._source_origin(att.source_id, att.source_label)
        self._set_origin(att, own, relayed_via, relays)
        return att

    def _source_origin(self, source_id, label):
        """The origin of an article with no known outlet: the article itself."""
        own = self._sources.get(source_id)
        if own is None or own.name != label:
            own = Origin(("s", source_id), label)
            self._sources[source_id] = own
        return own

    def _set_origin(self, att, own, relayed_via, relays):
        """Rule 1 (relayed_via) or 3/4 (its own outlet or article), marking rule 2 pending."""
        relay_id = relayed_via[0]
        att.needs_paragraph = False
        if relay_id is not None:
            att.origin = self._outlet(*relayed_via)
            att.relayed = att.origin is not own
        else:
            att.origin = own
            att.relayed = False
            if att.source_id in relays:
                att.needs_paragraph = True  # resolved once the bodies are loaded

    def _resolve_relay(self, att, relays):
        """Rule 2: the origin is the relay named first in the attributed paragraph, if any."""
        paragraph = self.paragraphs.text(self.paragraphs.key(att.source_id, att.start, att.end))
        best = None
        for relay in relays:
            match = self._name_pattern(relay.needle).search(paragraph)
            position = match.start() if match else -1
            if position >= 0 and (best is None or position < best[0]):
                best = (position, relay.origin)
        if best is not None and best[1] is not att.origin:
            att.origin = best[1]
            att.relayed = True

    def _name_pattern(self, needle):
        """Whole words, any case: the cue "RT said" is not in "the report said"."""
        pattern = self._name_patterns.get(needle)
        if pattern is None:
            words = r"\s+".join(map(re.escape, needle.split()))
            pattern = re.compile(r"(?<!\w)" + words + r"(?!\w)", re.IGNORECASE)
            self._name_patterns[needle] = pattern
        return pattern

    def judge(self, atts):
        """The Result of one claim from its Evidence (outlet_kinds left at 0)."""
        atts.sort(key=lambda a: a.id)
        supports, spec_supports, disputes, spec_disputes = [], [], [], []
        for att in atts:
            if att.supports:
                (spec_supports if att.reasons else supports).append(att)
            else:
                (spec_disputes if att.reasons else disputes).append(att)
        support_groups = self.independence.groups(supports) if supports else []
        dispute_groups = self.independence.groups(disputes) if disputes else []
        status, grade = status_and_grade(
            supports, spec_supports, disputes, support_groups, dispute_groups
        )
        text = explain.explanation(
            status, grade, support_groups, dispute_groups, spec_supports, spec_disputes
        )
        groups = explain.origin_groups_summary(
            support_groups, dispute_groups, spec_supports + spec_disputes
        )
        return Result(status, grade, text, len(support_groups), origin_groups=groups)


def _near_copy_candidates(by_claim):
    """The sources of claims with 2+ counted attributions on one side: the near-copy test
    may need their paragraphs."""
    sources = set()
    for atts in by_claim.values():
        if len(atts) > 1:
            counted = [a for a in atts if not a.reasons]
            supports = sum(1 for a in counted if a.supports)
            if supports > 1 or len(counted) - supports > 1:
                sources.update(a.source_id for a in counted)
    return sources
