"""intake.suggest: quotes, reported speech, speakers, speculation cues and relays.

Texts here are written for the tests, not taken from the seeds, so the rules
are held to more than the seed articles (test_suggest_accuracy.py).
"""

from claims.models import Actor
from intake.suggest.attributions import suggest
from intake.suggest.relays import find_relays
from intake.suggest.text import quote_spans
from intake.suggestions import database_lookup
from lib.cues import HEDGE_CUES
from tests.base import BaseTestCase
from tests.factories import make_actor, make_outlet


class SuggestTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.lavrov = make_actor(
            "Sergey Lavrov", role="Minister of Foreign Affairs of Russia", country="RU"
        )
        cls.wang = make_actor("Wang Yi", role="Minister of Foreign Affairs of China", country="CN")
        cls.patrushev = make_actor(
            "Nikolai Patrushev",
            aliases=["Patrushev"],
            role="Secretary of the Security Council of the Russian Federation",
            country="RU",
        )
        cls.council = make_actor(
            "Russian Security Council",
            kind=Actor.Kind.GOVERNMENT_BODY,
            role="Security Council of the Russian Federation",
            country="RU",
        )
        cls.pundit = make_actor(
            "Marat Bashirov", kind=Actor.Kind.ANALYST, role="Political scientist"
        )
        cls.tass = make_outlet("TASS", aliases=["ITAR-TASS"])
        cls.reuters = make_outlet("Reuters")

    def suggest(self, text):
        return {s.quote: s for s in suggest(text, database_lookup())}

    def only(self, text):
        found = suggest(text, database_lookup())
        self.assertEqual(len(found), 1, [s.quote for s in found])
        return found[0]


class QuoteTests(SuggestTestCase):
    def test_quote_marks_straight_curly_guillemets_and_mixed(self):
        self.assertEqual(
            quote_spans('He said "yes" and “no” and «peut-être».'), [(8, 13), (18, 22), (27, 38)]
        )
        self.assertEqual(quote_spans('"Mixed quotes end curly,” he wrote.'), [(0, 25)])
        self.assertEqual(quote_spans("It’s Lavrov’s view."), [])  # apostrophes are no quotes

    def test_a_quote_and_who_said_it_after(self):
        for text in (
            "“We see eye to eye on all questions,” Lavrov said.",
            '"We see eye to eye on all questions," said Sergey Lavrov.',
            '"We see eye to eye on all questions,” Lavrov told reporters after the talks.',
        ):
            with self.subTest(text=text):
                found = self.only(text)
                self.assertEqual(found.speaker_id, self.lavrov.pk)
                self.assertEqual(found.kind, "direct_quote")
                self.assertEqual((found.start, found.end), (0, len(text)))

    def test_a_quote_of_several_sentences_is_one_suggestion(self):
        text = "“The talks went well. We will meet again in May. Nothing is decided,” Wang Yi said."
        found = self.only(text)
        self.assertEqual(found.speaker_id, self.wang.pk)
        self.assertEqual(found.quote, text)

    def test_quoted_as_saying_names_the_speaker_and_the_agency(self):
        found = self.only("“Our course is unchanged,” TASS quoted Patrushev as saying in Moscow.")
        self.assertEqual(found.speaker_id, self.patrushev.pk)
        self.assertEqual(found.relayed_via_id, self.tass.pk)
        self.assertIn("quoted … as saying", found.cue)

    def test_scare_quotes_without_a_speaker_are_not_suggested(self):
        self.assertEqual(
            suggest(
                'The two countries signed a "road map" for their armies in 2017.', database_lookup()
            ),
            [],
        )


class ReportedSpeechTests(SuggestTestCase):
    def test_reporting_verbs(self):
        for verb in ("said", "stated", "noted", "added", "wrote", "emphasized", "pointed out"):
            with self.subTest(verb=verb):
                found = self.only(f"Sergey Lavrov {verb} that the sanctions had failed.")
                self.assertEqual(found.speaker_id, self.lavrov.pk)
                self.assertEqual(found.kind, "paraphrase")
                self.assertIn(verb, found.cue)

    def test_told_someone_that(self):
        found = self.only("On Friday, Wang Yi told his guest that the visit was a success.")
        self.assertEqual(found.speaker_id, self.wang.pk)

    def test_according_to(self):
        found = self.only("The visit was planned long ago, according to Sergey Lavrov.")
        self.assertEqual(found.speaker_id, self.lavrov.pk)
        self.assertIn("according to", found.cue)

    def test_with_reference_to_names_the_speaker_behind_the_agency(self):
        found = self.only(
            "The sides agreed to meet again, TASS said with reference to the "
            "Russian Security Council."
        )
        self.assertEqual(found.speaker_id, self.council.pk)
        self.assertEqual(found.relayed_via_id, self.tass.pk)

    def test_an_agency_reporting_a_fact_is_its_own_voice(self):
        found = self.only("The minister arrived in Beijing on Tuesday, Reuters reported.")
        self.assertIsNone(found.speaker_id)
        self.assertEqual(found.speaker_name, "")
        self.assertEqual(found.relayed_via_id, self.reuters.pk)


class SpeakerTests(SuggestTestCase):
    def test_surname_and_given_name_forms_resolve(self):
        # "Lavrov" is no alias: the last word of one actor's name only.
        self.assertEqual(self.only("Lavrov said the talks went well.").speaker_id, self.lavrov.pk)
        self.assertEqual(
            self.only("Patrushev noted that the talks went well.").speaker_id, self.patrushev.pk
        )

    def test_a_name_part_shared_by_two_actors_resolves_to_nobody(self):
        make_actor("Anna Lavrova-Smith")
        make_actor("Anna Petrova")
        found = self.only("Anna said the talks went well.")
        self.assertIsNone(found.speaker_id)
        self.assertEqual(found.speaker_name, "Anna")

    def test_titles_resolve_through_roles(self):
        self.assertEqual(
            self.only(
                "The talks went well, according to the secretary of the Russian Security Council."
            ).speaker_id,
            self.patrushev.pk,
        )
        self.assertEqual(
            self.only("The Chinese foreign minister warned against new sanctions.").speaker_id,
            self.wang.pk,
        )

    def test_a_title_naming_a_body_is_not_the_body(self):
        found = self.only(
            "The talks went well, according to the spokesman of the Russian Security Council."
        )
        self.assertIsNone(found.speaker_id)
        self.assertEqual(found.speaker_name, "the spokesman of the Russian Security Council")

    def test_a_pronoun_points_to_the_last_person_named(self):
        found = self.suggest(
            "Sergey Lavrov arrived in Beijing on Tuesday for talks.\n\nHe said the talks went well."
        )
        self.assertEqual(found["He said the talks went well."].speaker_id, self.lavrov.pk)

    def test_an_unknown_speaker_is_proposed_never_invented(self):
        actors = Actor.objects.count()
        found = self.only("Political scientist Ivan Petrovsky wrote that a deal was near.")
        self.assertIsNone(found.speaker_id)
        self.assertEqual(found.speaker_name, "Ivan Petrovsky")
        self.assertEqual(Actor.objects.count(), actors)
        self.assertTrue(found.speculative)  # a pundit's role
        self.assertIn("political scientist", found.speculation_cue.lower())


class SpeculationTests(SuggestTestCase):
    def test_hedges_come_from_the_status_engine_list(self):
        for cue in ("could possibly", "allegedly", "is expected to"):
            self.assertTrue(set(cue.split()) & {w for c in HEDGE_CUES for w in c.split()})
            with self.subTest(cue=cue):
                found = self.only(f"Sergey Lavrov said the deal {cue} change the market.")
                self.assertTrue(found.speculative)
                self.assertIn("hedged", found.speculation_cue)

    def test_pundits_and_some_analysts(self):
        self.assertTrue(
            self.only("Marat Bashirov wrote that it was bigger than cooperation.").speculative
        )
        found = self.only("Some analysts say that the relationship will grow into an alliance.")
        self.assertTrue(found.speculative)
        self.assertIn("analysts", found.speculation_cue)

    def test_the_outlets_own_predictions_and_guesses(self):
        found = self.suggest(
            "Headline without a full stop\n\n"
            "Obviously, we are talking about joint exercises.\n\n"
            "The new pipeline will strengthen both economies.\n\n"
            "The exercise will be held in September."
        )
        self.assertEqual(
            sorted((s.quote, s.kind, s.speculative) for s in found.values()),
            [
                ("Obviously, we are talking about joint exercises.", "speculation", True),
                ("The new pipeline will strengthen both economies.", "speculation", True),
            ],
        )


class RelayTests(SuggestTestCase):
    def relays(self, text):
        relays, proposed = find_relays(text, database_lookup())
        return [(r.outlet_id, r.cue) for r in relays], [(p.name, p.cue) for p in proposed]

    def test_cues(self):
        relays, proposed = self.relays(
            "According to ITAR-TASS, the talks went well. Officials met, Reuters reported. "
            "The deal is close, state media reports said. AFP reported it too."
        )
        self.assertEqual(
            relays,
            [(self.tass.pk, "According to ITAR-TASS"), (self.reuters.pk, "Reuters reported")],
        )
        self.assertEqual(
            proposed,
            [("state media", "state media reports said"), ("AFP", "AFP reported")],
        )

    def test_people_and_photo_credits_are_no_relays(self):
        relays, proposed = self.relays(
            "According to Sergey Lavrov, it rained.\n\nA caption / Mikhail Metzel / TASS\n\n"
            "According to Ivan Petrovsky, it did not."
        )
        self.assertEqual((relays, proposed), ([], []))
