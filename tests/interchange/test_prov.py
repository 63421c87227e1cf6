"""PROV-JSON of a claim's provenance chain (/api/claims/<id>/prov), parsed with `prov`."""

import json

from prov.model import (
    PROV_TYPE,
    ProvAttribution,
    ProvDelegation,
    ProvDerivation,
    ProvDocument,
)

from claims.actions import merge_claims, remove_attribution
from claims.models import Attribution
from tests.api.base import APITestCase
from tests.factories import make_attribution, make_claim, make_newsroom, make_source


def _types(record):
    return {str(value) for value in record.get_attribute(PROV_TYPE)}


class ProvTests(APITestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.news = make_newsroom()
        # The paper passes on the wire's report: the wire is the origin, the paper relays it.
        cls.relayed = make_source(
            body="Envoys talk. Patrushev met Yang in Beijing again, Wire Agency said.",
            outlet=cls.news.paper,
            relays=[cls.news.wire],
        )
        cls.relay_attribution = make_attribution(
            cls.news.meeting, cls.relayed, "Patrushev met Yang in Beijing again"
        )

    def document(self, claim):
        response = self.api(self.factchecker).get(f"/api/claims/{claim.pk}/prov")
        self.assertStatus(response, 200)
        text = response.content.decode()
        return json.loads(text), ProvDocument.deserialize(content=text, format="json")

    def test_parses_with_prov_and_has_the_chain(self):
        data, doc = self.document(self.news.meeting)
        fingerprint = self.news.meeting.fingerprint
        claim_entity = doc.get_record(f"claim:{fingerprint}")[0]
        self.assertEqual(
            str(claim_entity.get_attribute("prov:value").pop()), self.news.meeting.statement
        )
        agents = {
            str(a.identifier)
            for a in doc.get_records()
            if a.is_element() and "agent" in type(a).__name__.lower()
        }
        self.assertIn(f"actor:{self.news.official.pk}", agents)
        self.assertIn(f"outlet:{self.news.wire.pk}", agents)
        self.assertIn(f"outlet:{self.news.paper.pk}", agents)
        # Every live attribution is a quote entity the claim was derived from.
        quotes = {
            str(r.args[1])
            for r in doc.get_records(ProvDerivation)
            if str(r.args[0]) == f"claim:{fingerprint}"
        }
        self.assertEqual(len(quotes), 3)
        self.assertEqual(len(data["wasDerivedFrom"]), len(list(doc.get_records(ProvDerivation))))

    def test_direct_quotes_are_quotations_and_origins_primary_sources(self):
        _, doc = self.document(self.news.meeting)
        derivations = list(doc.get_records(ProvDerivation))
        wire_hash = self.news.wire_story.content_hash
        direct = [r for r in derivations if str(r.args[1]) == f"source:{wire_hash}"]
        self.assertEqual(len(direct), 1)
        self.assertEqual(_types(direct[0]), {"prov:Quotation", "prov:PrimarySource"})
        # The relayed article's origin is the wire's report it passed on.
        relayed_hash = self.relayed.content_hash
        from_report = [r for r in derivations if str(r.args[0]) == f"source:{relayed_hash}"]
        self.assertEqual(len(from_report), 1)
        self.assertEqual(_types(from_report[0]), {"prov:PrimarySource"})
        report = str(from_report[0].args[1])
        self.assertTrue(report.startswith(f"report:{self.news.wire.pk}-"))
        attributed = {(str(r.args[0]), str(r.args[1])) for r in doc.get_records(ProvAttribution)}
        self.assertIn((report, f"outlet:{self.news.wire.pk}"), attributed)
        self.assertIn((f"source:{wire_hash}", f"outlet:{self.news.wire.pk}"), attributed)
        delegations = {(str(r.args[0]), str(r.args[1])) for r in doc.get_records(ProvDelegation)}
        self.assertEqual(
            delegations, {(f"outlet:{self.news.paper.pk}", f"outlet:{self.news.wire.pk}")}
        )

    def test_speculation_is_no_primary_source_and_removed_evidence_is_left_out(self):
        _, doc = self.document(self.news.troops)
        self.assertFalse(
            any("prov:PrimarySource" in _types(r) for r in doc.get_records(ProvDerivation))
        )
        attribution = Attribution.objects.get(claim=self.news.troops)
        remove_attribution(attribution, self.editor)
        data, doc = self.document(self.news.troops)
        self.assertNotIn("wasDerivedFrom", data)
        self.assertEqual(
            [str(e.identifier) for e in doc.get_records() if e.is_element()],
            [f"claim:{self.news.troops.fingerprint}"],
        )

    def test_roles_and_merged_claims(self):
        url = f"/api/claims/{self.news.meeting.pk}/prov"
        self.assertStatus(self.api().get(url), 401)
        self.assertStatus(self.api(self.outsider).get(url), 403)
        twin = make_claim("Envoys met")
        merge_claims(twin, self.news.meeting, self.editor)
        self.assertStatus(self.api(self.editor).get(f"/api/claims/{twin.pk}/prov"), 404)
