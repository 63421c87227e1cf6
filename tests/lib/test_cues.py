"""The cue lists (lib.cues): hedges found as whole words, months and nouns left alone."""

from django.test import SimpleTestCase

from lib.cues import HEDGE_CUES, PUNDIT_RE, hedge_cues


class HedgeCueTests(SimpleTestCase):
    def test_cues_are_whole_words_in_any_case(self):
        cases = {
            "It COULD happen; Possibly soon.": ["could", "possibly"],
            "They are expected to  move.": ["are expected to"],
            "The troops is expected\nto move.": ["is expected to"],
            "Unlikely, says the mayor; it is likely.": ["unlikely", "likely"],
            "The mayor suggested a maybe.": ["suggested", "maybe"],
            "He obviously agrees; it suggests war.": ["obviously", "suggests"],
            "They couldn't attend.": [],
            "Skilled diplomats mightily tried.": [],
        }
        for text, cues in cases.items():
            self.assertEqual(hedge_cues(text), cues, text)

    def test_may_the_month_does_not_fire(self):
        self.assertEqual(hedge_cues("They met in May and again on 9 May."), [])
        self.assertEqual(hedge_cues("The parade on May 9 went ahead."), [])
        self.assertEqual(hedge_cues("MAY 2022: talks resumed."), [])
        self.assertEqual(hedge_cues("Talks may resume."), ["may"])
        self.assertEqual(hedge_cues("May the talks resume? Nobody knows."), ["may"])
        self.assertEqual(hedge_cues("He said: “May God help us.”"), ["may"])

    def test_might_the_noun_does_not_fire(self):
        self.assertEqual(hedge_cues("Russia's military might grows."), [])
        self.assertEqual(hedge_cues("China showed its might."), [])
        self.assertEqual(hedge_cues("China might respond."), ["might"])

    def test_the_cue_list_is_the_one_place(self):
        for cue in HEDGE_CUES:
            self.assertEqual(hedge_cues(f"X {cue} y."), [cue], cue)


class PunditTests(SimpleTestCase):
    def test_pundit_words_and_plurals_in_any_case(self):
        for text in ("some Analysts", "a political scientist", "unnamed experts", "Sinologist"):
            self.assertTrue(PUNDIT_RE.search(text), text)
        self.assertIsNone(PUNDIT_RE.search("an analytics firm spokesman"))
