"""A fact-checker's day in a real browser: find, read, verify.

Runs Chromium against the live test server. The data is made here, through the
models, so the status engine gives each claim its status as it would in use.
"""

import datetime
import re

import pytest
from django.urls import reverse

from claims.models import Attribution, Claim, Review
from claims.roles import FACT_CHECKER
from tests.browser.conftest import sign_in
from tests.factories import (
    make_actor,
    make_attribution,
    make_claim,
    make_outlet,
    make_review,
    make_source,
    make_user,
)

pytestmark = [
    pytest.mark.browser,
    # The roles are groups made by a data migration; serialized rollback keeps them.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def newsroom():
    """Fact-checkers, and claims with each kind of support."""
    people = {
        "fiona": make_user("fiona", FACT_CHECKER),
        "fred": make_user("fred", FACT_CHECKER),
    }
    tass = make_outlet("TASS", kind="wire", reliability="B")
    pravda = make_outlet("Pravda.ru")
    post = make_outlet("Morning Post")
    patrushev = make_actor("Nikolai Patrushev", role="Secretary of the Security Council")
    visit = make_source(
        "Patrushev in China\n\nNikolai Patrushev spent two days in China, where he met "
        "Yang Jiechi. TASS said the talks covered strategic stability.\n\n"
        "The visit followed the SCO summit.",
        outlet=pravda,
        title="Patrushev in China",
        published_on=datetime.date(2022, 9, 20),
    )
    single = make_claim("Patrushev spent two days in China in September 2022")
    quote = make_attribution(
        single,
        visit,
        "Nikolai Patrushev spent two days in China",
        speaker=patrushev,
        kind=Attribution.Kind.PARAPHRASE,
    )
    corroborated = make_claim("The talks covered strategic stability")
    make_attribution(corroborated, visit, "the talks covered strategic stability", relayed_via=tass)
    other = make_source("Talks covered strategic stability, the paper learned.", outlet=post)
    make_attribution(corroborated, other, "Talks covered strategic stability")
    single.refresh_from_db()
    corroborated.refresh_from_db()
    assert single.status == Claim.Status.SINGLE_SOURCE, single.explanation
    assert corroborated.status == Claim.Status.CORROBORATED, corroborated.explanation
    return {"people": people, "single": single, "corroborated": corroborated, "quote": quote}


def test_fact_checker_filters_reads_the_source_and_records_a_verdict(
    live_server, new_page, screenshot, newsroom
):
    single, quote = newsroom["single"], newsroom["quote"]
    page = new_page()
    sign_in(page, live_server, "fiona")

    # The claim list, filtered to single-source claims through its status facet.
    page.goto(f"{live_server.url}{reverse('claim-list')}")
    screenshot(page, "01-claim-list")
    page.locator(".facet a", has=page.locator(".badge-single_source")).first.click()
    page.wait_for_url(re.compile(r"status=single_source"))
    rows = page.locator(".claim-table tbody tr")
    assert rows.count() == 1
    assert single.statement in rows.first.inner_text()
    screenshot(page, "02-claim-list-single-source")

    # The claim page: status, evidence in context, provenance chain.
    page.get_by_role("link", name=single.statement).click()
    page.wait_for_url(f"**{reverse('claim-detail', args=[single.pk])}")
    assert page.locator(".claim-status .badge-single_source").is_visible()
    passage = page.locator(f"#e{quote.pk} blockquote")
    assert passage.locator("mark.quote").inner_text() == quote.quote
    assert "where he met Yang Jiechi" in passage.inner_text()
    assert page.locator("svg.chain .chain-frame").count() == 1
    screenshot(page, "03-claim-page")

    # Follow the quote to its highlight in the article.
    page.locator(f"#e{quote.pk} a.to-source").click()
    page.wait_for_url(f"**{reverse('source-detail', args=[quote.source_id])}#a{quote.pk}")
    highlight = page.locator(f"mark#a{quote.pk}")
    assert highlight.is_visible()
    assert highlight.inner_text() == quote.quote
    assert page.evaluate("document.querySelector(':target').id") == f"a{quote.pk}"
    assert (
        page.evaluate(f"getComputedStyle(document.getElementById('a{quote.pk}')).outlineStyle")
        == "solid"
    )
    screenshot(page, "04-source-reader")

    # Back on the claim, record a verdict; the page and its history show it.
    page.go_back()
    page.select_option("#id_verdict", Claim.Verdict.ACCURATE)
    page.fill("#id_rationale", "Xinhua and the Kremlin readout both confirm the visit.")
    page.get_by_role("button", name="Save verdict").click()
    page.wait_for_selector(".message")
    assert "Verdict recorded: Accurate." in page.locator(".messages").inner_text()
    assert page.locator(".current-verdict .verdict-accurate").is_visible()
    latest = page.locator("#history .history-entry").first
    assert "fiona" in latest.inner_text()
    assert "Accurate" in latest.locator("ins").inner_text()
    screenshot(page, "05-claim-page-after-verdict")
    assert Review.objects.get(claim=single).reviewer.username == "fiona"


def test_second_of_two_concurrent_saves_gets_the_conflict_page(
    live_server, new_page, screenshot, newsroom
):
    claim = newsroom["corroborated"]
    url = f"{live_server.url}{reverse('claim-detail', args=[claim.pk])}"
    fiona, fred = new_page(), new_page()
    sign_in(fiona, live_server, "fiona")
    sign_in(fred, live_server, "fred")
    fiona.goto(url)
    fred.goto(url)  # both now hold the same version of the claim

    fiona.select_option("#id_verdict", Claim.Verdict.MOSTLY_ACCURATE)
    fiona.fill("#id_rationale", "Two independent outlets; the wording differs slightly.")
    fiona.get_by_role("button", name="Save verdict").click()
    fiona.wait_for_selector(".message")

    fred.select_option("#id_verdict", Claim.Verdict.MISLEADING)
    fred.fill("#id_rationale", "The wire copy was edited; my notes on the edit.")
    with fred.expect_response(lambda r: r.request.method == "POST") as posted:
        fred.get_by_role("button", name="Save verdict").click()
    assert posted.value.status == 409
    assert "Someone else saved this claim first" in fred.locator("h1").inner_text()
    theirs = fred.locator(".their-changes").inner_text()
    assert "Two independent outlets; the wording differs slightly." in theirs
    assert "fiona" in theirs
    assert (
        "The wire copy was edited; my notes on the edit."
        in fred.locator(".your-values").inner_text()
    )
    assert fred.input_value("#id_rationale") == "The wire copy was edited; my notes on the edit."
    screenshot(fred, "06-conflict-page")
    claim.refresh_from_db()
    assert claim.verdict == Claim.Verdict.MOSTLY_ACCURATE  # nothing overwritten

    # Fred saves his verdict on top of the current version.
    fred.get_by_role("button", name=re.compile("Save verdict over version")).click()
    fred.wait_for_selector(".message")
    claim.refresh_from_db()
    assert claim.verdict == Claim.Verdict.MISLEADING
    assert list(
        Review.objects.filter(claim=claim).values_list("reviewer__username", flat=True)
    ) == [
        "fred",
        "fiona",
    ]


HOSTILE = (
    '<script>window.__pwned = "script"; alert("script")</script>'
    "<img src=x onerror=\"window.__pwned = 'img'; alert('img')\">"
    '" onmouseover="window.__pwned = \'attr\'" autofocus onfocus="alert(\'attr\')" x="'
    "<svg onload=alert('svg')></svg><iframe src=javascript:alert('iframe')></iframe>"
)


# For names, which are at most 200 characters long.
HOSTILE_NAME = '"><script>alert("n")</script><img src=x onerror="alert(\'n\')">'


def test_hostile_article_renders_inert(live_server, new_page, screenshot, newsroom):
    outlet = make_outlet(f"Outlet {HOSTILE_NAME}")
    source = make_source(
        f"Headline {HOSTILE}\n\nThe article says {HOSTILE} in the middle.\n\nEnd.",
        outlet=outlet,
        title=f"Title {HOSTILE}",
        byline=f"By {HOSTILE}",
    )
    claim = make_claim(f"Claim {HOSTILE}")
    attribution = make_attribution(
        claim,
        source,
        f"says {HOSTILE} in the middle",
        speaker=make_actor(f"Speaker {HOSTILE_NAME}"),
    )
    make_review(claim, newsroom["people"]["fiona"], rationale=f"Rationale {HOSTILE}")

    page = new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, live_server, "fiona")
    for name, path in (
        ("07-hostile-source-reader", reverse("source-detail", args=[source.pk])),
        ("08-hostile-claim-page", reverse("claim-detail", args=[claim.pk])),
        ("09-hostile-claim-list", reverse("claim-list")),
    ):
        page.goto(f"{live_server.url}{path}")
        page.mouse.move(300, 300)
        page.locator("main").hover()
        page.wait_for_timeout(300)  # give any injected handler a chance to fire
        screenshot(page, name)
        assert dialogs == [], (path, dialogs)
        assert page.evaluate("window.__pwned") is None, path
        injected = page.locator(
            "main script, main iframe, main [onerror], main [onload], main [onmouseover], "
            "main [onfocus], main [autofocus]"
        )
        assert injected.count() == 0, path

    page.goto(f"{live_server.url}{reverse('source-detail', args=[source.pk])}")
    # The payload is shown as text, exactly as imported.
    assert f"says {HOSTILE} in the middle" == page.locator(f"mark#a{attribution.pk}").inner_text()
    assert f"Title {HOSTILE}" == page.locator("h1").inner_text()
