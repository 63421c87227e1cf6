"""Files and bytes: collecting paths, reading within limits, sniffing the format, decoding."""

import codecs
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import charset_normalizer
from django.conf import settings

from intake.importer.articles import Format, Rejected

ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with BOM",
    "utf-16": "UTF-16 with BOM",
    "utf-32": "UTF-32 with BOM",
    "cp1252": "Windows-1252 (cp1252)",
}


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
    """The likeliest reading of bytes that are not UTF-8 (a Decoded), sure or not."""
    options = _readings(data)
    if not options:
        raise Rejected("the encoding of the text cannot be told: no encoding reads it as text")
    best, codec, text = options[0]
    sure = best is not None and _sure(best, options[1:])
    if best is not None and not sure and best.coherence < MIN_COHERENCE:
        fallback = _readable(data, FALLBACK_ENCODING)
        if fallback is not None:
            # No language recognised: the fallback, the others offered beside it.
            codec, text = FALLBACK_ENCODING, fallback
    candidates = [name for _, name, _ in options if name != codec][: MAX_CANDIDATES - 1]
    return Decoded(text, codec, sure=sure, candidates=[] if sure else [codec, *candidates])


def _readings(data):
    """(charset-normalizer match or None, codec, text): one per distinct text the bytes
    read as, charset-normalizer's best first, then the OFFERED_ENCODINGS."""
    options = []
    for match in charset_normalizer.from_bytes(data):
        text = str(match)
        if "\x00" in text or any(text == other for _, _, other in options):
            continue
        options.append((match, codecs.lookup(match.encoding).name, text))
    options = options[: MAX_CANDIDATES // 2]
    for offered in OFFERED_ENCODINGS:
        text = _readable(data, offered)
        if text is not None and not any(text == other for _, _, other in options):
            options.append((None, codecs.lookup(offered).name, text))
    return options


def _sure(best, others):
    """Whether the best match is clear (MAX_CHAOS, MIN_COHERENCE) and no match of
    another language reads nearly as well (CLOSE_CHAOS, CLOSE_COHERENCE)."""
    if not (best.chaos <= MAX_CHAOS and best.coherence >= MIN_COHERENCE):
        return False
    return not any(
        other is not None
        and other.language != best.language
        and other.chaos <= best.chaos + CLOSE_CHAOS
        and other.coherence >= best.coherence - CLOSE_COHERENCE
        for other, _, _ in others
    )


def decode(data, encoding=None):
    """(text, encoding) for the bytes of a text file (detect_encoding without the doubts)."""
    decoded = detect_encoding(data, encoding)
    return decoded.text, decoded.encoding
