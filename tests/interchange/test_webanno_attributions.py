"""Attributions as W3C Web Annotations (motivation assessing), per claim and per source."""

import json

from claims.actions import remove_attribution
from interchange import webanno
from tests.api.base import APITestCase
from tests.factories import make_annotation, make_newsroom

CONTEXT = "http://www.w3.org/ns/anno.jsonld"


class AttributionAnnotationTests(APITestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.news = make_newsroom()

    def get(self, url, user=None):
        response = self.api(user or self.factchecker).get(url)
        self.assertStatus(response, 200)
        self.assertEqual(response["Content-Type"], "application/ld+json")
        return json.loads(response.content)

    def assertValidAnnotation(self, item, source):
        self.assertEqual(item["type"], "Annotation")
        self.assertEqual(item["motivation"], "assessing")
        target = item["target"]
        self.assertEqual(target["type"], "SpecificResource")
        self.assertEqual(target["source"], webanno.source_iri(source))
        selectors = {s["type"]: s for s in target["selector"]}
        self.assertEqual(set(selectors), {"TextQuoteSelector", "TextPositionSelector"})
        quote, position = selectors["TextQuoteSelector"], selectors["TextPositionSelector"]
        # The selectors agree with each other and with the stored text.
        self.assertEqual(source.body[position["start"] : position["end"]], quote["exact"])
        self.assertTrue(source.body[: position["start"]].endswith(quote.get("prefix", "")))
        self.assertTrue(source.body[position["end"] :].startswith(quote.get("suffix", "")))

    def test_per_claim(self):
        claim = self.news.sanctions
        data = self.get(f"/api/claims/{claim.pk}/attributions.jsonld")
        self.assertEqual(data["@context"], CONTEXT)
        self.assertEqual(data["type"], "AnnotationCollection")
        items = data["first"]["items"]
        self.assertEqual(data["total"], 3)
        sources = {a.pk: a.source for a in claim.attributions.select_related("source")}
        for item, attribution in zip(
            items, webanno.attributions_for_export(claim.attributions.all()), strict=True
        ):
            self.assertValidAnnotation(item, sources[attribution.pk])
            self.assertEqual(item["body"][0]["source"], webanno.claim_iri(claim))
        assessments = [item["body"][1]["value"] for item in items]
        self.assertTrue(any(v.startswith("Disputes: outlet's own assertion") for v in assessments))

    def test_per_source_leaves_out_removed_attributions(self):
        story = self.news.state_story
        data = self.get(f"/api/sources/{story.pk}/attributions.jsonld")
        self.assertEqual(data["total"], 2)
        for item in data["first"]["items"]:
            self.assertValidAnnotation(item, story)
        remove_attribution(self.news.troops.attributions.get(), self.editor)
        data = self.get(f"/api/sources/{story.pk}/attributions.jsonld")
        self.assertEqual(data["total"], 1)

    def test_notes_export_through_the_annotation_module(self):
        note = make_annotation(
            self.editor, "Which pipeline?", source=self.news.paper_story, quote="discuss a pipeline"
        )
        data = self.get(f"/api/sources/{self.news.paper_story.pk}/annotations.jsonld")
        self.assertEqual(data["@context"], CONTEXT)
        [item] = data["first"]["items"]
        self.assertEqual(item["id"], f"urn:uuid:{note.uuid}")
        self.assertEqual(item["motivation"], "commenting")
        claim_notes = self.get(f"/api/claims/{self.news.meeting.pk}/annotations.jsonld")
        self.assertEqual(claim_notes["total"], 0)

    def test_roles(self):
        url = f"/api/sources/{self.news.state_story.pk}/attributions.jsonld"
        self.assertStatus(self.api().get(url), 401)
        self.assertStatus(self.api(self.outsider).get(url), 403)
        self.get(url, self.editor)
