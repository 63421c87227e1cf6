"""Filters and search under hostile query strings: 200 or 400 with a message, never 500.

SQL metacharacters, 10,000-character strings, bad dates and numbers, NUL bytes
and unknown choices go to the claim list, its CSV, the dashboard, the actor and
outlet pages, the autocomplete endpoints and the API list filters. A hypothesis
test throws random combinations at the claim list's query string.
"""

from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from claims.filters import ClaimFilter
from claims.roles import FACT_CHECKER
from tests.base import BaseTestCase
from tests.factories import make_newsroom, make_user

NASTY = [
    "' OR 1=1 --",
    "'; DROP TABLE claims_claim; --",
    '" OR ""="',
    "%_%",
    "\\",
    "a\x00b",
    "\x00",
    "x" * 10_000,
    "2024-02-30",
    "31/12/2024",
    "-1",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "not-a-choice",
    "<script>alert(1)</script>",
    "ŝ̷̢t̵r̴a̶n̸g̷e̸",
    "\ud7ff\ue000",
    " ",
    "",
]

CLAIM_LIST_PARAMS = [*ClaimFilter.base_filters, "page"]


def as_text(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


class HostileFilterTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.news = make_newsroom(reviewer=cls.factchecker)

    def assert_handled(self, url, params):
        response = self.client.get(url, params)
        self.assertIn(response.status_code, (200, 400), (url, params))
        if response.status_code == 400:
            # A 400 says what was wrong, in words.
            self.assertTrue(as_text(response).strip(), (url, params))
        return response

    def test_claim_list_csv_and_dashboard(self):
        self.login(self.factchecker)
        for url in (reverse("claim-list"), reverse("claim-list-csv"), reverse("dashboard")):
            for name in CLAIM_LIST_PARAMS:
                for value in NASTY:
                    with self.subTest(url=url, name=name, value=value[:40]):
                        self.assert_handled(url, {name: value})

    def test_a_bad_date_gets_a_message(self):
        self.login(self.factchecker)
        response = self.client.get(reverse("claim-list"), {"event_from": "2024-02-30"})
        self.assertIn(response.status_code, (200, 400))
        self.assertContains(response, "Enter a valid date", status_code=response.status_code)

    def test_a_nul_character_gets_400_with_a_message(self):
        # PostgreSQL text cannot hold NUL: refused before any query (provenance/middleware.py).
        self.login(self.factchecker)
        for url in (reverse("claim-similar"), reverse("api-claim-list"), reverse("claim-list")):
            response = self.client.get(url, {"q": "a\x00b"})
            self.assertContains(response, "NUL character", status_code=400)

    def test_detail_pages_and_lookups(self):
        self.login(self.editor)
        urls = [
            reverse("actor-detail", args=[self.news.official.pk]),
            reverse("outlet-detail", args=[self.news.wire.pk]),
            reverse("actor-autocomplete"),
            reverse("claim-similar"),
            reverse("suggestion-queue"),
            reverse("orphaned-anchors"),
        ]
        for url in urls:
            for name in ("q", "page", "status", "sort", "kind"):
                for value in NASTY:
                    with self.subTest(url=url, name=name, value=value[:40]):
                        self.assert_handled(url, {name: value})

    def test_api_list_filters(self):
        self.login(self.factchecker)
        lists = {
            reverse("api-claim-list"): [*ClaimFilter.base_filters, "cursor", "page"],
            reverse("api-source-list"): ["outlet", "batch", "needs_metadata", "language", "page"],
            reverse("api-outlet-list"): ["kind", "country", "state_affiliated", "reliability"],
            reverse("api-actor-list"): ["kind", "country", "page"],
            reverse("api-attribution-list"): ["claim", "source", "speaker", "kind", "stance"],
            reverse("api-annotation-list"): ["claim", "source", "attribution", "page"],
            reverse("api-importbatch-list"): ["via", "page"],
        }
        for url, names in lists.items():
            for name in names:
                for value in NASTY:
                    with self.subTest(url=url, name=name, value=value[:40]):
                        response = self.client.get(url, {name: value})
                        self.assertIn(response.status_code, (200, 400, 404), (url, name, value))


class ClaimListQueryStringProperty(HypothesisTestCase):
    """Random query strings on the claim list (each example in its own transaction)."""

    @classmethod
    def setUpTestData(cls):
        cls.factchecker = make_user("fiona", FACT_CHECKER)
        make_newsroom(reviewer=cls.factchecker)

    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors],
    )
    @given(
        params=st.dictionaries(
            st.sampled_from(CLAIM_LIST_PARAMS),
            st.one_of(st.sampled_from(NASTY), st.text(max_size=50)),
            max_size=6,
        )
    )
    def test_any_claim_list_query_string_is_handled(self, params):
        self.client.force_login(self.factchecker)
        response = self.client.get(reverse("claim-list"), params)
        self.assertIn(response.status_code, (200, 400), params)
        self.assertNotEqual(response.content.strip(), b"")
