"""The dashboard: counts by status and verdict drawn as SVG, and the review queue."""

import datetime

from django.urls import reverse
from django.utils import timezone

from claims.models import Claim
from tests.base import BaseTestCase
from tests.factories import grow_tenfold, load_demo, make_claim, make_newsroom, set_status
from web.views import QUEUE_SIZE

URL = reverse("dashboard")


class DashboardTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.news = make_newsroom(reviewer=cls.factchecker)

    def setUp(self):
        self.login(self.factchecker)

    def test_signed_out_visitor_is_sent_to_sign_in(self):
        self.client.logout()
        response = self.client.get(URL)
        self.assertRedirects(
            response, reverse("login") + "?next=/dashboard/", fetch_redirect_response=False
        )

    def test_user_without_a_role_gets_403(self):
        self.login(self.outsider)
        self.assertEqual(self.client.get(URL).status_code, 403)
        # …and the navigation of a user without a role offers neither page.
        response = self.client.get(reverse("login"))
        self.assertNotContains(response, f'href="{URL}"')

    def test_every_role_may_see_it(self):
        for user in (self.factchecker, self.editor, self.admin):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get(URL).status_code, 200)

    def test_counts_by_status_and_verdict(self):
        response = self.client.get(URL)
        by_status = {row["value"]: row["count"] for row in response.context["status_chart"]["rows"]}
        self.assertEqual(
            by_status,
            {
                "corroborated": 1,
                "single_source": 0,
                "speculative": 1,
                "contested": 1,
                "unsupported": 1,
            },
        )
        by_verdict = {
            row["value"]: row["count"] for row in response.context["verdict_chart"]["rows"]
        }
        self.assertEqual(by_verdict["accurate"], 1)
        self.assertEqual(by_verdict["none"], 3)
        self.assertEqual(sum(by_verdict.values()), 4)

    def test_chart_is_server_drawn_svg_with_bars_to_scale(self):
        set_status(make_claim("Another corroborated claim"), Claim.Status.CORROBORATED)
        response = self.client.get(URL)
        content = response.content.decode()
        self.assertIn('<svg class="bar-chart" role="img"', content)
        self.assertNotIn("<script", content)
        rows = {row["value"]: row for row in response.context["status_chart"]["rows"]}
        # Two corroborated claims make the longest bar; one claim makes half of it.
        self.assertEqual(rows["corroborated"]["width"], 320)
        self.assertEqual(rows["contested"]["width"], 160)
        self.assertEqual(rows["single_source"]["width"], 0)
        self.assertIn('width="160" height="18" rx="2" class="bar bar-contested"', content)
        # Each bar links to its claims in the list.
        self.assertIn('href="/?status=contested"', content)

    def test_review_queue_weakest_first_then_oldest(self):
        n = self.news
        now = timezone.now()
        single = set_status(make_claim("A single-source claim"), Claim.Status.SINGLE_SOURCE)
        ages = {n.summit: 30, n.sanctions: 20, n.troops: 1, single: 10, n.meeting: 40}
        for claim, days in ages.items():
            Claim.objects.filter(pk=claim.pk).update(created_at=now - datetime.timedelta(days=days))
        response = self.client.get(URL)
        # Reviewed claims (the meeting) stay out of the queue.
        self.assertEqual(
            [claim.pk for claim in response.context["queue"]],
            [single.pk, n.troops.pk, n.summit.pk, n.sanctions.pk],
        )
        self.assertEqual(response.context["queue_total"], 4)
        self.assertContains(response, 'href="/?reviewed=no&amp;sort=queue"')
        # Without the stored origin groups, which only the claim page reads.
        self.assertIn("origin_groups", response.context["queue"][0].get_deferred_fields())

    def test_queue_is_capped_and_says_so(self):
        for i in range(QUEUE_SIZE):
            make_claim(f"Filler {i}")
        response = self.client.get(URL)
        self.assertEqual(len(response.context["queue"]), QUEUE_SIZE)
        self.assertContains(response, f"showing the first {QUEUE_SIZE}")

    def test_query_count_is_constant(self):
        # 1 session, 2 user, 3-4 the user's and their groups' permissions, 5 counts
        # by status and by verdict (one GROUP BY), 6 the review queue, 7 the queue's tags.
        with self.assertNumQueries(7):
            self.client.get(URL)
        for i in range(9):
            make_newsroom(label=f" copy {i}", reviewer=self.factchecker)
        with self.assertNumQueries(7):
            response = self.client.get(URL)
        self.assertEqual(response.context["queue_total"], 30)


class DemoQueryCountTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        load_demo()

    def test_same_queries_with_the_demo_and_ten_times_as_many_rows(self):
        # As DashboardTests.test_query_count_is_constant: 7 queries.
        self.login(self.factchecker)
        with self.assertNumQueries(7):
            self.client.get(URL)
        grow_tenfold(reviewer=self.factchecker)
        with self.assertNumQueries(7):
            response = self.client.get(URL)
        self.assertEqual(len(response.context["queue"]), QUEUE_SIZE)
