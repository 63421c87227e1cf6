"""manage.py recompute_status: the full rebuild, and its report of what changed."""

from io import StringIO

from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TransactionTestCase, skipUnlessDBFeature

from claims import engine
from claims.models import Claim
from tests.base import BaseTestCase
from tests.factories import make_attribution, make_claim, make_outlet, make_source


def run(*args):
    out = StringIO()
    call_command("recompute_status", *args, stdout=out)
    return out.getvalue()


def make_claims(n):
    """n claims, each single-source or corroborated, kept current by their refresh."""
    claims = []
    for i in range(n):
        claim = make_claim(f"Claim {i}")
        make_attribution(claim, make_source(f"Story {i}. It happened.", make_outlet()))
        if i % 2:
            make_attribution(claim, make_source(f"Report {i}. Yes, it happened.", make_outlet()))
        claims.append(claim)
    return claims


class RecomputeStatusTests(BaseTestCase):
    def test_after_incremental_updates_nothing_changes(self):
        make_claims(5)
        self.assertIn("Recomputed 5 claims", run())
        self.assertIn(": 0 changed.", run())

    def test_stale_claims_are_rebuilt_and_counted(self):
        claims = make_claims(5)
        expected = {c.pk: (c.status, c.grade, c.explanation, c.origin_count) for c in claims}
        # Writes that bypass the models leave statuses stale.
        Claim.objects.filter(pk__in=[claims[0].pk, claims[3].pk]).update(
            status=Claim.Status.UNSUPPORTED, grade=6, explanation="", origin_count=0
        )
        self.assertIn(": 2 changed.", run("--batch-size", "2"))
        stored = {
            pk: values
            for pk, *values in Claim.objects.values_list(
                "pk", "status", "grade", "explanation", "origin_count"
            )
        }
        self.assertEqual({pk: tuple(v) for pk, v in stored.items()}, expected)
        self.assertIn(": 0 changed.", run())

    def test_check_fails_on_stale_claims_and_writes_nothing(self):
        claim = make_claims(1)[0]
        self.assertIn("all statuses are current", run("--check"))
        Claim.objects.filter(pk=claim.pk).update(explanation="stale")
        with self.assertRaisesMessage(CommandError, "1 of 1 claims have a stale status"):
            run("--check")
        claim.refresh_from_db()
        self.assertEqual(claim.explanation, "stale")

    def test_bad_arguments(self):
        with self.assertRaisesMessage(CommandError, "--batch-size must be at least 1."):
            run("--batch-size", "0")
        with self.assertRaisesMessage(CommandError, "--workers must be at least 1."):
            run("--workers", "0")

    def test_verbose_progress_per_batch(self):
        make_claims(3)
        output = run("--batch-size", "1", "--verbosity", "2")
        self.assertIn("1 claims, 0 changed", output)
        self.assertIn("3 claims, 0 changed", output)


@skipUnlessDBFeature("has_select_for_update")  # PostgreSQL: worker processes
class ParallelRecomputeTests(TransactionTestCase):
    # The workers are separate processes: they see only committed rows. Restore
    # the migrations' data (the role groups) after the flush.
    serialized_rollback = True

    def test_worker_processes_give_the_same_result(self):
        claims = make_claims(6)
        Claim.objects.update(status=Claim.Status.UNSUPPORTED, grade=6, explanation="")
        summary = engine.recompute_all(batch_size=2, workers=2)
        self.assertEqual((summary.claims, summary.changed), (6, 6))
        self.assertTrue(connection.vendor == "postgresql")
        for claim in claims:
            stored = Claim.objects.get(pk=claim.pk)
            self.assertEqual((stored.status, stored.explanation), (claim.status, claim.explanation))
        self.assertEqual(engine.recompute_all(batch_size=2, workers=2).changed, 0)
