"""The actor page: who they are, and the claims attributed to them, by status."""

from django.db.models import Count
from django.urls import reverse

from claims.models import Actor
from tests.base import BaseTestCase
from tests.factories import (
    grow_tenfold,
    load_demo,
    make_actor,
    make_attribution,
    make_claim,
    make_newsroom,
    make_source,
)
from web.views import PAGE_SIZE


class ActorDetailTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.news = make_newsroom()
        cls.url = reverse("actor-detail", args=[cls.news.official.pk])

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

    def test_unknown_actor_is_404(self):
        self.assertEqual(self.client.get(reverse("actor-detail", args=[999999])).status_code, 404)

    def test_lists_their_claims_with_a_status_breakdown(self):
        n = self.news
        response = self.client.get(self.url)
        self.assertContains(response, "Yang Jiechi")
        self.assertContains(response, "Jiechi")  # the alias
        self.assertEqual([c.pk for c in response.context["page"].object_list], [n.meeting.pk])
        breakdown = {row["value"]: row["count"] for row in response.context["breakdown"]["rows"]}
        self.assertEqual(breakdown["corroborated"], 1)
        self.assertEqual(sum(breakdown.values()), 1)
        self.assertContains(response, 'href="/?status=corroborated&amp;speaker=Yang+Jiechi"')
        self.assertContains(response, 'href="/?speaker=Yang+Jiechi"')

    def test_a_claim_quoted_twice_is_listed_once(self):
        n = self.news
        make_attribution(n.meeting, make_source(body="Yang spoke twice."), speaker=n.official)
        response = self.client.get(self.url)
        self.assertEqual(len(response.context["page"].object_list), 1)

    def test_claims_are_paged(self):
        actor = make_actor("Busy Speaker")
        for i in range(PAGE_SIZE + 1):
            make_attribution(
                make_claim(f"Busy claim {i}"), make_source(body=f"Busy {i}."), speaker=actor
            )
        response = self.client.get(reverse("actor-detail", args=[actor.pk]) + "?page=2")
        self.assertEqual(len(response.context["page"].object_list), 1)
        self.assertEqual(response.context["breakdown"]["total"], PAGE_SIZE + 1)

    def test_names_are_escaped(self):
        actor = make_actor("<b>Bold</b> Actor")
        response = self.client.get(reverse("actor-detail", args=[actor.pk]))
        self.assertNotContains(response, "<b>Bold</b>")
        self.assertContains(response, "&lt;b&gt;Bold&lt;/b&gt; Actor")

    def test_query_count_is_constant(self):
        # 1 session, 2 user, 3-4 the user's and their groups' permissions, 5 the actor,
        # 6 their aliases, 7 counts by status, 8 COUNT of their claims, 9 the page, 10 tags.
        with self.assertNumQueries(10):
            self.client.get(self.url)
        n = self.news
        for i in range(9):
            copy = make_newsroom(label=f" copy {i}")
            for claim in copy.claims:
                make_attribution(
                    claim, make_source(body=f"Yang again {i} {claim.pk}."), speaker=n.official
                )
        with self.assertNumQueries(10):
            response = self.client.get(self.url)
        self.assertEqual(response.context["breakdown"]["total"], 1 + 9 * 4)


class DemoQueryCountTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        load_demo()
        # The demo's most quoted actor.
        cls.actor = Actor.objects.annotate(n=Count("attributions")).order_by("-n", "pk")[0]
        cls.url = reverse("actor-detail", args=[cls.actor.pk])

    def test_same_queries_with_the_demo_and_ten_times_as_many_rows(self):
        # As ActorDetailTests.test_query_count_is_constant: 10 queries.
        self.login(self.factchecker)
        with self.assertNumQueries(10):
            first = self.client.get(self.url)
        before = first.context["breakdown"]["total"]
        grow_tenfold()
        for i in range(9 * before):
            source = make_source(body=f"The actor spoke again, time {i}.")
            make_attribution(make_claim(f"Demo actor claim {i}"), source, speaker=self.actor)
        with self.assertNumQueries(10):
            second = self.client.get(self.url)
        self.assertEqual(second.context["breakdown"]["total"], 10 * before)
