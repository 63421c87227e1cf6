"""Relayed agencies in a text: find_relays(body, lookup)."""

import re
from dataclasses import dataclass

from intake.suggest.words import MEDIA_WORDS

# --------------------------------------------------------------------------
# Relays
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Relay:
    outlet_id: int
    cue: str


@dataclass(frozen=True)
class ProposedRelay:
    name: str
    cue: str

    def as_dict(self):
        return {"name": self.name, "cue": self.cue}


_WORD = r"[A-Z][\w&’'-]*(?:\.\w+)*"  # "Pravda.Ru", not the full stop after a name
_NAME = rf"{_WORD}(?:\s+(?:{_WORD}|of|de|la|al))*"
_RELAY_PATTERNS = [
    # "According to Xinhua", "according to the Interfax news agency"
    ("according", re.compile(rf"\b[Aa]ccording to\s+(?:the\s+)?(?P<name>{_NAME})")),
    # "TASS said with reference to the Russian Security Council"
    (
        "reference",
        re.compile(
            rf"(?P<name>{_NAME})\s+(?:news agency\s+)?(?:said|reported|wrote|says|reports)"
            rf"\s+(?:with reference to|citing|quoting)\s+[^.,;:!?]*"
        ),
    ),
    # "RIA Novosti quoted"
    ("quoted", re.compile(rf"(?P<name>{_NAME})\s+quoted\b")),
    # "Interfax reported", "TASS said", "Xinhua reports said"
    (
        "media_verb",
        re.compile(rf"(?P<name>{_NAME})(?:\s+reports?)?\s+(?:reported|said|says|reports)\b"),
    ),
    # "reported by Reuters", "cited by TASS", "told TASS", "in an interview with RT"
    (
        "by",
        re.compile(
            rf"\b(?:reported by|cited by|quoted by|told|in an interview with|speaking to)\s+"
            rf"(?:the\s+)?(?P<name>{_NAME})"
        ),
    ),
    # "state media reports said", "official media reported"
    (
        "state_media",
        re.compile(
            r"\b(?P<name>(?:[Ss]tate|[Oo]fficial|[Gg]overnment)[- ](?:run )?media)"
            r"(?:\s+reports?)?\s+(?:said|reported|says|reports)\b"
        ),
    ),
    # "[Xinhua]": an agency credited in brackets
    ("bracket", re.compile(rf"\[(?P<name>{_NAME})\]")),
]
_MEDIA_VERB_KINDS = {"reference", "quoted", "media_verb", "by"}


_SUBJECT_KINDS = {"reference", "quoted", "media_verb"}


def _outlet_in(name, lookup, kind):
    """The outlet `name` names, as (id, the words that name it), or (None, "").

    Before a verb the outlet ends the name ("On Wednesday RIA Novosti quoted");
    after a preposition it starts it ("according to Xinhua Monday").
    """
    words = name.split()
    for n in range(len(words), 0, -1):
        part = " ".join(words[-n:] if kind in _SUBJECT_KINDS else words[:n])
        outlet_id = lookup.outlet(part)
        if outlet_id is not None:
            return outlet_id, part
    return None, ""


def find_relays(body, lookup, own_outlet_id=None):
    """([Relay], [ProposedRelay]) for the agencies `body` names as its source.

    One relay per outlet (the first cue wins); the article's own outlet is no
    relay. Cues are exact words of the body.
    """
    relays, proposals = {}, {}
    for kind, pattern in _RELAY_PATTERNS:
        for match in pattern.finditer(body):
            name = match.group("name").strip()
            outlet_id, matched = _outlet_in(name, lookup, kind)
            if kind == "according":
                cue = body[match.start() : match.start("name") + len(matched or name)]
            elif kind == "reference":
                cue = match.group(0).rstrip()
                if matched:
                    cue = body[match.start("name") + _offset(name, matched) : match.end()].rstrip()
            elif kind == "quoted" or kind in ("media_verb", "state_media"):
                cue = body[match.start("name") + _offset(name, matched) : match.end()]
            else:
                cue = match.group(0)
            if outlet_id is not None:
                if outlet_id != own_outlet_id and outlet_id not in relays:
                    relays[outlet_id] = Relay(outlet_id, cue)
                continue
            if kind == "bracket" or lookup.actor(name) is not None:
                continue
            proposed = _proposable(name, kind)
            if proposed and proposed.lower() not in proposals:
                proposals[proposed.lower()] = ProposedRelay(proposed, cue)
    ordered = sorted(relays.values(), key=lambda relay: body.find(relay.cue))
    return ordered, sorted(proposals.values(), key=lambda proposal: body.find(proposal.cue))


def _offset(name, matched):
    """Where `matched` (the outlet's words) starts inside `name`."""
    if not matched:
        return 0
    index = name.rfind(matched)
    return max(index, 0)


def _proposable(name, kind):
    """The name to propose as an unknown agency, or "" when it does not look like media."""
    if kind == "state_media":
        return name.lower()
    words = name.split()
    if any(w.lower().strip(".,’'") in MEDIA_WORDS for w in words):
        return name
    if kind in _MEDIA_VERB_KINDS and len(words) == 1 and re.fullmatch(r"[A-Z]{2,6}", words[0]):
        return name  # "AFP reported", "TASS said" (when no outlet is called TASS yet)
    return ""
