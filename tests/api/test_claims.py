"""/api/claims: roles, ClaimFilter, cursor pages, writes through the UI's validation,
verdicts with optimistic concurrency, merged claims, and constant queries."""

from claims.actions import merge_claims
from claims.models import Claim, Review
from tests.api.base import APITestCase
from tests.factories import grow_tenfold, make_claim, make_newsroom

URL = "/api/claims"


class ClaimAPICase(APITestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.news = make_newsroom(reviewer=cls.factchecker)

    def listed(self, query="", user=None):
        response = self.api(user or self.factchecker).get(URL + query)
        self.assertStatus(response, 200, query)
        return [row["id"] for row in response.data["results"]]


class PermissionTests(ClaimAPICase):
    def test_every_role_reads_outsiders_do_not(self):
        expected = {"factchecker": 200, "editor": 200, "admin": 200, "outsider": 403}
        self.assertMatrix(lambda c: c.get(URL), expected)
        self.assertMatrix(lambda c: c.get(f"{URL}/{self.news.meeting.pk}"), expected)

    def test_editors_and_admins_write_claims_factcheckers_do_not(self):
        counter = iter(range(100))

        def create(client):
            return client.post(URL, {"statement": f"A new claim {next(counter)}"}, format="json")

        self.assertMatrix(
            create, {"factchecker": 403, "editor": 201, "admin": 201, "outsider": 403}
        )

    def test_only_factcheckers_record_verdicts(self):
        claim = self.news.summit

        def verdict(client):
            version = Claim.objects.get(pk=claim.pk).version
            data = {"verdict": "false", "rationale": "Checked.", "version": version}
            return client.post(f"{URL}/{claim.pk}/verdict", data, format="json")

        self.assertMatrix(
            verdict, {"editor": 403, "admin": 403, "outsider": 403, "factchecker": 201}
        )

    def test_claims_cannot_be_deleted_through_the_api(self):
        response = self.api(self.admin).delete(f"{URL}/{self.news.summit.pk}")
        self.assertStatus(response, 405)
        self.assertTrue(Claim.objects.filter(pk=self.news.summit.pk).exists())

    def test_session_auth_serves_the_browser(self):
        self.client.force_login(self.editor)
        self.assertEqual(self.client.get(URL).status_code, 200)
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(URL).status_code, 403)


class ListTests(ClaimAPICase):
    def test_uses_the_claim_lists_filterset(self):
        news = self.news
        self.assertEqual(self.listed("?status=contested"), [news.sanctions.pk])
        self.assertEqual(self.listed("?speaker=Jiechi"), [news.meeting.pk])  # an alias
        self.assertEqual(self.listed("?reviewed=yes"), [news.meeting.pk])
        self.assertEqual(self.listed("?has_disputes=true"), [news.sanctions.pk])
        self.assertEqual(self.listed("?outlet=WA"), [news.meeting.pk])
        self.assertEqual(self.listed("?q=sanctions"), [news.sanctions.pk])
        self.assertEqual(sorted(self.listed("?grade=6")), sorted([news.troops.pk, news.summit.pk]))

    def test_bad_filter_gets_400_with_a_message(self):
        response = self.api(self.factchecker).get(URL + "?status=nonsense")
        self.assertStatus(response, 400)
        self.assertIn("status", response.data)
        response = self.api(self.factchecker).get(URL + "?sort=status")
        self.assertStatus(response, 400)
        self.assertIn("sort=newest", str(response.data["sort"]))

    def test_merged_claims_are_left_out(self):
        twin = make_claim("The summit was called off")
        merge_claims(twin, self.news.summit, self.editor)
        self.assertNotIn(twin.pk, self.listed())
        response = self.api(self.factchecker).get(f"{URL}/{twin.pk}")
        self.assertEqual(response.data["merged_into"], self.news.summit.pk)

    def test_cursor_pages_walk_every_claim_once(self):
        for i in range(5):
            make_claim(f"Extra claim {i}")
        client = self.api(self.factchecker)
        seen, url = [], URL + "?page_size=3"
        while url:
            response = client.get(url)
            self.assertStatus(response, 200)
            self.assertNotIn("count", response.data)  # cursor pages never count
            seen += [row["id"] for row in response.data["results"]]
            url = response.data["next"]
        expected = list(Claim.objects.current().order_by("-created_at", "-id").values_list("pk"))
        self.assertEqual(seen, [pk for (pk,) in expected])

    def test_constant_queries_at_ten_times_the_rows(self):
        # Queries: the token with its user, the user's permissions, their groups'
        # permissions, one page of claims (with creator), the page's tags.
        client = self.api(self.factchecker)
        with self.assertNumQueries(5):
            self.assertStatus(client.get(URL + "?status=contested&reviewed=no"), 200)
        grow_tenfold(reviewer=self.factchecker)
        client = self.api(self.factchecker)
        with self.assertNumQueries(5):
            response = client.get(URL + "?status=contested&reviewed=no")
        self.assertStatus(response, 200)
        self.assertGreater(len(response.data["results"]), 1)


class WriteTests(ClaimAPICase):
    def test_create_validates_as_the_ui(self):
        client = self.api(self.editor)
        response = client.post(
            URL,
            {
                "statement": "Patrushev met Yang Jiechi in Beijing",
                "event_start": "2019-06-01",
                "event_end": "2019-06-03",
            },
            format="json",
        )
        self.assertStatus(response, 400)
        self.assertIn("already says this", str(response.data["statement"]))
        response = client.post(
            URL,
            {"statement": "X", "event_start": "2020-02-02", "event_end": "2020-01-01"},
            format="json",
        )
        self.assertStatus(response, 400)
        self.assertIn("ends before it starts", str(response.data))
        response = client.post(
            URL, {"statement": "A claim with tags", "tags": ["Security", "New tag"]}, format="json"
        )
        self.assertStatus(response, 201)
        self.assertEqual(response.data["tags"], ["New tag", "Security"])
        self.assertEqual(response.data["created_by"], "eddie")

    def test_edit_needs_the_current_version_else_409(self):
        claim = self.news.summit
        client = self.api(self.editor)
        response = client.patch(f"{URL}/{claim.pk}", {"statement": "No version"}, format="json")
        self.assertStatus(response, 400)
        self.assertIn("version", response.data)
        response = client.patch(
            f"{URL}/{claim.pk}",
            {"statement": "The summit was postponed", "version": 1},
            format="json",
        )
        self.assertStatus(response, 200)
        self.assertEqual(response.data["version"], 2)
        self.assertEqual(response.data["tags"], [])
        # A second edit based on version 1 is a conflict and changes nothing.
        response = client.patch(
            f"{URL}/{claim.pk}", {"statement": "Overwrite", "version": 1}, format="json"
        )
        self.assertStatus(response, 409)
        self.assertIn("version 1", response.data["detail"])
        self.assertEqual(Claim.objects.get(pk=claim.pk).statement, "The summit was postponed")

    def test_writes_to_a_merged_claim_get_409(self):
        twin = make_claim("The summit was scrapped")
        merge_claims(twin, self.news.summit, self.editor)
        twin.refresh_from_db()
        response = self.api(self.editor).patch(
            f"{URL}/{twin.pk}", {"statement": "Edit", "version": twin.version}, format="json"
        )
        self.assertStatus(response, 409)
        self.assertIn(f"#{self.news.summit.pk}", response.data["detail"])


class VerdictTests(ClaimAPICase):
    def test_verdict_is_recorded_with_a_review(self):
        claim = self.news.troops
        response = self.api(self.factchecker).post(
            f"{URL}/{claim.pk}/verdict",
            {"verdict": "misleading", "rationale": "Only a pundit says so.", "version": 1},
            format="json",
        )
        self.assertStatus(response, 201)
        self.assertEqual(response.data["claim"]["verdict"], "misleading")
        self.assertEqual(response.data["claim"]["version"], 2)
        self.assertEqual(response.data["review"]["reviewer"], "fiona")
        self.assertEqual(Review.objects.filter(claim=claim).count(), 1)
        reviews = self.api(self.editor).get(f"{URL}/{claim.pk}/reviews")
        self.assertEqual([r["verdict"] for r in reviews.data], ["misleading"])

    def test_stale_version_gets_409_and_writes_nothing(self):
        claim = self.news.troops
        client = self.api(self.factchecker)
        data = {"verdict": "false", "rationale": "First.", "version": 1}
        self.assertStatus(client.post(f"{URL}/{claim.pk}/verdict", data, format="json"), 201)
        data = {"verdict": "accurate", "rationale": "Second.", "version": 1}
        response = client.post(f"{URL}/{claim.pk}/verdict", data, format="json")
        self.assertStatus(response, 409)
        self.assertIn("now at version 2", response.data["detail"])
        self.assertEqual(Claim.objects.get(pk=claim.pk).verdict, "false")
        self.assertEqual(Review.objects.filter(claim=claim).count(), 1)

    def test_bad_verdict_gets_400_with_messages(self):
        response = self.api(self.factchecker).post(
            f"{URL}/{self.news.troops.pk}/verdict", {"verdict": "maybe"}, format="json"
        )
        self.assertStatus(response, 400)
        self.assertEqual(set(response.data), {"verdict", "rationale", "version"})
