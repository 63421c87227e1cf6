"""Response headers: CSP (django-csp), HSTS, nosniff, Referrer-Policy, framing.

The test settings are the production settings (DEBUG off), so these are the
headers production sends. HSTS is only sent over HTTPS (secure=True).
"""

import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from tests.base import BaseTestCase
from tests.factories import make_newsroom

EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def parse_csp(header):
    directives = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition(" ")
        directives[name] = value.strip()
    return directives


class SecurityHeaderTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.news = make_newsroom()

    def test_pages_send_the_security_headers(self):
        self.login(self.editor)
        for url in (
            reverse("claim-list"),
            reverse("claim-detail", args=[self.news.meeting.pk]),
            reverse("source-detail", args=[self.news.wire_story.pk]),
            reverse("login"),
            reverse("api-claim-list"),
        ):
            with self.subTest(url=url):
                response = self.client.get(url, secure=True)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(parse_csp(response["Content-Security-Policy"]), EXPECTED_CSP)
                self.assertEqual(
                    response["Strict-Transport-Security"],
                    "max-age=31536000; includeSubDomains; preload",
                )
                self.assertEqual(response["X-Content-Type-Options"], "nosniff")
                self.assertEqual(response["Referrer-Policy"], "same-origin")
                self.assertEqual(response["X-Frame-Options"], "DENY")

    def test_plain_http_is_redirected_to_https_in_production(self):
        # settings_test switches the redirect off for the test client; production has it on.
        from provenance import settings as production

        self.assertTrue(production.SECURE_SSL_REDIRECT or production.DEBUG)
        self.assertTrue(settings.SESSION_COOKIE_SECURE)
        self.assertTrue(settings.CSRF_COOKIE_SECURE)


class NoInlineScriptOrStyleTests(BaseTestCase):
    """Templates carry no inline scripts, event handlers or style attributes (CSP blocks them)."""

    def test_templates_have_no_inline_script_handlers_or_styles(self):
        offenders = []
        inline_script = re.compile(r"<script(?![^>]*\b(src|type=\"application/(ld\+)?json\")=?)")
        handler = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
        style_attr = re.compile(r"\sstyle\s*=", re.IGNORECASE)
        for path in sorted(Path(settings.BASE_DIR, "templates").rglob("*.html")):
            text = path.read_text()
            for name, pattern in (
                ("inline <script>", inline_script),
                ("on…= handler", handler),
                ("style= attribute", style_attr),
            ):
                if pattern.search(text):
                    offenders.append(f"{path.relative_to(settings.BASE_DIR)}: {name}")
        self.assertEqual(offenders, [])
