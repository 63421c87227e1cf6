"""An editor attributes a sentence of a seed article in a real browser.

Runs Chromium against the live test server with the demo loaded: the five seed
articles, as `manage.py load_demo` imports them. The editor selects a sentence,
chooses "Attribute", writes a new claim, finds the speaker through an alias
("Jiechi" → Yang Jiechi) and sees the claim's status; then removes the
attribution and sees the status fall back.
"""

import pytest
from django.urls import reverse

from claims.models import Attribution, Claim
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
    "According to Jiechi, Moscow and Beijing should step up cooperation to jointly counter "
    "external threats and foreign meddling in the face of the current unstable international "
    "climate."
)
STATEMENT = "Yang Jiechi called for Russia and China to jointly counter foreign meddling"

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


def test_editor_attributes_a_sentence_to_a_new_claim_with_a_speaker_found_by_alias(
    live_server, new_page, screenshot
):
    load_demo()
    make_user("eddie", EDITOR)
    source = next(s for s in Source.objects.all() if SENTENCE in s.body)
    start = source.body.index(SENTENCE)
    reader = f"{live_server.url}{reverse('source-detail', args=[source.pk])}"

    page = new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, live_server, "eddie")
    page.goto(reader)
    screenshot(page, "10-reader-for-an-editor")

    # Select the sentence: the "Attribute" button appears beside it.
    page.evaluate(SELECT, SENTENCE)
    attribute = page.locator("#attribute-button")
    attribute.wait_for(state="visible")
    screenshot(page, "11-attribute-selection")
    attribute.click()

    # The form now holds the W3C TextQuoteSelector, exactly as the stored body has it.
    form = page.locator("#attribute-form")
    assert form.is_visible()
    assert page.input_value("#attribute-form [name=exact]") == SENTENCE
    assert page.input_value("#attribute-form [name=prefix]") == source.body[start - 32 : start]
    end = start + len(SENTENCE)
    assert page.input_value("#attribute-form [name=suffix]") == source.body[end : end + 32]

    # A new claim; the speaker found through an alias.
    form.locator("[name=statement]").fill(STATEMENT)
    form.locator("[name=event_start]").fill("2019-12-02")
    form.locator("[name=tags]").fill("Russia–China relations")
    speaker = form.locator("[name=speaker]")
    speaker.press_sequentially("Jiechi", delay=30)
    suggestion = page.locator("#speaker-suggestions li", has_text="Yang Jiechi")
    suggestion.wait_for(state="visible")
    assert "also “Jiechi”" in suggestion.inner_text()
    screenshot(page, "12-speaker-suggestions")
    suggestion.click()
    assert speaker.input_value() == "Yang Jiechi"
    form.locator("[name=kind]").select_option(Attribution.Kind.PARAPHRASE)
    screenshot(page, "13-attribute-form-filled")
    with page.expect_navigation():
        form.get_by_role("button", name="Attribute").click()

    # The claim page: the new claim, its evidence, and the status the engine gave it.
    claim = Claim.objects.get(statement=STATEMENT)
    attribution = claim.attributions.get()
    assert page.url.endswith(f"{reverse('claim-detail', args=[claim.pk])}#e{attribution.pk}")
    assert (attribution.start, attribution.end) == (start, end)
    assert attribution.speaker.name == "Yang Jiechi"
    assert attribution.created_by.username == "eddie"
    messages = page.locator(".messages").inner_text()
    assert "Its status is now Single source." in messages
    assert page.locator(".claim-status .badge-single_source").is_visible()
    assert SENTENCE in page.locator(f"#e{attribution.pk} blockquote").inner_text()
    screenshot(page, "14-new-claim-single-source")

    # Removing the attribution (a soft delete) takes the status back to unsupported.
    page.locator(f"#e{attribution.pk} a.edit-attribution").click()
    page.get_by_role("button", name=f"Remove attribution #{attribution.pk}").click()
    page.wait_for_selector(".claim-status .badge-unsupported")
    assert "The claim is now Unsupported." in page.locator(".messages").inner_text()
    assert "Removed" in page.locator(".set-aside").inner_text()
    screenshot(page, "15-claim-after-removal")
    attribution.refresh_from_db()
    assert attribution.deleted_at is not None
    assert dialogs == []


def test_without_javascript_the_editor_pastes_the_quote(live_server, browser, screenshot):
    load_demo()
    make_user("eddie", EDITOR)
    source = next(s for s in Source.objects.all() if SENTENCE in s.body)
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, live_server, "eddie")
        page.goto(f"{live_server.url}{reverse('source-attribute', args=[source.pk])}")
        page.fill("[name=exact]", "foreign meddling")
        page.fill("[name=statement]", "Foreign meddling is a threat")
        page.fill("[name=speaker]", "Jiechi")
        page.select_option("[name=kind]", Attribution.Kind.PARAPHRASE)
        page.get_by_role("button", name="Attribute").click()
        page.wait_for_selector(".claim-status")
        screenshot(page, "16-attributed-without-javascript")
        attribution = Attribution.objects.get(claim__statement="Foreign meddling is a threat")
        assert source.body[attribution.start : attribution.end] == "foreign meddling"
        assert attribution.speaker.name == "Yang Jiechi"
    finally:
        context.close()
