"""The article importer: files in, one Source per article, one ImportBatch per run.

Every step is a small function, so a format or a rule can change without the rest:

    collect_files(paths)        files, folders (walked, sorted); missing paths kept
    read_file(path)             the bytes, within settings.IMPORT_MAX_BYTES
    sniff(data)                 the format from the content, never the file name:
                                zip, html, jsonl, csv or text; binary refused
    detect_encoding(data)       a byte-order mark, UTF-8, else charset-normalizer's guess,
                                sure or not (MAX_CHAOS); binary, empty and NUL refused
    parse_bytes(data, label)    [Parsed]: one per article, or per failed file / row
      parse_plain_text(text)      title, byline, date, outlet signature, cleaned body
      parse_html(text)            trafilatura: title, author, date, site name, main text
      parse_jsonl(text) / parse_csv(text)   named fields, per-row errors
      parse_zip(data)             members parsed as above; bombs and traversal refused
    import_article(article)     one Source with its relays and suggested attributions,
                                in its own transaction, or the duplicate found
    import_files(paths)         all of the above for a run, recorded on an ImportBatch

Stored text. `Source.original_text` keeps the text as decoded (for HTML, the
text the extractor found; the page itself is kept in `raw_html`, never
rendered). `Source.body` is that text cleaned: line endings made "\\n"; the
byline and date lines, a repeated title line and site furniture removed
(follow/subscribe lines, comment forms, "Newsroom logo", "None", author and
editor footers, the outlet's signature, a caption repeating a paragraph);
trailing blanks dropped. The title line stays: the body is the article from
its headline down (two articles with one text under different headlines are
two articles).
Every kept line is kept character for character, so attribution offsets point
into the body and quotes copied from the original are found in it.

Metadata is never guessed. A field the text does not give is left empty and
the source is flagged "needs metadata" (Source.missing_metadata) for editors.
The outlet comes from a signature ("Subscribe to Pravda.Ru …", "TBP and
Agencies"), an HTML site name or domain, or a row's field, and only when it
matches an outlet's name, alias or domain; an unknown name is left as a note.

Relays and suggestions come from intake.suggest: known agencies become
SourceRelay rows (inserted together, then announced to the status engine with
claims.status.schedule, so the claims they affect are recomputed in the same
transaction: once per group of articles when import_parsed runs the import),
unknown agencies are proposed on the source (Source.proposed_relays), and
suggested attributions wait in the editors' queue (claims.Suggestion).

Duplicates: the same cleaned text, the same original text (content hash) or
the same URL as an existing source, or as an earlier article of the same run.
"""

import codecs
import csv
import dataclasses
import io
import itertools
import json
import logging
import os
import re
import zipfile
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path

import charset_normalizer
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Q

from intake import suggest as suggestions
from lib.text import clean_line, content_hash
from sources.models import ImportBatch, Source, SourceRelay

logger = logging.getLogger(__name__)

ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with BOM",
    "utf-16": "UTF-16 with BOM",
    "utf-32": "UTF-32 with BOM",
    "cp1252": "Windows-1252 (cp1252)",
}

# --------------------------------------------------------------------------
# Site furniture
# --------------------------------------------------------------------------

# Lines that are never part of an article, wherever they stand. Matched against
# the whole line, stripped of white space, ignoring case.
BOILERPLATE_LINES = [
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"follow us( on)?\s*:?.*",
        r"last update[ds]?\s*:.*",
        r"updated\s*:.*",
        r"newsroom logo",
        r"none",
        r"advertisement",
        r"skip to (main )?content",
        r"share( this)?( article| story)?( on \w+)?\s*:?",
        r"subscribe( now)?( to .*)?",
        r"sign up (for|to) .*",
        r"leave a (reply|comment)\s*(cancel reply)?",
        r"(your )?email address will not be published\.?.*",
        r"required fields are marked \*?",
        r"(post )?comments?\s*(\(\d+\))?\s*:?",
        r"read (more|also)\s*:.*",
        r"related( articles| stories| news)?\s*:?",
        r"click here to .*",
        r"print( this)?( article)?",
        r"tags?\s*:.*",
        r"image( source)?\s*:.*",
        r"photo( credit)?\s*:.*",
    )
]
# Lines that end an article: author and editor footers. Only after the story.
FOOTER_LINES = [
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"author[`'’]?s? name\s*:?\s*.+",
        r"(author|written by|reporting by|editing by|editor|edited by)\s*:?\s+[\w .,'’-]{2,80}",
        r"copyright\b.*|©.*|\(c\)\s.*",
        r"all rights reserved\.?",
    )
]

TITLE_MAX_LENGTH = Source._meta.get_field("title").max_length
BYLINE_MAX_LENGTH = Source._meta.get_field("byline").max_length
URL_MAX_LENGTH = Source._meta.get_field("url").max_length

# Articles written per transaction: each has its own savepoint inside it.
COMMIT_EVERY = 50

# A "story line": long enough and ending like a sentence. The lines before the
# first one are the header (title, byline, date); after the last, the footer.
STORY_LINE_MIN_WORDS = 12


class Rejected(Exception):
    """A file, row or article the importer refuses; the message is meant for the user."""


class FileStatus(StrEnum):
    IMPORTED = "imported"
    DUPLICATE = "duplicate"
    FAILED = "failed"


class Format(StrEnum):
    AUTO = "auto"
    TEXT = "text"
    HTML = "html"
    JSONL = "jsonl"
    CSV = "csv"
    ZIP = "zip"


FORMAT_CHOICES = [(f.value, f.value) for f in Format]


@dataclass
class ArticleData:
    """What a parser found in one article, before it becomes a Source."""

    body: str
    title: str = ""
    byline: str = ""
    published_on: date | None = None
    url: str = ""
    language: str = "en"
    encoding: str = ""
    original_text: str = ""
    raw_html: str = ""
    format: str = Format.TEXT.value
    # The outlet as the article names it (signature, site name, row field),
    # resolved against outlets at import time; the words that named it.
    outlet_name: str = ""
    outlet_cue: str = ""
    site_domain: str = ""  # an HTML page's host, matched against Outlet.domain
    notes: list = field(default_factory=list)
    # When the encoding detector was unsure: the encodings that read the file
    # as different texts, the one used first (Decoded.candidates); else empty.
    encoding_candidates: list = field(default_factory=list)
    _hashes: tuple | None = field(default=None, repr=False, compare=False)

    def __post_init__(self):
        # Names and titles are one clean line, whichever parser or correction made them.
        self.title = clean_line(self.title)
        self.byline = clean_line(self.byline)
        self.outlet_name = clean_line(self.outlet_name)

    def hashes(self):
        """(content hash of the body, of the original text or None), computed once."""
        if self._hashes is None or self._hashes[0] != (self.body, self.original_text):
            original = content_hash(self.original_text) if self.original_text else None
            self._hashes = ((self.body, self.original_text), content_hash(self.body), original)
        return self._hashes[1:]


@dataclass
class Parsed:
    """One article found in a file, or the reason a file or row could not be read."""

    label: str
    file: str
    article: ArticleData | None = None
    error: str = ""


@dataclass(slots=True)
class FileOutcome:
    """What happened to one file (or, for multi-article formats, one article)."""

    path: str
    status: FileStatus
    message: str = ""
    # The new source; for a duplicate, the existing source it duplicates.
    source: Source | None = None
    encoding: str = ""
    title: str = ""
    file: str = ""
    article: ArticleData | None = None
    # What import_article found, also on a dry run.
    outlet_name: str = ""
    missing: list = field(default_factory=list)
    relays: list = field(default_factory=list)  # outlet names
    proposed_relays: list = field(default_factory=list)  # {"name", "cue"}
    suggestion_count: int = 0
    source_id: int | None = None


@dataclass
class ImportResult:
    batch: ImportBatch | None  # None on a dry run: nothing is written
    outcomes: list[FileOutcome] = field(default_factory=list)
    dry_run: bool = False

    def with_status(self, status):
        return [outcome for outcome in self.outcomes if outcome.status == status]

    @property
    def imported(self):
        return self.with_status(FileStatus.IMPORTED)

    @property
    def duplicates(self):
        return self.with_status(FileStatus.DUPLICATE)

    @property
    def failed(self):
        return self.with_status(FileStatus.FAILED)


# --------------------------------------------------------------------------
# Files and bytes
# --------------------------------------------------------------------------


def collect_files(paths):
    """The files to import, in order: each path as given, folders walked and sorted.

    Hidden files and folders (names starting with a dot) inside a folder are
    skipped. A path that does not exist is kept, so that it is reported.
    """
    files = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for folder, subfolders, names in os.walk(path):
                subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
                files.extend(
                    str(Path(folder) / name) for name in sorted(names) if not name.startswith(".")
                )
        else:
            files.append(str(raw))
    return files


def read_file(path, max_bytes=None):
    """The bytes of the file at `path`; Rejected when missing, unreadable or too large."""
    max_bytes = settings.IMPORT_MAX_BYTES if max_bytes is None else max_bytes
    path = Path(path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise Rejected("not a regular file")
        if size > max_bytes:
            raise Rejected(
                f"the file is too large: {size:,} bytes, over the limit of "
                f"{max_bytes:,} bytes (IMPORT_MAX_BYTES)"
            )
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise Rejected("no such file or folder") from None
    except OSError as exc:
        raise Rejected(f"the file cannot be read: {exc.strerror or exc}") from None
    if len(data) > max_bytes:  # it grew while we looked
        raise Rejected(f"the file is over the limit of {max_bytes:,} bytes (IMPORT_MAX_BYTES)")
    return data


# Magic numbers of binary files people upload by mistake.
BINARY_SIGNATURES = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"RIFF", "a RIFF media file"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ", "an xz archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a program"),
    (b"SQLite format 3", "an SQLite database"),
)
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_HTML_START_RE = re.compile(r"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.I | re.S)
_HTML_TAG_RE = re.compile(r"<(?:html|head|body|article|title|meta|p|div)\b[^>]*>", re.I)
CSV_BODY_FIELDS = ("body", "text")


def sniff(data):
    """The format of `data` judged by its content: zip, html, jsonl, csv or text.

    Refuses binary files (a known signature, or NUL bytes in a file without a
    UTF-16 or UTF-32 byte-order mark) with a message naming what they look
    like. File names are never consulted.
    """
    if data.startswith(ZIP_SIGNATURES):
        return Format.ZIP
    for signature, what in BINARY_SIGNATURES:
        if data.startswith(signature):
            raise Rejected(f"this is a binary file ({what}), not an article")
    codec = next((codec for mark, codec in BYTE_ORDER_MARKS if data.startswith(mark)), "utf-8")
    if codec in ("utf-8", "utf-8-sig") and b"\x00" in data:
        raise Rejected("this is a binary file (it contains NUL bytes), not plain text")
    text = data[:4096].decode(codec, errors="replace").lstrip("\ufeff")
    if _HTML_START_RE.match(text) or len(_HTML_TAG_RE.findall(text[:2048])) >= 2:
        return Format.HTML
    stripped = text.lstrip()
    if stripped.startswith("{") or re.match(r"\[\s*[{\]]", stripped):
        return Format.JSONL  # malformed lines are reported row by row
    if _looks_like_csv(text):
        return Format.CSV
    return Format.TEXT


def _looks_like_csv(text):
    first = text.lstrip("\ufeff").split("\n", 1)[0].strip().lower()
    for delimiter in (",", ";", "\t"):
        names = [name.strip().strip('"').strip() for name in first.split(delimiter)]
        if (
            len(names) >= 2
            and any(name in CSV_BODY_FIELDS for name in names)
            and all(re.fullmatch(r"[a-z_][a-z0-9_]{0,40}", name) for name in names)
        ):
            return True
    return False


# Byte-order marks, longest first (a UTF-32 LE mark starts like a UTF-16 LE one).
BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# When is charset-normalizer's guess sure? Its best candidate must read as
# text (mess ratio, "chaos", at most MAX_CHAOS) in a language it recognises
# (coherence at least MIN_COHERENCE), and no candidate reading the bytes as a
# different text in another language may come close: within CLOSE_CHAOS of its
# chaos and CLOSE_COHERENCE of its coherence. (Candidates in the same language,
# such as cp1250 beside cp1252 for French, differ in a few letters: the
# detector's ranking decides.) Otherwise the guess is unsure: the upload
# preview says so and offers the candidates, and the source's import notes say so.
MAX_CHAOS = 0.1
MIN_COHERENCE = 0.2
CLOSE_CHAOS = 0.02
CLOSE_COHERENCE = 0.05
MAX_CANDIDATES = 8
# Offered as candidates, after the detector's, whenever they read the bytes as
# a different text: the single-byte encodings of the desk's languages.
OFFERED_ENCODINGS = ("cp1252", "cp1251", "cp1250", "cp1253", "iso8859-15", "gb18030")
# An unsure guess with no language recognised (a short text) falls back to
# Windows-1252, the encoding of most legacy files the desk receives, when it
# reads the bytes as text.
FALLBACK_ENCODING = "cp1252"


@dataclass
class Decoded:
    """A file's text and how it was decoded."""

    text: str
    encoding: str
    sure: bool = True
    # Other encodings that read the bytes as a different text, most likely first.
    candidates: list = field(default_factory=list)


def encoding_name(encoding):
    """A person's name for a Python codec name: "Windows-1251 (cp1251)"."""
    if encoding in ENCODING_NAMES:
        return ENCODING_NAMES[encoding]
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        return encoding
    if codec.startswith("cp") and codec[2:].isdigit() and len(codec) == 6:
        return f"Windows-{codec[2:]} ({codec})"
    return codec


def _readable(data, encoding):
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    # Unassigned bytes decode to C1 controls in latin-1 style codecs: not text.
    if any("\x80" <= ch <= "\x9f" for ch in text):
        return None
    return text


def detect_encoding(data, encoding=None):
    """A Decoded for the bytes of a text file: the encoding given, a byte-order mark,
    UTF-8, or charset-normalizer's guess (see MAX_CHAOS for when it is sure).

    Refuses empty files, files of white space only, files that no encoding
    reads, and text holding NUL characters (PostgreSQL cannot store them).
    """
    if not data:
        raise Rejected("the file is empty")
    decoded = None
    if encoding:
        try:
            decoded = Decoded(data.decode(encoding), codecs.lookup(encoding).name)
        except LookupError:
            raise Rejected(f"unknown encoding “{encoding}”") from None
        except UnicodeDecodeError as exc:
            what = encoding_name(encoding)
            raise Rejected(f"the file is not valid {what}: {exc.reason}") from None
    else:
        for mark, codec in BYTE_ORDER_MARKS:
            if data.startswith(mark):
                try:
                    text = data.decode(codec)
                except UnicodeDecodeError:
                    raise Rejected(
                        f"the file starts with a {ENCODING_NAMES[codec]} mark but is not "
                        f"valid {ENCODING_NAMES[codec]}"
                    ) from None
                decoded = Decoded(text.lstrip("\ufeff"), codec)
                break
    if decoded is None:
        if b"\x00" in data:
            raise Rejected("this is a binary file (it contains NUL bytes), not plain text")
        try:
            decoded = Decoded(data.decode("utf-8"), "utf-8")
        except UnicodeDecodeError:
            decoded = _guess(data)
    if "\x00" in decoded.text:
        raise Rejected("the text contains NUL characters, which cannot be stored")
    if not decoded.text.strip():
        raise Rejected("the file is empty (white space only)")
    return decoded


def _guess(data):
    matches = list(charset_normalizer.from_bytes(data))
    options = []  # (match or None, codec, text), one per distinct text
    for match in matches:
        text = str(match)
        if "\x00" in text or any(text == other for _, _, other in options):
            continue
        options.append((match, codecs.lookup(match.encoding).name, text))
    options = options[: MAX_CANDIDATES // 2]
    for offered in OFFERED_ENCODINGS:
        text = _readable(data, offered)
        if text is not None and not any(text == other for _, _, other in options):
            options.append((None, codecs.lookup(offered).name, text))
    fallback = _readable(data, FALLBACK_ENCODING)
    if not options:
        raise Rejected("the encoding of the text cannot be told: no encoding reads it as text")
    best, codec, text = options[0]
    if best is None:
        sure = False
    else:
        sure = best.chaos <= MAX_CHAOS and best.coherence >= MIN_COHERENCE
        for other, _, _ in options[1:]:
            if (
                other is not None
                and other.language != best.language
                and other.chaos <= best.chaos + CLOSE_CHAOS
                and other.coherence >= best.coherence - CLOSE_COHERENCE
            ):
                sure = False
        if not sure and best.coherence < MIN_COHERENCE and fallback is not None:
            # No language recognised: the fallback, the others offered beside it.
            codec, text = FALLBACK_ENCODING, fallback
    candidates = [name for _, name, _ in options if name != codec][: MAX_CANDIDATES - 1]
    return Decoded(text, codec, sure=sure, candidates=[] if sure else [codec, *candidates])


def decode(data, encoding=None):
    """(text, encoding) for the bytes of a text file (detect_encoding without the doubts)."""
    decoded = detect_encoding(data, encoding)
    return decoded.text, decoded.encoding


# --------------------------------------------------------------------------
# Dates and names
# --------------------------------------------------------------------------

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DATE_PATTERNS = [
    re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})\b", re.I),
    re.compile(
        rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+(?P<year>\d{{4}})\b", re.I
    ),
    re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b"),
    # Dotted day.month.year is the European order; slashes are ambiguous and not read.
    re.compile(r"\b(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})\b"),
]
_TIME = (
    r"(?:,?\s*(?:at\s+)?\d{1,2}[:.]\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?(?:\s*\(?[A-Z]{2,5}\)?)?)?"
)
_WEEKDAY = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
_PUBLISHED_RE = re.compile(
    r"^(?:published|posted|date|dated|first published)(?:\s+on)?\s*:?\s*(?P<rest>.+)$", re.I
)
_UPDATED_RE = re.compile(r"^(?:last\s+)?updated?\s*(?:on)?\s*:?", re.I)


def find_date(text):
    """(date, match) for the first date written out in `text`, or (None, None)."""
    best = None
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            value = _to_date(match)
            if value is not None and (best is None or match.start() < best[1].start()):
                best = (value, match)
                break
    return best or (None, None)


def _to_date(match):
    month = match.group("month")
    month = MONTHS.get(month.lower().rstrip(".")) if not month.isdigit() else int(month)
    try:
        value = date(int(match.group("year")), month or 0, int(match.group("day")))
    except (TypeError, ValueError):
        return None
    return value if 1900 <= value.year <= 2100 else None


def _is_date_line(line):
    """True when a line is only a date (and maybe a weekday and a time)."""
    stripped = line.strip()
    value, match = find_date(stripped)
    if value is None:
        return False
    rest = stripped[: match.start()] + stripped[match.end() :]
    return bool(re.fullmatch(rf"\s*{_WEEKDAY}\s*{_TIME}[\s,.|–—-]*", rest, re.I))


_BYLINE_RE = re.compile(r"^(?:by|written by)\s+(?P<rest>.+)$", re.I)
_AUTHOR_RE = re.compile(r"^(?:author[`'’]?s?(?:\s+name)?|reporter)\s*:?\s+(?P<rest>.+)$", re.I)
_NAME_WORD_RE = re.compile(r"^(?:[A-Z][\w.'’-]*|and|de|van|von|bin|al|da|di|la|le|&)$")


def _person_name(text):
    """`text` if it reads as a name ("Vusala Abbasova", "Editorial Team"), else ""."""
    text = text.strip(" ,|–—-:\u00a0")
    words = text.split()
    if not 1 <= len(words) <= 6 or not words[0][:1].isupper():
        return ""
    if not all(_NAME_WORD_RE.match(word) for word in words):
        return ""
    return text[:BYLINE_MAX_LENGTH]


def _byline_in(line):
    """(byline, date or None) from a byline line ("By NAME DATE"), or ("", None)."""
    stripped = " ".join(line.split())
    match = _BYLINE_RE.match(stripped) or _AUTHOR_RE.match(stripped)
    if not match:
        return "", None
    rest = match.group("rest")
    value, date_match = find_date(rest)
    if value is not None:
        name = _person_name(rest[: date_match.start()])
        return name, value
    return _person_name(re.split(r"\s[|•·]\s", rest)[0]), None


# Outlet signatures, in the footer or header: the outlet's own name.
_SIGNATURE_PATTERNS = [
    re.compile(
        r"^subscribe to (?:the\s+)?(?P<name>.+?)(?:[’']s)?\s+(?:telegram|youtube|facebook|"
        r"twitter|rss|newsletter|channel|feed|on\b|via\b|for\b)",
        re.I,
    ),
    re.compile(r"^(?P<name>.+?)\s+(?:staff\s+)?(?:and|with|&)\s+agencies\.?$", re.I),
    re.compile(
        r"^(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*,?\s+)?"
        r"(?P<name>[^.,©]+?)\.?(?:\s+all rights reserved\.?)?$",
        re.I,
    ),
]


def _signature_in(line):
    stripped = " ".join(line.split())
    for pattern in _SIGNATURE_PATTERNS:
        match = pattern.match(stripped)
        if match:
            name = match.group("name").strip(" .,!")
            if 0 < len(name) <= 100 and len(name.split()) <= 6:
                return name
    return ""


# --------------------------------------------------------------------------
# Plain text
# --------------------------------------------------------------------------


def is_boilerplate(line):
    line = line.strip()
    if not any(char.isalpha() for char in line):
        return True
    return any(pattern.fullmatch(line) for pattern in BOILERPLATE_LINES)


def _is_footer_line(line):
    stripped = line.strip()
    return any(pattern.fullmatch(stripped) for pattern in FOOTER_LINES)


def _is_story_line(line):
    words = line.split()
    return len(words) >= STORY_LINE_MIN_WORDS and line.rstrip().endswith(
        (".", "!", "?", "”", '"', "»", ":", ";", "…", ")")
    )


def first_meaningful_line(text):
    """The first line that is neither blank nor site boilerplate, or ""."""
    for line in text.splitlines():
        if not is_boilerplate(line):
            return " ".join(line.split())
    return ""


def make_title(text):
    title = first_meaningful_line(text)
    return _fit_title(title)


def _fit_title(title):
    title = " ".join(title.split())
    if len(title) > TITLE_MAX_LENGTH:
        title = title[: TITLE_MAX_LENGTH - 1].rstrip() + "…"
    return title


_SPACE_RE = re.compile(r"\s+")
# A photo credit after a caption: " / Mikhail Metzel / TASS", " [Xinhua]", " (Photo: AFP)".
_CREDIT_RE = re.compile(
    r"(?:\s*/\s*[^/\n]{1,60})+\s*/?\s*$|\s*\[[^\]\n]{1,60}\]\s*$|\s*\((?:photo|image|credit)[^)]*\)\s*$",
    re.I,
)


def _key(line):
    return _SPACE_RE.sub(" ", line).strip().casefold()


@dataclass
class TextMetadata:
    title: str = ""
    byline: str = ""
    published_on: date | None = None
    outlet_name: str = ""
    outlet_cue: str = ""
    body: str = ""


def analyse_text(text, title=None):
    """Metadata and cleaned body of an article's text (see the module docstring).

    `title`, when given (an HTML page's), is taken as the title, and its
    line is removed from the body if the text repeats it.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    story = [i for i, line in enumerate(lines) if _is_story_line(line)]
    first_story = story[0] if story else len(lines)
    last_story = story[-1] if story else len(lines) - 1
    meta = TextMetadata()
    drop = set()

    # Header: title (and its repetition), byline, date, furniture.
    header_dates, published_dates = [], []
    found_title = None
    for i in range(len(lines)):
        line = lines[i]
        stripped = line.strip()
        if not stripped:
            continue
        in_header = i < first_story
        signature = _signature_in(stripped) if (in_header or i > last_story) else ""
        if signature:
            drop.add(i)
            if not meta.outlet_name:
                meta.outlet_name, meta.outlet_cue = signature, stripped
            continue
        if is_boilerplate(line):
            drop.add(i)
            continue
        if i > last_story and _is_footer_line(line):
            drop.add(i)
            byline, _ = _byline_in(stripped)
            author = _AUTHOR_RE.match(" ".join(stripped.split()))
            if author and not meta.byline:
                meta.byline = _person_name(author.group("rest"))
            elif byline and not meta.byline:
                meta.byline = byline
            continue
        if not in_header:
            continue
        byline, byline_date = _byline_in(stripped)
        if byline or byline_date:
            drop.add(i)
            meta.byline = meta.byline or byline
            if byline_date:
                published_dates.append(byline_date)
            continue
        published = _PUBLISHED_RE.match(stripped)
        if published and not _UPDATED_RE.match(stripped):
            value, _ = find_date(published.group("rest"))
            if value is not None:
                drop.add(i)
                published_dates.append(value)
                continue
        if _is_date_line(stripped):
            drop.add(i)
            header_dates.append(find_date(stripped)[0])
            continue
        current = _key(line)
        if found_title is None:
            # The title line stays: the body is the article from its headline down.
            found_title = _key(title) if title is not None else current
            if title is None:
                meta.title = _fit_title(stripped)
            if current == found_title:
                continue
        if current == found_title:
            drop.add(i)  # the title again ("China and Russia concur…" twice)
    if title is not None:
        meta.title = _fit_title(title)
    dates = published_dates or header_dates
    meta.published_on = dates[0] if dates else None

    # A paragraph printed twice (a caption repeating the text, with or without a
    # photo credit): the earlier copy goes.
    later = {}
    for i in range(len(lines) - 1, -1, -1):
        if i in drop or len(lines[i].split()) < 8:
            continue
        key = _key(lines[i])
        uncredited = _key(_CREDIT_RE.sub("", lines[i]))
        if key in later or (uncredited != key and uncredited in later):
            drop.add(i)
            continue
        later[key] = i

    kept = [line.rstrip() for i, line in enumerate(lines) if i not in drop]
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip("\n")
    if not any(char.isalnum() for char in body):
        # Nothing but a title: the title is the text.
        kept = [line.rstrip() for line in lines if not is_boilerplate(line) or not line.strip()]
        body = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip("\n")
    if not meta.title and title is None:
        meta.title = make_title(body)
    meta.body = body
    return meta


def clean_text(text, title=""):
    """Text given as an article body (a JSON or CSV field): line endings made "\\n",
    furniture lines and a leading repetition of the title dropped, nothing guessed."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept, first = [], True
    for line in lines:
        if line.strip() and is_boilerplate(line):
            continue
        if first and line.strip():
            first = False
            if title and _key(line) == _key(title):
                continue
        kept.append(line.rstrip())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip("\n")


def parse_plain_text(text, encoding=""):
    """An ArticleData for a plain-text article: metadata from the text, body cleaned."""
    meta = analyse_text(text)
    if not meta.body.strip():
        raise Rejected("no article text: only site furniture such as “Follow us on:”")
    return ArticleData(
        body=meta.body,
        title=meta.title,
        byline=meta.byline,
        published_on=meta.published_on,
        encoding=encoding,
        original_text=text,
        format=Format.TEXT.value,
        outlet_name=meta.outlet_name,
        outlet_cue=meta.outlet_cue,
    )


# --------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------

_LANG_RE = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)?", re.I)


def parse_html(html, encoding=""):
    """An ArticleData for a saved HTML page, extracted with trafilatura.

    Title, author, date (from the page's markup only: no guessing from the
    text), site name, canonical URL and main text; the page itself is kept
    in raw_html as evidence.
    """
    import trafilatura

    try:
        document = trafilatura.bare_extraction(
            html,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            favor_precision=True,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception as exc:  # lxml and trafilatura raise many types on broken markup
        raise Rejected(f"malformed HTML: {type(exc).__name__}: {exc}") from None
    text = (getattr(document, "text", None) or "").strip() if document is not None else ""
    if not text:
        raise Rejected("malformed HTML, or an HTML page with no article text to extract")
    paragraphs = "\n\n".join(line.strip() for line in text.split("\n") if line.strip())
    title = (document.title or "").strip()
    meta = analyse_text(paragraphs, title=title or None)
    if not meta.body.strip():
        raise Rejected("an HTML page with no article text to extract")
    published = None
    if document.date:
        try:
            published = date.fromisoformat(str(document.date)[:10])
        except ValueError:
            published = None
    language = document.language or ""
    if not language:
        match = _LANG_RE.search(html[:5000])
        language = match.group(1).lower() if match else ""
    url = _clean_url(document.url or "")
    return ArticleData(
        body=meta.body,
        title=meta.title,
        byline=(document.author or "").strip()[:BYLINE_MAX_LENGTH] or meta.byline,
        published_on=published or meta.published_on,
        url=url,
        language=language or "en",
        encoding=encoding,
        original_text=text,
        raw_html=html,
        format=Format.HTML.value,
        outlet_name=(document.sitename or "").strip() or meta.outlet_name,
        outlet_cue="the page's site name" if document.sitename else meta.outlet_cue,
        site_domain=(document.hostname or "").lower(),
    )


def _clean_url(url):
    url = (url or "").strip()
    if not url or len(url) > URL_MAX_LENGTH or not url.startswith(("http://", "https://")):
        return ""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return ""
    return url


# --------------------------------------------------------------------------
# JSON Lines and CSV: named fields, one article per row
# --------------------------------------------------------------------------

#: Accepted field names (lower case) and the ArticleData field each fills.
ROW_FIELDS = {
    "title": "title",
    "headline": "title",
    "body": "body",
    "text": "body",
    "url": "url",
    "link": "url",
    "byline": "byline",
    "author": "byline",
    "date": "published_on",
    "published_on": "published_on",
    "published": "published_on",
    "outlet": "outlet_name",
    "source": "outlet_name",
    "site_name": "outlet_name",
    "language": "language",
    "lang": "language",
}


def row_article(row, label):
    """An ArticleData from one row's named fields; Rejected naming the bad field."""
    values, unknown = {}, []
    for raw_key, value in row.items():
        key = str(raw_key or "").strip().lstrip("\ufeff").lower()
        target = ROW_FIELDS.get(key)
        if target is None:
            if key:
                unknown.append(key)
            continue
        if value is None:
            continue
        if not isinstance(value, str):
            if isinstance(value, int | float) and not isinstance(value, bool):
                value = str(value)
            else:
                raise Rejected(f"{label}: the field “{key}” must be text, not {_kind_of(value)}")
        if value.strip() and target not in values:
            values[target] = value
    body = values.get("body", "")
    if not body.strip():
        raise Rejected(f"{label}: no article text (give a “body” or “text” field)")
    if "\x00" in body:
        raise Rejected(f"{label}: the text contains NUL characters")
    cleaned = clean_text(body, values.get("title", ""))
    if not cleaned.strip():
        raise Rejected(f"{label}: no article text, only site furniture")
    published = None
    if values.get("published_on"):
        raw = values["published_on"].strip()
        try:
            published = date.fromisoformat(raw[:10])
        except ValueError:
            published, _ = find_date(raw)
        if published is None:
            raise Rejected(f"{label}: the date “{raw[:40]}” is not a date (use YYYY-MM-DD)")
    url = values.get("url", "").strip()
    if url and not _clean_url(url):
        raise Rejected(f"{label}: the URL “{url[:80]}” is not a valid http(s) address")
    language = values.get("language", "").strip()[:16]
    notes = [f"ignored unknown field(s): {', '.join(sorted(set(unknown)))}"] if unknown else []
    return ArticleData(
        body=cleaned,
        # A row without a title has none: it is not taken from the text.
        title=_fit_title(values.get("title", "")),
        byline=" ".join(values.get("byline", "").split())[:BYLINE_MAX_LENGTH],
        published_on=published,
        url=url,
        language=language or "en",
        original_text=body,
        outlet_name=" ".join(values.get("outlet_name", "").split()),
        outlet_cue="the row's outlet field" if values.get("outlet_name") else "",
        notes=notes,
    )


def _kind_of(value):
    kinds = {dict: "an object", list: "a list", bool: "true/false", str: "text"}
    return kinds.get(type(value), "null" if value is None else "a number")


def parse_jsonl(text, label, encoding=""):
    """[Parsed] for JSON Lines (one object per line; a JSON array of objects too)."""
    items = []
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            rows = json.loads(stripped)
        except ValueError as exc:
            return [Parsed(label, label, error=f"malformed JSON: {exc}")]
        if not isinstance(rows, list):
            return [Parsed(label, label, error="expected a JSON array of objects")]
        numbered = [(f"item {n}", row) for n, row in enumerate(rows, start=1)]
    else:
        numbered = []
        for n, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                numbered.append((f"line {n}", json.loads(line)))
            except ValueError as exc:
                numbered.append((f"line {n}", Rejected(f"not valid JSON: {exc}")))
    if not numbered:
        return [Parsed(label, label, error="no rows: the file holds no JSON objects")]
    for where, row in numbered:
        row_label = f"{label}:{where}"
        if isinstance(row, Rejected):
            items.append(Parsed(row_label, label, error=str(row)))
            continue
        if not isinstance(row, dict):
            items.append(
                Parsed(row_label, label, error=f"expected a JSON object, not {_kind_of(row)}")
            )
            continue
        try:
            article = row_article(row, where)
        except Rejected as exc:
            items.append(Parsed(row_label, label, error=str(exc)))
            continue
        article.encoding, article.format = encoding, Format.JSONL.value
        items.append(Parsed(row_label, label, article=article))
    return items


def parse_csv(text, label, encoding=""):
    """[Parsed] for CSV with a header row of named fields (comma, semicolon or tab)."""
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    csv.field_size_limit(max(settings.IMPORT_MAX_BYTES, 131072))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        return [Parsed(label, label, error=f"malformed CSV header: {exc}")]
    names = [name.strip().lower() for name in header]
    if not any(name in CSV_BODY_FIELDS for name in names):
        return [Parsed(label, label, error="the CSV header names no “body” or “text” column")]
    items = []
    while True:
        line = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            items.append(Parsed(f"{label}:row {line}", label, error=f"malformed CSV row: {exc}"))
            break  # the reader's position is unreliable after a syntax error
        row_label = f"row {line}"
        if not any(value.strip() for value in values):
            continue
        if len(values) != len(names):
            items.append(
                Parsed(
                    f"{label}:{row_label}",
                    label,
                    error=f"{row_label}: expected {len(names)} fields, found {len(values)}",
                )
            )
            continue
        try:
            article = row_article(dict(zip(names, values, strict=True)), row_label)
        except Rejected as exc:
            items.append(Parsed(f"{label}:{row_label}", label, error=str(exc)))
            continue
        article.encoding, article.format = encoding, Format.CSV.value
        items.append(Parsed(f"{label}:{row_label}", label, article=article))
    if not items:
        return [Parsed(label, label, error="no rows: the CSV file has a header only")]
    return items


# --------------------------------------------------------------------------
# Zip archives
# --------------------------------------------------------------------------

# Members that are never articles: folders, macOS metadata, hidden files.
_SKIPPED_MEMBER_RE = re.compile(r"(^|/)(__MACOSX|\.[^/]*)(/|$)")


def _unsafe_member(name):
    """Why a member name is unsafe (absolute path, traversal), or ""."""
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return "an absolute path"
    parts = re.split(r"[\\/]", name)
    if ".." in parts:
        return "a path leading out of the archive (“..”)"
    if "\x00" in name:
        return "a NUL character in the name"
    return ""


def parse_zip(data, label, fmt=Format.AUTO, encoding=None):
    """[Parsed] for every article in a zip archive; Rejected for an unsafe archive.

    The archive is read in memory and never extracted to disk. Refused whole:
    a member name that is absolute or climbs out with "..", more members than
    IMPORT_ZIP_MAX_MEMBERS, more than IMPORT_ZIP_MAX_TOTAL_BYTES uncompressed
    (declared or actually read), a member compressed more than
    IMPORT_ZIP_MAX_RATIO times (a zip bomb). A member over IMPORT_MAX_BYTES,
    encrypted, or a zip inside the zip fails on its own.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise Rejected(f"not a valid zip archive: {exc}") from None
    if any(info.filename == "[Content_Types].xml" for info in infos):
        raise Rejected("this is an Office document (.docx, .xlsx…), not a zip of articles")
    for info in infos:
        reason = _unsafe_member(info.filename)
        if reason:
            raise Rejected(
                f"unsafe zip archive: the member “{info.filename[:100]}” has {reason}; "
                "nothing in it was imported"
            )
    members = [
        info for info in infos if not info.is_dir() and not _SKIPPED_MEMBER_RE.search(info.filename)
    ]
    max_members = settings.IMPORT_ZIP_MAX_MEMBERS
    if len(members) > max_members:
        raise Rejected(
            f"the zip archive has {len(members):,} files, over the limit of {max_members:,} "
            "(IMPORT_ZIP_MAX_MEMBERS)"
        )
    max_total = settings.IMPORT_ZIP_MAX_TOTAL_BYTES
    declared = sum(info.file_size for info in members)
    if declared > max_total:
        raise Rejected(
            f"zip bomb refused: {declared:,} bytes uncompressed, over the limit of "
            f"{max_total:,} bytes (IMPORT_ZIP_MAX_TOTAL_BYTES)"
        )
    max_ratio = settings.IMPORT_ZIP_MAX_RATIO
    for info in members:
        if info.file_size > 65536 and info.file_size > max_ratio * max(info.compress_size, 1):
            raise Rejected(
                f"zip bomb refused: “{info.filename[:100]}” expands {info.file_size:,} bytes "
                f"from {info.compress_size:,}, more than {max_ratio} times "
                "(IMPORT_ZIP_MAX_RATIO)"
            )
    if not members:
        raise Rejected("the zip archive holds no files")
    items, total = [], 0
    max_bytes = settings.IMPORT_MAX_BYTES
    for info in sorted(members, key=lambda i: i.filename):
        member_label = f"{label}!{info.filename}"
        if info.flag_bits & 0x1:
            items.append(Parsed(member_label, label, error="the file is encrypted"))
            continue
        if info.file_size > max_bytes:
            items.append(
                Parsed(
                    member_label,
                    label,
                    error=f"the file is too large: {info.file_size:,} bytes, over the limit "
                    f"of {max_bytes:,} bytes (IMPORT_MAX_BYTES)",
                )
            )
            continue
        try:
            with archive.open(info) as handle:
                content = handle.read(max_bytes + 1)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
            items.append(Parsed(member_label, label, error=f"cannot be read from the zip: {exc}"))
            continue
        except RuntimeError as exc:  # encrypted, with no password
            items.append(Parsed(member_label, label, error=f"cannot be read from the zip: {exc}"))
            continue
        total += len(content)
        if len(content) > max_bytes or len(content) > info.file_size:
            raise Rejected(f"zip bomb refused: “{info.filename[:100]}” holds more than it declares")
        if total > max_total:
            raise Rejected(
                f"zip bomb refused: over {max_total:,} bytes uncompressed "
                "(IMPORT_ZIP_MAX_TOTAL_BYTES)"
            )
        items.extend(
            parse_bytes(content, member_label, fmt=fmt, file=label, in_zip=True, encoding=encoding)
        )
    return items


# --------------------------------------------------------------------------
# Any file
# --------------------------------------------------------------------------


def parse_bytes(data, label, fmt=Format.AUTO, file=None, in_zip=False, encoding=None):
    """[Parsed] for the bytes of one file (or zip member): articles and failures.

    `fmt` forces a format; AUTO sniffs the content. `encoding` forces an
    encoding (a Python codec name); None detects it (detect_encoding). Never
    raises for bad input: a file that cannot be read at all is one failed Parsed.
    """
    file = file or label
    fmt = Format(fmt)
    try:
        if not data:
            raise Rejected("the file is empty")
        detected = sniff(data)
        if fmt == Format.AUTO:
            fmt = detected
        elif fmt == Format.ZIP and detected != Format.ZIP:
            raise Rejected("not a zip archive (--format zip)")
        if fmt == Format.ZIP or detected == Format.ZIP:
            if in_zip:
                raise Rejected("a zip inside a zip is not imported; unpack it first")
            return parse_zip(data, label, encoding=encoding)
        decoded = detect_encoding(data, encoding)
        text, used = decoded.text, decoded.encoding
        if fmt == Format.HTML:
            items = [Parsed(label, file, article=parse_html(text, used))]
        elif fmt == Format.JSONL:
            items = [_in_file(p, file) for p in parse_jsonl(text, label, used)]
        elif fmt == Format.CSV:
            items = [_in_file(p, file) for p in parse_csv(text, label, used)]
        elif detected == Format.TEXT and text.lstrip().startswith("<?xml"):
            raise Rejected("this is an XML file, not an article (HTML pages are imported)")
        else:
            items = [Parsed(label, file, article=parse_plain_text(text, used))]
        for item in items:
            if item.article is not None:
                item.article.encoding_candidates = list(decoded.candidates)
        return items
    except Rejected as exc:
        return [Parsed(label, file, error=str(exc))]
    except RecursionError:
        return [Parsed(label, file, error="the file is nested too deeply to read")]


def _in_file(parsed, file):
    parsed.file = file
    return parsed


def read_articles(path, fmt=Format.AUTO, encoding=None):
    """[Parsed] for the file at `path` (one, or many for JSON Lines, CSV and zip)."""
    try:
        data = read_file(path)
    except Rejected as exc:
        return [Parsed(str(path), str(path), error=str(exc))]
    return parse_bytes(data, str(path), fmt=fmt, encoding=encoding)


def read_article(path):
    """The one article in the plain-text file at `path`; Rejected with a reason if unusable."""
    text, encoding = decode(read_file(path))
    return parse_plain_text(text, encoding)


# --------------------------------------------------------------------------
# Storing
# --------------------------------------------------------------------------


def _duplicate_message(existing, article):
    hashes = {h for h in article.hashes() if h}
    reason = "same text" if existing.content_hash in hashes else "same URL"
    return f"duplicate of source #{existing.pk} “{existing}” ({reason})"


def _duplicate_keys(article):
    return {h for h in article.hashes() if h}, article.url


def _find_duplicate(article, known=None):
    """An existing source with the article's text or URL, or None.

    `known` (from duplicate_index) answers without a query, for dry runs.
    """
    hashes, url = _duplicate_keys(article)
    if known is not None:
        return next((known[key] for key in [*sorted(hashes), url] if key and key in known), None)
    # Two lookups, each on its own unique index (an OR of the two would scan the table).
    existing = Source.objects.filter(content_hash__in=hashes).order_by("pk").first()
    if existing is None and url:
        existing = Source.objects.filter(url=url).order_by("pk").first()
    return existing


def duplicate_index(articles, chunk=400):
    """{content hash or URL: existing Source} for many articles, in few queries."""
    hashes, urls = set(), set()
    for article in articles:
        article_hashes, url = _duplicate_keys(article)
        hashes |= article_hashes
        if url:
            urls.add(url)
    index = {}
    hashes, urls = sorted(hashes), sorted(urls)
    for i in range(0, max(len(hashes), len(urls)), chunk):
        condition = Q(content_hash__in=hashes[i : i + chunk]) | Q(url__in=urls[i : i + chunk])
        rows = (
            Source.objects.filter(condition).order_by().only("pk", "title", "content_hash", "url")
        )
        for source in rows:
            index.setdefault(source.content_hash, source)
            if source.url:
                index.setdefault(source.url, source)
    return index


def _resolve_outlet(article, lookup, notes):
    outlet_id = lookup.outlet(article.outlet_name) if article.outlet_name else None
    if outlet_id is None and article.site_domain:
        outlet_id = lookup.outlet_by_domain(article.site_domain)
    if outlet_id is None and article.outlet_name:
        notes.append(
            f"The outlet “{article.outlet_name}” ({article.outlet_cue or 'as given'}) matches "
            "no outlet name or alias; the outlet is left empty."
        )
    return outlet_id


def import_article(
    article,
    *,
    label,
    batch=None,
    user=None,
    outlet=None,
    dry_run=False,
    seen=None,
    lookup=None,
    known=None,
    savepoint=True,
):
    """Store one parsed article as a Source, unless it is a duplicate.

    The source, its relays and its suggested attributions are written in one
    transaction (a savepoint inside an outer one): a failure leaves no row
    behind. `outlet` (an Outlet) overrides the outlet found in the article.
    `seen` maps content hashes and URLs to the label of an earlier article of
    the same run, so a dry run, which writes nothing, still reports duplicates
    within the run. `known` is a duplicate_index, for dry runs over many
    articles. savepoint=False writes without a savepoint of its own: for a
    caller that rolls back and retries the whole enclosing transaction on any
    error (import_parsed). Returns a FileOutcome, filled in on dry runs too.
    """
    from claims import status
    from claims.models import Suggestion

    lookup = lookup or suggestions.Lookup()
    seen = {} if seen is None else seen
    outcome = FileOutcome(
        path=label, status=FileStatus.IMPORTED, encoding=article.encoding, article=article
    )
    outcome.title = article.title
    existing = _find_duplicate(article, known)
    if existing is not None:
        outcome.status, outcome.source = FileStatus.DUPLICATE, existing
        outcome.message = _duplicate_message(existing, article)
        return outcome
    keys = [h for h in article.hashes() if h]
    if article.url:
        keys.append(article.url)
    earlier = next((seen[key] for key in keys if key in seen), None)
    if earlier is not None:
        earlier_label, earlier_pk = earlier
        outcome.status, outcome.source_id = FileStatus.DUPLICATE, earlier_pk
        what = f"source #{earlier_pk} ({earlier_label})" if earlier_pk else earlier_label
        outcome.message = f"duplicate of {what}, earlier in this run"
        return outcome

    notes = list(article.notes)
    if article.encoding_candidates:
        others = ", ".join(encoding_name(c) for c in article.encoding_candidates[1:])
        notes.append(
            f"Decoded as {encoding_name(article.encoding)}, but the encoding detector was "
            f"unsure (also possible: {others or 'none'}); if the text looks wrong, import it "
            "again choosing the encoding."
        )
    elif article.encoding and article.encoding != "utf-8":
        notes.append(f"Decoded as {encoding_name(article.encoding)}.")
    outlet_id = outlet.pk if outlet is not None else _resolve_outlet(article, lookup, notes)
    relays, proposed = suggestions.find_relays(article.body, lookup, own_outlet_id=outlet_id)
    found = suggestions.suggest(article.body, lookup)
    source = Source(
        title=article.title,
        body=article.body,
        url=article.url,
        byline=article.byline,
        published_on=article.published_on,
        language=article.language or "en",
        outlet_id=outlet_id,
        imported_by=user,
        batch=batch,
        original_text=article.original_text,
        raw_html=article.raw_html,
        import_format=article.format,
        encoding=article.encoding,
        import_label=label[:1000],
        import_notes="\n".join(notes),
        proposed_relays=[p.as_dict() for p in proposed],
    )
    source.content_hash = article.hashes()[0]
    outcome.outlet_name = lookup.outlet_name(outlet_id) if outlet_id else ""
    outcome.missing = source.metadata_missing()
    outcome.relays = [lookup.outlet_name(relay.outlet_id) for relay in relays]
    outcome.proposed_relays = [p.as_dict() for p in proposed]
    outcome.suggestion_count = len(found)
    try:
        # Uniqueness (text, URL) was checked above; a race ends in IntegrityError below.
        # The foreign keys hold rows we were given or just resolved: not queried again.
        source.full_clean(
            exclude=["outlet", "batch", "imported_by"],
            validate_unique=False,
            validate_constraints=False,
        )
        if not dry_run:
            with transaction.atomic(savepoint=savepoint):
                source.save()
                if relays:
                    # One insert for the relays, then the status engine is told, as it
                    # asks of bulk writes (claims.status.schedule; at the end of the
                    # enclosing deferred() block when import_parsed runs the import).
                    SourceRelay.objects.bulk_create(
                        [
                            SourceRelay(source=source, outlet_id=r.outlet_id, cue=r.cue[:300])
                            for r in relays
                        ]
                    )
                    status.schedule(sources=[source.pk])
                Suggestion.objects.insert_many(
                    [
                        {
                            "source_id": source.pk,
                            "start": s.start,
                            "end": s.end,
                            "quote": s.quote,
                            "cue": s.cue,
                            "speaker_id": s.speaker_id,
                            "speaker_name": s.speaker_name,
                            "kind": s.kind,
                            "speculative": s.speculative,
                            "speculation_cue": s.speculation_cue,
                            "relayed_via_id": s.relayed_via_id,
                        }
                        for s in found
                    ]
                )
    except ValidationError as exc:
        outcome.status = FileStatus.FAILED
        outcome.message = "; ".join(exc.messages)
        return outcome
    except IntegrityError:
        if not savepoint:
            raise  # the caller retries the whole transaction, with savepoints
        # Someone imported the same article between our check and our insert.
        existing = _find_duplicate(article)
        if existing is None:
            raise
        outcome.status, outcome.source = FileStatus.DUPLICATE, existing
        outcome.message = _duplicate_message(existing, article)
        return outcome
    for key in keys:
        seen[key] = (label, None if dry_run else source.pk)
    outcome.source = None if dry_run else source
    outcome.message = "would import" if dry_run else f"source #{source.pk}"
    return outcome


def record_outcomes(batch, outcomes, files=None):
    """Write the files, counts and per-file errors of a run onto its batch."""
    if files is None:
        files = list(dict.fromkeys(outcome.file or outcome.path for outcome in outcomes))
    batch.files = files
    batch.imported_count = sum(o.status == FileStatus.IMPORTED for o in outcomes)
    batch.duplicate_count = sum(o.status == FileStatus.DUPLICATE for o in outcomes)
    batch.failed_count = sum(o.status == FileStatus.FAILED for o in outcomes)
    batch.errors = [
        {"file": o.path, "error": o.message} for o in outcomes if o.status == FileStatus.FAILED
    ]
    batch.save(
        update_fields=["files", "imported_count", "duplicate_count", "failed_count", "errors"]
    )


def import_parsed(
    items,
    *,
    files=None,
    user=None,
    via=ImportBatch.Via.COMMAND,
    outlet=None,
    dry_run=False,
    corrections=None,
    keep_sources=True,
):
    """Import parsed items (see parse_bytes), each on its own; the heart of import_files.

    `items` may be a generator, so files are parsed just before they are
    imported. `corrections` maps an item's label to the fields an admin
    corrected in the upload preview (title, byline, published_on, url,
    language, outlet, skip). With keep_sources=False the outcomes keep no
    Source or text, so a long run's memory stays flat.
    """
    batch = None if dry_run else ImportBatch.objects.create(created_by=user, via=via)
    result = ImportResult(batch=batch, dry_run=dry_run)
    seen = {}
    lookup = suggestions.Lookup()
    seen_files = []
    preview = dry_run and isinstance(items, list)
    items = iter(items)

    def record_group(group_outcomes):
        # The batch's counts as of the end of this group, written in the group's
        # transaction: a run killed between groups (e.g. its worker SIGKILLed) leaves a
        # batch that counts exactly the articles it holds.
        done = result.outcomes + [outcome for _, outcome in group_outcomes if outcome]
        names = files
        if names is None:
            names = list(dict.fromkeys([*seen_files, *(item.file for item, _ in group_outcomes)]))
        record_outcomes(batch, done, names)

    while True:
        group = list(itertools.islice(items, None if preview else COMMIT_EVERY))
        # Articles are committed in groups (one fsync per group, not per article).
        # First without a savepoint per article (fewer round trips); if anything in
        # the group fails, the group is rolled back whole and done again with one
        # savepoint per article, so a failure undoes that article only. The claims
        # the group's relays could affect are recomputed once, at the end of the
        # group, in its transaction (claims.status.deferred).
        for careful in (False, True) if not dry_run else (True,):
            seen_before = dict(seen)
            try:
                outcomes = _import_group(
                    group,
                    batch,
                    user,
                    outlet,
                    dry_run,
                    seen,
                    lookup,
                    corrections,
                    careful,
                    record=record_group if batch is not None else None,
                )
            except _TryCarefully:
                seen.clear()
                seen.update(seen_before)
                continue
            break
        for item, outcome in outcomes:
            if files is None and item.file not in seen_files:
                seen_files.append(item.file)
            if outcome is None:
                continue
            if outcome.source is not None:
                outcome.source_id = outcome.source.pk
            if not keep_sources:
                outcome.source = outcome.article = None
            result.outcomes.append(outcome)
        if preview or len(group) < COMMIT_EVERY:
            break
        if not dry_run:
            # Committed: the next group's duplicate_index finds these in the database.
            seen.clear()
    if batch is not None and not (result.imported or result.failed):
        # Nothing imported and nothing failed (all duplicates, or no files): the
        # run changed nothing, and leaves no batch behind.
        batch.delete()
        result.batch = None
    elif batch is not None:
        record_outcomes(batch, result.outcomes, files if files is not None else seen_files)
    return result


class _TryCarefully(Exception):
    """Something in a group failed without savepoints: do the group again with them."""


def _import_group(
    group, batch, user, outlet, dry_run, seen, lookup, corrections, careful, record=None
):
    """[(item, outcome)] for one group of items, in one transaction (none on a dry run).

    `record(outcomes)` runs at the end of that transaction (the batch's counts)."""
    from claims import status

    writing = nullcontext() if dry_run else transaction.atomic()
    with writing, nullcontext() if dry_run else status.deferred():
        # The existing sources these articles duplicate, in one or two queries. A
        # source imported meanwhile by someone else is caught by its unique hash.
        known = duplicate_index([item.article for item in group if item.article])
        outcomes = [
            (
                item,
                _import_item(
                    item, batch, user, outlet, dry_run, seen, lookup, corrections, known, careful
                ),
            )
            for item in group
        ]
        if record is not None and not dry_run:
            record(outcomes)
        return outcomes


def _import_item(
    item, batch, user, outlet, dry_run, seen, lookup, corrections, known=None, careful=True
):
    if item.article is None:
        return FileOutcome(
            path=item.label, file=item.file, status=FileStatus.FAILED, message=item.error
        )
    article, item_outlet = item.article, outlet
    correction = (corrections or {}).get(item.label)
    if correction is not None:
        if correction.get("skip"):
            return None
        article, item_outlet = apply_correction(article, correction, outlet)
    try:
        outcome = import_article(
            article,
            label=item.label,
            batch=batch,
            user=user,
            outlet=item_outlet,
            dry_run=dry_run,
            seen=seen,
            lookup=lookup,
            known=known,
            savepoint=careful,
        )
    except Exception as exc:
        if not careful:
            raise _TryCarefully from exc
        outcome = _failure(item, exc)
    outcome.file = item.file
    return outcome


def _failure(item, exc):
    """A failed outcome for an article whose import raised `exc`."""
    if isinstance(exc, DatabaseError):
        message = f"database error: {exc}"
    else:
        # A bug must not cost the rest of the batch; it is logged in full.
        logger.error("Unexpected error importing %s", item.label, exc_info=exc)
        message = f"unexpected error: {type(exc).__name__}: {exc}"
    return FileOutcome(path=item.label, status=FileStatus.FAILED, message=message)


def apply_correction(article, correction, outlet=None):
    """(article, outlet) with an admin's corrected fields applied (upload preview).

    `correction` holds title, byline, published_on, url, language and, when
    the admin set or cleared it, outlet (an Outlet or None) with outlet_name.
    """
    changes = {
        name: correction[name]
        for name in ("title", "byline", "published_on", "url", "language")
        if name in correction
    }
    if "outlet_name" in correction:
        # What the admin chose replaces what the article said, site address included.
        changes["outlet_name"] = correction["outlet_name"]
        changes["outlet_cue"] = "corrected in the upload preview"
        changes["site_domain"] = ""
    fields = {f.name: getattr(article, f.name) for f in dataclasses.fields(article)}
    article = ArticleData(**{**fields, **changes, "notes": list(article.notes), "_hashes": None})
    return article, correction.get("outlet") or outlet


def import_files(
    paths,
    *,
    user=None,
    via=ImportBatch.Via.COMMAND,
    outlet=None,
    dry_run=False,
    fmt=Format.AUTO,
    encoding=None,
    progress=None,
    keep_sources=True,
):
    """Import every article in `paths` (files and folders; globs are the caller's job).

    Each article is imported on its own: a file or row that fails is reported
    with its reason and the rest go on. A real run records itself on a new
    ImportBatch; a dry run writes nothing and reports what a real run would do.
    `progress(done, total, path)` is called after each file.
    """
    files = collect_files(paths)

    def parsed():
        for done, path in enumerate(files, start=1):
            yield from read_articles(path, fmt, encoding)
            if progress is not None:
                progress(done, len(files), path)

    return import_parsed(
        parsed(),
        files=files,
        user=user,
        via=via,
        outlet=outlet,
        dry_run=dry_run,
        keep_sources=keep_sources,
    )
