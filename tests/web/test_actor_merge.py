"""Merging actors: /actors/<id>/merge/ (web.editor_views.actor_merge, actions.merge_actors)."""

from django.urls import reverse

from claims import engine
from claims.models import Actor, ActorAlias, Claim
from tests.base import BaseTestCase
from tests.evidence import build_evidence
from tests.factories import make_actor, make_attribution, make_claim, make_outlet, make_source

# The merge form (GET) runs these queries, whatever the size of the database:
#  1. the session
#  2. the signed-in user
#  3. the user's own permissions     } require_perm("claims.view_actor", "claims.change_actor",
#  4. the user's groups' permissions }              "claims.change_attribution")
#  5. the actor
#  6. its aliases
ACTOR_MERGE_QUERIES = 6


class ActorMergeTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.chang = make_actor("Chang Wanquan", aliases=["General Chang"], role="Minister")
        cls.misspelt = make_actor("Chiang Wan-chuan", aliases=["Chiang"], kind="analyst")
        cls.claim = make_claim("The defence ministers met")
        source = make_source("Chiang said the ministers met.", outlet=make_outlet("Daily"))
        cls.attribution = make_attribution(
            cls.claim, source, "the ministers met", speaker=cls.misspelt
        )
        cls.url = reverse("actor-merge", args=[cls.misspelt.pk])

    def test_signed_out_visitor_is_sent_to_sign_in(self):
        response = self.client.post(self.url, {"target": "Chang Wanquan"})
        self.assertRedirects(
            response, f"{reverse('login')}?next={self.url}", fetch_redirect_response=False
        )

    def test_fact_checkers_and_outsiders_get_403(self):
        for user in (self.factchecker, self.outsider):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)
                response = self.client.post(self.url, {"target": "Chang Wanquan"})
                self.assertEqual(response.status_code, 403)
        self.assertTrue(Actor.objects.filter(pk=self.misspelt.pk).exists())

    def test_the_actor_page_offers_the_merge_to_editors_only(self):
        page = reverse("actor-detail", args=[self.misspelt.pk])
        self.login(self.editor)
        self.assertContains(self.client.get(page), f'href="{self.url}"')
        self.login(self.factchecker)
        self.assertNotContains(self.client.get(page), f'href="{self.url}"')

    def test_merge_keeps_every_name_moves_attributions_and_recomputes(self):
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.status, Claim.Status.SPECULATIVE)  # an analyst said it
        self.login(self.editor)
        response = self.client.post(self.url, {"target": "general chang"})
        self.assertRedirects(
            response, reverse("actor-detail", args=[self.chang.pk]), fetch_redirect_response=False
        )
        self.assertFalse(Actor.objects.filter(pk=self.misspelt.pk).exists())
        aliases = set(self.chang.aliases.values_list("name", flat=True))
        self.assertEqual(aliases, {"General Chang", "Chiang", "Chiang Wan-chuan"})
        for name in ("Chiang Wan-chuan", "chiang", "Chang Wanquan"):
            self.assertEqual(Actor.objects.resolve(name), self.chang)
        self.attribution.refresh_from_db()
        self.assertEqual(self.attribution.speaker, self.chang)
        record = self.attribution.history.first()
        self.assertEqual(record.history_user, self.editor)
        self.assertIn("merged into Chang Wanquan", record.history_change_reason)
        deletion = Actor.history.filter(id=self.misspelt.pk).first()
        self.assertEqual(deletion.history_type, "-")
        self.assertEqual(deletion.history_user, self.editor)
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.status, Claim.Status.SINGLE_SOURCE)  # an official now
        self.assertEqual(engine.recompute_all(write=False).changed, 0)

    def test_errors(self):
        self.login(self.editor)
        for target, message in (
            ("Nobody Known", "No actor is called"),
            ("Chiang", "is Chiang Wan-chuan already"),
            ("", "This field is required."),
        ):
            with self.subTest(target=target):
                response = self.client.post(self.url, {"target": target})
                self.assertEqual(response.status_code, 400)
                self.assertIn(message, str(response.context["form"].errors))
        self.assertEqual(ActorAlias.objects.count(), 2)
        self.assertTrue(Actor.objects.filter(pk=self.misspelt.pk).exists())

    def test_query_count_does_not_grow_with_the_data(self):
        self.login(self.editor)
        with self.assertNumQueries(ACTOR_MERGE_QUERIES):
            self.assertEqual(self.client.get(self.url).status_code, 200)
        for n in range(10):
            build_evidence(make_claim(f"Scaling claim {n}"), reviewer=self.factchecker)
            ActorAlias.objects.create(actor=self.misspelt, name=f"Chiang {n}")
        with self.assertNumQueries(ACTOR_MERGE_QUERIES):
            self.assertEqual(self.client.get(self.url).status_code, 200)
