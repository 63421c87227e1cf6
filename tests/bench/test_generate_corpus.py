"""manage.py generate_corpus: deterministic, consistent, refuses a non-empty database;
installed in development, tests and benchmark runs only."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.test import TransactionTestCase

from bench import corpus
from claims import search
from claims.models import Attribution, Claim
from sources.models import Outlet, Source, SourceRelay

SCALE = "0.001"
ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "a-production-grade-secret-key-that-is-long-and-random-" + "x" * 20,
    "ALLOWED_HOSTS": "provenance.example.org",
}


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
        call_command("check_derived", stdout=out)
        self.assertIn("All derived state is current.", out.getvalue())
        claim = Claim.objects.order_by("pk").first()
        found = search.search(Claim.objects.all(), claim.statement.split()[0])
        self.assertIn(claim.pk, set(found.values_list("pk", flat=True)))

        # Deterministic: same seed, same counts and statuses.
        with self.assertRaisesMessage(CommandError, "use --force"):
            self.generate()
        self.generate("--force")
        self.assertEqual(snapshot(), first)


def commands(**env):
    """The names `manage.py help --commands` lists with the project settings and `env`."""
    clean_env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "TESTING", "BENCH", "DEBUG", "DATABASE_URL"}
    }
    clean_env.update(env)
    result = subprocess.run(
        [sys.executable, "manage.py", "help", "--commands"],
        cwd=ROOT,
        env=clean_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return set(result.stdout.split())


def test_production_settings_have_no_benchmark_command():
    listed = commands(**PRODUCTION_ENV)
    assert "export_data" in listed  # the app's own commands are there
    assert "generate_corpus" not in listed


def test_development_tests_and_benchmarks_have_it():
    assert "generate_corpus" in commands(DEBUG="1")
    assert "generate_corpus" in commands(**PRODUCTION_ENV, TESTING="1")
    assert "generate_corpus" in commands(**PRODUCTION_ENV, BENCH="1")
