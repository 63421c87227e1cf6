"""The demo's claims get the statuses the demo means them to have."""

from io import StringIO

from django.core.management import call_command

from claims import engine
from claims.models import Claim
from intake.management.commands.load_demo import find_claim, load_annotations
from tests.base import BaseTestCase


class DemoStatusTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        call_command("load_demo", stdout=StringIO(), stderr=StringIO())
        cls.annotations = load_annotations()

    def test_every_demo_claim_has_its_expected_status(self):
        for entry in self.annotations["claims"]:
            with self.subTest(claim=entry["key"]):
                claim = find_claim(entry)
                self.assertIsNotNone(claim)
                # On a mismatch the explanation says which origins and cues decided it.
                self.assertEqual(claim.status, entry["expected_status"], claim.explanation)

    def test_every_status_but_unsupported_appears(self):
        statuses = set(Claim.objects.values_list("status", flat=True))
        for expected in ("corroborated", "single_source", "speculative", "contested"):
            self.assertIn(expected, statuses)

    def test_the_stored_statuses_are_current(self):
        # Loading goes through the models, so the signals kept every claim current.
        self.assertEqual(engine.recompute_all(write=False).changed, 0)
        for claim in Claim.objects.all():
            self.assertTrue(claim.explanation.startswith(claim.get_status_display()), claim)
