"""Small text helpers shared by the apps: name keys and content hashes."""

import hashlib
import re
import unicodedata

_SPACE_RE = re.compile(r"\s+")
_PUNCT_RE = re.compile(r"[^\w\s]")


def normalize_name(name):
    """The lookup key for a person's or an outlet's name.

    Case, accents, punctuation and runs of white space (non-breaking spaces
    included) do not tell names apart: "Pravda.Ru", "pravda ru" and
    "PRAVDA\u00a0RU" share one key.
    """
    decomposed = unicodedata.normalize("NFKD", name or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    without_punct = _PUNCT_RE.sub(" ", stripped.casefold())
    return _SPACE_RE.sub(" ", without_punct).strip()


def content_hash(text):
    """SHA-256 of the text with Unicode and white space normalised.

    The stored body keeps every byte as imported; the hash ignores differences
    that do not change what the article says (NBSP vs space, CRLF vs LF,
    trailing blanks), so a re-saved copy of one article is caught as a duplicate.
    """
    normalized = unicodedata.normalize("NFKC", text or "")
    normalized = _SPACE_RE.sub(" ", normalized).strip()
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


def counted(n, noun):
    """ "1 passage", "3 passages": `n` and `noun`, plural when `n` is not 1."""
    return f"{n} {noun}" + ("" if n == 1 else "s")
