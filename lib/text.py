"""Small text helpers shared by the apps: name keys, content hashes, hostile text."""

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
    decomposed = unicodedata.normalize("NFKD", clean_line(name or ""))
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


# Escape sequences a terminal acts on: CSI (ESC [ … final byte, or the one-byte
# U+009B), OSC, DCS, SOS, PM and APC strings (ended by BEL or ESC \), and the
# two-character ESC sequences. Removed whole, so no "[31m" is left behind.
_ESCAPE_RE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
)
# Bidirectional formatting characters: embeddings and overrides (U+202A-U+202E),
# isolates (U+2066-U+2069) and the marks (U+200E, U+200F, U+061C).
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
# C0 controls but NUL (refused by the validators, never silently dropped), DEL, C1.
_CONTROL_RE = re.compile("[\x01-\x08\x0e-\x1f\x7f-\x9f" + BIDI_CONTROLS + "]")
_LINE_SPACE_RE = re.compile(r"[\t\n\v\f\r\x1c-\x1e\x85\u2028\u2029]+")

NUL_MESSAGE = "Text cannot contain NUL characters (\\x00)."
FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE = "\u2068", "\u2069"


def clean_line(text):
    """A name or title as stored: one line, no control or direction characters.

    Terminal escape sequences are removed whole; C0 and C1 control characters
    and bidirectional embedding, override, isolate and mark characters are
    removed; line breaks and tabs become one space. NUL is kept, so that the
    validators refuse it with a message. Other text is unchanged:
    letters, punctuation and ordinary spaces are kept as typed.
    """
    if not text:
        return text
    text = _ESCAPE_RE.sub("", text)
    text = _LINE_SPACE_RE.sub(" ", text)
    return _CONTROL_RE.sub("", text)


# Bidirectional classes that can reorder the text around a name: right-to-left
# letters, Arabic numbers, and every explicit embedding, override or isolate.
_REORDERING_CLASSES = frozenset(
    ("R", "AL", "AN", "LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI")
)


def isolate(name):
    """`name` wrapped in FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE when it needs it.

    For names quoted inside a sentence of plain text (a claim's explanation): a
    name holding right-to-left letters or direction controls (a U+202E stored
    before names were cleaned) is isolated, so it cannot reorder the rest of
    the sentence; a name without them cannot, and is returned as it is. HTML
    pages isolate names with <bdi> or dir="auto" as well.
    """
    if not name or not any(unicodedata.bidirectional(ch) in _REORDERING_CLASSES for ch in name):
        return name
    if name.startswith(FIRST_STRONG_ISOLATE) and name.endswith(POP_DIRECTIONAL_ISOLATE):
        return name  # isolated already
    return f"{FIRST_STRONG_ISOLATE}{name}{POP_DIRECTIONAL_ISOLATE}"


def find_nul(data, where=""):
    """The location of the first NUL character in `data`, or None.

    `data` is parsed JSON (dicts, lists, strings, numbers); keys and values
    are searched. The location reads like "owner_group" or "items[3].text".
    """
    stack = [(data, where)]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                return path or "the text"
        elif isinstance(value, dict):
            for key, item in reversed(list(value.items())):
                key = str(key)
                if "\x00" in key:
                    return path or "a key"
                stack.append((item, f"{path}.{key}" if path else key))
        elif isinstance(value, list | tuple):
            for index in range(len(value) - 1, -1, -1):
                stack.append((value[index], f"{path}[{index}]"))
    return None
