"""Parsers by format (HTML, JSON Lines, CSV, zip, any file), each giving Parsed items."""

import csv
import io
import json
import re
import zipfile
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from intake.importer.articles import (
    BYLINE_MAX_LENGTH,
    URL_MAX_LENGTH,
    ArticleData,
    Format,
    Parsed,
    Rejected,
)
from intake.importer.files import CSV_BODY_FIELDS, detect_encoding, read_file, sniff
from intake.importer.metadata import (
    analyse_text,
    clean_text,
    find_date,
    fit_title,
    parse_plain_text,
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
    document = _extract(html)
    text = (getattr(document, "text", None) or "").strip() if document is not None else ""
    if not text:
        raise Rejected("malformed HTML, or an HTML page with no article text to extract")
    paragraphs = "\n\n".join(line.strip() for line in text.split("\n") if line.strip())
    meta = analyse_text(paragraphs, title=(document.title or "").strip() or None)
    if not meta.body.strip():
        raise Rejected("an HTML page with no article text to extract")
    return ArticleData(
        body=meta.body,
        title=meta.title,
        byline=(document.author or "").strip()[:BYLINE_MAX_LENGTH] or meta.byline,
        published_on=_page_date(document) or meta.published_on,
        url=_clean_url(document.url or ""),
        language=_page_language(document, html) or "en",
        encoding=encoding,
        original_text=text,
        raw_html=html,
        format=Format.HTML.value,
        outlet_name=(document.sitename or "").strip() or meta.outlet_name,
        outlet_cue="the page's site name" if document.sitename else meta.outlet_cue,
        site_domain=(document.hostname or "").lower(),
    )


def _extract(html):
    """trafilatura's document for a page (text and markup metadata), or None."""
    # Imported on first use: loading trafilatura (and lxml) is slow, and many runs have no HTML.
    import trafilatura

    try:
        return trafilatura.bare_extraction(
            html,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            favor_precision=True,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception as exc:  # lxml and trafilatura raise many types on broken markup
        raise Rejected(f"malformed HTML: {type(exc).__name__}: {exc}") from None


def _page_date(document):
    """The publication date the page's markup gives, or None."""
    if not document.date:
        return None
    try:
        return date.fromisoformat(str(document.date)[:10])
    except ValueError:
        return None


def _page_language(document, html):
    """The page's language: trafilatura's, else the <html lang> attribute; or ""."""
    if document.language:
        return document.language
    match = _LANG_RE.search(html[:5000])
    return match.group(1).lower() if match else ""


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
    values, unknown = _row_values(row, label)
    body = values.get("body", "")
    cleaned = _row_body(body, values.get("title", ""), label)
    published = _row_date(values.get("published_on"), label)
    url = values.get("url", "").strip()
    if url and not _clean_url(url):
        raise Rejected(f"{label}: the URL “{url[:80]}” is not a valid http(s) address")
    notes = [f"ignored unknown field(s): {', '.join(sorted(set(unknown)))}"] if unknown else []
    return ArticleData(
        body=cleaned,
        # A row without a title has none: it is not taken from the text.
        title=fit_title(values.get("title", "")),
        byline=" ".join(values.get("byline", "").split())[:BYLINE_MAX_LENGTH],
        published_on=published,
        url=url,
        language=values.get("language", "").strip()[:16] or "en",
        original_text=body,
        outlet_name=" ".join(values.get("outlet_name", "").split()),
        outlet_cue="the row's outlet field" if values.get("outlet_name") else "",
        notes=notes,
    )


def _row_values(row, label):
    """({ArticleData field: text}, [unknown field names]) of a row; the first
    non-blank value of a field wins; numbers become text, other kinds are Rejected."""
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
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise Rejected(f"{label}: the field “{key}” must be text, not {_kind_of(value)}")
            value = str(value)
        if value.strip() and target not in values:
            values[target] = value
    return values, unknown


def _row_body(body, title, label):
    """The row's text cleaned (clean_text); Rejected if there is none."""
    if not body.strip():
        raise Rejected(f"{label}: no article text (give a “body” or “text” field)")
    if "\x00" in body:
        raise Rejected(f"{label}: the text contains NUL characters")
    cleaned = clean_text(body, title)
    if not cleaned.strip():
        raise Rejected(f"{label}: no article text, only site furniture")
    return cleaned


def _row_date(raw, label):
    """The row's date (YYYY-MM-DD, or a date as articles write it), None if not given."""
    if not raw:
        return None
    raw = raw.strip()
    try:
        published = date.fromisoformat(raw[:10])
    except ValueError:
        published, _ = find_date(raw)
    if published is None:
        raise Rejected(f"{label}: the date “{raw[:40]}” is not a date (use YYYY-MM-DD)")
    return published


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
    archive, members = _open_zip(data)
    items, total = [], 0
    max_total = settings.IMPORT_ZIP_MAX_TOTAL_BYTES
    for info in sorted(members, key=lambda i: i.filename):
        member_label = f"{label}!{info.filename}"
        content, error = _read_member(archive, info)
        if error:
            items.append(Parsed(member_label, label, error=error))
            continue
        total += len(content)
        if len(content) > settings.IMPORT_MAX_BYTES or len(content) > info.file_size:
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


def _open_zip(data):
    """(the ZipFile, its article members), or Rejected for an archive refused whole."""
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
    _check_zip_size(members)
    if not members:
        raise Rejected("the zip archive holds no files")
    return archive, members


def _check_zip_size(members):
    """Rejected for too many members, too many bytes declared, or a member too compressed."""
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


def _read_member(archive, info):
    """(content, "") of one member, at most IMPORT_MAX_BYTES + 1 bytes read; or
    (None, why it fails on its own: encrypted, too large, unreadable)."""
    max_bytes = settings.IMPORT_MAX_BYTES
    if info.flag_bits & 0x1:
        return None, "the file is encrypted"
    if info.file_size > max_bytes:
        return None, (
            f"the file is too large: {info.file_size:,} bytes, over the limit "
            f"of {max_bytes:,} bytes (IMPORT_MAX_BYTES)"
        )
    try:
        with archive.open(info) as handle:
            return handle.read(max_bytes + 1), ""
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        return None, f"cannot be read from the zip: {exc}"
    except RuntimeError as exc:  # encrypted, with no password
        return None, f"cannot be read from the zip: {exc}"


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
