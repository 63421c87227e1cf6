"""Claim.outlet_kinds: the kinds of outlet carrying a claim, kept by the status engine.

The claim list's outlet-kind filter and facet read this mask instead of joining
attributions to sources and outlets, so it must follow every change the join
would see: attributions added, removed or deleted, a source's outlet changed,
an outlet's kind changed. Merged claims are never counted.
"""

import importlib
from types import SimpleNamespace

from django.apps import apps
from django.db import connection

from claims import engine
from claims.actions import (
    change_outlet,
    change_source,
    delete_attribution,
    merge_claims,
    remove_attribution,
)
from claims.filters import ClaimFilter
from claims.models import Claim, ClaimCount
from sources.models import Outlet
from tests.base import BaseTestCase
from tests.factories import (
    make_attribution,
    make_claim,
    make_newsroom,
    make_outlet,
    make_source,
)

WIRE = Claim.outlet_kind_bit(Outlet.Kind.WIRE)
STATE = Claim.outlet_kind_bit(Outlet.Kind.STATE_MEDIA)
BLOG = Claim.outlet_kind_bit(Outlet.Kind.BLOG)
UNKNOWN = Claim.outlet_kind_bit(None)


def stored(claim):
    return Claim.objects.get(pk=claim.pk).outlet_kinds


class BitTests(BaseTestCase):
    def test_one_bit_per_outlet_kind_and_one_for_no_outlet(self):
        bits = [Claim.outlet_kind_bit(kind) for kind in Claim.OUTLET_KIND_BITS]
        self.assertEqual(bits, [1 << i for i in range(len(Outlet.Kind.values) + 1)])
        self.assertEqual(Claim.outlet_kind_mask([Outlet.Kind.WIRE, None]), WIRE | UNKNOWN)

    def test_the_migration_uses_the_same_bits(self):
        migration = importlib.import_module("claims.migrations.0008_claim_outlet_kinds")
        self.assertEqual((*migration.KINDS, None), Claim.OUTLET_KIND_BITS)


class EngineTests(BaseTestCase):
    def setUp(self):
        self.wire = make_outlet(kind=Outlet.Kind.WIRE)
        self.state = make_outlet(kind=Outlet.Kind.STATE_MEDIA)
        self.claim = make_claim()

    def test_a_new_claim_has_no_kinds(self):
        self.assertEqual(stored(self.claim), 0)

    def test_every_live_attribution_counts_whatever_its_stance(self):
        make_attribution(self.claim, make_source(outlet=self.wire))
        make_attribution(self.claim, make_source(outlet=None), stance="disputes")
        self.assertEqual(stored(self.claim), WIRE | UNKNOWN)
        self.assertEqual(self.claim.outlet_kinds, WIRE | UNKNOWN)  # the caller's copy too

    def test_removed_and_deleted_attributions_drop_out(self):
        kept = make_attribution(self.claim, make_source(outlet=self.wire))
        removed = make_attribution(self.claim, make_source(outlet=self.state))
        self.assertEqual(stored(self.claim), WIRE | STATE)
        remove_attribution(removed, self.editor)
        self.assertEqual(stored(self.claim), WIRE)
        delete_attribution(kept)
        self.assertEqual(stored(self.claim), 0)

    def test_a_source_moved_to_another_outlet(self):
        source = make_source(outlet=self.wire)
        make_attribution(self.claim, source)
        change_source(source, outlet=self.state)
        self.assertEqual(stored(self.claim), STATE)
        change_source(source, outlet=None)
        self.assertEqual(stored(self.claim), UNKNOWN)

    def test_an_outlet_whose_kind_changes(self):
        make_attribution(self.claim, make_source(outlet=self.wire))
        other = make_claim()
        make_attribution(other, make_source(outlet=self.state))
        change_outlet(self.wire, kind=Outlet.Kind.BLOG)
        self.assertEqual(stored(self.claim), BLOG)
        self.assertEqual(stored(other), STATE)

    def test_a_stale_mask_is_drift_that_recompute_status_finds_and_fixes(self):
        make_attribution(self.claim, make_source(outlet=self.wire))
        Claim.objects.filter(pk=self.claim.pk).update(outlet_kinds=STATE)
        self.assertEqual(engine.recompute_all(write=False).changed, 1)
        engine.recompute_all()
        self.assertEqual(stored(self.claim), WIRE)


class FacetTests(BaseTestCase):
    def test_counts_once_under_each_kind_and_never_merged_claims(self):
        wire, state = make_outlet(kind=Outlet.Kind.WIRE), make_outlet(kind=Outlet.Kind.STATE_MEDIA)
        both, merged, target = make_claim(), make_claim(), make_claim()
        make_attribution(both, make_source(outlet=wire))
        make_attribution(both, make_source(outlet=state))
        make_attribution(both, make_source(outlet=wire))
        make_attribution(merged, make_source(outlet=None))
        make_attribution(target, make_source(outlet=state))
        merge_claims(merged, target, self.editor)
        counts = Claim.objects.current().facet_counts()
        self.assertEqual(counts["outlet_kind"], {"wire": 1, "state_media": 2, None: 1})
        self.assertEqual(counts["total"], 2)
        self.assertEqual(sum(counts["status"].values()), 2)
        self.assertEqual(counts["verdict"], {"": 2})
        # The filter reads the same mask.
        found = ClaimFilter({"outlet_kind": ["unknown"]}, queryset=Claim.objects.current()).qs
        self.assertEqual(list(found), [target])
        found = ClaimFilter({"outlet_kind": ["wire", "blog"]}, queryset=Claim.objects.current()).qs
        self.assertEqual(list(found), [both])


class MigrationFillTests(BaseTestCase):
    def test_the_migration_fills_what_the_engine_computes(self):
        wire = make_outlet(kind=Outlet.Kind.WIRE)
        claims = [make_claim() for _ in range(4)]
        make_attribution(claims[0], make_source(outlet=wire))
        make_attribution(claims[0], make_source(outlet=None))
        make_attribution(claims[1], make_source(outlet=make_outlet(kind=Outlet.Kind.THINK_TANK)))
        remove_attribution(make_attribution(claims[2], make_source(outlet=wire)), self.editor)
        expected = dict(Claim.objects.values_list("pk", "outlet_kinds"))
        self.assertEqual(len(set(expected.values())), 3)  # not all alike
        Claim.objects.update(outlet_kinds=0)  # as the new column starts
        migration = importlib.import_module("claims.migrations.0008_claim_outlet_kinds")
        # The fill only uses the schema editor's connection.
        migration.fill_outlet_kinds(apps, SimpleNamespace(connection=connection))
        self.assertEqual(dict(Claim.objects.values_list("pk", "outlet_kinds")), expected)


class ClaimCountTests(BaseTestCase):
    """ClaimCount, kept by triggers, always equals a GROUP BY over the current claims."""

    def assertNoDrift(self):
        self.assertEqual(ClaimCount.drift(), {})

    def test_every_kind_of_write_keeps_the_counts(self):
        wire = make_outlet(kind=Outlet.Kind.WIRE)
        claim, other, gone = make_claim(), make_claim(), make_claim()
        self.assertNoDrift()
        make_attribution(claim, make_source(outlet=wire))  # the engine's UPDATE
        make_attribution(other, make_source(outlet=None))
        self.assertNoDrift()
        claim.record_verdict(self.factchecker, Claim.Verdict.ACCURATE, "Checked.", claim.version)
        self.assertNoDrift()
        merge_claims(other, claim, self.editor)  # leaves the counts
        self.assertNoDrift()
        gone.delete()
        self.assertNoDrift()
        Claim.objects.bulk_create([Claim(statement="Bulk one", fingerprint="b1")])
        Claim.objects.filter(statement="Bulk one").update(
            status=Claim.Status.CONTESTED, outlet_kinds=STATE
        )
        self.assertNoDrift()
        wire.kind = Outlet.Kind.BLOG
        wire.save()
        self.assertNoDrift()
        self.assertEqual(ClaimCount.objects.facet_counts(), Claim.objects.current().facet_counts())

    def test_rebuild_repairs_drift(self):
        make_attribution(make_claim(), make_source(outlet=None))
        ClaimCount.objects.update(n=7)
        self.assertNotEqual(ClaimCount.drift(), {})
        ClaimCount.rebuild()
        self.assertNoDrift()

    def test_the_list_facets_equal_a_scan_of_the_claims(self):
        make_newsroom(reviewer=self.factchecker)
        queries = [
            {},
            {"status": ["corroborated", "contested"]},
            {"reviewed": "no", "outlet_kind": ["newspaper", "unknown"]},
            {"verdict": ["accurate"], "sort": "oldest"},
            {"status": ["bogus"]},  # invalid: left out, as the list does
        ]
        for query in queries:
            with self.subTest(query=query):
                filterset = ClaimFilter(query, queryset=Claim.objects.current())
                counts = filterset.facet_counts()
                scanned = filterset.filtered.facet_counts()
                self.assertEqual(counts["total"], scanned["total"])
                self.assertEqual(counts["total"], filterset.qs.count())
                self.assertEqual(counts["status"], scanned["status"])
                self.assertEqual(counts["unreviewed"], scanned["verdict"].get("", 0))
