"""Rendering an article's text for people: highlights and quotes in context.

The body of a source is untrusted text from the outside world. Everything here
builds HTML from escaped pieces (format_html / escape) and never marks raw text
safe, so a body containing <script> or attribute-breaking quotes stays inert.
"""

import re

from django.urls import reverse
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe

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


def sentence_around(body, start, end, limit=300):
    """The text of the sentence(s) holding body[start:end], as (before, quote, after).

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
    return before, _SPACE_RE.sub(" ", body[start:end]), after


def _cut_inside_sentence(body, position):
    """Whether `position` falls inside a sentence rather than at its start."""
    return not body[:position].rstrip().endswith((".", "!", "?", "\n"))


def quote_in_context(body, start, end, limit=300):
    """HTML: the sentence around a quote, the quote emphasised, all escaped."""
    before, quote, after = sentence_around(body, start, end, limit)
    return format_html('{}<mark class="quote">{}</mark>{}', before, quote, after)


def _segment_html(text):
    """Escaped text with its line breaks kept."""
    return mark_safe(escape(text).replace("\n", "<br>"))  # noqa: S308 - escaped just above


def highlighted_paragraphs(body, attributions, notes=()):
    """The article as a list of safe HTML paragraphs with every attribution highlighted.

    Each attributed span becomes <mark id="a<id>" class="hl hl-<kind>"> inside a
    link to the claim's evidence row. Overlapping spans are cut at every span
    boundary; each piece is coloured and linked by its innermost (shortest)
    span and lists all the spans covering it. An attribution's id sits on its
    first piece (as an empty anchor when a shorter span owns that piece).

    Passage notes (annotations with start and end) are highlighted too: every
    piece they cover is wrapped in <span class="note-hl" data-notes="<ids>">,
    and an empty <span id="passage-<id>"> marks where each note's passage begins.
    """
    spans = [a for a in attributions if 0 <= a.start < a.end <= len(body)]
    note_spans = [n for n in notes if n.start is not None and 0 <= n.start < n.end <= len(body)]
    boundaries = {0, len(body)}
    for a in [*spans, *note_spans]:
        boundaries.update((a.start, a.end))
    for p_start, p_end in paragraph_ranges(body):
        boundaries.update((p_start, p_end))
    anchored = set()
    noted = set()
    paragraphs = []
    for p_start, p_end in paragraph_ranges(body):
        cuts = sorted(b for b in boundaries if p_start <= b <= p_end)
        pieces = []
        for low, high in zip(cuts, cuts[1:], strict=False):
            covering = [a for a in spans if a.start <= low and high <= a.end]
            text = _segment_html(body[low:high])
            if not covering:
                pieces.append(_noted(text, low, high, note_spans, noted))
                continue
            covering.sort(key=lambda a: (a.end - a.start, a.start, a.pk))
            primary = covering[0]
            for a in covering[1:]:
                if a.pk not in anchored:
                    anchored.add(a.pk)
                    pieces.append(format_html('<span class="hl-anchor" id="a{}"></span>', a.pk))
            mark_id = ""
            if primary.pk not in anchored:
                anchored.add(primary.pk)
                mark_id = format_html(' id="a{}"', primary.pk)
            classes = f"hl hl-{primary.kind}" + (" hl-overlap" if len(covering) > 1 else "")
            title = "; ".join(
                f"{a.get_kind_display()} ({a.get_stance_display().lower()}): {a.claim.statement}"
                for a in covering
            )
            link = format_html(
                '<a class="hl-link" href="{}#e{}"><mark{} class="{}" '
                'data-attributions="{}" title="{}">{}</mark></a>',
                reverse("claim-detail", args=[primary.claim_id]),
                primary.pk,
                mark_id,
                classes,
                " ".join(str(a.pk) for a in covering),
                title,
                text,
            )
            pieces.append(_noted(link, low, high, note_spans, noted))
        paragraphs.append(mark_safe("".join(pieces)))  # noqa: S308 - every piece escaped above
    return paragraphs


def _noted(piece, low, high, notes, placed):
    """`piece` (body[low:high] as HTML) inside the highlight of the notes covering it."""
    covering = [n for n in notes if n.start <= low and high <= n.end]
    if not covering:
        return piece
    starts = [n for n in covering if n.pk not in placed]
    placed.update(n.pk for n in starts)
    return format_html(
        '{}<span class="note-hl" data-notes="{}">{}</span>',
        format_html_join(
            "", '<span class="note-anchor" id="passage-{}"></span>', ((n.pk,) for n in starts)
        ),
        " ".join(str(n.pk) for n in covering),
        piece,
    )


def article_rows(rows):
    """The reader's rows (margin_rows) with every run of rows that have no margin
    notes joined into one piece of HTML made here, for the template to print as is:
    a long article without notes is one string, not a template loop per paragraph.
    Rows with notes are passed on for the template to draw their notes.
    """
    pieces, run = [], []
    for row in rows:
        if row["notes"]:
            if run:
                pieces.append({"html": mark_safe("".join(run)), "notes": []})  # noqa: S308
                run = []
            pieces.append(row)
        else:
            # The paragraph's HTML is built from escaped pieces (highlighted_paragraphs).
            run.append(
                format_html(
                    '<div class="para-row"><p class="body-paragraph" data-start="{}">{}</p></div>',
                    row["start"],
                    row["html"],
                )
            )
    if run:
        pieces.append({"html": mark_safe("".join(run)), "notes": []})  # noqa: S308
    return pieces


def margin_rows(body, paragraphs, notes):
    """The article's paragraphs as rows of the reader's grid, each with its margin notes.

    `paragraphs` are highlighted_paragraphs(body, …); each row is a dict with the
    paragraph's body offset (`start`), its `html`, and the `notes` (thread roots
    with a position) whose passage begins in it, in text order.
    """
    ranges = paragraph_ranges(body)
    rows = [
        {"start": p_start, "html": html, "notes": []}
        for (p_start, _), html in zip(ranges, paragraphs, strict=True)
    ]
    for note in sorted(notes, key=lambda n: (n.start, n.end, n.pk)):
        if rows:
            index = next((i for i, (_, p_end) in enumerate(ranges) if note.start < p_end), -1)
            rows[index]["notes"].append(note)
    return rows
