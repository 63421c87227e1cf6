"""Source bodies split into paragraphs, and the 5-word shingles of each paragraph.

A paragraph is the text between blank lines (or between line breaks in a body
that has no blank line); a span of text covering several paragraphs takes them
all. Pure: the bodies come from the `fetch` function the caller gives.
"""

import re
from array import array
from bisect import bisect_right

SHINGLE_WORDS = 5

_WORD_RE = re.compile(r"\w+")
_BLANK_LINE_RE = re.compile(r"\n[^\S\n]*\n\s*")
_LINE_BREAK_RE = re.compile(r"\n\s*")


def shingles_of(text):
    """The hashes of the 5-word shingles (lower-cased words) of `text`.

    A text of fewer words is one shingle; an empty one has none. hash() is
    stable within one process, which is as long as the sets are kept.
    """
    words = _WORD_RE.findall(text.casefold())
    if len(words) < SHINGLE_WORDS:
        return frozenset([hash(tuple(words))]) if words else frozenset()
    return frozenset(map(hash, zip(*(words[i:] for i in range(SHINGLE_WORDS)), strict=False)))


def paragraph_spans(body):
    """([start of each paragraph], [end of each paragraph]) of a body."""
    separators = list(_BLANK_LINE_RE.finditer(body))
    if not separators:
        separators = list(_LINE_BREAK_RE.finditer(body))
    return [0] + [m.end() for m in separators], [m.start() for m in separators] + [len(body)]


class Paragraphs:
    """A cache of source bodies, their paragraphs and the shingles of each paragraph.

    `fetch(source_ids)` returns (source id, body) pairs; load() calls it once
    for the bodies not at hand. Bodies are kept up to `max_chars` characters,
    so a full recompute reads each body about once; shingles are kept as sets
    for the current batch and packed (8 bytes a shingle) for up to
    `max_packed` paragraphs across batches.
    """

    def __init__(self, fetch, max_chars=200_000_000, max_packed=300_000):
        self.fetch = fetch
        self.max_chars = max_chars
        self.max_packed = max_packed
        self._bodies = {}  # source id -> [body, starts, ends]
        self._chars = 0
        self._shingles = {}  # paragraph key -> frozenset, for the current batch
        self._packed = {}  # paragraph key -> array of the same hashes, across batches

    @classmethod
    def of(cls, bodies):
        """Paragraphs of the bodies in a {source id: body} mapping."""
        return cls(lambda ids: ((sid, bodies[sid]) for sid in ids))

    def load(self, source_ids):
        """Make sure the bodies of `source_ids` are at hand (at most one fetch)."""
        missing = [sid for sid in source_ids if sid not in self._bodies]
        if not missing:
            return
        if self._chars > self.max_chars:
            wanted = set(source_ids)
            self._bodies = {k: v for k, v in self._bodies.items() if k in wanted}
            self._chars = sum(len(v[0]) for v in self._bodies.values())
            self._shingles.clear()
            self._packed.clear()
        for source_id, body in self.fetch(missing):
            self._bodies[source_id] = [body, None, None]
            self._chars += len(body)

    def _spans(self, source_id):
        entry = self._bodies[source_id]
        if entry[1] is None:
            entry[1], entry[2] = paragraph_spans(entry[0])
        return entry

    def key(self, source_id, start, end):
        """(source id, first paragraph, last paragraph) of the span start..end."""
        _, starts, _ = self._spans(source_id)
        first = bisect_right(starts, start) - 1
        last = bisect_right(starts, max(start, end - 1)) - 1
        return (source_id, max(first, 0), max(last, 0))

    def text(self, key):
        """The text of the paragraphs a key names."""
        body, starts, ends = self._spans(key[0])
        return body[starts[key[1]] : ends[key[2]]]

    def forget_shingles(self):
        """Drop the current batch's shingle sets (the packed copies stay)."""
        self._shingles.clear()

    def shingles(self, key):
        """The shingles of the paragraphs a key names (shingles_of their text), cached."""
        shingles = self._shingles.get(key)
        if shingles is not None:
            return shingles
        packed = self._packed.get(key)
        if packed is not None:
            shingles = frozenset(packed)
        else:
            shingles = shingles_of(self.text(key))
            if len(self._packed) >= self.max_packed:
                self._packed.clear()
            self._packed[key] = array("q", shingles)
        self._shingles[key] = shingles
        return shingles
