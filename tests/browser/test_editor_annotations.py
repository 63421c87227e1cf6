"""An editor annotates a seed article in a real browser, and replies in the margin.

Runs Chromium against the live test server with the demo loaded: the five seed
articles, as `manage.py load_demo` imports them.
"""

import pytest
from django.urls import reverse

from claims.models import Annotation
from claims.roles import EDITOR
from sources.models import Source
from tests.browser.conftest import sign_in
from tests.factories import load_demo, make_user

pytestmark = [
    pytest.mark.browser,
    # The roles are groups made by a data migration; serialized rollback keeps them.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SENTENCE = (
    "Russia is ready to provide military assistance to China in the event of US "
    "aggression in the Asia-Pacific region."
)

# Select `text` inside the article's paragraphs, across highlights, as a reader would.
SELECT = """
(text) => {
  const paragraphs = [...document.querySelectorAll("p.body-paragraph")];
  const paragraph = paragraphs.find((p) => p.textContent.includes(text));
  const walker = document.createTreeWalker(paragraph, NodeFilter.SHOW_TEXT);
  const startAt = paragraph.textContent.indexOf(text);
  const endAt = startAt + text.length;
  const range = document.createRange();
  let seen = 0;
  let node;
  while ((node = walker.nextNode())) {
    const next = seen + node.data.length;
    if (startAt >= seen && startAt < next) range.setStart(node, startAt - seen);
    if (endAt > seen && endAt <= next) range.setEnd(node, endAt - seen);
    seen = next;
  }
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}
"""


def test_editor_adds_a_margin_note_to_a_seed_article_and_replies(live_server, new_page, screenshot):
    load_demo()
    make_user("eddie", EDITOR)
    source = next(s for s in Source.objects.all() if SENTENCE in s.body)
    reader = f"{live_server.url}{reverse('source-detail', args=[source.pk])}"

    page = new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, live_server, "eddie")
    page.goto(reader)

    # Select the sentence and choose "Annotate": the form gets its TextQuoteSelector.
    page.evaluate(SELECT, SENTENCE)
    annotate = page.get_by_role("button", name="Annotate", exact=True)
    annotate.wait_for(state="visible")
    screenshot(page, "20-annotate-selection")
    annotate.click()
    assert page.input_value("#id_note-exact") == SENTENCE
    start = source.body.index(SENTENCE)
    assert page.input_value("#id_note-prefix") == source.body[start - 32 : start]
    page.fill("#id_note-text", 'Which "US aggression"? <b>No date is given.</b>')
    page.get_by_role("button", name="Add note").click()
    page.wait_for_selector(".message")

    note = Annotation.objects.get()
    assert (note.author.username, note.source_id) == ("eddie", source.pk)
    assert source.body[note.start : note.end] == SENTENCE
    # The note is in the margin beside its paragraph, and its passage is highlighted.
    margin_note = page.locator(f".para-row .margin-notes #note-{note.pk}")
    assert margin_note.is_visible()
    assert 'Which "US aggression"? <b>No date is given.</b>' in margin_note.inner_text()
    highlight = page.locator(f'.note-hl[data-notes~="{note.pk}"]')
    assert "".join(highlight.all_inner_texts()) == SENTENCE
    # The script lines the note up with its passage (wide window: side by side).
    note_box = margin_note.bounding_box()
    passage_box = page.locator(f"#passage-{note.pk}").bounding_box()
    row = page.locator(".para-row", has=page.locator(f"#note-{note.pk}"))
    paragraph_box = row.locator("p.body-paragraph").bounding_box()
    assert note_box["x"] > paragraph_box["x"] + paragraph_box["width"]
    assert abs(note_box["y"] - passage_box["y"]) < 30
    screenshot(page, "21-margin-note")

    # Reply in the margin.
    margin_note.locator("summary", has_text="Reply").click()
    margin_note.locator("textarea[name=text]").fill("The article gives none; TASS neither.")
    margin_note.get_by_role("button", name="Reply").click()
    page.wait_for_selector(".message")
    reply = Annotation.objects.get(parent=note)
    assert (reply.author.username, reply.source_id, reply.exact) == ("eddie", source.pk, "")
    margin_note = page.locator(f".margin-notes #note-{note.pk}")
    nested = margin_note.locator(f".note-replies #note-{reply.pk}")
    assert nested.is_visible()
    assert "The article gives none; TASS neither." in nested.inner_text()
    assert margin_note.locator(".note-text").first.inner_text() == (
        'Which "US aggression"? <b>No date is given.</b>'
    )
    screenshot(page, "22-margin-note-with-reply")
    assert dialogs == []
    assert page.locator("main b").count() == 0  # the note's markup stayed text
