"""The engine's pure core: rows in, Results out, no database."""

from django.test import SimpleTestCase

from claims.engine.data import UNSUPPORTED_NOTHING
from claims.engine.paragraphs import Paragraphs
from claims.engine.rules import Evaluator, speculation_reasons, status_and_grade
from tests.claims.engine.rows import KIND_BITS, Outlet, Rows

XINHUA = Outlet(1, "Xinhua", "A", kind="wire")
TASS = Outlet(2, "TASS", "B", kind="wire")
RT = Outlet(3, "RT", "C", group=(10, "ANO TV-Novosti"), kind="state_media")
SPUTNIK = Outlet(4, "Sputnik", "A", group=(10, "ANO TV-Novosti"), kind="state_media")
PRAVDA = Outlet(5, "Pravda.ru")

WIRE = (
    "Patrushev and Yang Jiechi agreed that the United States was escalating tension in the "
    "Asia-Pacific region and that both countries would continue joint patrols, joint exercises "
    "and close military cooperation, the Russian Security Council said on Tuesday."
)
QUOTE = "Patrushev and Yang Jiechi agreed"


class CoreTestCase(SimpleTestCase):
    def setUp(self):
        self.rows = Rows()
        self.bodies = {}
        self.fetched = []

    def fetch(self, source_ids):
        self.fetched.append(sorted(source_ids))
        return [(sid, self.bodies[sid]) for sid in source_ids]

    def evaluate(self, *claim_ids):
        evaluator = Evaluator(Paragraphs(self.fetch), KIND_BITS)
        return evaluator.evaluate(claim_ids or [1], self.rows.attributions, self.rows.relays)

    def result(self):
        return self.evaluate(1)[1]


class StatusTests(CoreTestCase):
    def test_a_claim_without_attributions_is_unsupported(self):
        self.assertEqual(self.evaluate(1, 2), {1: UNSUPPORTED_NOTHING, 2: UNSUPPORTED_NOTHING})
        self.assertEqual(self.fetched, [])

    def test_one_outlet_graded_a_is_a_probably_true_single_source(self):
        self.rows.attribution(1, 100, outlet=XINHUA, speaker="Wang Yi", kind="direct_quote")
        result = self.result()
        self.assertEqual(result[:2] + result[3:4], ("single_source", 2, 1))
        self.assertEqual(
            result.explanation,
            "Single source: 1 independent origin: Xinhua (quoting Wang Yi). "
            "Grade 2 (probably true): Xinhua is graded A.",
        )
        self.assertEqual(result.outlet_kinds, KIND_BITS["wire"])
        self.assertEqual(self.fetched, [])  # no relay, no second origin: no body read

    def test_an_article_without_outlet_is_possibly_true(self):
        self.rows.attribution(1, 100, title="Security Council statement")
        result = self.result()
        self.assertEqual((result.status, result.grade), ("single_source", 3))
        self.assertEqual(
            result.explanation,
            "Single source: 1 independent origin: an article with no known outlet, “Security "
            "Council statement” (in its own reporting). Grade 3 (possibly true): an article with "
            "no known outlet, “Security Council statement” has no reliability grade.",
        )
        self.assertEqual(result.outlet_kinds, KIND_BITS[None])

    def test_two_independent_outlets_corroborate(self):
        self.rows.attribution(1, 100, outlet=XINHUA)
        self.rows.attribution(1, 101, "Talks went well, officials said", outlet=TASS)
        self.bodies = {100: "The talks went well.", 101: "Talks went well, officials said."}
        result = self.result()
        self.assertEqual(result[:2] + result[3:4], ("corroborated", 1, 2))
        self.assertEqual(
            result.explanation,
            "Corroborated: 2 independent origins: Xinhua (in its own reporting), and TASS "
            "(in its own reporting).",
        )
        self.assertEqual(self.fetched, [[100, 101]])  # the near-copy test reads both, at once

    def test_the_same_outlet_twice_is_one_origin(self):
        self.rows.attribution(1, 100, outlet=XINHUA)
        self.rows.attribution(1, 101, outlet=XINHUA)
        self.bodies = {100: "The talks went well.", 101: "The talks went well, again."}
        result = self.result()
        self.assertEqual((result.status, result.origin_count), ("single_source", 1))
        self.assertIn("Xinhua, 2 articles counted as one outlet", result.explanation)

    def test_an_owner_group_is_one_origin(self):
        self.rows.attribution(1, 100, outlet=RT)
        self.rows.attribution(1, 101, "Another text entirely", outlet=SPUTNIK)
        self.bodies = {100: "The talks went well.", 101: "Another text entirely."}
        result = self.result()
        self.assertEqual(result[:2] + result[3:4], ("single_source", 3, 1))
        self.assertIn(
            "Counted as one origin: RT and Sputnik share the owner group “ANO TV-Novosti”.",
            result.explanation,
        )
        self.assertIn("RT is graded C, Sputnik is graded A.", result.explanation)
        self.assertEqual(result.origin_groups[0]["label"], "RT · Sputnik")

    def test_a_dispute_contests_and_more_disputes_are_improbable(self):
        self.rows.attribution(1, 100, outlet=XINHUA)
        self.rows.attribution(1, 101, "No talks took place", outlet=TASS, stance="disputes")
        self.bodies = {100: "The talks went well.", 101: "No talks took place."}
        self.assertEqual(self.result()[:2], ("contested", 4))
        self.rows.attribution(1, 102, "There were no talks", outlet=PRAVDA, stance="disputes")
        self.bodies[102] = "There were no talks."
        result = self.result()
        self.assertEqual(result[:2], ("contested", 5))
        self.assertTrue(
            result.explanation.endswith(
                "Grade 5 (improbable): more independent origins dispute it (2) than support it (1)."
            ),
            result.explanation,
        )

    def test_disputes_without_support_leave_it_unsupported(self):
        self.rows.attribution(1, 100, outlet=TASS, stance="disputes")
        result = self.result()
        self.assertEqual((result.status, result.grade), ("unsupported", 6))
        self.assertEqual(
            result.explanation,
            "Unsupported: no supporting attribution. Disputed by 1 independent origin: TASS "
            "(in its own reporting).",
        )


class SpeculationTests(CoreTestCase):
    def test_a_hedged_quote_is_speculative_and_named_as_left_out(self):
        self.rows.attribution(1, 100, "Talks might resume", outlet=PRAVDA, kind="assertion")
        result = self.result()
        self.assertEqual(result[:2] + result[3:4], ("speculative", 6, 0))
        self.assertEqual(
            result.explanation,
            "Speculative: every supporting attribution is speculative. 1 speculative attribution "
            "not counted: Pravda.ru, in its own words (hedged: “might”).",
        )
        (uncounted,) = result.origin_groups
        self.assertEqual(uncounted["side"], "uncounted")
        self.assertEqual(uncounted["notes"], [[1, "hedged: “might”"]])

    def test_speculation_only_against_a_dispute_is_improbable(self):
        self.rows.attribution(1, 100, "It might happen", outlet=PRAVDA, kind="assertion")
        self.rows.attribution(1, 101, "It will not happen", outlet=TASS, stance="disputes")
        result = self.result()
        self.assertEqual(result[:2] + result[3:4], ("contested", 5, 0))
        self.assertIn("No non-speculative attribution supports it.", result.explanation)

    def test_reasons(self):
        self.assertEqual(
            speculation_reasons("speculation", "analyst", "Marat Bashirov", "", "It may rain"),
            ["speculation or opinion", "the speaker is an analyst or pundit", "hedged: “may”"],
        )
        self.assertEqual(
            speculation_reasons("paraphrase", "unnamed", "some experts", "", "It rained"),
            ["the speaker is an unnamed analyst"],
        )
        self.assertEqual(
            speculation_reasons("paraphrase", "unnamed", "a source", "political scientist", "x"),
            ["the speaker is an unnamed analyst"],
        )
        self.assertEqual(speculation_reasons("direct_quote", "official", "Wang Yi", "", "x"), [])

    def test_only_the_quote_is_checked_for_hedges(self):
        self.rows.attribution(1, 100, "The talks went well", outlet=XINHUA)
        self.bodies = {100: "The talks went well. They may resume."}
        self.assertEqual(self.result().status, "single_source")


class OriginTests(CoreTestCase):
    def test_relayed_via_is_the_origin(self):
        self.rows.attribution(1, 100, outlet=RT, relayed_via=TASS, speaker="Lavrov")
        result = self.result()
        self.assertEqual(
            result.explanation,
            "Single source: 1 independent origin: TASS, relayed by RT (citing a statement by "
            "Lavrov). Grade 2 (probably true): TASS is graded B.",
        )
        self.assertEqual(result.origin_groups[0]["via"], [[1, "TASS"]])
        self.assertEqual(result.outlet_kinds, KIND_BITS["state_media"])  # the source's outlet

    def test_a_relay_named_in_the_quotes_paragraph_is_the_origin(self):
        self.bodies = {100: f"{WIRE}\n\nIn other news, TASS said the weather was fine."}
        self.rows.relay(100, TASS)
        self.rows.relay(100, XINHUA, cue="Xinhua reported")
        self.rows.attribution(1, 100, QUOTE, outlet=PRAVDA)
        self.assertIn("Pravda.ru (in its own reporting)", self.result().explanation)
        self.bodies[100] = f"Xinhua reported: {WIRE}"
        result = self.result()
        self.assertIn("Xinhua, relayed by Pravda.ru", result.explanation)
        self.assertEqual(result.origin_groups[0]["via"], [[1, "Xinhua"]])

    def test_relay_cues_match_whole_words_only(self):
        self.bodies = {100: f"The report said: {WIRE}"}
        self.rows.relay(100, RT, cue="RT said")
        self.rows.attribution(1, 100, QUOTE, outlet=PRAVDA, start=len("The report said: "))
        self.assertIn("Pravda.ru (in its own reporting)", self.result().explanation)

    def test_near_copy_paragraphs_are_one_origin_with_their_score(self):
        near_copy = WIRE.replace("on Tuesday.", "on Wednesday.")
        self.bodies = {100: WIRE, 101: near_copy}
        self.rows.attribution(1, 100, QUOTE, outlet=XINHUA)
        self.rows.attribution(1, 101, QUOTE, outlet=PRAVDA)
        result = self.result()
        self.assertEqual((result.status, result.origin_count), ("single_source", 1))
        self.assertIn(
            "Counted as one origin: Xinhua and Pravda.ru are near-copies (similarity 0.9",
            result.explanation,
        )
        self.assertIn("Jaccard of 5-word shingles of the attributed paragraphs", result.explanation)

    def test_outlet_kinds_of_every_attribution_whatever_its_stance(self):
        self.rows.attribution(1, 100, outlet=XINHUA)
        self.rows.attribution(1, 101, "No", outlet=RT, stance="disputes")
        self.rows.attribution(1, 102, "Maybe it went well", kind="speculation")
        self.bodies = {100: "The talks went well.", 101: "No.", 102: "Maybe it went well."}
        self.assertEqual(
            self.result().outlet_kinds,
            KIND_BITS["wire"] | KIND_BITS["state_media"] | KIND_BITS[None],
        )

    def test_origin_groups_list_supports_then_disputes_then_uncounted(self):
        self.rows.attribution(1, 101, "No", outlet=RT, stance="disputes")
        self.rows.attribution(1, 100, outlet=XINHUA)
        self.rows.attribution(1, 102, "It may have gone well", outlet=TASS)
        self.bodies = {100: "The talks went well.", 101: "No.", 102: "It may have gone well."}
        groups = self.result().origin_groups
        self.assertEqual([g["side"] for g in groups], ["supports", "disputes", "uncounted"])
        self.assertEqual([g["ids"] for g in groups], [[2], [1], [3]])
        self.assertEqual(groups[0]["sources"], 1)


class StatusAndGradeTests(SimpleTestCase):
    def test_first_match_wins(self):
        self.assertEqual(status_and_grade([], [], ["d"], [], ["g"]), ("unsupported", 6))
        self.assertEqual(status_and_grade([], ["s"], ["d"], [], ["g"]), ("contested", 5))
        self.assertEqual(status_and_grade([], ["s"], [], [], []), ("speculative", 6))
