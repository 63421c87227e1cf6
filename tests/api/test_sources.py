"""/api/sources: every role reads, admins correct metadata; the body is exact; queries."""

from claims.models import Claim
from sources.models import Source
from tests.api.base import APITestCase
from tests.factories import grow_tenfold, make_newsroom, make_source

URL = "/api/sources"


class SourceAPITests(APITestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.news = make_newsroom()

    def test_every_role_reads_outsiders_do_not(self):
        expected = {"factchecker": 200, "editor": 200, "admin": 200, "outsider": 403}
        self.assertMatrix(lambda c: c.get(URL), expected)
        self.assertMatrix(lambda c: c.get(f"{URL}/{self.news.wire_story.pk}"), expected)

    def test_only_admins_correct_metadata(self):
        story = self.news.wire_story

        def patch(client):
            return client.patch(f"{URL}/{story.pk}", {"byline": "By A. Writer"}, format="json")

        self.assertMatrix(patch, {"factchecker": 403, "editor": 403, "outsider": 403, "admin": 200})
        self.assertEqual(Source.objects.get(pk=story.pk).byline, "By A. Writer")

    def test_sources_are_not_created_or_deleted_here(self):
        client = self.api(self.admin)
        self.assertStatus(client.post(URL, {"title": "x", "body": "y"}, format="json"), 405)
        self.assertStatus(client.delete(f"{URL}/{self.news.wire_story.pk}"), 405)

    def test_detail_has_the_exact_body_list_does_not(self):
        body = "Line one.\r\n  <script>alert(1)</script>\n\nÜnïcode “quotes”.  "
        source = make_source(body=body)
        client = self.api(self.editor)
        self.assertEqual(client.get(f"{URL}/{source.pk}").data["body"], body)
        self.assertNotIn("body", client.get(URL).data["results"][0])

    def test_changing_the_outlet_recomputes_statuses(self):
        # The meeting is corroborated by the wire and the paper; the same outlet twice is one.
        story = self.news.wire_story
        response = self.api(self.admin).patch(
            f"{URL}/{story.pk}", {"outlet": self.news.paper.pk}, format="json"
        )
        self.assertStatus(response, 200)
        self.assertEqual(
            Claim.objects.get(pk=self.news.meeting.pk).status, Claim.Status.SINGLE_SOURCE
        )

    def test_a_partial_update_answers_every_field_null_where_empty(self):
        # A field left out of a PATCH's answer breaks the schema: outlet_name is always there.
        source = make_source(outlet=None)
        response = self.api(self.admin).patch(
            f"{URL}/{source.pk}", {"byline": "By A. Writer"}, format="json"
        )
        self.assertStatus(response, 200)
        self.assertIn("outlet_name", response.data)
        self.assertIsNone(response.data["outlet_name"])
        self.assertEqual(
            set(response.data), set(self.api(self.admin).get(f"{URL}/{source.pk}").data)
        )

    def test_bad_metadata_gets_400(self):
        other = make_source(url="https://example.com/a")
        response = self.api(self.admin).patch(
            f"{URL}/{self.news.wire_story.pk}", {"url": other.url}, format="json"
        )
        self.assertStatus(response, 400)

    def test_constant_queries_at_ten_times_the_rows(self):
        # Queries: the token with its user, the user's permissions, their groups'
        # permissions, one page of sources (with outlet and importer), their relays.
        with self.assertNumQueries(5):
            self.assertStatus(self.api(self.factchecker).get(URL), 200)
        grow_tenfold()
        with self.assertNumQueries(5):
            response = self.api(self.factchecker).get(URL)
        self.assertEqual(len(response.data["results"]), 40)
