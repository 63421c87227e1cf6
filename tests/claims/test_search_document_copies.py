"""ClaimSearchDocument's copies of its claim's facets, kept by PostgreSQL triggers.

A search filtered by status, verdict, reviewed and outlet kind alone is counted
and paged from the documents it matches (claims.filters.ClaimFilter.documents),
so the copies must follow every write that could change them, by any path: a
new claim, the engine's status and outlet kinds, a verdict, a merge, raw SQL,
and a write of a wrong copy. SQLite searches its FTS5 table and keeps no
documents, so these run on PostgreSQL only.
"""

import unittest

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims import search
from claims.actions import change_outlet, merge_claims
from claims.models import Claim, ClaimSearchDocument
from sources.models import Outlet
from tests.base import BaseTestCase
from tests.factories import make_attribution, make_claim, make_outlet, make_source

COPIES = ("status", "verdict", "outlet_kinds", "created_at", "current")


def copies(claim):
    return ClaimSearchDocument.objects.values_list(*COPIES).get(claim_id=claim.pk)


def claims_values(claim):
    status, verdict, kinds, created_at, merged_into_id = Claim.objects.values_list(
        "status", "verdict", "outlet_kinds", "created_at", "merged_into_id"
    ).get(pk=claim.pk)
    return (status, verdict, kinds, created_at, merged_into_id is None)


@unittest.skipUnless(connection.vendor == "postgresql", "search documents are PostgreSQL's")
class SearchDocumentCopyTests(BaseTestCase):
    def setUp(self):
        self.wire = make_outlet(kind=Outlet.Kind.WIRE)
        self.claim = make_claim("Gas flows through the pipeline")

    def assertCopied(self, claim):
        self.assertEqual(copies(claim), claims_values(claim))

    def test_a_new_claims_document_takes_its_values(self):
        self.assertEqual(copies(self.claim)[0], Claim.Status.UNSUPPORTED)
        self.assertCopied(self.claim)

    def test_the_engines_status_and_outlet_kinds_follow(self):
        make_attribution(self.claim, make_source(outlet=self.wire))
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.status, Claim.Status.SINGLE_SOURCE)
        self.assertCopied(self.claim)
        self.assertEqual(copies(self.claim)[2], Claim.outlet_kind_bit(Outlet.Kind.WIRE))
        # An outlet's kind changed: the engine recomputes its claims, and the copy follows.
        change_outlet(self.wire, kind=Outlet.Kind.BLOG)
        self.assertEqual(copies(self.claim)[2], Claim.outlet_kind_bit(Outlet.Kind.BLOG))

    def test_a_verdict_follows(self):
        self.claim.record_verdict(self.factchecker, Claim.Verdict.FALSE, "No.", self.claim.version)
        self.assertEqual(copies(self.claim)[1], Claim.Verdict.FALSE)
        self.assertCopied(self.claim)

    def test_a_merged_claim_is_no_longer_current(self):
        target = make_claim("Gas flows through the new pipeline")
        merge_claims(self.claim, target, self.editor)
        self.assertFalse(copies(self.claim)[4])
        self.assertTrue(copies(target)[4])
        self.assertCopied(self.claim)

    def test_raw_updates_of_the_claim_follow(self):
        Claim.objects.filter(pk=self.claim.pk).update(
            status=Claim.Status.CONTESTED, verdict=Claim.Verdict.MISLEADING, outlet_kinds=5
        )
        self.assertEqual(copies(self.claim)[:3], (Claim.Status.CONTESTED, "misleading", 5))

    def test_a_wrong_copy_written_is_corrected(self):
        ClaimSearchDocument.objects.filter(claim_id=self.claim.pk).update(
            status=Claim.Status.CORROBORATED, current=False, outlet_kinds=7
        )
        self.assertCopied(self.claim)

    def test_rebuilt_documents_take_the_values(self):
        make_attribution(self.claim, make_source(outlet=self.wire))
        ClaimSearchDocument.objects.all().delete()
        search.rebuild_all()
        self.assertCopied(self.claim)
        self.assertEqual(copies(self.claim)[0], Claim.Status.SINGLE_SOURCE)


@unittest.skipUnless(connection.vendor == "postgresql", "search documents are PostgreSQL's")
class SearchFromDocumentsTests(BaseTestCase):
    """A search narrowed only by the counted filters never joins the claims it matches."""

    def test_facets_and_the_page_are_read_from_the_documents(self):
        wire = make_outlet(kind=Outlet.Kind.WIRE)
        for i in range(3):
            claim = make_claim(f"Pipeline number {i} is ready")
            make_attribution(claim, make_source(outlet=wire))
        make_claim("The pipeline is unsupported")
        self.login(self.factchecker)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(reverse("claim-list") + "?q=pipeline&status=single_source")
        self.assertEqual(response.context["page"].paginator.count, 3)
        self.assertEqual(len(response.context["claims"]), 3)
        matching = [q["sql"] for q in queries.captured_queries if "@@" in q["sql"]]
        counted, listed = matching
        # One statement counts and pages the documents matched, never joining their claims
        # (ClaimSearchDocumentQuerySet.counted_and_paged) ...
        self.assertIn("GROUPING SETS", counted)
        self.assertNotIn('"claims_claim"', counted)
        # ... then the claims of the page are loaded by id.
        self.assertIn('"claims_claim"."id" IN (', listed)
