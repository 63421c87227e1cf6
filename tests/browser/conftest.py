"""Playwright against the live test server, with Debian's Chromium.

Never run `playwright install`: the browser is /usr/bin/chromium (apt-get
install chromium). One browser per test. Screenshots of every page land in screenshots/browser/
(ignored by git) for people to review.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots" / "browser"


@pytest.fixture
def browser(live_server):
    """Chromium, for one test.

    Playwright's sync API keeps an asyncio loop running in this thread, and while
    it runs Django keeps its database connections per async context: the test's
    own ORM calls get connections of their own. So the browser starts after the
    test database is set up (pytest-django's autouse fixtures), and those
    connections are closed before it stops, leaving the database's setup and
    teardown (serialized rollback, flush) to the usual connection.
    """
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            connections.close_all()


@pytest.fixture
def new_page(browser):
    """A factory of pages, each in its own browser context (its own cookies)."""
    contexts = []

    def make():
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)

    return take


def sign_in(page, live_server, username):
    """Sign in through the form, as a person would (passwords from tests.factories)."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", f"pw-{username}")
    page.click("button[type=submit]")
    page.wait_for_selector(".nav-user")


# Records CSP violations before any page script runs (Playwright's init scripts
# are not subject to the page's CSP).
WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI + " " + (e.sample || ""));
});
"""


def watch(page):
    """Collect dialogs and CSP reports of `page` (lists filled as they happen)."""
    dialogs, console = [], []
    page.add_init_script(WATCH_CSP)
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return dialogs, console
