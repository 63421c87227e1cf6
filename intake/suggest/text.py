"""Text structure for the suggester: quoted passages and sentences."""

import re
from bisect import bisect_right

from intake.suggest.words import ABBREVIATIONS

# --------------------------------------------------------------------------
# Text structure: lines, quotes, sentences
# --------------------------------------------------------------------------

_OPENERS = "“«„"
_CLOSERS = "”»"
LINE_RE = re.compile(r"[^\n]+")
_SENTENCE_END_RE = re.compile(r"[.!?…]+[\"”»’)\]]*(?=\s+[\"“«‘(\[]?[A-Z])")
_WORD_RE = re.compile(r"[\w’'.-]+")
BULLET_RE = re.compile(r"^\s*(?:[•▪◦·*–—-]|\d+[.)])\s+")


def quote_spans(text):
    """(start, end) of each quoted passage in one line, quote marks included.

    Opening marks: “ « „ and a straight " at the start or after a space or an
    opening bracket. Any closing mark (” » ") closes, so the mixed "…” counts.
    A quote left open runs to the end of the line.
    """
    spans = []
    opened = None
    n = len(text)
    for i, char in enumerate(text):
        if opened is None:
            if char in _OPENERS or (char == '"' and (i == 0 or text[i - 1] in " \t([{—–-/")):
                opened = i
        elif char in _CLOSERS or char == '"':
            spans.append((opened, i + 1))
            opened = None
        elif char in "“«" and text[opened] == char:
            # A second opener before any closer: the first was never closed.
            spans.append((opened, i))
            opened = i
    if opened is not None and n - opened > 1:
        spans.append((opened, n))
    return spans


def is_inside(spans, position):
    """True when `position` falls strictly inside one of the (sorted) spans."""
    index = bisect_right(spans, (position, float("inf"))) - 1
    return index >= 0 and spans[index][0] < position < spans[index][1]


def sentences(text, quotes):
    """(start, end) of each sentence of one line; never split inside a quote."""
    result = []
    start = 0
    for match in _SENTENCE_END_RE.finditer(text):
        end = match.end()
        inside = is_inside(quotes, end) or is_inside(quotes, match.start())
        if inside and not any(q_end == end for _, q_end in quotes):
            continue  # a full stop inside a quote ends the sentence only with the quote
        word = text[max(0, match.start() - 12) : match.start()].split()
        last = word[-1].lower() if word else ""
        if last in ABBREVIATIONS or (len(last) == 1 and last.isalpha()):
            continue  # "U.S. President", "J. Smith"
        result.append((start, end))
        start = end
        while start < len(text) and text[start].isspace():
            start += 1
    if start < len(text) and text[start:].strip():
        result.append((start, len(text.rstrip())))
    return result


def count_quoted_words(text, quotes):
    return sum(len(text[s:e].split()) for s, e in quotes)
