"""Hardening in a real browser: no CSP violations, hostile text stays inert.

1. The main pages load under the Content-Security-Policy without a single
   violation (securitypolicyviolation events and console reports), and their
   per-page scripts still work (the "Attribute" button, speaker suggestions).
2. Every field that renders imported or user-written text carries script, HTML
   and attribute-injection payloads; no page raises a dialog or gets an injected
   element. tests/browser/test_factchecker_workspace.py covers the article body,
   title, byline, quote, claim, outlet and speaker names and review rationale on
   the reader, claim page and list; this adds annotations, aliases, tags,
   suggestion fields and the dashboard, actor, outlet, editor and queue pages.
"""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from claims.models import Attribution
from claims.roles import ADMIN, EDITOR, FACT_CHECKER
from intake.models import Suggestion
from tests.browser.conftest import sign_in, watch
from tests.browser.test_editor_attribution import SELECT
from tests.factories import (
    make_actor,
    make_annotation,
    make_attribution,
    make_claim,
    make_outlet,
    make_review,
    make_source,
    make_tag,
    make_user,
)

pytestmark = [
    pytest.mark.browser,
    # The roles are groups made by a data migration; serialized rollback keeps them.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PAYLOAD = (
    '<script>window.__pwned = "script"; alert("script")</script>'
    "<img src=x onerror=\"window.__pwned = 'img'; alert('img')\">"
    '" onmouseover="window.__pwned = \'attr\'" autofocus onfocus="alert(\'attr\')" x="'
    "<svg onload=alert('svg')></svg><iframe src=javascript:alert('iframe')></iframe>"
    "<a href=\"javascript:alert('href')\">link</a>"
)
# Names and tags are short (at most 100-200 characters).
SHORT = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
INJECTED = (
    # json_script data (type="application/json") is data, not script.
    'main script:not([type="application/json"]), main iframe, main img[src=x], '
    "main svg[onload], main [onerror], "
    "main [onload], main [onmouseover], main [onfocus], main [autofocus], "
    "main a[href^=javascript]"
)


@pytest.fixture
def hostile():
    eddie = make_user("eddie", EDITOR)
    fiona = make_user("fiona", FACT_CHECKER)
    outlet = make_outlet(f"Outlet {SHORT}"[:200], aliases=[f"Alias {SHORT}"[:100]])
    wire = make_outlet(f"Wire {SHORT}"[:200], kind="wire")
    speaker = make_actor(f"Speaker {SHORT}"[:200], aliases=[f"Nick {SHORT}"[:100]])
    source = make_source(
        f"Headline {PAYLOAD}\n\nThe article says {PAYLOAD} in the middle.\n\n"
        "The minister said the talks went well.",
        outlet=outlet,
        relays=[wire],
        title=f"Title {PAYLOAD}"[:500],
        byline=f"By {PAYLOAD}"[:300],
    )
    claim = make_claim(f"Claim {PAYLOAD}")
    claim.tags.add(make_tag(f"Tag {SHORT}"[:100]))
    attribution = make_attribution(
        claim,
        source,
        f"says {PAYLOAD} in the middle",
        speaker=speaker,
        relayed_via=wire,
        kind=Attribution.Kind.DIRECT_QUOTE,
    )
    make_annotation(eddie, f"Note {PAYLOAD}", claim=claim)
    make_annotation(eddie, f"Passage note {PAYLOAD}", source=source, quote="the talks went well")
    make_annotation(eddie, f"Evidence note {PAYLOAD}", attribution=attribution)
    make_review(claim, fiona, rationale=f"Rationale {PAYLOAD}")
    quote = "The minister said the talks went well"
    start = source.body.index(quote)
    suggestion = Suggestion.objects.create(
        source=source,
        start=start,
        end=start + len(quote),
        quote=quote,
        cue=f"said {SHORT}",
        speaker_name=f"Minister {SHORT}",
        kind=Attribution.Kind.PARAPHRASE,
    )
    return {
        "claim": claim,
        "source": source,
        "speaker": speaker,
        "outlet": outlet,
        "attribution": attribution,
        "suggestion": suggestion,
    }


def pages(data):
    return {
        "claim-list": reverse("claim-list"),
        "claim-search": reverse("claim-list") + "?q=Claim",
        "claim-detail": reverse("claim-detail", args=[data["claim"].pk]),
        "source-detail": reverse("source-detail", args=[data["source"].pk]),
        "dashboard": reverse("dashboard"),
        "actor-detail": reverse("actor-detail", args=[data["speaker"].pk]),
        "outlet-detail": reverse("outlet-detail", args=[data["outlet"].pk]),
        "source-attribute": reverse("source-attribute", args=[data["source"].pk]),
        "attribution-edit": reverse("attribution-edit", args=[data["attribution"].pk]),
        "claim-edit": reverse("claim-edit", args=[data["claim"].pk]),
        "suggestion-queue": reverse("suggestion-queue"),
        "suggestion-detail": reverse("suggestion-detail", args=[data["suggestion"].pk]),
    }


def test_hostile_text_stays_inert_on_every_page(live_server, new_page, screenshot, hostile):
    page = new_page()
    dialogs, csp_console = watch(page)
    sign_in(page, live_server, "eddie")
    for name, path in pages(hostile).items():
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, (name, response.status)
        page.mouse.move(300, 300)
        page.locator("main").hover()
        page.wait_for_timeout(200)  # give any injected handler a chance to fire
        screenshot(page, f"h9-hostile-{name}")
        assert dialogs == [], (name, dialogs)
        assert page.evaluate("window.__pwned") is None, name
        assert page.locator(INJECTED).count() == 0, name
        # No CSP report either: nothing tried to run inline (escaping, not CSP, stopped it).
        assert page.evaluate("window.__csp") == [], (name, page.evaluate("window.__csp"))
    assert csp_console == []

    # The payloads are shown as text, exactly as written.
    page.goto(f"{live_server.url}{pages(hostile)['claim-detail']}")
    assert f"Claim {PAYLOAD}" in page.locator("main").inner_text()
    assert f"Note {PAYLOAD}" in page.locator("main").inner_text()


def test_main_pages_have_no_csp_violations_and_their_scripts_work(
    live_server, new_page, screenshot
):
    make_user("eddie", EDITOR)
    make_actor("Yang Jiechi", aliases=["Jiechi"])
    source = make_source(
        "Talks in Beijing\n\nThe minister said the talks went well. Jiechi agreed.",
        outlet=make_outlet("Morning Post"),
        title="Talks in Beijing",
    )
    claim = make_claim("The talks went well")
    make_attribution(claim, source, "the talks went well")
    make_annotation(
        User.objects.get(username="eddie"),
        "A margin note.",
        source=source,
        quote="Jiechi agreed",
    )
    page = new_page()
    dialogs, csp_console = watch(page)
    sign_in(page, live_server, "eddie")
    for name, path in {
        "claim-list": reverse("claim-list"),
        "claim-detail": reverse("claim-detail", args=[claim.pk]),
        "source-detail": reverse("source-detail", args=[source.pk]),
        "dashboard": reverse("dashboard"),
        "source-attribute": reverse("source-attribute", args=[source.pk]),
    }.items():
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__csp") == [], (name, page.evaluate("window.__csp"))

    # The reader's scripts run: selecting text offers "Attribute" and fills the selector.
    page.goto(f"{live_server.url}{reverse('source-detail', args=[source.pk])}")
    page.evaluate(SELECT, "The minister said")
    page.locator("#attribute-button").wait_for(state="visible")
    page.locator("#attribute-button").click()
    assert page.input_value("#attribute-form [name=exact]") == "The minister said"
    # Speaker suggestions come from the autocomplete endpoint (fetch, same origin).
    page.locator("#attribute-form [name=speaker]").press_sequentially("Jiech", delay=30)
    page.locator("#speaker-suggestions li", has_text="Yang Jiechi").wait_for(state="visible")
    screenshot(page, "h9-csp-reader-scripts")
    assert page.evaluate("window.__csp") == []
    assert csp_console == []
    assert dialogs == []


def test_admin_and_api_docs_run_under_the_policy(live_server, new_page):
    """The admin gets the strict policy untouched; the API's HTML pages (Swagger UI, Redoc,
    DRF's browsable API) only get inline styles (provenance.middleware), so the one report
    left is Redoc's "powered by" logo from its CDN, which the policy is meant to block."""
    make_user("ada", ADMIN, is_staff=True)
    page = new_page()
    dialogs, _ = watch(page)
    sign_in(page, live_server, "ada")
    for path in (
        reverse("admin:index"),
        reverse("admin:claims_claim_changelist"),
        reverse("admin:claims_claim_add"),
        reverse("admin:sources_importbatch_upload"),
        reverse("api-docs"),
        reverse("api-redoc"),
        reverse("api-claim-list"),
    ):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        reports = [
            report
            for report in page.evaluate("window.__csp")
            if not report.startswith("img-src https://cdn.redoc.ly/")
        ]
        assert reports == [], (path, reports)
    assert dialogs == []
