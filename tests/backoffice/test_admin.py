"""The admin enforces each role's permissions (roles come from claims/migrations/0002_roles)."""

from django.urls import reverse

from claims.models import Claim
from tests.base import BaseTestCase
from tests.factories import make_attribution, make_claim, make_outlet, make_source

# (url name, args) → which of the cast may open it.
PAGES = {
    ("admin:claims_claim_changelist", ()): {"fiona", "eddie", "ada"},
    ("admin:claims_claim_add", ()): {"eddie", "ada"},
    # Attributions and reviews are written in the app only (backoffice.claims).
    ("admin:claims_attribution_add", ()): set(),
    ("admin:claims_review_add", ()): set(),
    ("admin:claims_actor_add", ()): {"eddie", "ada"},
    ("admin:sources_source_changelist", ()): {"fiona", "eddie", "ada"},
    ("admin:sources_source_add", ()): {"ada"},
    ("admin:sources_outlet_add", ()): {"ada"},
    ("admin:sources_importbatch_changelist", ()): {"fiona", "eddie", "ada"},
    ("admin:auth_user_changelist", ()): {"ada"},
}


class AdminPermissionTests(BaseTestCase):
    def test_each_role_opens_only_its_pages(self):
        for (name, args), allowed in PAGES.items():
            url = reverse(name, args=args)
            for user in (self.factchecker, self.editor, self.admin):
                with self.subTest(page=name, user=user.username):
                    self.client.force_login(user)
                    response = self.client.get(url)
                    expected = 200 if user.username in allowed else 403
                    self.assertEqual(response.status_code, expected)

    def test_signed_out_and_outsiders_are_sent_to_sign_in(self):
        url = reverse("admin:claims_claim_changelist")
        response = self.client.get(url)
        self.assertRedirects(response, reverse("admin:login") + "?next=" + url)
        self.client.force_login(self.outsider)  # not staff
        response = self.client.get(url)
        self.assertRedirects(response, reverse("admin:login") + "?next=" + url)

    def test_editor_adds_a_claim_and_is_recorded_as_creator(self):
        self.client.force_login(self.editor)
        response = self.client.post(
            reverse("admin:claims_claim_add"),
            {
                "statement": "Russia and China held joint naval patrols",
                "attributions-TOTAL_FORMS": "0",
                "attributions-INITIAL_FORMS": "0",
                "reviews-TOTAL_FORMS": "0",
                "reviews-INITIAL_FORMS": "0",
            },
        )
        self.assertEqual(response.status_code, 302, getattr(response, "context", None))
        claim = Claim.objects.get(statement="Russia and China held joint naval patrols")
        self.assertEqual(claim.created_by, self.editor)


class AdminQueryCountTests(BaseTestCase):
    def build(self, n):
        outlet = make_outlet()
        for _ in range(n):
            source = make_source(outlet=outlet)
            make_attribution(make_claim(), source)

    def changelist_queries(self, url):
        self.client.force_login(self.admin)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return len(ctx.captured_queries)

    def test_changelists_run_a_constant_number_of_queries(self):
        for name in ("admin:claims_claim_changelist", "admin:sources_source_changelist"):
            url = reverse(name)
            self.build(3)
            small = self.changelist_queries(url)
            self.build(30)
            large = self.changelist_queries(url)
            with self.subTest(page=name):
                self.assertEqual(small, large)
