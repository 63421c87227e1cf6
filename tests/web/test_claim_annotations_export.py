"""Exporting a claim's notes: /claims/<id>/annotations.jsonld (claim_annotations_export)."""

import json

from django.urls import reverse

from claims.actions import remove_attribution
from tests.base import BaseTestCase
from tests.factories import make_annotation, make_attribution, make_claim, make_source
from tests.interchange.webanno_shapes import check_collection

# The export runs these queries, whatever the number of notes or attributions:
#  1. the session
#  2. the signed-in user
#  3. the user's own permissions     } require_perm("claims.view_claim",
#  4. the user's groups' permissions }              "claims.view_annotation")
#  5. the claim (id, statement and fingerprint only)
#  6. its attributions' spans (id, source content hash, start, end)
#  7. the notes on the claim and on those attributions, with replies and authors
EXPORT_QUERIES = 7


class ClaimAnnotationsExportTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.claim = make_claim("The talks were useful")
        cls.source = make_source("The minister said the talks were useful.", title="Talks")
        cls.attribution = make_attribution(cls.claim, cls.source, "the talks were useful")
        cls.url = reverse("claim-annotations-export", args=[cls.claim.pk])

    def setUp(self):
        self.on_claim = make_annotation(self.editor, "Needs a second source.", claim=self.claim)
        self.on_attribution = make_annotation(
            self.editor, "A paraphrase.", attribution=self.attribution
        )
        self.reply = make_annotation(self.admin, "Agreed.", parent=self.on_attribution)

    def export(self):
        self.login(self.factchecker)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        return json.loads(response.content)

    def test_permissions(self):
        self.assertRedirects(
            self.client.get(self.url),
            f"{reverse('login')}?next={self.url}",
            fetch_redirect_response=False,
        )
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        for user in (self.factchecker, self.editor, self.admin):
            self.login(user)
            self.assertEqual(self.client.get(self.url).status_code, 200)

    def test_claim_and_attribution_notes_target_their_iris(self):
        document = self.export()
        items = check_collection(self, document)
        self.assertEqual(
            document["id"], f"urn:provenance:annotations:claim:{self.claim.fingerprint}"
        )
        by_id = {i["id"]: i for i in items}
        self.assertEqual(
            by_id[f"urn:uuid:{self.on_claim.uuid}"]["target"],
            f"urn:provenance:claim:{self.claim.fingerprint}",
        )
        a = self.attribution
        self.assertEqual(
            by_id[f"urn:uuid:{self.on_attribution.uuid}"]["target"],
            f"urn:provenance:attribution:{self.claim.fingerprint}:{self.source.content_hash}:{a.start}-{a.end}",
        )
        self.assertEqual(
            by_id[f"urn:uuid:{self.reply.uuid}"]["target"], f"urn:uuid:{self.on_attribution.uuid}"
        )

    def test_notes_on_removed_attributions_are_exported_too(self):
        remove_attribution(self.attribution, self.editor)
        self.assertEqual(self.export()["total"], 3)

    def test_query_count_does_not_grow_with_the_data(self):
        self.login(self.factchecker)
        with self.assertNumQueries(EXPORT_QUERIES):
            self.client.get(self.url)
        for n in range(10):
            attribution = make_attribution(
                self.claim,
                make_source(f"Story {n}: the talks were useful."),
                "the talks were useful",
            )
            note = make_annotation(self.editor, f"a{n}", attribution=attribution)
            make_annotation(self.admin, f"r{n}", parent=note)
            make_annotation(self.editor, f"c{n}", claim=self.claim)
            make_annotation(self.editor, f"x{n}", claim=make_claim(f"Other {n}"))
        with self.assertNumQueries(EXPORT_QUERIES):
            document = json.loads(self.client.get(self.url).content)
        self.assertEqual(document["total"], 33)
