"""The pure core's words are the models' stored values, and its modules import no Django."""

import ast
import sys
from pathlib import Path

from django.test import SimpleTestCase

from claims.engine import data
from claims.models import Actor, Attribution, Claim
from sources.models import Outlet

CORE = ("data", "rules", "independence", "explain", "paragraphs")


class VocabularyTests(SimpleTestCase):
    def test_statuses_and_grades_are_the_claims(self):
        self.assertEqual(
            {
                data.CORROBORATED,
                data.SINGLE_SOURCE,
                data.SPECULATIVE,
                data.CONTESTED,
                data.UNSUPPORTED,
            },
            set(Claim.Status.values),
        )
        grades = (
            data.CONFIRMED,
            data.PROBABLY_TRUE,
            data.POSSIBLY_TRUE,
            data.DOUBTFUL,
            data.IMPROBABLE,
            data.CANNOT_BE_JUDGED,
        )
        self.assertEqual(list(grades), Claim.Grade.values)
        self.assertEqual(set(data.GRADE_WORDS), set(Claim.Grade.values))

    def test_kinds_stances_and_reliability_are_the_models(self):
        self.assertEqual(data.DIRECT_QUOTE, Attribution.Kind.DIRECT_QUOTE)
        self.assertEqual(data.PARAPHRASE, Attribution.Kind.PARAPHRASE)
        self.assertEqual(data.SPECULATION, Attribution.Kind.SPECULATION)
        self.assertEqual(data.SUPPORTS, Attribution.Stance.SUPPORTS)
        self.assertEqual((data.ANALYST, data.UNNAMED), (Actor.Kind.ANALYST, Actor.Kind.UNNAMED))
        self.assertLessEqual(set(data.GOOD_RELIABILITY), set(Outlet.Reliability.values))

    def test_a_new_claim_starts_as_the_engine_judges_a_claim_without_evidence(self):
        nothing = data.UNSUPPORTED_NOTHING
        for name in ("status", "grade", "explanation", "origin_count", "outlet_kinds"):
            self.assertEqual(Claim._meta.get_field(name).default, getattr(nothing, name), name)
        self.assertEqual(Claim._meta.get_field("origin_groups").default(), nothing.origin_groups)


class PurityTests(SimpleTestCase):
    def test_the_core_imports_only_the_standard_library_lib_and_itself(self):
        folder = Path(data.__file__).parent
        for name in CORE:
            tree = ast.parse((folder / f"{name}.py").read_text())
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom):
                    modules = [node.module]
                elif isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                else:
                    continue
                for module in modules:
                    top = module.split(".")[0]
                    core = (
                        module == "claims.engine" or module.removeprefix("claims.engine.") in CORE
                    )
                    allowed = core or top == "lib" or top in sys.stdlib_module_names
                    self.assertTrue(allowed, f"claims/engine/{name}.py imports {module}")
