"""schema.org ClaimReview: /api/claims/<id>/claimreview and the block on the claim page."""

import json
import re

from django.test import override_settings
from django.urls import reverse

from claims.actions import merge_claims
from claims.models import Claim
from interchange.claimreview import RATINGS
from sources.models import Source
from tests.api.base import APITestCase
from tests.factories import make_claim, make_newsroom, make_review

# The properties Google's fact-check rich results require.
GOOGLE_REQUIRED = {
    "claimReviewed",
    "reviewRating",
    "itemReviewed",
    "author",
    "url",
    "datePublished",
}
LD_JSON = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@override_settings(PROVENANCE_ORG_NAME="Desk Checks", PROVENANCE_ORG_URL="https://desk.example/")
class ClaimReviewTests(APITestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.news = make_newsroom(reviewer=cls.factchecker)
        Source.objects.filter(pk=cls.news.paper_story.pk).update(
            published_on="2019-06-04", url="https://paper.example/envoys"
        )
        Source.objects.filter(pk=cls.news.wire_story.pk).update(published_on="2019-06-03")

    def review(self, claim=None):
        claim = claim or self.news.meeting
        response = self.api(self.factchecker).get(f"/api/claims/{claim.pk}/claimreview")
        self.assertStatus(response, 200)
        self.assertEqual(response["Content-Type"], "application/ld+json")
        return json.loads(response.content)

    def test_google_required_properties(self):
        data = self.review()
        self.assertEqual(data["@context"], "https://schema.org")
        self.assertEqual(data["@type"], "ClaimReview")
        self.assertLessEqual(GOOGLE_REQUIRED, set(data))
        self.assertEqual(data["claimReviewed"], "Patrushev met Yang Jiechi in Beijing")
        self.assertEqual(
            data["reviewRating"],
            {
                "@type": "Rating",
                "ratingValue": 5,
                "bestRating": 5,
                "worstRating": 1,
                "alternateName": "Accurate",
            },
        )
        self.assertEqual(
            data["author"],
            {"@type": "Organization", "name": "Desk Checks", "url": "https://desk.example/"},
        )
        self.assertEqual(data["url"], f"http://testserver/claims/{self.news.meeting.pk}/")
        review = self.news.meeting.reviews.get()
        self.assertEqual(data["datePublished"], review.created_at.date().isoformat())

    def test_item_reviewed_names_the_speaker_and_the_appearances(self):
        item = self.review()["itemReviewed"]
        self.assertEqual(item["@type"], "Claim")
        # The first appearance is the wire story (3 June), where Yang Jiechi says it.
        self.assertEqual(item["author"], {"@type": "Person", "name": "Yang Jiechi"})
        self.assertEqual(item["datePublished"], "2019-06-03")
        wire = f"http://testserver/sources/{self.news.wire_story.pk}/"
        self.assertEqual(item["firstAppearance"]["url"], wire)
        self.assertEqual(
            [(a["url"], a.get("datePublished")) for a in item["appearance"]],
            [(wire, "2019-06-03"), ("https://paper.example/envoys", "2019-06-04")],
        )
        self.assertEqual(
            item["appearance"][1]["publisher"], {"@type": "Organization", "name": "Morning Paper"}
        )
        self.assertTrue(
            all(a["@type"] == "CreativeWork" and a["headline"] for a in item["appearance"])
        )

    def test_every_verdict_has_a_rating_on_the_scale(self):
        claim = self.news.troops
        for verdict in Claim.Verdict:
            Claim.objects.filter(pk=claim.pk).update(verdict=verdict)
            rating = self.review(claim)["reviewRating"]
            self.assertEqual(rating["alternateName"], verdict.label)
            self.assertEqual(rating["ratingValue"], RATINGS[verdict])
            self.assertTrue(1 <= rating["ratingValue"] <= 5)

    def test_no_verdict_or_merged_gets_404(self):
        client = self.api(self.factchecker)
        response = client.get(f"/api/claims/{self.news.summit.pk}/claimreview")
        self.assertStatus(response, 404)
        self.assertIn("no verdict", str(response.data["detail"]))
        twin = make_claim("Patrushev and Yang Jiechi met in Beijing")
        make_review(twin, self.factchecker)
        Claim.objects.filter(pk=twin.pk).update(verdict="accurate")
        merge_claims(twin, self.news.meeting, self.editor)
        response = client.get(f"/api/claims/{twin.pk}/claimreview")
        self.assertStatus(response, 404)
        self.assertIn(f"/api/claims/{self.news.meeting.pk}", str(response.data["detail"]))

    def test_outsiders_and_anonymous_are_refused(self):
        url = f"/api/claims/{self.news.meeting.pk}/claimreview"
        self.assertStatus(self.api().get(url), 401)
        self.assertStatus(self.api(self.outsider).get(url), 403)

    def test_the_claim_page_embeds_the_same_review(self):
        self.client.force_login(self.factchecker)
        page = self.client.get(reverse("claim-detail", args=[self.news.meeting.pk]))
        blocks = LD_JSON.findall(page.content.decode())
        self.assertEqual(len(blocks), 1)
        self.assertEqual(json.loads(blocks[0]), self.review())
        unreviewed = self.client.get(reverse("claim-detail", args=[self.news.summit.pk]))
        self.assertNotContains(unreviewed, "application/ld+json")

    def test_the_embedded_json_cannot_close_its_script_element(self):
        statement = 'It said </script><script>alert("x")</script> & <!-- more'
        claim = make_claim(statement)
        make_review(claim, self.factchecker)
        Claim.objects.filter(pk=claim.pk).update(verdict="false")
        self.client.force_login(self.factchecker)
        html = self.client.get(reverse("claim-detail", args=[claim.pk])).content.decode()
        block = LD_JSON.search(html).group(1)
        self.assertNotIn("<", block)
        self.assertEqual(json.loads(block)["claimReviewed"], statement)
        self.assertNotIn('<script>alert("x")', html)
