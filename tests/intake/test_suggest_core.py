"""intake.suggest without Django: a Lookup from rows given in memory, no database."""

import subprocess
import sys
import unittest

from django.conf import settings

from intake.suggest.attributions import suggest
from intake.suggest.lookup import Lookup
from intake.suggest.relays import find_relays
from intake.suggest.speakers import resolve_speaker
from lib.text import normalize_name


def actor(pk, name, kind="official", role="", country=""):
    return (pk, name, normalize_name(name), kind, role, country)


def outlet(pk, name, domain=""):
    return (pk, name, normalize_name(name), domain)


LAVROV, PATRUSHEV, COUNCIL, PUNDIT = 1, 2, 3, 4
TASS, REUTERS = 10, 11

LOOKUP_ROWS = {
    "actors": [
        actor(LAVROV, "Sergey Lavrov", role="Minister of Foreign Affairs of Russia", country="RU"),
        actor(
            PATRUSHEV,
            "Nikolai Patrushev",
            role="Secretary of the Security Council of the Russian Federation",
            country="RU",
        ),
        actor(
            COUNCIL,
            "Russian Security Council",
            kind="government_body",
            role="Security Council of the Russian Federation",
            country="RU",
        ),
        actor(PUNDIT, "Marat Bashirov", kind="analyst", role="Political scientist"),
    ],
    "actor_aliases": [(PATRUSHEV, normalize_name("Patrushev"))],
    "outlets": [outlet(TASS, "TASS"), outlet(REUTERS, "Reuters", "reuters.com")],
    "outlet_aliases": [(TASS, normalize_name("ITAR-TASS"))],
}


class SuggesterCoreTests(unittest.TestCase):
    def setUp(self):
        self.lookup = Lookup.from_rows(**LOOKUP_ROWS)

    def only(self, text):
        found = suggest(text, self.lookup)
        self.assertEqual(len(found), 1, [s.quote for s in found])
        return found[0]

    def test_a_direct_quote_and_its_speaker_by_surname(self):
        found = self.only("“We see eye to eye on all questions,” Lavrov said.")
        self.assertEqual((found.kind, found.speaker_id), ("direct_quote", LAVROV))

    def test_reported_speech_through_an_agency(self):
        found = self.only(
            "The sides agreed to meet again, TASS said with reference to the "
            "Russian Security Council."
        )
        self.assertEqual((found.speaker_id, found.relayed_via_id), (COUNCIL, TASS))

    def test_a_title_resolves_to_the_one_actor_whose_role_it_names(self):
        speaker = resolve_speaker("the secretary of the Russian Security Council", self.lookup)
        self.assertEqual(speaker.actor_id, PATRUSHEV)

    def test_an_unknown_name_is_proposed_as_written(self):
        found = self.only("Ivan Ivanov said that the sanctions had failed.")
        self.assertEqual((found.speaker_id, found.speaker_name), (None, "Ivan Ivanov"))

    def test_an_analyst_speaks_speculatively(self):
        found = self.only("Marat Bashirov said that the alliance will probably hold.")
        self.assertEqual(found.speaker_id, PUNDIT)
        self.assertTrue(found.speculative)

    def test_relays_by_alias_and_proposed_agencies(self):
        relays, proposed = find_relays(
            "According to ITAR-TASS, the talks went well. AFP reported it too.", self.lookup
        )
        self.assertEqual([(r.outlet_id, r.cue) for r in relays], [(TASS, "According to ITAR-TASS")])
        self.assertEqual([(p.name, p.cue) for p in proposed], [("AFP", "AFP reported")])

    def test_an_empty_lookup_knows_nobody(self):
        lookup = Lookup()
        self.assertIsNone(lookup.actor("Sergey Lavrov"))
        self.assertIsNone(lookup.outlet("TASS"))
        self.assertEqual(lookup.outlet_by_domain("www.reuters.com"), None)
        self.assertEqual(
            Lookup.from_rows(**LOOKUP_ROWS).outlet_by_domain("www.reuters.com"), REUTERS
        )

    def test_the_loader_is_called_once(self):
        calls = []

        def loader():
            calls.append(1)
            return tuple(LOOKUP_ROWS.values())

        lookup = Lookup(loader)
        suggest("Lavrov said the talks went well. Patrushev said so too.", lookup)
        lookup.outlet("TASS")
        self.assertEqual(len(calls), 1)


class NoDjangoTests(unittest.TestCase):
    def test_the_core_imports_no_django_and_no_app(self):
        code = (
            "import sys; import intake.suggest.attributions, intake.suggest.relays; "
            "apps = ('django', 'claims', 'sources', 'web', 'api', 'backoffice', 'interchange'); "
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in apps); "
            "bad += sorted(m for m in sys.modules if m.startswith('intake.') "
            "and not m.startswith('intake.suggest')); "
            "print(bad); sys.exit(1 if bad else 0)"
        )
        result = subprocess.run(
            [sys.executable, "-c", code],
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=False,
        )
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
