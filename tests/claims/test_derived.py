"""claims.derived: the declaration of derived state, and the Refresh batch that keeps it.

A batch recomputes each claim once and rebuilds each search document once, however
many writes touched them, runs nothing when nothing was added, and runs inside the
writes' transaction.
"""

from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims import actions, derived, engine, sql
from claims.models import Claim
from tests.base import BaseTestCase
from tests.factories import (
    make_attribution,
    make_claim,
    make_outlet,
    make_owner_group,
    make_source,
)

DOCUMENT_TABLES = ('"claims_claimsearchdocument"', "claims_claimsearchdocument", "claims_claim_fts")


def document_writes(queries):
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith("INSERT")
        and any(table in q["sql"] for table in DOCUMENT_TABLES)
    ]


def engine_runs(queries):
    # The engine's first query: the claims, locked, with their stored results only
    # (lock_claims reads whole rows, the fingerprint among them).
    return [
        q
        for q in queries.captured_queries
        if '"claims_claim"."explanation"' in q["sql"] and '"fingerprint"' not in q["sql"]
    ]


class DeclarationTests(BaseTestCase):
    def test_every_derived_field_has_one_known_mechanism(self):
        names = [d.name for d in derived.DERIVED]
        self.assertEqual(len(names), len(set(names)))
        for d in derived.DERIVED:
            self.assertIn(d.kept_by, ("engine", "search", "save", "trigger"), d.name)
            self.assertEqual(bool(d.trigger_set), d.kept_by == "trigger", d.name)
        fields = [f for d in derived.DERIVED for f in d.fields]
        self.assertEqual(len(fields), len(set(fields)))  # one mechanism per field

    def test_the_engine_fields_are_the_results_fields(self):
        [kept] = [d for d in derived.DERIVED if d.kept_by == "engine"]
        self.assertEqual(
            sorted(f.removeprefix("Claim.") for f in kept.fields), sorted(engine.Result._fields)
        )

    def test_every_trigger_set_is_installed(self):
        self.assertEqual(set(derived.TRIGGER_SETS), set(sql.TRIGGER_SETS))
        self.assertEqual(sql.missing_triggers(connection), {})


class RefreshTests(BaseTestCase):
    def setUp(self):
        self.wire = make_outlet("Wire", kind="wire")
        self.source = make_source("The talks went well. Nothing else.", self.wire)

    def test_an_empty_batch_runs_no_query(self):
        refresh = derived.Refresh()
        self.assertFalse(refresh)
        with self.assertNumQueries(0):
            self.assertEqual(refresh.run(), {})

    def test_a_new_claim_rebuilds_its_document_and_runs_no_recompute(self):
        with CaptureQueriesContext(connection) as queries:
            claim = Claim.create_new(self.editor, statement="The talks went well", reason="New")
        self.assertEqual(len(document_writes(queries)), 1)
        self.assertEqual(engine_runs(queries), [])
        self.assertEqual(claim.status, Claim.Status.UNSUPPORTED)

    def test_a_claim_and_its_evidence_in_one_batch_write_its_document_once(self):
        with CaptureQueriesContext(connection) as queries, derived.batch() as refresh:
            claim, _ = Claim.create_or_existing(
                self.editor, statement="The talks went well", reason="New", refresh=refresh
            )
            actions.attribute_passage(
                self.editor,
                self.source,
                quote="The talks went well",
                start=0,
                end=19,
                kind="paraphrase",
                stance="supports",
                reason="Attributed",
                claim=claim,
                refresh=refresh,
            )
            self.assertEqual(document_writes(queries), [])  # not yet: at the end
        self.assertEqual(len(document_writes(queries)), 1)
        self.assertEqual(len(engine_runs(queries)), 1)
        claim.refresh_from_db()
        self.assertEqual(claim.status, Claim.Status.SINGLE_SOURCE)

    def test_many_writes_to_one_claim_recompute_it_once(self):
        claim = make_claim("The talks went well")
        with CaptureQueriesContext(connection) as queries, derived.batch() as refresh:
            first = make_attribution(claim, self.source, "The talks went well", refresh=refresh)
            make_attribution(claim, self.source, "Nothing else", refresh=refresh)
            actions.change_outlet(self.wire, reliability="A", refresh=refresh)
            actions.remove_attribution(first, self.editor, refresh=refresh)
        self.assertEqual(len(engine_runs(queries)), 1)
        self.assertEqual(len(document_writes(queries)), 1)
        self.assertEqual(refresh.results[claim.pk].origin_count, 1)

    def test_an_outlet_change_rebuilds_no_document(self):
        make_attribution(make_claim("The talks went well"), self.source, "The talks went well")
        with CaptureQueriesContext(connection) as queries:
            actions.change_outlet(self.wire, reliability="B")
        self.assertEqual(len(engine_runs(queries)), 1)
        self.assertEqual(document_writes(queries), [])

    def test_a_deleted_owner_group_recomputes_the_claims_that_depended_on_it(self):
        group = make_owner_group("Holding")
        other = make_outlet("Sister", owner_group=group)
        actions.change_outlet(self.wire, owner_group=group)
        claim = make_claim("The talks went well")
        make_attribution(claim, self.source, "The talks went well")
        make_attribution(
            claim, make_source("The talks went well, too.", other), "The talks went well"
        )
        claim.refresh_from_db()
        self.assertEqual(claim.origin_count, 1)  # one owner: one origin
        actions.delete_owner_group(group)
        claim.refresh_from_db()
        self.assertEqual((claim.status, claim.origin_count), (Claim.Status.CORROBORATED, 2))
        self.assertEqual(engine.recompute_all(write=False).changed, 0)

    def test_a_failed_write_refreshes_nothing(self):
        claim = make_claim("The talks went well")
        make_attribution(claim, self.source, "The talks went well")
        twin = make_attribution(make_claim("Other"), self.source, "The talks went well")
        with CaptureQueriesContext(connection) as queries, self.assertRaises(ValidationError):
            actions.edit_attribution(self.editor, twin, twin.updated_at, claim=claim)
        self.assertEqual(engine_runs(queries), [])
        self.assertEqual(engine.recompute_all(write=False).changed, 0)
