"""/api/attributions: roles, anchoring and offset validation, statuses recomputed by
the engine, optimistic concurrency, soft delete, and constant queries."""

from claims.actions import merge_claims
from claims.models import Attribution, Claim
from tests.api.base import APITestCase
from tests.factories import grow_tenfold, make_attribution, make_claim, make_newsroom

URL = "/api/attributions"


class AttributionAPICase(APITestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.news = make_newsroom()

    def new(self, **data):
        """An attribution of the paper's "lifted" sentence to the summit claim, as data."""
        return {
            "claim": self.news.summit.pk,
            "source": self.news.paper_story.pk,
            "quote": "The envoys met in Beijing",
            "kind": "paraphrase",
            **data,
        }


class PermissionTests(AttributionAPICase):
    def test_reads_for_every_role(self):
        expected = {"factchecker": 200, "editor": 200, "admin": 200, "outsider": 403}
        self.assertMatrix(lambda c: c.get(URL), expected)
        pk = self.news.meeting.attributions.first().pk
        self.assertMatrix(lambda c: c.get(f"{URL}/{pk}"), expected)

    def test_editors_and_admins_write_factcheckers_cannot(self):
        # A passage of its own for each request, so only the role decides.
        quotes = iter(
            ["The envoys", "envoys met", "met in", "in Beijing", "to discuss", "a pipeline"]
        )

        def create(client):
            return client.post(URL, self.new(quote=next(quotes)), format="json")

        self.assertMatrix(
            create, {"factchecker": 403, "outsider": 403, "editor": 201, "admin": 201}
        )

    def test_factcheckers_cannot_remove(self):
        pk = self.news.meeting.attributions.first().pk
        self.assertStatus(self.api(self.factchecker).delete(f"{URL}/{pk}"), 403)
        self.assertStatus(self.api(self.outsider).delete(f"{URL}/{pk}"), 403)
        self.assertStatus(self.api().delete(f"{URL}/{pk}"), 401)
        self.assertIsNone(Attribution.objects.get(pk=pk).deleted_at)


class CreateTests(AttributionAPICase):
    def test_quote_is_found_and_the_status_recomputed(self):
        summit = self.news.summit
        self.assertEqual(Claim.objects.get(pk=summit.pk).status, Claim.Status.UNSUPPORTED)
        response = self.api(self.editor).post(URL, self.new(), format="json")
        self.assertStatus(response, 201)
        body = self.news.paper_story.body
        start = body.index("The envoys met in Beijing")
        self.assertEqual((response.data["start"], response.data["end"]), (start, start + 25))
        self.assertEqual(response.data["state"], "live")
        self.assertEqual(response.data["created_by"], "eddie")
        # The write's refresh batch recomputed the status in the same request.
        self.assertEqual(Claim.objects.get(pk=summit.pk).status, Claim.Status.SINGLE_SOURCE)

    def test_offsets_given_are_checked_against_the_text(self):
        body = self.news.paper_story.body
        start = body.index("The envoys")
        good = self.new(start=start, end=start + 25)
        response = self.api(self.editor).post(URL, good, format="json")
        self.assertStatus(response, 201)
        bad = self.new(quote="met in Beijing", start=start, end=start + 14)
        response = self.api(self.editor).post(URL, bad, format="json")
        self.assertStatus(response, 400)
        self.assertIn("The source reads “The envoys met", str(response.data["quote"]))
        beyond = self.new(quote="x" * 5, start=len(body) + 10, end=len(body) + 15)
        response = self.api(self.editor).post(URL, beyond, format="json")
        self.assertStatus(response, 400)
        self.assertIn(f"only {len(body)} characters long", str(response.data["end"]))
        response = self.api(self.editor).post(URL, self.new(start=3), format="json")
        self.assertStatus(response, 400)
        self.assertIn("both start and end", str(response.data["end"]))

    def test_quote_not_in_the_text_gets_400(self):
        response = self.api(self.editor).post(
            URL, self.new(quote="The envoys never met"), format="json"
        )
        self.assertStatus(response, 400)
        self.assertIn("does not occur", str(response.data["quote"]))
        self.assertFalse(Attribution.objects.filter(claim=self.news.summit).exists())

    def test_choices_and_duplicates_are_validated(self):
        response = self.api(self.editor).post(URL, self.new(kind="rumour"), format="json")
        self.assertStatus(response, 400)
        self.assertIn("kind", response.data)
        response = self.api(self.editor).post(URL, self.new(stance="neutral"), format="json")
        self.assertStatus(response, 400)
        self.assertIn("stance", response.data)
        self.assertStatus(self.api(self.editor).post(URL, self.new(), format="json"), 201)
        response = self.api(self.editor).post(URL, self.new(), format="json")
        self.assertStatus(response, 400)
        self.assertIn("already evidences", str(response.data["quote"]))

    def test_a_merged_claim_cannot_get_evidence(self):
        twin = make_claim("The summit was dropped")
        merge_claims(twin, self.news.summit, self.editor)
        response = self.api(self.editor).post(URL, self.new(claim=twin.pk), format="json")
        self.assertStatus(response, 400)
        self.assertIn("merged into", str(response.data["claim"]))


class UpdateAndRemoveTests(AttributionAPICase):
    def test_edit_with_the_current_updated_at_else_409(self):
        attribution = self.news.sanctions.attributions.get(stance="disputes")
        client = self.api(self.editor)
        seen = client.get(f"{URL}/{attribution.pk}").data["updated_at"]
        response = client.patch(
            f"{URL}/{attribution.pk}", {"stance": "supports", "updated_at": seen}, format="json"
        )
        self.assertStatus(response, 200)
        self.assertEqual(response.data["stance"], "supports")
        # No dispute left: the engine no longer calls it contested.
        self.assertNotEqual(
            Claim.objects.get(pk=self.news.sanctions.pk).status, Claim.Status.CONTESTED
        )
        response = client.patch(
            f"{URL}/{attribution.pk}", {"stance": "disputes", "updated_at": seen}, format="json"
        )
        self.assertStatus(response, 409)
        self.assertEqual(Attribution.objects.get(pk=attribution.pk).stance, "supports")

    def test_a_partial_update_answers_every_field_null_where_empty(self):
        attribution = self.news.sanctions.attributions.get(stance="disputes")
        client = self.api(self.editor)
        seen = client.get(f"{URL}/{attribution.pk}").data
        response = client.patch(
            f"{URL}/{attribution.pk}",
            {"speaker": None, "relayed_via": None, "updated_at": seen["updated_at"]},
            format="json",
        )
        self.assertStatus(response, 200)
        self.assertEqual(set(response.data), set(seen))
        self.assertIsNone(response.data["speaker_name"])
        self.assertIsNone(response.data["relayed_via_name"])

    def test_re_anchoring_checks_the_quote(self):
        attribution = self.news.troops.attributions.get()
        client = self.api(self.editor)
        seen = client.get(f"{URL}/{attribution.pk}").data["updated_at"]
        response = client.patch(
            f"{URL}/{attribution.pk}",
            {"quote": "Troops will fly", "updated_at": seen},
            format="json",
        )
        self.assertStatus(response, 400)
        self.assertIn("does not occur", str(response.data["quote"]))
        # The failed request changed nothing, not even updated_at.
        self.assertEqual(client.get(f"{URL}/{attribution.pk}").data["updated_at"], seen)

    def test_remove_is_a_soft_delete_that_updates_the_status(self):
        attribution = self.news.troops.attributions.get()
        response = self.api(self.editor).delete(f"{URL}/{attribution.pk}")
        self.assertStatus(response, 204)
        attribution.refresh_from_db()
        self.assertIsNotNone(attribution.deleted_at)
        self.assertEqual(attribution.deleted_by, self.editor)
        self.assertEqual(Claim.objects.get(pk=self.news.troops.pk).status, Claim.Status.UNSUPPORTED)
        client = self.api(self.factchecker)
        live = [row["id"] for row in client.get(URL).data["results"]]
        self.assertNotIn(attribution.pk, live)
        removed = client.get(URL + "?state=removed").data["results"]
        self.assertEqual([(r["id"], r["state"]) for r in removed], [(attribution.pk, "removed")])
        # A removed attribution cannot be edited.
        response = self.api(self.editor).patch(
            f"{URL}/{attribution.pk}",
            {"kind": "paraphrase", "updated_at": removed[0]["updated_at"]},
            format="json",
        )
        self.assertStatus(response, 409)


class QueryTests(AttributionAPICase):
    def test_constant_queries_at_ten_times_the_rows(self):
        # Queries: the token with its user, the user's permissions, their groups'
        # permissions, one page of attributions (with speaker, relay and creator).
        make_attribution(self.news.summit, self.news.wire_story, "Nothing else")
        with self.assertNumQueries(4):
            self.assertStatus(self.api(self.factchecker).get(URL + "?kind=paraphrase"), 200)
        grow_tenfold()
        with self.assertNumQueries(4):
            response = self.api(self.factchecker).get(URL + "?kind=paraphrase")
        self.assertGreater(len(response.data["results"]), 10)
