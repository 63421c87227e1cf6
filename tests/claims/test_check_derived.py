"""manage.py check_derived: each kind of derived state (claims.derived.DERIVED), drifted on
purpose, is found and rebuilt by --fix; nothing drifts after the write functions."""

from io import StringIO
from unittest import skipUnless

from django.core.management import CommandError, call_command
from django.db import connection

from claims import actions, derived, search, sql
from claims.models import Attribution, Claim, ClaimCount, ClaimSearchDocument
from tests.base import BaseTestCase
from tests.factories import make_attribution, make_claim, make_outlet, make_source


def run(*args):
    out = StringIO()
    call_command("check_derived", *args, stdout=out)
    return out.getvalue()


class CheckDerivedTests(BaseTestCase):
    def setUp(self):
        self.wire = make_outlet("Wire", kind="wire")
        self.source = make_source("The talks went well. Nothing else.", self.wire)
        self.claim = make_claim("The talks went well")
        self.attribution = make_attribution(self.claim, self.source, "The talks went well")
        other = make_claim("Nothing else happened")
        make_attribution(other, make_source("Nothing else, the paper said.", make_outlet()))

    def assertDrifted(self, name, n=1):
        """check_derived fails naming `name` (n rows), --fix rebuilds it, then all is current."""
        with self.assertRaisesMessage(CommandError, f"Drifted: {name};"):
            run()
        found = {d.name: d.drifted for d in derived.check()}
        self.assertEqual(found[name], n)
        self.assertEqual([k for k, v in found.items() if v and k != name], [])
        self.assertIn(f"Rebuilt: {name}.", run("--fix"))
        self.assertIn("All derived state is current.", run())

    def test_nothing_drifts_after_the_write_functions(self):
        actions.change_outlet(self.wire, kind="blog", reliability="A")
        actions.remove_attribution(self.attribution, self.editor)
        self.claim.edit(self.editor, self.claim.version, statement="The talks went badly")
        output = run()
        self.assertIn("statuses: 0 drifted of 2", output)
        self.assertIn("All derived state is current.", output)

    def test_a_stale_status(self):
        Claim.objects.filter(pk=self.claim.pk).update(explanation="stale", origin_count=7)
        self.assertDrifted("statuses")
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.origin_count, 1)

    def test_a_stale_origin_groups_and_outlet_kinds(self):
        Claim.objects.filter(pk=self.claim.pk).update(origin_groups=[], outlet_kinds=0)
        self.assertDrifted("statuses")
        self.claim.refresh_from_db()
        self.assertEqual(len(self.claim.origin_groups), 1)
        self.assertEqual(self.claim.outlet_kinds, Claim.outlet_kind_mask(["wire"]))

    def test_a_stale_search_document(self):
        # A statement changed behind the write functions' back.
        Claim.objects.filter(pk=self.claim.pk).update(statement="The zeppelin landed")
        self.assertDrifted("search documents")
        self.assertEqual(
            list(search.search(Claim.objects.all(), "zeppelin").values_list("pk", flat=True)),
            [self.claim.pk],
        )

    def test_a_missing_search_document(self):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "DELETE FROM claims_claimsearchdocument WHERE claim_id = %s", [self.claim.pk]
                )
            else:
                cursor.execute("DELETE FROM claims_claim_fts WHERE rowid = %s", [self.claim.pk])
        self.assertDrifted("search documents")

    def test_stale_claim_counts(self):
        key = self.claim.status, self.claim.verdict, self.claim.outlet_kinds
        ClaimCount.objects.filter(status=key[0], verdict=key[1], outlet_kinds=key[2]).update(n=99)
        self.assertDrifted("claim counts")
        self.assertEqual(ClaimCount.drift(), {})

    def test_a_stale_evidence_date(self):
        # Written with the date trigger out of the way, then the triggers put back.
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending trigger events
                cursor.execute("DROP TRIGGER claims_attribution_published_on ON claims_attribution")
            else:
                cursor.execute("DROP TRIGGER claims_attribution_published_on_update")
            cursor.execute(
                "UPDATE claims_attribution SET published_on = '2001-01-01' WHERE id = %s",
                [self.attribution.pk],
            )
            sql.install_triggers(connection)
        self.assertDrifted("evidence dates")
        self.attribution.refresh_from_db()
        self.assertIsNone(self.attribution.published_on)

    def test_a_missing_trigger(self):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("DROP TRIGGER claims_claimcount_update ON claims_claim")
            else:
                cursor.execute("DROP TRIGGER claims_claimcount_update")
        with self.assertRaisesMessage(CommandError, "Drifted: triggers;"):
            run()
        self.assertIn("claims_claimcount_update", run("--fix"))
        self.assertIn("All derived state is current.", run())
        # Installed again: a verdict moves the count.
        before = ClaimCount.objects.filter(verdict="accurate").count()
        self.claim.record_verdict(self.factchecker, "accurate", "Checked.", self.claim.version)
        self.assertEqual(ClaimCount.objects.filter(verdict="accurate").count(), before + 1)

    @skipUnless(connection.vendor == "postgresql", "only PostgreSQL's documents carry copies")
    def test_stale_document_facets(self):
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending trigger events
            cursor.execute(
                "DROP TRIGGER claims_search_document_copies ON claims_claimsearchdocument"
            )
            cursor.execute(
                "UPDATE claims_claimsearchdocument SET status = 'contested' WHERE claim_id = %s",
                [self.claim.pk],
            )
            sql.install_triggers(connection)
        self.assertDrifted("search document facets")
        document = ClaimSearchDocument.objects.get(claim=self.claim)
        self.assertEqual(document.status, self.claim.status)

    def test_every_trigger_set_has_its_sql(self):
        for trigger_set in derived.TRIGGER_SETS:
            for vendor, names in sql.TRIGGERS[trigger_set].items():
                text = sql.trigger_sql(trigger_set, vendor)
                for name in names:
                    self.assertIn(f"CREATE TRIGGER {name} ", text, (trigger_set, vendor))
                    self.assertIn(f"DROP TRIGGER IF EXISTS {name}", text, (trigger_set, vendor))

    def test_installing_the_triggers_again_is_harmless(self):
        sql.install_triggers(connection)
        sql.install_triggers(connection)
        self.assertEqual(sql.missing_triggers(connection), {})
        self.assertEqual(Attribution.objects.get(pk=self.attribution.pk).published_on, None)
