"""manage.py load_demo: the seed articles, the hand-made annotations and the demo users."""

import hashlib
import re
import shutil
import tempfile
from collections import Counter
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.contrib.auth import authenticate as _authenticate
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory

from claims.models import Actor, ActorAlias, Attribution, Claim, Tag
from claims.roles import ADMIN, EDITOR, FACT_CHECKER
from intake.management.commands.load_demo import (
    ANNOTATIONS_PATH,
    ARTICLES_DIR,
    AnnotationError,
    find_claim,
    load_annotations,
)
from sources.models import ImportBatch, Outlet, OutletAlias, OwnerGroup, Source, SourceRelay
from tests.base import BaseTestCase


def authenticate(**credentials):
    # django-axes (sign-in lockout) watches authenticate() and needs the request.
    return _authenticate(RequestFactory().post("/accounts/login/"), **credentials)


# The seeds as shipped (../shared/seeds/); demo/articles/ must hold them unchanged.
SEED_SHA256 = {
    "000_b73aab3c5c5a6de9.txt": "c92f6927d88aa388a541bdface649004e8b6ef6a8693117e8bbec8dc729a35eb",
    "001_8f76483884c68825.txt": "756e1c8eae34f5b28f0d27d7a0531e78b2064f4eab0441df4fc6fb15cf66edf1",
    "002_899ef3ab63faf34f.txt": "576a07489398c9834ecf629b5a2ccdbc940c47083fe8d1613742c528c03b3096",
    "003_6c811d297400b394.txt": "85118690aab033f1a98b10e59fa7efb6062b0cb0c8d33d455061fa760d979d28",
    "004_f473cf6f1ad0a06a.txt": "ca78c8d9f8078e406871e75401f915032e74e5119b704576f16d69f247a9986d",
}
SHARED_SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"
PASSWORD_RE = re.compile(r"^\s+(\w+)\s+.+password: (\S+)$", re.MULTILINE)
MODELS = (
    Source,
    SourceRelay,
    ImportBatch,
    OwnerGroup,
    Outlet,
    OutletAlias,
    Actor,
    ActorAlias,
    Tag,
    Claim,
    Attribution,
    User,
)


def load_demo(**options):
    out, err = StringIO(), StringIO()
    call_command("load_demo", stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def row_counts():
    return {model.__name__: model.objects.count() for model in MODELS}


class SeedFileTests(BaseTestCase):
    def test_demo_articles_are_the_seeds_byte_for_byte(self):
        found = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in ARTICLES_DIR.iterdir()}
        self.assertEqual(found, SEED_SHA256)
        if SHARED_SEEDS.is_dir():
            for name in SEED_SHA256:
                self.assertEqual(
                    (ARTICLES_DIR / name).read_bytes(), (SHARED_SEEDS / name).read_bytes(), name
                )


class AnnotationFileTests(BaseTestCase):
    def test_annotations_cover_every_status_but_unsupported(self):
        claims = load_annotations()["claims"]

        statuses = Counter(entry["expected_status"] for entry in claims)
        self.assertGreaterEqual(len(claims), 15)
        self.assertGreaterEqual(statuses[Claim.Status.CORROBORATED], 3)
        self.assertGreaterEqual(statuses[Claim.Status.SINGLE_SOURCE], 3)
        self.assertGreaterEqual(statuses[Claim.Status.SPECULATIVE], 3)
        self.assertGreaterEqual(statuses[Claim.Status.CONTESTED], 1)
        self.assertTrue(all(entry["attributions"] for entry in claims))

    def test_problems_are_listed(self):
        tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, tmp)
        broken = tmp / "annotations.toml"
        text = ANNOTATIONS_PATH.read_text("utf-8")
        text = text.replace('speaker = "Chiang Wanquan"', 'speaker = "Chiang Wan-kuan"')
        text = text.replace('expected_status = "contested"', 'expected_status = "disputed"')
        broken.write_text(text, "utf-8")

        with self.assertRaises(AnnotationError) as error:
            load_annotations(broken)

        message = str(error.exception)
        self.assertIn("has 2 problem(s)", message)
        self.assertIn("unknown speaker “Chiang Wan-kuan”", message)
        self.assertIn("expected_status “disputed” is not one of", message)


class LoadDemoTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.output, cls.errors = load_demo()

    def test_five_seed_articles_imported_through_the_importer(self):
        self.assertEqual(Source.objects.count(), 5)
        for source in Source.objects.select_related("batch"):
            name = next(
                n
                for n in SEED_SHA256
                if source.original_text == (ARTICLES_DIR / n).read_text("utf-8")
            )
            self.assertEqual(source.batch.via, ImportBatch.Via.DEMO, name)
            self.assertEqual(source.imported_by.username, "admin")
        self.assertIn("Demo loaded.", self.output)

    def test_at_least_15_claims_and_every_quote_is_at_its_offsets(self):
        self.assertGreaterEqual(Claim.objects.count(), 15)
        self.assertFalse(Claim.objects.filter(attributions__isnull=True).exists())
        attributions = Attribution.objects.select_related("source")
        self.assertGreaterEqual(len(attributions), Claim.objects.count())
        for attribution in attributions:
            self.assertEqual(
                attribution.source.body[attribution.start : attribution.end], attribution.quote
            )
            attribution.full_clean()  # the model's own offset validation agrees

    def test_every_annotated_claim_and_attribution_was_created(self):
        data = load_annotations()
        for entry in data["claims"]:
            claim = find_claim(entry)
            self.assertIsNotNone(claim, entry["key"])
            self.assertEqual(claim.attributions.count(), len(entry["attributions"]), entry["key"])
            self.assertEqual(claim.created_by.username, "editor")
        self.assertEqual(Claim.objects.count(), len(data["claims"]))

    def test_the_three_patrushev_yang_meetings_are_three_claims(self):
        meetings = Claim.objects.filter(
            statement="Nikolai Patrushev met Yang Jiechi for Russia–China strategic security "
            "consultations."
        )
        self.assertEqual(sorted(c.event_start.year for c in meetings), [2014, 2019, 2022])

    def test_outlets_from_signatures_and_relays(self):
        by_file = {s.original_text[:30]: s for s in Source.objects.select_related("outlet")}
        pravda = next(s for k, s in by_file.items() if k.startswith("Patrushev in China"))
        brics = next(s for k, s in by_file.items() if k.startswith("Follow us on"))
        unsigned = next(s for k, s in by_file.items() if k.startswith("China and Russia concur"))
        self.assertEqual(pravda.outlet.name, "Pravda.Ru")
        self.assertEqual(brics.outlet.name, "The BRICS Post")
        self.assertIsNone(unsigned.outlet)
        self.assertEqual(
            dict(pravda.relay_links.values_list("outlet__name", "cue")),
            {
                "Xinhua": "According to Xinhua",
                "TASS": "TASS said with reference to the Russian Security Council",
            },
        )
        # TASS and RIA Novosti have one owner: relaying both is one origin.
        self.assertEqual(
            Outlet.objects.resolve("TASS").owner_group, Outlet.objects.resolve("RIA").owner_group
        )
        self.assertEqual(Outlet.objects.resolve("TBP").reliability, "F")

    def test_actors_resolve_through_aliases(self):
        self.assertEqual(Actor.objects.resolve("Chiang Wanquan").name, "Chang Wanquan")
        self.assertEqual(Actor.objects.resolve("Jiechi").name, "Yang Jiechi")
        self.assertEqual(Actor.objects.resolve("Patrushev").name, "Nikolai Patrushev")
        self.assertEqual(Actor.objects.resolve("Bashirov").kind, Actor.Kind.ANALYST)
        self.assertEqual(set(Actor.objects.values_list("kind", flat=True)), set(Actor.Kind.values))
        chang = Attribution.objects.get(quote__contains="Colonel-General Chiang Wanquan")
        self.assertEqual(chang.speaker.name, "Chang Wanquan")
        relayed = Attribution.objects.get(quote__contains="TASS said")
        self.assertEqual(relayed.relayed_via.name, "TASS")

    def test_one_staff_user_per_role_with_the_printed_password(self):
        passwords = dict(PASSWORD_RE.findall(self.output))
        self.assertEqual(set(passwords), {"factchecker", "editor", "admin"})
        for username, role in (("factchecker", FACT_CHECKER), ("editor", EDITOR), ("admin", ADMIN)):
            user = User.objects.get(username=username)
            self.assertEqual(list(user.groups.values_list("name", flat=True)), [role])
            self.assertTrue(user.is_staff)
            self.assertFalse(user.is_superuser)
            self.assertEqual(authenticate(username=username, password=passwords[username]), user)
            self.assertGreaterEqual(len(passwords[username]), 16)

    def test_second_run_creates_nothing_and_resets_the_passwords(self):
        before = row_counts()
        old_passwords = dict(PASSWORD_RE.findall(self.output))

        output, _ = load_demo()

        self.assertEqual(row_counts(), before)
        self.assertIn("The demo is already loaded: nothing new was created.", output)
        self.assertEqual(output.count("duplicate"), 5)
        self.assertIn("claims: 0 new, ", output)
        new_passwords = dict(PASSWORD_RE.findall(output))
        for username, password in new_passwords.items():
            self.assertNotEqual(password, old_passwords[username])
            self.assertIsNone(authenticate(username=username, password=old_passwords[username]))
            self.assertIsNotNone(authenticate(username=username, password=password))


class LoadDemoFailureTests(BaseTestCase):
    def test_a_quote_missing_from_its_article_loads_nothing(self):
        tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, tmp)
        broken = tmp / "annotations.toml"
        text = ANNOTATIONS_PATH.read_text("utf-8")
        # The last claim in the file: everything before it is written, then undone.
        text = text.replace(
            "Ukraine was not expressly mentioned", "Ukraine was not explicitly mentioned"
        )
        broken.write_text(text, "utf-8")
        before = row_counts()

        with self.assertRaises(CommandError) as error:
            load_demo(annotations=str(broken))

        message = str(error.exception)
        self.assertIn("xi-backs-russia-ukraine-2022", message)
        self.assertIn("Ukraine was not explicitly mentioned", message)
        self.assertIn("does not occur in", message)
        self.assertEqual(row_counts(), before)
        self.assertFalse(User.objects.filter(username="factchecker").exists())
