"""The provenance engine (claims.engine): rules, grades, explanations, and keeping them current."""

import datetime
import math
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims import derived, engine
from claims.actions import (
    add_relay,
    change_actor,
    change_outlet,
    change_owner_group,
    change_source,
    delete_attribution,
    delete_owner_group,
    edit_attribution,
    remove_attribution,
    remove_relay,
    set_relays,
)
from claims.models import Actor, Attribution, Claim
from intake.actions import correct_source_text
from sources.models import SourceRelay
from tests.base import BaseTestCase
from tests.factories import (
    make_actor,
    make_attribution,
    make_claim,
    make_outlet,
    make_owner_group,
    make_source,
)

DIRECT = Attribution.Kind.DIRECT_QUOTE
ASSERTION = Attribution.Kind.OUTLET_ASSERTION
SPECULATION = Attribution.Kind.SPECULATION
DISPUTES = Attribution.Stance.DISPUTES

# A wire paragraph of 60 words, and texts derived from it.
WIRE = (
    "Patrushev and Yang Jiechi agreed that the United States was escalating tension in the "
    "Asia-Pacific region and that both countries would continue joint patrols, joint exercises "
    "and close military cooperation against the background of Washington's pledge to defend "
    "Taiwan, the Russian Security Council said in a statement released on Tuesday evening "
    "after two days of talks in Beijing."
)
QUOTE = "Patrushev and Yang Jiechi agreed that the United States was escalating tension"
NEAR_COPY = WIRE.replace("talks in Beijing.", "talks in China.")
REWRITTEN = (
    "Patrushev and Yang Jiechi agreed that the United States was escalating tension, "
    "officials in Moscow told reporters. Both sides want more patrols near Taiwan, and the "
    "talks, which lasted two days, ended with a promise of closer cooperation between their "
    "armed forces and security services."
)


def shingle_jaccard(a, b):
    """Reference Jaccard of 5-word shingles, written independently of the engine."""

    def shingles(text):
        words = re.findall(r"\w+", text.lower())
        return {tuple(words[i : i + 5]) for i in range(len(words) - 4)}

    sa, sb = shingles(a), shingles(b)
    return len(sa & sb) / len(sa | sb)


class EngineTestCase(BaseTestCase):
    def stored(self, claim):
        claim.refresh_from_db()
        return claim.status, claim.grade, claim.origin_count

    def assertInSync(self):
        """Stored statuses equal a full recompute: nothing is stale."""
        self.assertEqual(engine.recompute_all(write=False).changed, 0)


class ScenarioTests(EngineTestCase):
    """The engine's rules, one scenario each, through the write paths."""

    def test_same_outlet_twice_is_one_origin(self):
        pravda = make_outlet("Pravda.ru")
        claim = make_claim("The US escalates tension")
        make_attribution(claim, make_source(f"{QUOTE}, Patrushev said.", pravda), QUOTE)
        make_attribution(claim, make_source(REWRITTEN, pravda), QUOTE)
        self.assertEqual(self.stored(claim), (Claim.Status.SINGLE_SOURCE, 3, 1))
        self.assertIn("Pravda.ru, 2 articles counted as one outlet", claim.explanation)
        self.assertInSync()

    def test_two_outlets_relaying_one_agency_are_one_origin(self):
        tass = make_outlet("TASS", reliability="A")
        claim = make_claim("The US escalates tension")
        for name in ("Pravda.ru", "Global Times"):
            source = make_source(REWRITTEN + f" ({name})", make_outlet(name))
            make_attribution(claim, source, QUOTE, relayed_via=tass)
        self.assertEqual(self.stored(claim), (Claim.Status.SINGLE_SOURCE, 2, 1))
        self.assertIn("TASS, relayed by Pravda.ru and Global Times", claim.explanation)
        self.assertIn("TASS is graded A", claim.explanation)

    def test_a_source_relay_named_in_the_paragraph_is_the_origin(self):
        tass = make_outlet("TASS")
        claim = make_claim("The US escalates tension")
        source = make_source(f"Intro.\n\n{QUOTE}, TASS said.\n\nMore news.", make_outlet("RT"))
        SourceRelay.objects.create(source=source, outlet=tass, cue="TASS said")
        make_attribution(claim, source, QUOTE)
        other = make_source(REWRITTEN, make_outlet("Global Times"), relays=[tass])
        make_attribution(claim, other, QUOTE, relayed_via=tass)
        self.assertEqual(self.stored(claim), (Claim.Status.SINGLE_SOURCE, 3, 1))
        self.assertIn("TASS, relayed by RT and Global Times", claim.explanation)

    def test_a_relay_named_in_another_paragraph_does_not_apply(self):
        tass = make_outlet("TASS")
        claim = make_claim("The US escalates tension")
        source = make_source(f"{QUOTE}, he said.\n\nTASS said nothing more.", make_outlet("RT"))
        SourceRelay.objects.create(source=source, outlet=tass, cue="TASS said")
        make_attribution(claim, source, QUOTE)
        make_attribution(claim, make_source(REWRITTEN, tass), QUOTE)
        self.assertEqual(self.stored(claim), (Claim.Status.CORROBORATED, 1, 2))

    def test_relay_cues_and_names_match_whole_words(self):
        rt = make_outlet("RT")
        claim = make_claim("The US escalates tension")
        source = make_source(f"{QUOTE}, the report said.", make_outlet("Global Times"))
        SourceRelay.objects.create(source=source, outlet=rt)  # blank cue: the name "RT"
        make_attribution(claim, source, QUOTE)
        make_attribution(claim, make_source(REWRITTEN, rt), QUOTE)
        self.assertEqual(self.stored(claim), (Claim.Status.CORROBORATED, 1, 2))
        SourceRelay.objects.filter(source=source).update(cue="RT said")  # bypasses claims.actions
        engine.recompute_for(sources=[source.pk])
        self.assertEqual(self.stored(claim)[0], Claim.Status.CORROBORATED)

    def test_one_owner_group_is_one_origin(self):
        holding = make_owner_group("Rossiya Segodnya")
        ria = make_outlet("RIA Novosti", owner_group=holding)
        sputnik = make_outlet("Sputnik", owner_group=holding)
        claim = make_claim("The US escalates tension")
        make_attribution(claim, make_source(f"{QUOTE}, he said.", ria), QUOTE)
        make_attribution(claim, make_source(REWRITTEN, sputnik), QUOTE)
        self.assertEqual(self.stored(claim), (Claim.Status.SINGLE_SOURCE, 3, 1))
        self.assertIn(
            "Counted as one origin: RIA Novosti and Sputnik share the owner group "
            "“Rossiya Segodnya”.",
            claim.explanation,
        )

    def test_near_duplicate_texts_are_one_origin_and_the_score_is_shown(self):
        claim = make_claim("The US escalates tension")
        make_attribution(claim, make_source(WIRE, make_outlet("Xinhua")), QUOTE)
        make_attribution(claim, make_source(NEAR_COPY, make_outlet("China Daily")), QUOTE)
        score = shingle_jaccard(WIRE, NEAR_COPY)
        self.assertGreaterEqual(score, 0.8)
        self.assertEqual(self.stored(claim), (Claim.Status.SINGLE_SOURCE, 3, 1))
        self.assertIn(
            "Xinhua and China Daily are near-copies "
            f"(similarity {math.floor(score * 100) / 100:.2f}",
            claim.explanation,
        )

    def test_similar_but_rewritten_texts_stay_independent(self):
        self.assertLess(shingle_jaccard(WIRE, REWRITTEN), 0.8)
        claim = make_claim("The US escalates tension")
        make_attribution(claim, make_source(WIRE, make_outlet("Xinhua")), QUOTE)
        make_attribution(claim, make_source(REWRITTEN, make_outlet("China Daily")), QUOTE)
        self.assertEqual(self.stored(claim), (Claim.Status.CORROBORATED, 1, 2))
        self.assertNotIn("near-copies", claim.explanation)

    def test_near_copies_among_many_origins(self):
        # Over 40 paragraphs the engine switches from every pair to prefix filtering.
        claim = make_claim("The US escalates tension")
        with derived.batch() as refresh:  # one recompute at the end
            for n in range(44):
                body = f"{QUOTE}. " + " ".join(f"word{n}x{k}" for k in range(30))
                source = make_source(body, make_outlet(f"Daily {n}"))
                make_attribution(claim, source, QUOTE, refresh=refresh)
            wire = make_source(WIRE, make_outlet("Xinhua"))
            make_attribution(claim, wire, QUOTE, refresh=refresh)
            near_copy = make_source(NEAR_COPY, make_outlet("China Daily"))
            make_attribution(claim, near_copy, QUOTE, refresh=refresh)
        self.assertEqual(self.stored(claim), (Claim.Status.CORROBORATED, 1, 45))
        self.assertIn("Xinhua and China Daily are near-copies", claim.explanation)
        self.assertEqual(claim.explanation.count("near-copies"), 1)

    def test_only_the_attributed_paragraph_is_compared(self):
        claim = make_claim("The US escalates tension")
        weather = "Weather: rain in Moscow, sun in Beijing, wind at sea."
        shared = "\n\n".join([WIRE, weather])
        make_attribution(claim, make_source(shared, make_outlet("Xinhua")), QUOTE)
        rewritten = "\n\n".join([REWRITTEN, weather])
        make_attribution(claim, make_source(rewritten, make_outlet("China Daily")), QUOTE)
        self.assertEqual(self.stored(claim), (Claim.Status.CORROBORATED, 1, 2))

    def test_speculation_only(self):
        pundit = make_actor("Marat Bashirov", kind=Actor.Kind.ANALYST, role="political scientist")
        claim = make_claim("A war is coming")
        source = make_source("This is a pre-party before hostilities, he wrote.", make_outlet())
        make_attribution(claim, source, "This is a pre-party before hostilities", speaker=pundit)
        self.assertEqual(self.stored(claim), (Claim.Status.SPECULATIVE, 6, 0))
        self.assertIn("Marat Bashirov, political scientist", claim.explanation)
        self.assertIn("the speaker is an analyst or pundit", claim.explanation)

    def test_a_hedged_assertion_by_the_outlet_is_speculative(self):
        claim = make_claim("Russia will help China militarily")
        quote = "This could possibly be done as part of the SCO response forces."
        make_attribution(claim, make_source(quote, make_outlet("Pravda.ru")), quote, kind=ASSERTION)
        self.assertEqual(self.stored(claim), (Claim.Status.SPECULATIVE, 6, 0))
        self.assertIn(
            "1 speculative attribution not counted: Pravda.ru, in its own words "
            "(hedged: “could”, “possibly”).",
            claim.explanation,
        )

    def test_speculation_kind_and_unnamed_analysts(self):
        claim = make_claim("A war is coming")
        source = make_source("War looms, analysts say. Talks go on, a source said.", make_outlet())
        analysts = make_actor("Unnamed analysts", kind=Actor.Kind.UNNAMED)
        insider = make_actor("A diplomatic source", kind=Actor.Kind.UNNAMED, role="diplomat")
        make_attribution(claim, source, "War looms", speaker=analysts)
        self.assertEqual(self.stored(claim)[0], Claim.Status.SPECULATIVE)
        self.assertIn("the speaker is an unnamed analyst", claim.explanation)
        make_attribution(claim, source, "Talks go on", speaker=insider)
        self.assertEqual(self.stored(claim)[0], Claim.Status.SINGLE_SOURCE)
        other = make_claim("Talks go on")
        make_attribution(other, source, "Talks go on", speaker=insider, kind=SPECULATION)
        self.assertEqual(self.stored(other)[0], Claim.Status.SPECULATIVE)
        self.assertIn("speculation or opinion", other.explanation)

    def test_a_dispute_contests_the_claim(self):
        claim = make_claim("The US escalates tension")
        make_attribution(claim, make_source(WIRE, make_outlet("Xinhua")), QUOTE)
        make_attribution(claim, make_source(REWRITTEN, make_outlet("China Daily")), QUOTE)
        denial = make_source("Nobody escalates anything, officials said.", make_outlet("AP"))
        make_attribution(claim, denial, "Nobody escalates anything", stance=DISPUTES)
        self.assertEqual(self.stored(claim), (Claim.Status.CONTESTED, 4, 2))
        self.assertIn("Contested: disputed by 1 independent origin: AP", claim.explanation)
        self.assertIn("Supported by 2 independent origins", claim.explanation)

    def test_a_speculative_dispute_does_not_contest(self):
        claim = make_claim("The US escalates tension")
        make_attribution(claim, make_source(WIRE, make_outlet("Xinhua")), QUOTE)
        doubt = make_source("That may be wrong, the blogger wrote.", make_outlet("A Blog"))
        make_attribution(claim, doubt, "That may be wrong", stance=DISPUTES)
        self.assertEqual(self.stored(claim), (Claim.Status.SINGLE_SOURCE, 3, 1))
        self.assertIn(
            "1 speculative dispute not counted: A Blog, in its own words (hedged: “may”).",
            claim.explanation,
        )

    def test_no_support_at_all(self):
        claim = make_claim("Nobody said this")
        self.assertEqual(self.stored(claim), (Claim.Status.UNSUPPORTED, 6, 0))
        self.assertEqual(claim.explanation, "Unsupported: no supporting attribution.")
        make_attribution(claim, make_source("It is false.", make_outlet("AP")), stance=DISPUTES)
        self.assertEqual(self.stored(claim), (Claim.Status.UNSUPPORTED, 6, 0))
        self.assertIn(
            "Disputed by 1 independent origin: AP (in its own reporting)", claim.explanation
        )
        self.assertInSync()

    def test_claims_with_different_event_dates_are_never_merged(self):
        meetings = [
            make_claim("Patrushev met Yang Jiechi", event_start=datetime.date(year, 1, 1))
            for year in (2014, 2019, 2022)
        ]
        for year, claim in zip((2014, 2019, 2022), meetings, strict=True):
            outlet = make_outlet(f"Daily {year}")
            source = make_source(f"In {year} Patrushev met Yang Jiechi.", outlet)
            make_attribution(claim, source, "Patrushev met Yang Jiechi")
        for claim in meetings:
            self.assertEqual(self.stored(claim), (Claim.Status.SINGLE_SOURCE, 3, 1))
            self.assertEqual(claim.attributions.count(), 1)


class GradeTests(EngineTestCase):
    def single(self, reliability, relayed_via=None):
        claim = make_claim()
        source = make_source(outlet=make_outlet(reliability=reliability))
        make_attribution(claim, source, relayed_via=relayed_via)
        return self.stored(claim)[1]

    def test_single_source_grades_follow_the_origins_reliability(self):
        self.assertEqual(self.single("A"), 2)
        self.assertEqual(self.single("B"), 2)
        self.assertEqual(self.single("C"), 3)
        self.assertEqual(self.single("F"), 3)
        self.assertEqual(self.single("F", relayed_via=make_outlet(reliability="B")), 2)
        self.assertEqual(self.single("A", relayed_via=make_outlet(reliability="D")), 3)

    def test_an_article_without_outlet_is_possibly_true(self):
        claim = make_claim()
        make_attribution(claim, make_source(title="Leaflet"))
        self.assertEqual(self.stored(claim), (Claim.Status.SINGLE_SOURCE, 3, 1))
        self.assertIn(
            "an article with no known outlet, “Leaflet” has no reliability grade",
            claim.explanation,
        )

    def test_a_merged_origin_needs_every_outlet_graded_a_or_b(self):
        group = make_owner_group()
        claim = make_claim()
        make_attribution(claim, make_source(outlet=make_outlet(owner_group=group, reliability="A")))
        self.assertEqual(self.stored(claim)[1], 2)
        make_attribution(claim, make_source(outlet=make_outlet(owner_group=group, reliability="D")))
        self.assertEqual(self.stored(claim), (Claim.Status.SINGLE_SOURCE, 3, 1))

    def test_more_disputing_than_supporting_origins_is_improbable(self):
        claim = make_claim()
        make_attribution(claim, make_source(outlet=make_outlet()))
        make_attribution(claim, make_source(outlet=make_outlet()), stance=DISPUTES)
        self.assertEqual(self.stored(claim), (Claim.Status.CONTESTED, 4, 1))
        make_attribution(claim, make_source(outlet=make_outlet()), stance=DISPUTES)
        self.assertEqual(self.stored(claim), (Claim.Status.CONTESTED, 5, 1))
        self.assertIn(
            "Grade 5 (improbable): more independent origins dispute it (2) than support it (1).",
            claim.explanation,
        )

    def test_disputes_against_speculation_only_are_improbable(self):
        claim = make_claim()
        make_attribution(claim, make_source("It might happen.", make_outlet()), kind=ASSERTION)
        make_attribution(claim, make_source(outlet=make_outlet()), stance=DISPUTES)
        self.assertEqual(self.stored(claim), (Claim.Status.CONTESTED, 5, 0))
        self.assertIn("No non-speculative attribution supports it.", claim.explanation)


class ExplanationTests(EngineTestCase):
    def test_the_issue_example(self):
        pravda = make_outlet("Pravda.ru")
        article = make_source(
            "Patrushev said the parties agreed to expand the exchange of information.\n\n"
            '"This is something bigger than just cooperation," political scientist Marat '
            "Bashirov wrote.",
            pravda,
        )
        statement = make_source(
            "The parties agreed to expand the exchange of information, the council said.",
            title="Security Council statement",
        )
        claim = make_claim("Russia and China will exchange more information")
        make_attribution(
            claim,
            article,
            "the parties agreed to expand the exchange of information",
            speaker=make_actor("Nikolai Patrushev"),
            kind=DIRECT,
        )
        make_attribution(
            claim,
            statement,
            "The parties agreed to expand the exchange of information",
            speaker=make_actor("the Russian Security Council", kind=Actor.Kind.GOVERNMENT_BODY),
        )
        make_attribution(
            claim,
            article,
            "This is something bigger than just cooperation",
            speaker=make_actor(
                "Marat Bashirov", kind=Actor.Kind.ANALYST, role="political scientist"
            ),
            kind=DIRECT,
        )
        claim.refresh_from_db()
        self.assertEqual(
            claim.explanation,
            "Corroborated: 2 independent origins: Pravda.ru (quoting Nikolai Patrushev), and an "
            "article with no known outlet, “Security Council statement” (citing a statement by "
            "the Russian Security Council). 1 speculative attribution not counted: Marat "
            "Bashirov, political scientist, in Pravda.ru (the speaker is an analyst or pundit).",
        )
        self.assertEqual((claim.status, claim.grade, claim.origin_count), ("corroborated", 1, 2))


class KeepCurrentTests(EngineTestCase):
    """Every change that can alter a status updates it, in the same transaction."""

    def setUp(self):
        self.xinhua = make_outlet("Xinhua")
        self.daily = make_outlet("China Daily")
        self.wire_story = make_source(WIRE, self.xinhua)
        self.daily_story = make_source(REWRITTEN, self.daily)
        self.claim = make_claim("The US escalates tension")
        self.first = make_attribution(self.claim, self.wire_story, QUOTE)

    def test_attribution_added_edited_and_deleted(self):
        self.assertEqual(self.stored(self.claim)[0], Claim.Status.SINGLE_SOURCE)
        second = make_attribution(self.claim, self.daily_story, QUOTE)
        self.assertEqual(self.stored(self.claim)[0], Claim.Status.CORROBORATED)
        edit_attribution(self.editor, second, second.updated_at, stance=DISPUTES)
        self.assertEqual(self.stored(self.claim)[0], Claim.Status.CONTESTED)
        delete_attribution(second)
        self.assertEqual(self.stored(self.claim)[0], Claim.Status.SINGLE_SOURCE)
        delete_attribution(self.first)
        self.assertEqual(self.stored(self.claim)[0], Claim.Status.UNSUPPORTED)
        self.assertInSync()

    def test_removed_and_orphaned_attributions_are_not_evidence(self):
        second = make_attribution(self.claim, self.daily_story, QUOTE)
        self.assertEqual(self.stored(self.claim)[0], Claim.Status.CORROBORATED)
        remove_attribution(second, self.editor)
        self.assertEqual(self.stored(self.claim)[0], Claim.Status.SINGLE_SOURCE)
        # Orphaned by a text correction that lost the quote.
        correct_source_text(self.wire_story, "Nothing of the kind was said.", self.editor)
        self.first.refresh_from_db()
        self.assertIsNotNone(self.first.orphaned_at)
        self.assertEqual(self.stored(self.claim)[0], Claim.Status.UNSUPPORTED)
        self.assertInSync()

    def test_attribution_moved_to_another_claim_updates_both(self):
        other = make_claim("Another claim")
        attribution = Attribution.objects.get(pk=self.first.pk)
        edit_attribution(self.editor, attribution, attribution.updated_at, claim=other)
        self.assertEqual(self.stored(self.claim)[0], Claim.Status.UNSUPPORTED)
        self.assertEqual(self.stored(other)[0], Claim.Status.SINGLE_SOURCE)
        self.assertInSync()

    def test_the_in_memory_claim_gets_its_new_status(self):
        make_attribution(self.claim, self.daily_story, QUOTE)
        self.assertEqual(self.claim.status, Claim.Status.CORROBORATED)
        self.assertEqual(self.claim.origin_count, 2)

    def test_a_sources_outlet_changed(self):
        make_attribution(self.claim, self.daily_story, QUOTE)
        change_source(self.daily_story, outlet=self.xinhua)
        self.assertEqual(self.stored(self.claim)[0], Claim.Status.SINGLE_SOURCE)
        change_source(self.daily_story, outlet=None)
        self.assertEqual(self.stored(self.claim)[0], Claim.Status.CORROBORATED)
        self.assertIn("an article with no known outlet", self.claim.explanation)
        self.assertInSync()

    def test_a_sources_relays_changed(self):
        rt_story = make_source(f"Intro.\n\n{QUOTE}, Xinhua reported.", make_outlet("RT"))
        make_attribution(self.claim, rt_story, QUOTE)
        self.assertEqual(self.stored(self.claim)[0], Claim.Status.CORROBORATED)
        set_relays(rt_story, [(self.xinhua, "Xinhua reported")])
        self.assertEqual(self.stored(self.claim)[0], Claim.Status.SINGLE_SOURCE)
        set_relays(rt_story, [])
        self.assertEqual(self.stored(self.claim)[0], Claim.Status.CORROBORATED)
        set_relays(rt_story, [self.xinhua])  # blank cue: the outlet's name is looked for
        self.assertEqual(self.stored(self.claim)[0], Claim.Status.SINGLE_SOURCE)
        set_relays(rt_story, [])
        self.assertEqual(self.stored(self.claim)[0], Claim.Status.CORROBORATED)
        relay = add_relay(rt_story, self.xinhua, "Xinhua")
        self.assertEqual(self.stored(self.claim)[0], Claim.Status.SINGLE_SOURCE)
        add_relay(rt_story, self.xinhua, "according to Xinhua")
        self.assertEqual(self.stored(self.claim)[0], Claim.Status.CORROBORATED)
        relay = add_relay(rt_story, self.xinhua, "Xinhua")
        remove_relay(relay)
        self.assertEqual(self.stored(self.claim)[0], Claim.Status.CORROBORATED)
        self.assertInSync()

    def test_an_outlets_owner_group_and_grade_changed(self):
        make_attribution(self.claim, self.daily_story, QUOTE)
        group = make_owner_group("State holding")
        for outlet in (self.xinhua, self.daily):
            change_outlet(outlet, owner_group=group)
        self.assertEqual(self.stored(self.claim), (Claim.Status.SINGLE_SOURCE, 3, 1))
        for outlet in (self.xinhua, self.daily):
            change_outlet(outlet, reliability="B")
        self.assertEqual(self.stored(self.claim), (Claim.Status.SINGLE_SOURCE, 2, 1))
        change_owner_group(group, name="Central holding")
        self.claim.refresh_from_db()
        self.assertIn("“Central holding”", self.claim.explanation)
        delete_owner_group(group)
        self.assertEqual(self.stored(self.claim), (Claim.Status.CORROBORATED, 1, 2))
        self.assertInSync()

    def test_an_actors_kind_changed(self):
        speaker = make_actor("Wang Yi")
        second = make_attribution(self.claim, self.daily_story, QUOTE)
        edit_attribution(self.editor, second, second.updated_at, speaker=speaker)
        self.assertEqual(self.stored(self.claim)[0], Claim.Status.CORROBORATED)
        change_actor(speaker, kind=Actor.Kind.ANALYST)
        self.assertEqual(self.stored(self.claim)[0], Claim.Status.SINGLE_SOURCE)
        self.assertIn("Wang Yi, in China Daily (the speaker is an analyst", self.claim.explanation)
        change_actor(speaker, name="Wang Yi (analyst)")
        self.claim.refresh_from_db()
        self.assertIn("Wang Yi (analyst), in China Daily", self.claim.explanation)
        self.assertInSync()

    def test_saves_that_change_no_input_run_no_recompute(self):
        with self.assertNumQueries(1):  # the UPDATE of the outlet, nothing else
            change_outlet(self.xinhua, notes="State news agency of China.")

    def test_deleting_a_claim_does_not_recompute_it(self):
        make_attribution(self.claim, self.daily_story, QUOTE)
        with CaptureQueriesContext(connection) as queries:
            self.claim.delete()
        # No recompute: it would read the attributions joined to their outlets.
        reads = [q for q in queries.captured_queries if '"sources_outlet"' in q["sql"]]
        self.assertEqual(reads, [])
        self.assertFalse(Claim.objects.filter(pk=self.claim.pk).exists())

    def test_a_batch_recomputes_once_at_the_end(self):
        other = make_claim("Another claim")
        with CaptureQueriesContext(connection) as queries, derived.batch() as refresh:
            make_attribution(self.claim, self.daily_story, QUOTE, refresh=refresh)
            make_attribution(other, self.daily_story, QUOTE, refresh=refresh)
            change_outlet(self.daily, reliability="A", refresh=refresh)
            self.assertEqual(self.stored(other)[0], Claim.Status.UNSUPPORTED)  # not yet
        locks = [q for q in queries.captured_queries if '"claims_claim"."explanation"' in q["sql"]]
        self.assertEqual(len(locks), 2)  # the stored() read above and one recompute
        self.assertEqual(self.stored(self.claim)[0], Claim.Status.CORROBORATED)
        self.assertEqual(self.stored(other), (Claim.Status.SINGLE_SOURCE, 2, 1))
        self.assertInSync()

    def test_a_bulk_recompute_writes_only_the_claims_that_changed(self):
        corroborated = make_claim("Corroborated claim")
        make_attribution(corroborated, self.wire_story, QUOTE)
        make_attribution(corroborated, self.daily_story, QUOTE)
        # A queryset update bypasses the write functions: the caller recomputes.
        type(self.xinhua).objects.filter(pk=self.xinhua.pk).update(reliability="A")
        changed = engine.recompute_for(outlets=[self.xinhua.pk])
        self.assertEqual(list(changed), [self.claim.pk])
        self.assertEqual(changed[self.claim.pk].grade, 2)
        self.assertInSync()


class QueryCountTests(EngineTestCase):
    """An incremental update runs a fixed number of queries, however much data exists."""

    def build(self, copies):
        tass = make_outlet("TASS", reliability="A")
        for n in range(copies):
            outlet = make_outlet(f"Outlet {n}")
            source = make_source(f"{QUOTE} ({n}), TASS said.", outlet, relays=[tass])
            for m in range(5):
                claim = make_claim(f"Claim {n}.{m}")
                make_attribution(claim, source, QUOTE)
                make_attribution(claim, make_source(f"{REWRITTEN} {n}.{m}", tass), QUOTE)
        target = make_claim("The US escalates tension")
        make_attribution(target, self.wire, QUOTE)
        rt_story = make_source(f"{QUOTE}, TASS said.", make_outlet("RT"), relays=[tass])
        make_attribution(target, rt_story, QUOTE)
        return target, tass

    def setUp(self):
        self.wire = make_source(WIRE, make_outlet("Xinhua"))
        self.daily = make_source(REWRITTEN, make_outlet("China Daily"))

    # Adding an attribution runs, whatever the size of the database:
    #  1. INSERT the attribution
    #  2. INSERT its history record (django-simple-history)
    #  3. SELECT the affected claim FOR UPDATE, with its stored status
    #  4. SELECT its attributions with source, outlets, owner groups and speaker
    #  5. SELECT the relays of their sources (some attributions have no relayed_via)
    #  6. SELECT the bodies of the sources whose paragraphs are needed
    #  7. UPDATE the claims whose values changed (one statement)
    #  8. upsert the claim's search document (claims.search.refresh: its quotes changed)
    def assert_add_attribution_queries(self, copies):
        target, _ = self.build(copies)
        with self.assertNumQueries(8):
            make_attribution(target, self.daily, QUOTE)
        self.assertEqual(self.stored(target), (Claim.Status.CORROBORATED, 1, 3))

    def test_adding_an_attribution_small(self):
        self.assert_add_attribution_queries(1)

    def test_adding_an_attribution_ten_times_the_data(self):
        self.assert_add_attribution_queries(10)

    # Changing the grade of an outlet that 10 or 100 claims depend on:
    #  1. UPDATE the outlet
    #  2-6. the same five as steps 3-7 above, for every affected claim at once
    #  (no search document: a grade is not in the searched text)
    def assert_outlet_change_queries(self, copies):
        target, tass = self.build(copies)
        with self.assertNumQueries(6):
            change_outlet(tass, reliability="D")
        # Every claim but the target rests on TASS alone: its grade follows TASS's.
        downgraded = Claim.objects.filter(status=Claim.Status.SINGLE_SOURCE, grade=3)
        self.assertEqual(downgraded.count(), copies * 5)
        self.assertEqual(self.stored(target), (Claim.Status.CORROBORATED, 1, 2))
        self.assertInSync()

    def test_an_outlet_change_small(self):
        self.assert_outlet_change_queries(1)

    def test_an_outlet_change_ten_times_the_data(self):
        self.assert_outlet_change_queries(10)
