"""/api/actors: every role reads, editors and admins write, admins delete; queries."""

from claims.models import Actor, Claim
from tests.api.base import APITestCase
from tests.factories import grow_tenfold, make_newsroom

URL = "/api/actors"


class ActorAPITests(APITestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.news = make_newsroom()

    def test_every_role_reads_outsiders_do_not(self):
        expected = {"factchecker": 200, "editor": 200, "admin": 200, "outsider": 403}
        self.assertMatrix(lambda c: c.get(URL), expected)
        self.assertMatrix(lambda c: c.get(f"{URL}/{self.news.official.pk}"), expected)

    def test_editors_and_admins_write(self):
        names = iter(f"Spokesperson {i}" for i in range(10))

        def create(client):
            return client.post(
                URL, {"name": next(names), "kind": "official", "aliases": []}, format="json"
            )

        self.assertMatrix(
            create, {"factchecker": 403, "outsider": 403, "editor": 201, "admin": 201}
        )

    def test_only_admins_delete_and_not_while_quoted(self):
        spare = Actor.objects.create(name="Nobody Quoted")
        self.assertStatus(self.api(self.editor).delete(f"{URL}/{spare.pk}"), 403)
        self.assertStatus(self.api(self.admin).delete(f"{URL}/{spare.pk}"), 204)
        response = self.api(self.admin).delete(f"{URL}/{self.news.official.pk}")
        self.assertStatus(response, 409)

    def test_an_alias_cannot_be_anothers_name(self):
        response = self.api(self.editor).post(
            URL, {"name": "New Person", "kind": "official", "aliases": ["Jiechi"]}, format="json"
        )
        self.assertStatus(response, 400)
        self.assertIn("already an alias", str(response.data["aliases"]))

    def test_changing_the_kind_recomputes_statuses(self):
        # The meeting rests on Yang Jiechi's direct quote; as a pundit it no longer counts.
        response = self.api(self.editor).patch(
            f"{URL}/{self.news.official.pk}", {"kind": "analyst"}, format="json"
        )
        self.assertStatus(response, 200)
        self.assertEqual(response.data["aliases"], ["Jiechi"])
        self.assertEqual(
            Claim.objects.get(pk=self.news.meeting.pk).status, Claim.Status.SINGLE_SOURCE
        )

    def test_constant_queries_at_ten_times_the_rows(self):
        # Queries: the token with its user, the user's permissions, their groups'
        # permissions, the count, one page of actors, their aliases.
        with self.assertNumQueries(6):
            self.assertStatus(self.api(self.factchecker).get(URL), 200)
        grow_tenfold()
        with self.assertNumQueries(6):
            response = self.api(self.factchecker).get(URL)
        self.assertEqual(response.data["count"], 20)
