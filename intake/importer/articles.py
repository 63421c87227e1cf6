"""The importer's data: an article as parsed, a file's outcome, a run's result."""

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from lib.text import clean_line, content_hash
from sources.models import ImportBatch, Source

TITLE_MAX_LENGTH = Source._meta.get_field("title").max_length
BYLINE_MAX_LENGTH = Source._meta.get_field("byline").max_length
URL_MAX_LENGTH = Source._meta.get_field("url").max_length


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
