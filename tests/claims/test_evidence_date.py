"""Attribution.published_on: a copy of its source's date, kept by database triggers.

The claim page reads its evidence in date order from attribution_evidence_idx
(web.views.evidence_page), so the copy must follow every write that could
change it, by any path: the ORM, bulk inserts, raw SQL, a source's date changed
or cleared, an attribution moved to another source, and a write of a wrong date.
"""

import datetime
import unittest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.models import Attribution
from sources.models import Source
from tests.base import BaseTestCase
from tests.factories import make_attribution, make_claim, make_source
from web.views import evidence_page

MAY = datetime.date(2024, 5, 1)
JUNE = datetime.date(2024, 6, 1)


def copied(attribution):
    return Attribution.objects.values_list("published_on", flat=True).get(pk=attribution.pk)


class EvidenceDateTests(BaseTestCase):
    def setUp(self):
        self.claim = make_claim()
        self.may = make_source(published_on=MAY)
        self.june = make_source(published_on=JUNE)
        self.undated = make_source()

    def test_a_new_attribution_takes_its_sources_date(self):
        self.assertEqual(copied(make_attribution(self.claim, self.may)), MAY)
        self.assertIsNone(copied(make_attribution(self.claim, self.undated)))

    def test_bulk_inserts_take_it_too(self):
        body = self.june.body
        [attribution] = Attribution.objects.bulk_create(
            [
                Attribution(
                    claim=self.claim,
                    source=self.june,
                    quote=body,
                    start=0,
                    end=len(body),
                    kind=Attribution.Kind.PARAPHRASE,
                )
            ]
        )
        self.assertEqual(copied(Attribution.objects.get(source=self.june)), JUNE)
        self.assertIsNotNone(attribution)

    def test_a_source_whose_date_changes_passes_it_on(self):
        first = make_attribution(self.claim, self.may)
        other = make_attribution(make_claim(), self.may)
        untouched = make_attribution(self.claim, self.june)

        self.may.published_on = JUNE
        self.may.save()
        self.assertEqual([copied(first), copied(other), copied(untouched)], [JUNE, JUNE, JUNE])

        Source.objects.filter(pk=self.may.pk).update(published_on=None)  # raw UPDATE
        self.assertEqual([copied(first), copied(other), copied(untouched)], [None, None, JUNE])

        Source.objects.filter(pk=self.undated.pk).update(published_on=MAY)
        self.assertIsNone(copied(first))

    def test_an_attribution_moved_to_another_source_takes_that_date(self):
        attribution = make_attribution(self.claim, self.may)
        body = self.june.body
        Attribution.objects.filter(pk=attribution.pk).update(
            source=self.june, start=0, end=len(body), quote=body
        )
        self.assertEqual(copied(attribution), JUNE)

    def test_a_wrong_date_written_is_corrected(self):
        attribution = make_attribution(self.claim, self.may)
        Attribution.objects.filter(pk=attribution.pk).update(published_on=JUNE)
        self.assertEqual(copied(attribution), MAY)
        # A model save writes its stale in-memory value (None here): corrected too.
        attribution.refresh_from_db()
        attribution.published_on = None
        attribution.save()
        self.assertEqual(copied(attribution), MAY)

    def test_raw_inserts_take_it(self):
        body = self.may.body
        with connection.cursor() as cursor:
            cursor.execute(
                'INSERT INTO claims_attribution (claim_id, source_id, quote, start, "end", '
                "kind, stance, created_at, updated_at, prefix, suffix, orphan_reason) "
                "VALUES (%s, %s, %s, 0, %s, 'paraphrase', 'supports', %s, %s, '', '', '')",
                [
                    self.claim.pk,
                    self.may.pk,
                    body,
                    len(body),
                    self.may.imported_at,
                    self.may.imported_at,
                ],
            )
        self.assertEqual(copied(Attribution.objects.get(source=self.may)), MAY)

    def test_the_claim_page_pages_evidence_by_the_copied_date_undated_last(self):
        # Created out of order; each on its own source so the date decides.
        sources = [
            make_source(published_on=JUNE),
            make_source(),
            make_source(published_on=MAY),
        ]
        made = [make_attribution(self.claim, source) for source in sources]
        rows, cursor, _ = evidence_page(self.claim)
        self.assertEqual([a.pk for a in rows], [made[2].pk, made[0].pk, made[1].pk])
        self.assertEqual(cursor, "")
        # A source's new date reorders the page at once.
        Source.objects.filter(pk=sources[1].pk).update(published_on=datetime.date(2024, 1, 1))
        rows, _, _ = evidence_page(self.claim)
        self.assertEqual([a.pk for a in rows], [made[1].pk, made[2].pk, made[0].pk])


@unittest.skipUnless(connection.vendor == "postgresql", "plans are PostgreSQL's")
class EvidenceIndexTests(BaseTestCase):
    def test_a_page_of_evidence_is_read_in_order_from_the_index(self):
        """The page's first query matches attribution_evidence_idx: no sort, no other index.

        Sequential scans and sorts are priced out, as at full scale, so that the plan
        shows whether the query's filter and order still fit the index."""
        claim = make_claim()
        for day in (3, 1, 2):
            source = make_source(published_on=datetime.date(2024, 1, day))
            make_attribution(claim, source)
        make_attribution(claim, make_source())
        with CaptureQueriesContext(connection) as queries:
            rows, _, _ = evidence_page(claim)
        self.assertEqual(len(rows), 4)
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("EXPLAIN " + queries.captured_queries[0]["sql"])
            plan = "\n".join(row[0] for row in cursor.fetchall())
        self.assertIn("attribution_evidence_idx", plan)
        self.assertNotIn("Sort", plan)
