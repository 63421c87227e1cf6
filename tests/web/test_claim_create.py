"""Writing a claim: /claims/new/ (web.editor_views.claim_create)."""

import datetime

from django.urls import reverse

from claims.models import Claim, Tag
from tests.base import BaseTestCase
from tests.evidence import build_evidence
from tests.factories import make_claim, make_tag

# The new-claim form (GET) runs these queries, whatever the size of the database:
#  1. the session
#  2. the signed-in user
#  3. the user's own permissions     } require_perm("claims.view_claim", "claims.add_claim"),
#  4. the user's groups' permissions } then the navigation's `perms` reuses the cache
CREATE_FORM_QUERIES = 4


class ClaimCreateTests(BaseTestCase):
    url = reverse("claim-create")

    def test_signed_out_visitor_is_sent_to_sign_in(self):
        response = self.client.post(self.url, {"statement": "x"})
        self.assertRedirects(
            response, f"{reverse('login')}?next={self.url}", fetch_redirect_response=False
        )
        self.assertFalse(Claim.objects.exists())

    def test_fact_checkers_and_outsiders_get_403(self):
        for user in (self.factchecker, self.outsider):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)
                self.assertEqual(self.client.post(self.url, {"statement": "x"}).status_code, 403)
        self.assertFalse(Claim.objects.exists())

    def test_an_editor_writes_a_claim_with_dates_and_tags(self):
        make_tag("Energy")
        self.login(self.editor)
        response = self.client.post(
            self.url,
            {
                "statement": "  The pipeline deal was signed  ",
                "event_start": "2014-05-21",
                "event_end": "2014-05-22",
                "tags": "energy, Russia, , russia",
            },
        )
        claim = Claim.objects.get()
        self.assertRedirects(
            response, reverse("claim-detail", args=[claim.pk]), fetch_redirect_response=False
        )
        self.assertEqual(claim.statement, "The pipeline deal was signed")
        self.assertEqual(claim.event_start, datetime.date(2014, 5, 21))
        self.assertEqual(claim.created_by, self.editor)
        self.assertEqual(sorted(t.name for t in claim.tags.all()), ["Energy", "Russia"])
        self.assertEqual(Tag.objects.count(), 2)
        self.assertEqual(claim.status, Claim.Status.UNSUPPORTED)
        self.assertEqual(claim.history.get().history_user, self.editor)

    def test_the_same_words_on_other_dates_are_another_claim(self):
        make_claim("Patrushev met Yang Jiechi", event_start=datetime.date(2019, 6, 1))
        self.login(self.editor)
        response = self.client.post(
            self.url, {"statement": "Patrushev met Yang Jiechi", "event_start": "2022-09-20"}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Claim.objects.count(), 2)

    def test_errors(self):
        existing = make_claim("Sanctions were lifted")
        self.login(self.editor)
        cases = [
            ({"statement": ""}, "statement", "This field is required."),
            ({"statement": "sanctions  were lifted."}, "statement", f"Claim #{existing.pk}"),
            ({"statement": "S", "event_end": "2020-01-01"}, "event_start", "needs a first day"),
            (
                {"statement": "S", "event_start": "2020-01-02", "event_end": "2020-01-01"},
                "event_end",
                "ends before it starts",
            ),
            ({"statement": "S", "event_start": "yesterday"}, "event_start", "valid date"),
            ({"statement": "S", "tags": "!!!"}, "tags", "cannot be a tag"),
        ]
        for data, field, message in cases:
            with self.subTest(data=data):
                response = self.client.post(self.url, data)
                self.assertEqual(response.status_code, 400)
                self.assertIn(message, " ".join(response.context["form"].errors[field]))
        self.assertEqual(Claim.objects.count(), 1)

    def test_query_count_does_not_grow_with_the_data(self):
        self.login(self.editor)
        with self.assertNumQueries(CREATE_FORM_QUERIES):
            self.assertEqual(self.client.get(self.url).status_code, 200)
        for n in range(10):
            build_evidence(make_claim(f"Scaling claim {n}"), reviewer=self.factchecker)
        with self.assertNumQueries(CREATE_FORM_QUERIES):
            self.assertEqual(self.client.get(self.url).status_code, 200)

    def test_the_navigation_offers_new_claim_and_orphans_to_editors_only(self):
        for user, shown in ((self.editor, True), (self.admin, True), (self.factchecker, False)):
            with self.subTest(user=user.username):
                self.login(user)
                response = self.client.get(reverse("claim-list"))
                for url in (self.url, reverse("orphaned-anchors")):
                    if shown:
                        self.assertContains(response, f'href="{url}"')
                    else:
                        self.assertNotContains(response, f'href="{url}"')
