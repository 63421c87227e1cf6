"""manage.py generate_corpus: deterministic, consistent, refuses a non-empty database."""

from io import StringIO

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.test import TransactionTestCase

from bench import corpus
from claims import search
from claims.models import Attribution, Claim
from sources.models import Outlet, Source, SourceRelay

SCALE = "0.001"


def snapshot():
    """Counts, and each claim's status keyed by its statement (ids differ between runs)."""
    return {
        "counts": corpus.counts_now(),
        "statuses": dict(Claim.objects.values_list("statement", "status")),
        "grades": dict(Claim.objects.values_list("statement", "grade")),
    }


class GenerateCorpusTests(TransactionTestCase):
    # Transactional: the command commits in batches, as it does for real. The rows the
    # migrations made (the roles) are restored for the transactional tests that follow.
    serialized_rollback = True

    def generate(self, *extra):
        out = StringIO()
        call_command("generate_corpus", "--seed", "7", "--scale", SCALE, *extra, stdout=out)
        return out.getvalue()

    def test_shape_consistency_and_determinism(self):
        output = self.generate()
        self.assertIn("Generated in", output)
        first = snapshot()
        n = corpus.sizes(float(SCALE))
        self.assertEqual(first["counts"]["sources"], n["sources"])
        self.assertEqual(first["counts"]["outlets"], n["outlets"])
        self.assertEqual(first["counts"]["actors"], n["actors"])
        self.assertEqual(first["counts"]["claims"], n["claims"])
        self.assertGreater(first["counts"]["attributions"], n["attributions"] * 0.95)
        self.assertLessEqual(first["counts"]["attributions"], n["attributions"])

        # Realistic shape: skewed counts, relays, speculation, disputes, statuses vary.
        sizes = list(Claim.objects.annotate(n=Count("attributions")).values_list("n", flat=True))
        self.assertGreater(sum(1 for s in sizes if s <= 3), len(sizes) / 2)
        self.assertGreaterEqual(max(sizes), 20)
        self.assertTrue(SourceRelay.objects.exists())
        self.assertTrue(Outlet.objects.filter(owner_group__isnull=False).exists())
        self.assertTrue(Attribution.objects.filter(kind="speculation").exists())
        self.assertTrue(Attribution.objects.filter(stance="disputes").exists())
        self.assertGreaterEqual(len(set(first["statuses"].values())), 3)
        self.assertFalse(Source.objects.filter(body="").exists())

        # Consistent: every quote is the body's text at its offsets ...
        for quote, start, end, body in Attribution.objects.values_list(
            "quote", "start", "end", "source__body"
        ):
            self.assertEqual(body[start:end], quote)
        # ... the stored statuses equal a full recompute, and search finds claims.
        out = StringIO()
        call_command("recompute_status", stdout=out)
        self.assertIn(": 0 changed.", out.getvalue())
        claim = Claim.objects.order_by("pk").first()
        found = search.search(Claim.objects.all(), claim.statement.split()[0])
        self.assertIn(claim.pk, set(found.values_list("pk", flat=True)))

        # Deterministic: same seed, same counts and statuses.
        with self.assertRaisesMessage(CommandError, "use --force"):
            self.generate()
        self.generate("--force")
        self.assertEqual(snapshot(), first)
