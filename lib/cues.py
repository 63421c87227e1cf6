"""Cue lists: the words that make a statement speculative, and the patterns that find them.

The one list of hedges and the one list of pundit words. The provenance engine
(claims.engine) and the suggester (intake) both read them, so a cue added here
counts in both. Plain text rules: this module imports no app and no Django.
"""

import re

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


def phrase_pattern(phrases):
    """A regular expression (source text) matching any of `phrases` as whole words.

    Longer phrases are tried first; the space between two words of a phrase
    matches any run of white space.
    """
    alternatives = sorted(
        (r"\s+".join(re.escape(word) for word in phrase.split()) for phrase in phrases),
        key=len,
        reverse=True,
    )
    return r"\b(?:" + "|".join(alternatives) + r")\b"


#: Finds a pundit word (PUNDIT_WORDS, or a plural such as "analysts") in a
#: speaker's name or role, any case.
PUNDIT_RE = re.compile(phrase_pattern(PUNDIT_WORDS) + r"|\b(?:analysts|pundits|experts)\b", re.I)

_HEDGE_RE = re.compile(phrase_pattern(HEDGE_CUES), re.IGNORECASE)
# The longest word of each cue: a text containing none of them has no cue.
_HEDGE_KEY_WORDS = tuple({max(phrase.split(), key=len) for phrase in HEDGE_CUES})
_SENTENCE_OPENERS = " \t\"'“‘«(["
_NUMBER_AHEAD_RE = re.compile(r"[^\S\n]*\d")


def may_be_hedged(text):
    """False when no hedge cue can be in the text: the common case, checked fast.

    True does not mean a cue is there; hedge_cues() decides.
    """
    return any(map(text.lower().__contains__, _HEDGE_KEY_WORDS))


def hedge_cues(text):
    """The hedge cues in `text`, lower-cased, in order of first appearance."""
    if not may_be_hedged(text):
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
