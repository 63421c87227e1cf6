"""Speaker suggestions: /actors/autocomplete/?q= (web.editor_views.actor_autocomplete)."""

from django.urls import reverse

from tests.base import BaseTestCase
from tests.factories import make_actor

# The endpoint runs these queries, whatever the number of actors:
#  1. the session
#  2. the signed-in user
#  3. the user's own permissions     } require_perm("claims.view_actor")
#  4. the user's groups' permissions }
#  5. the exact match by name or alias (Actor.objects.resolve)
#  6. the matching actors, ranked
#  7. their aliases
AUTOCOMPLETE_QUERIES = 7


class ActorAutocompleteTests(BaseTestCase):
    url = reverse("actor-autocomplete")

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.yang = make_actor("Yang Jiechi", aliases=["Jiechi", "Yang Jie-chi"], role="Director")
        cls.jiang = make_actor("Jiang Zemin")
        cls.other = make_actor("Jie Other", kind="analyst")

    def names(self, q):
        response = self.client.get(self.url, {"q": q})
        self.assertEqual(response.status_code, 200)
        return [r["name"] for r in response.json()["results"]]

    def test_signed_out_visitor_is_sent_to_sign_in(self):
        response = self.client.get(self.url, {"q": "Jie"})
        self.assertEqual(response.status_code, 302)

    def test_users_without_a_role_get_403(self):
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.url, {"q": "Jie"}).status_code, 403)

    def test_every_role_may_look_up_actors(self):
        for user in (self.factchecker, self.editor, self.admin):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.names("Jiechi")[0], "Yang Jiechi")

    def test_alias_resolution_first_then_prefixes_then_substrings(self):
        self.login(self.editor)
        response = self.client.get(self.url, {"q": "jiechi"})
        [first] = response.json()["results"][:1]
        self.assertEqual(
            first,
            {
                "id": self.yang.pk,
                "name": "Yang Jiechi",
                "kind": "Official",
                "role": "Director",
                "alias": "Jiechi",
            },
        )
        self.assertEqual(self.names("Jie"), ["Jie Other", "Yang Jiechi"])
        self.assertEqual(self.names("JIANG"), ["Jiang Zemin"])
        self.assertEqual(self.names("zemin"), ["Jiang Zemin"])
        self.assertEqual(self.names("jie-chi"), ["Yang Jiechi"])  # punctuation is ignored
        self.assertEqual(self.names(""), [])
        self.assertEqual(self.names("%"), [])
        self.assertEqual(self.names("nobody"), [])

    def test_the_alias_that_matched_is_named(self):
        self.login(self.editor)
        [result] = self.client.get(self.url, {"q": "Jie-chi"}).json()["results"]
        self.assertEqual(result["alias"], "Yang Jie-chi")

    def test_results_are_capped_and_queries_constant(self):
        self.login(self.editor)
        with self.assertNumQueries(AUTOCOMPLETE_QUERIES):
            self.names("Jie")
        for n in range(30):
            make_actor(f"Jie Person {n}", aliases=[f"JP{n}"])
        with self.assertNumQueries(AUTOCOMPLETE_QUERIES):
            self.assertEqual(len(self.names("Jie")), 10)
