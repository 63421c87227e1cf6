"""Similar-claim suggestions: /claims/similar/?q= (web.editor_views.claim_similar)."""

from django.urls import reverse

from tests.base import BaseTestCase
from tests.factories import make_claim

# The endpoint runs these queries, whatever the number of claims:
#  1. the session
#  2. the signed-in user
#  3. the user's own permissions     } require_perm("claims.view_claim")
#  4. the user's groups' permissions }
#  5. the similar claims (trigram on PostgreSQL, word overlap on SQLite)
SIMILAR_QUERIES = 5


class ClaimSimilarTests(BaseTestCase):
    url = reverse("claim-similar")

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.meeting = make_claim("Patrushev met Yang Jiechi in Beijing to discuss security")
        cls.other = make_claim("Sanctions on fertiliser were lifted")

    def test_signed_out_and_outsiders_are_refused(self):
        self.assertEqual(self.client.get(self.url, {"q": "Patrushev"}).status_code, 302)
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.url, {"q": "Patrushev"}).status_code, 403)

    def test_claims_worded_alike_are_suggested(self):
        self.login(self.editor)
        response = self.client.get(self.url, {"q": "Patrushev met Yang Jiechi in Beijing"})
        [result] = response.json()["results"]
        self.assertEqual(result["id"], self.meeting.pk)
        self.assertEqual(result["url"], reverse("claim-detail", args=[self.meeting.pk]))
        self.assertEqual(result["status"], "unsupported")
        self.assertGreater(result["similarity"], 0.3)
        self.assertEqual(self.client.get(self.url, {"q": "ab"}).json(), {"results": []})

    def test_query_count_is_constant(self):
        self.login(self.editor)
        with self.assertNumQueries(SIMILAR_QUERIES):
            self.client.get(self.url, {"q": "Patrushev met Yang Jiechi in Beijing"})
        for n in range(20):
            make_claim(f"Patrushev met Yang Jiechi in Beijing, round {n}")
        with self.assertNumQueries(SIMILAR_QUERIES):
            response = self.client.get(self.url, {"q": "Patrushev met Yang Jiechi in Beijing"})
        self.assertEqual(len(response.json()["results"]), 5)
