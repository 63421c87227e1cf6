"""What goes into the engine's pure core and what comes out: rows, vocabulary, results.

The core (rules, independence, explain, paragraphs) imports no Django: it reads
these plain values. The words below are the stored values of the models'
choices (Claim.Status, Claim.Grade, Attribution.Kind and .Stance, Actor.Kind,
Outlet.Reliability); tests/claims/engine/test_vocabulary.py holds them equal.
"""

from typing import NamedTuple

from lib.text import isolate

# Claim.Status
CORROBORATED = "corroborated"
SINGLE_SOURCE = "single_source"
SPECULATIVE = "speculative"
CONTESTED = "contested"
UNSUPPORTED = "unsupported"

# Claim.Grade (the Admiralty scale)
CONFIRMED = 1
PROBABLY_TRUE = 2
POSSIBLY_TRUE = 3
DOUBTFUL = 4
IMPROBABLE = 5
CANNOT_BE_JUDGED = 6

GRADE_WORDS = {
    CONFIRMED: "confirmed",
    PROBABLY_TRUE: "probably true",
    POSSIBLY_TRUE: "possibly true",
    DOUBTFUL: "doubtful",
    IMPROBABLE: "improbable",
    CANNOT_BE_JUDGED: "cannot be judged",
}

# Attribution.Kind and Attribution.Stance
DIRECT_QUOTE = "direct_quote"
PARAPHRASE = "paraphrase"
SPECULATION = "speculation"
SUPPORTS = "supports"

# Actor.Kind
ANALYST = "analyst"
UNNAMED = "unnamed"

# Outlet.Reliability grades good enough for a single source to be "probably true".
GOOD_RELIABILITY = ("A", "B")


class AttributionRow(NamedTuple):
    """One live attribution with what the engine reads of its speaker, source and outlets.

    `relayed_via_*` describe the outlet it was relayed via (all None when
    none); `outlet_*` its source's own outlet (all None for a source with no
    known outlet). A plain tuple in this order is a row too.
    """

    claim_id: int
    id: int
    source_id: int
    start: int
    end: int
    quote: str
    kind: str
    stance: str
    speaker_name: str | None = None
    speaker_kind: str | None = None
    speaker_role: str | None = None
    relayed_via_id: int | None = None
    relayed_via_name: str | None = None
    relayed_via_group_id: int | None = None
    relayed_via_group_name: str | None = None
    relayed_via_reliability: str | None = None
    outlet_id: int | None = None
    outlet_name: str | None = None
    outlet_group_id: int | None = None
    outlet_group_name: str | None = None
    outlet_reliability: str | None = None
    source_title: str = ""
    outlet_kind: str | None = None


class RelayRow(NamedTuple):
    """A relay of a source (SourceRelay): the outlet named in its text, and its cue."""

    source_id: int
    outlet_id: int
    cue: str
    outlet_name: str
    outlet_group_id: int | None = None
    outlet_group_name: str | None = None
    outlet_reliability: str | None = None


class Result(NamedTuple):
    """What the engine stores on a claim: each field is the Claim field of that name."""

    status: str
    grade: int
    explanation: str
    origin_count: int
    # Claim.outlet_kinds: the kinds of outlet of every live attribution's source,
    # whatever its stance (bits given to the Evaluator).
    outlet_kinds: int = 0
    # Claim.origin_groups: the claim's origin groups (explain.origin_groups_summary).
    origin_groups: list = []


#: A claim with no live attribution. A new claim starts with the model's
#: defaults, which equal it.
UNSUPPORTED_NOTHING = Result(
    UNSUPPORTED,
    CANNOT_BE_JUDGED,
    "Unsupported: no supporting attribution.",
    0,
)


class Origin:
    """An outlet, or an article with no known outlet, that statements come from."""

    __slots__ = ("key", "name", "group_id", "group_name", "reliability")

    def __init__(self, key, name, group_id=None, group_name=None, reliability=None):
        self.key = key
        # Names as the explanation quotes them: isolated, so none reorders the sentence.
        self.name = isolate(name)
        self.group_id = group_id
        self.group_name = isolate(group_name)
        self.reliability = reliability


class Evidence:
    """One attribution as the rules see it: its side, speaker, reasons and origin.

    `reasons` is empty for a counted attribution, else why it is speculative;
    `relayed` tells whether its origin is another outlet than its source's
    own; `needs_paragraph` that a relay named in its paragraph may still
    change its origin.
    """

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


class Relay:
    """A relay of a source: the text that names it in a paragraph, and its origin."""

    __slots__ = ("needle", "origin")

    def __init__(self, needle, origin):
        self.needle = needle
        self.origin = origin


class Group:
    """Origins counted as one independent origin, with their attributions and why."""

    __slots__ = ("origins", "att_lists", "reasons")

    def __init__(self, origins, att_lists):
        self.origins = origins
        self.att_lists = att_lists
        self.reasons = []
