"""The outlet page: the outlet, its owner's other outlets, and the claims it carries."""

from django.db.models import Count
from django.urls import reverse

from sources.models import Outlet
from tests.base import BaseTestCase
from tests.factories import (
    grow_tenfold,
    load_demo,
    make_attribution,
    make_claim,
    make_newsroom,
    make_outlet,
    make_owner_group,
    make_source,
)


class OutletDetailTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.news = make_newsroom()
        cls.owner = make_owner_group("Rossiya Segodnya")
        Outlet.objects.filter(pk=cls.news.paper.pk).update(owner_group=cls.owner)
        cls.sibling = make_outlet("Sputnik", owner_group=cls.owner)
        cls.url = reverse("outlet-detail", args=[cls.news.paper.pk])

    def setUp(self):
        self.login(self.factchecker)

    def test_signed_out_visitor_is_sent_to_sign_in(self):
        self.client.logout()
        response = self.client.get(self.url)
        self.assertRedirects(
            response, reverse("login") + f"?next={self.url}", fetch_redirect_response=False
        )

    def test_user_without_a_role_gets_403(self):
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.url).status_code, 403)

    def test_every_role_may_see_it(self):
        for user in (self.factchecker, self.editor, self.admin):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get(self.url).status_code, 200)

    def test_unknown_outlet_is_404(self):
        self.assertEqual(self.client.get(reverse("outlet-detail", args=[999999])).status_code, 404)

    def test_lists_its_claims_with_a_status_breakdown(self):
        n = self.news
        response = self.client.get(self.url)
        self.assertContains(response, "Morning Paper")
        self.assertEqual(
            [c.pk for c in response.context["page"].object_list],
            sorted([n.meeting.pk, n.sanctions.pk], reverse=True),
        )
        breakdown = {row["value"]: row["count"] for row in response.context["breakdown"]["rows"]}
        self.assertEqual(breakdown["corroborated"], 1)
        self.assertEqual(breakdown["contested"], 1)
        self.assertEqual(response.context["breakdown"]["total"], 2)
        self.assertContains(response, 'href="/?status=contested&amp;outlet=Morning+Paper"')
        self.assertEqual(response.context["source_count"], 1)

    def test_names_the_outlets_of_the_same_owner(self):
        response = self.client.get(self.url)
        self.assertContains(response, "Rossiya Segodnya")
        self.assertContains(
            response,
            f'<a href="{reverse("outlet-detail", args=[self.sibling.pk])}"><bdi>Sputnik</bdi></a>',
        )

    def test_an_outlet_with_no_claims(self):
        response = self.client.get(reverse("outlet-detail", args=[self.sibling.pk]))
        self.assertContains(response, "No claims are evidenced by this outlet")
        self.assertEqual(response.context["breakdown"]["total"], 0)

    def test_notes_are_escaped(self):
        outlet = make_outlet("Odd Outlet", notes="<img src=x onerror=alert(1)>")
        response = self.client.get(reverse("outlet-detail", args=[outlet.pk]))
        self.assertNotContains(response, "<img src=x")
        self.assertContains(response, "&lt;img src=x onerror=alert(1)&gt;")

    def test_query_count_is_constant(self):
        # 1 session, 2 user, 3-4 the user's and their groups' permissions,
        # 5 the outlet with its owner group, 6 its aliases, 7 its owner's other outlets,
        # 8 its article count, 9 counts by status, 10 COUNT of its claims, 11 the page, 12 tags.
        with self.assertNumQueries(12):
            self.client.get(self.url)
        paper = self.news.paper
        for i in range(9):
            make_newsroom(label=f" copy {i}")
            make_outlet(f"Sibling {i}", owner_group=self.owner)
            claim = make_claim(f"Paper claim {i}")
            make_attribution(claim, make_source(body=f"Paper story {i}.", outlet=paper))
        with self.assertNumQueries(12):
            response = self.client.get(self.url)
        self.assertEqual(response.context["breakdown"]["total"], 2 + 9)
        self.assertEqual(len(response.context["siblings"]), 10)


class DemoQueryCountTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        load_demo()
        # The demo outlet carrying the most claims.
        cls.outlet = Outlet.objects.annotate(n=Count("sources__attributions")).order_by("-n", "pk")[
            0
        ]
        cls.url = reverse("outlet-detail", args=[cls.outlet.pk])

    def test_same_queries_with_the_demo_and_ten_times_as_many_rows(self):
        # As OutletDetailTests.test_query_count_is_constant: 11 queries with no owner
        # group, 12 with one (its other outlets).
        self.login(self.factchecker)
        expected = 12 if self.outlet.owner_group_id else 11
        with self.assertNumQueries(expected):
            first = self.client.get(self.url)
        before = first.context["breakdown"]["total"]
        grow_tenfold()
        for i in range(9 * before):
            source = make_source(body=f"The outlet reported again, time {i}.", outlet=self.outlet)
            make_attribution(make_claim(f"Demo outlet claim {i}"), source)
        with self.assertNumQueries(expected):
            second = self.client.get(self.url)
        self.assertEqual(second.context["breakdown"]["total"], 10 * before)
