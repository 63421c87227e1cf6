"""Plain text: dates, bylines, outlet signatures, site furniture; the cleaned body."""

import re
from dataclasses import dataclass
from datetime import date

from intake.importer.articles import (
    BYLINE_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    ArticleData,
    Format,
    Rejected,
)

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


# A "story line": long enough and ending like a sentence. The lines before the
# first one are the header (title, byline, date); after the last, the footer.
STORY_LINE_MIN_WORDS = 12


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
    return fit_title(title)


def fit_title(title):
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
    """Metadata and cleaned body of an article's text (see the intake.importer docstring).

    `title`, when given (an HTML page's), is taken as the title, and its
    line is removed from the body if the text repeats it.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    scan = _TextScan(lines, title)
    for i, line in enumerate(lines):
        scan.read(i, line)
    meta = scan.finish()
    _drop_repeated_paragraphs(lines, scan.drop)
    body = _kept_body(lines, scan.drop)
    if not meta.title and title is None:
        meta.title = make_title(body)
    meta.body = body
    return meta


class _TextScan:
    """An article's lines read one by one: the header (title and its repetition,
    byline, date), the outlet's signature, site furniture and footers; the
    lines to drop from the body (`drop`, line numbers)."""

    def __init__(self, lines, title):
        story = [i for i, line in enumerate(lines) if _is_story_line(line)]
        self.first_story = story[0] if story else len(lines)
        self.last_story = story[-1] if story else len(lines) - 1
        self.title = title
        self.meta = TextMetadata()
        self.drop = set()
        self.header_dates, self.published_dates = [], []
        self.found_title = None

    def read(self, i, line):
        stripped = line.strip()
        if not stripped:
            return
        in_header = i < self.first_story
        furniture = self._signature(i, stripped, in_header) or self._furniture(i, line, stripped)
        if furniture or (in_header and self._header_date(stripped)):
            self.drop.add(i)
        elif in_header:
            self._title_line(i, line, stripped)

    def finish(self):
        """The metadata found, once every line was read."""
        if self.title is not None:
            self.meta.title = fit_title(self.title)
        dates = self.published_dates or self.header_dates
        self.meta.published_on = dates[0] if dates else None
        return self.meta

    def _signature(self, i, stripped, in_header):
        """True for the outlet's signature line (in the header or after the story)."""
        signature = _signature_in(stripped) if (in_header or i > self.last_story) else ""
        if signature and not self.meta.outlet_name:
            self.meta.outlet_name, self.meta.outlet_cue = signature, stripped
        return bool(signature)

    def _furniture(self, i, line, stripped):
        """True for a boilerplate line anywhere, or an author / editor footer after the story."""
        if is_boilerplate(line):
            return True
        if i > self.last_story and _is_footer_line(line):
            byline, _ = _byline_in(stripped)
            author = _AUTHOR_RE.match(" ".join(stripped.split()))
            if author and not self.meta.byline:
                self.meta.byline = _person_name(author.group("rest"))
            elif byline and not self.meta.byline:
                self.meta.byline = byline
            return True
        return False

    def _header_date(self, stripped):
        """True (and recorded) for a header line that is a byline, a publication date or a date."""
        byline, byline_date = _byline_in(stripped)
        if byline or byline_date:
            self.meta.byline = self.meta.byline or byline
            if byline_date:
                self.published_dates.append(byline_date)
            return True
        published = _PUBLISHED_RE.match(stripped)
        if published and not _UPDATED_RE.match(stripped):
            value, _ = find_date(published.group("rest"))
            if value is not None:
                self.published_dates.append(value)
                return True
        if _is_date_line(stripped):
            self.header_dates.append(find_date(stripped)[0])
            return True
        return False

    def _title_line(self, i, line, stripped):
        """The first other header line is the title, and stays; a repetition of it goes."""
        current = _key(line)
        if self.found_title is None:
            self.found_title = _key(self.title) if self.title is not None else current
            if self.title is None:
                self.meta.title = fit_title(stripped)
            if current == self.found_title:
                return
        if current == self.found_title:
            self.drop.add(i)  # the title again ("China and Russia concur…" twice)


def _drop_repeated_paragraphs(lines, drop):
    """A paragraph printed twice (a caption repeating the text, with or without a
    photo credit): the earlier copy is added to `drop`."""
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


def _kept_body(lines, drop):
    """The body: the lines not dropped, blank runs shortened; if that leaves no text
    (nothing but a title), every line but furniture."""
    kept = [line.rstrip() for i, line in enumerate(lines) if i not in drop]
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip("\n")
    if not any(char.isalnum() for char in body):
        kept = [line.rstrip() for line in lines if not is_boilerplate(line) or not line.strip()]
        body = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip("\n")
    return body


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
