"""An article's text for the reader and quotes in context, as plain data.

The body of a source is untrusted text from the outside world. Nothing here
makes HTML: it cuts the text into pieces and says how each is highlighted,
and the templates (templates/sources/partials/article_text.html,
templates/claims/partials/evidence_table.html) draw them with auto-escaping,
so a body containing <script> or attribute-breaking quotes stays inert.
"""

import hashlib
import re
from typing import NamedTuple

from django.urls import reverse

# A blank line (possibly with spaces) separates paragraphs.
_PARAGRAPH_BREAK_RE = re.compile(r"\n[ \t\r\f\v\u00a0]*\n\s*")
# The end of a sentence: terminal punctuation, closing quotes or brackets, then
# white space; or a paragraph break.
_SENTENCE_END_RE = re.compile(r"([.!?…]+[\"'”’»)\]]*)(\s+)|\n\s*\n")
_SPACE_RE = re.compile(r"\s+")


def paragraph_ranges(body):
    """(start, end) offsets of each paragraph of `body`, blank lines left out."""
    ranges = []
    position = 0
    for match in _PARAGRAPH_BREAK_RE.finditer(body):
        if match.start() > position:
            ranges.append((position, match.start()))
        position = match.end()
    if position < len(body):
        ranges.append((position, len(body)))
    return ranges


class QuoteInContext(NamedTuple):
    """A quote in its sentence, white space collapsed: the text before, the quote, after."""

    before: str
    quote: str
    after: str


def sentence_around(body, start, end, limit=300):
    """The text of the sentence(s) holding body[start:end], as a QuoteInContext.

    Looks back and ahead at most `limit` characters; a cut-off context gets an
    ellipsis. White space is collapsed for display; the quote keeps its words.
    """
    low = max(0, start - limit)
    sentence_start = low
    for match in _SENTENCE_END_RE.finditer(body, low, start):
        sentence_start = match.end()
    high = min(len(body), end + limit)
    # Search from the quote's last character, so a quote ending in "." ends the sentence.
    match = _SENTENCE_END_RE.search(body, max(start, end - 1), high)
    if match is None:
        sentence_end = high
    elif match.group(1):
        sentence_end = max(end, match.start(2))
    else:
        sentence_end = max(end, match.start())
    before = _SPACE_RE.sub(" ", body[sentence_start:start]).lstrip()
    after = _SPACE_RE.sub(" ", body[end:sentence_end]).rstrip()
    if sentence_start == low and low > 0 and _cut_inside_sentence(body, low):
        before = "…" + before
    if match is None and high < len(body):
        after = after + "…"
    return QuoteInContext(before, _SPACE_RE.sub(" ", body[start:end]), after)


def _cut_inside_sentence(body, position):
    """Whether `position` falls inside a sentence rather than at its start."""
    return not body[:position].rstrip().endswith((".", "!", "?", "\n"))


def highlighted_paragraphs(body, attributions, notes=()):
    """The article as a list of paragraphs, each a list of pieces (dicts), every
    attribution and passage note placed, for templates/sources/partials/article_text.html.

    A piece is a run of text under one set of highlights, a dict (the template
    reads it for every piece of the article; a dict's keys are its quickest
    lookups). A `plain` piece (no highlight, no note, no line break) has only
    its `text`. Any other has `lines` (the text cut at its line breaks when it
    has any, else empty), `href` (the evidence row of its innermost, shortest,
    attribution; "" when no attribution covers it), `anchors` (the ids of the
    other attributions that begin here), `notes` (the ids of the passage notes
    covering it, "" for none) and `note_starts` (the notes whose passage begins
    here). With an `href` it also has the innermost attribution's `kind`,
    `mark_id` (its id on its first piece, else None), `attributions` (the ids
    of all the attributions covering it, innermost first), `overlap` (more
    than one covers it) and `title` (naming them).

    Overlapping spans are cut at every span boundary; each attribution's and
    each note's id is placed once, on its first piece.
    """
    spans = [a for a in attributions if 0 <= a.start < a.end <= len(body)]
    note_spans = [n for n in notes if n.start is not None and 0 <= n.start < n.end <= len(body)]
    ranges = paragraph_ranges(body)
    boundaries = _boundaries(len(body), [*spans, *note_spans], ranges)
    cutter = _PieceCutter(body, spans, note_spans)
    paragraphs = []
    for p_start, p_end in ranges:
        cuts = sorted(b for b in boundaries if p_start <= b <= p_end)
        pieces = zip(cuts, cuts[1:], strict=False)
        paragraphs.append([cutter.piece(low, high) for low, high in pieces])
    return paragraphs


def _boundaries(length, spans, ranges):
    """Every offset where a piece may end: the text's ends, each span's and paragraph's."""
    boundaries = {0, length}
    for span in spans:
        boundaries.update((span.start, span.end))
    for p_start, p_end in ranges:
        boundaries.update((p_start, p_end))
    return boundaries


class _PieceCutter:
    """Makes the pieces of one article in text order, placing each id on its first piece.

    `spans` and `note_spans` are the attributions and passage notes that fit the
    body; the ids already placed and the claim pages' URLs are remembered from
    one piece to the next, so the pieces must be asked for in text order.
    """

    def __init__(self, body, spans, note_spans):
        self.body = body
        self.spans = spans
        self.note_spans = note_spans
        self.anchored = set()
        self.noted = set()
        self.claim_urls = {}

    def piece(self, low, high):
        """The piece body[low:high], which no span boundary cuts."""
        text = self.body[low:high]
        covering = [a for a in self.spans if a.start <= low and high <= a.end]
        covering_notes = [n for n in self.note_spans if n.start <= low and high <= n.end]
        if not covering and not covering_notes and "\n" not in text:
            return {"plain": True, "text": text}
        piece = {
            "plain": False,
            "text": text,
            "lines": text.split("\n") if "\n" in text else [],
            "href": "",
            "anchors": [],
            "notes": "",
            "note_starts": [],
        }
        if covering:
            _highlight(piece, covering, self.anchored, self.claim_urls)
        if covering_notes:
            _annotate(piece, covering_notes, self.noted)
        return piece


def _annotate(piece, covering_notes, noted):
    """Mark `piece` as under the passage notes `covering_notes` it; `noted` are the placed ids."""
    piece["note_starts"] = [n.pk for n in covering_notes if n.pk not in noted]
    noted.update(piece["note_starts"])
    piece["notes"] = " ".join(str(n.pk) for n in covering_notes)


def _highlight(piece, covering, anchored, claim_urls):
    """Mark `piece` as attributed to the attributions `covering` it."""
    covering.sort(key=lambda a: (a.end - a.start, a.start, a.pk))
    primary = covering[0]
    piece["anchors"] = [a.pk for a in covering[1:] if a.pk not in anchored]
    anchored.update(piece["anchors"])
    piece["mark_id"] = None
    if primary.pk not in anchored:
        anchored.add(primary.pk)
        piece["mark_id"] = primary.pk
    if primary.claim_id not in claim_urls:
        claim_urls[primary.claim_id] = reverse("claim-detail", args=[primary.claim_id])
    piece["href"] = f"{claim_urls[primary.claim_id]}#e{primary.pk}"
    piece["kind"] = primary.kind
    piece["overlap"] = len(covering) > 1
    piece["attributions"] = " ".join(str(a.pk) for a in covering)
    piece["title"] = "; ".join(
        f"{a.get_kind_display()} ({a.get_stance_display().lower()}): {a.claim.statement}"
        for a in covering
    )


def margin_rows(body, paragraphs, notes):
    """The article's paragraphs as rows of the reader's grid, each with its margin notes.

    `paragraphs` are highlighted_paragraphs(body, …); each row is a dict with the
    paragraph's body offset (`start`), its `pieces`, and the `notes` (thread roots
    with a position) whose passage begins in it, in text order.
    """
    ranges = paragraph_ranges(body)
    rows = [
        {"start": p_start, "pieces": pieces, "notes": []}
        for (p_start, _), pieces in zip(ranges, paragraphs, strict=True)
    ]
    for note in sorted(notes, key=lambda n: (n.start, n.end, n.pk)):
        if rows:
            index = next((i for i, (_, p_end) in enumerate(ranges) if note.start < p_end), -1)
            rows[index]["notes"].append(note)
    return rows


def rows_key(rows):
    """A key for the drawn article when no row has margin notes, else "".

    Every value the article's template reads is in the rows' reprs (offsets,
    texts, highlight links, titles, ids), so equal keys draw the same HTML and
    the page caches the drawing under it. Rows with notes carry per-user forms
    and are drawn every time.
    """
    if any(row["notes"] for row in rows):
        return ""
    text = repr([(row["start"], row["pieces"]) for row in rows])
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
