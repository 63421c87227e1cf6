"""/api/outlets: every role reads, admins write; validation; statuses follow; queries."""

from claims.models import Claim
from sources.models import Outlet
from tests.api.base import APITestCase
from tests.factories import grow_tenfold, make_newsroom, make_owner_group

URL = "/api/outlets"


class OutletAPITests(APITestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.news = make_newsroom()

    def test_every_role_reads_outsiders_do_not(self):
        expected = {"factchecker": 200, "editor": 200, "admin": 200, "outsider": 403}
        self.assertMatrix(lambda c: c.get(URL), expected)
        self.assertMatrix(lambda c: c.get(f"{URL}/{self.news.wire.pk}"), expected)

    def test_only_admins_write(self):
        names = iter(f"Outlet {i}" for i in range(10))

        def create(client):
            return client.post(URL, {"name": next(names), "kind": "blog"}, format="json")

        self.assertMatrix(
            create, {"factchecker": 403, "editor": 403, "outsider": 403, "admin": 201}
        )

    def test_aliases_and_names_are_unique_by_their_normalised_form(self):
        client = self.api(self.admin)
        response = client.post(URL, {"name": "wire  AGENCY", "kind": "wire"}, format="json")
        self.assertStatus(response, 400)
        response = client.post(
            URL, {"name": "Other Wire", "kind": "wire", "aliases": ["WA"]}, format="json"
        )
        self.assertStatus(response, 400)
        self.assertIn("already an alias", str(response.data["aliases"]))
        response = client.post(URL, {"name": "X", "kind": "wire", "country": "ru"}, format="json")
        self.assertStatus(response, 400)
        self.assertIn("country", response.data)

    def test_one_owner_group_makes_outlets_dependent(self):
        group = make_owner_group("One Owner")
        client = self.api(self.admin)
        for outlet in (self.news.wire, self.news.paper):
            response = client.patch(
                f"{URL}/{outlet.pk}", {"owner_group": group.name}, format="json"
            )
            self.assertStatus(response, 200)
        self.assertEqual(
            Claim.objects.get(pk=self.news.meeting.pk).status, Claim.Status.SINGLE_SOURCE
        )

    def test_deleting_an_outlet_in_use_gets_409(self):
        response = self.api(self.admin).delete(f"{URL}/{self.news.wire.pk}")
        self.assertStatus(response, 409)
        self.assertIn("sources", response.data["detail"])
        self.assertTrue(Outlet.objects.filter(pk=self.news.wire.pk).exists())

    def test_constant_queries_at_ten_times_the_rows(self):
        # Queries: the token with its user, the user's permissions, their groups'
        # permissions, the count, one page of outlets (with owner group), their aliases.
        with self.assertNumQueries(6):
            self.assertStatus(self.api(self.factchecker).get(URL), 200)
        grow_tenfold()
        with self.assertNumQueries(6):
            response = self.api(self.factchecker).get(URL)
        self.assertEqual(response.data["count"], 30)
