"""Re-anchoring after a text correction (intake.actions.correct_source_text, Source.relocate,
claims.models.reanchor_attributions)."""

from django.core.exceptions import ValidationError
from django.test import TestCase

from claims import engine
from claims.actions import remove_attribution
from claims.models import Attribution, Claim
from intake.actions import correct_source_text
from sources.models import QuoteNotFound, SourceCorrection
from tests.factories import make_attribution, make_claim, make_outlet, make_source, make_user

BODY = (
    "Headline here\n\n"
    "The minister said the talks were useful. Critics said the talks were useful too.\n\n"
    "Nothing else happened."
)


class RelocateTests(TestCase):
    def test_a_single_occurrence_is_found_wherever_it_moved(self):
        source = make_source("Added text. " + BODY)
        start = source.body.index("Nothing else")
        self.assertEqual(source.relocate("Nothing else"), (start, start + len("Nothing else")))

    def test_the_context_tells_occurrences_apart_even_when_edited(self):
        source = make_source(BODY.replace("Critics said", "Critics, however, said"))
        quote = "said the talks were useful"
        second = source.body.rindex(quote)
        # The stored prefix "Critics said " no longer matches exactly; its tail does best.
        self.assertEqual(
            source.relocate(quote, prefix="useful. Critics ", suffix=" too.")[0], second
        )
        self.assertEqual(
            source.relocate(quote, prefix="The minister ", suffix=". Critics")[0],
            source.body.index(quote),
        )

    def test_ties_go_to_the_occurrence_nearest_the_old_place(self):
        source = make_source("x yes x yes x")
        self.assertEqual(source.relocate("yes", near=8)[0], 8)
        self.assertEqual(source.relocate("yes", near=1)[0], 2)
        with self.assertRaises(QuoteNotFound):
            source.relocate("yes", near=5)  # just as near to both

    def test_a_quote_that_is_gone_raises(self):
        source = make_source(BODY)
        with self.assertRaisesMessage(QuoteNotFound, "no longer occurs"):
            source.relocate("the talks failed")
        with self.assertRaises(QuoteNotFound):
            source.relocate("")


class CorrectTextTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = make_user("ada")
        cls.source = make_source(BODY, outlet=make_outlet("Daily"))
        cls.minister_claim = make_claim("The talks were useful, the minister said")
        cls.critic_claim = make_claim("Critics also found the talks useful")
        cls.minister = make_attribution(
            cls.minister_claim, cls.source, "said the talks were useful", prefix="minister "
        )
        cls.critic = make_attribution(
            cls.critic_claim, cls.source, "said the talks were useful", prefix="Critics "
        )
        cls.lost = make_attribution(cls.critic_claim, cls.source, "Nothing else happened")

    def test_each_attribution_is_reanchored_once(self):
        correction = correct_source_text(self.source, BODY + " Later.", self.admin)
        reason = f"Re-anchored after text correction #{correction.pk}"
        for attribution in (self.minister, self.critic, self.lost):
            self.assertEqual(attribution.history.filter(history_change_reason=reason).count(), 1)
        self.assertEqual((correction.reanchored_count, correction.orphaned_count), (3, 0))

    def test_every_anchor_is_found_again_or_orphaned_and_nothing_is_dropped(self):
        new_body = (
            "Headline here, corrected\n\n"
            "The minister said the talks were useful. Critics said the talks were useful too.\n\n"
            "Nothing much happened."
        )
        correction = correct_source_text(
            self.source, new_body, self.admin, note="Typo in the headline"
        )
        self.assertEqual((correction.reanchored_count, correction.orphaned_count), (2, 1))
        self.source.refresh_from_db()
        self.assertEqual(self.source.body, new_body)
        for attribution in (self.minister, self.critic):
            attribution.refresh_from_db()
            self.assertEqual(new_body[attribution.start : attribution.end], attribution.quote)
            self.assertIsNone(attribution.orphaned_at)
            attribution.full_clean()
        self.assertLess(self.minister.start, self.critic.start)
        self.assertEqual(
            self.minister.prefix, new_body[self.minister.start - 32 : self.minister.start]
        )
        self.lost.refresh_from_db()
        self.assertIsNotNone(self.lost.orphaned_at)
        self.assertEqual(
            self.lost.orphan_reason, "The quote no longer occurs in the corrected text."
        )
        self.assertEqual(self.lost.quote, "Nothing else happened")  # kept
        self.assertEqual(Attribution.objects.count(), 3)
        record = self.lost.history.first()
        self.assertEqual(
            record.history_change_reason, f"Orphaned by text correction #{correction.pk}"
        )
        self.assertEqual(record.history_user, self.admin)
        self.assertEqual(correction.old_body, BODY)
        self.assertEqual(correction.note, "Typo in the headline")

    def test_orphans_do_not_count_and_statuses_are_recomputed(self):
        Claim.objects.filter(pk=self.critic_claim.pk).update(status="contested")  # stale
        correct_source_text(
            self.source, BODY.replace("Critics said the talks were useful too", "Fine."), self.admin
        )
        self.critic_claim.refresh_from_db()
        self.assertEqual(list(self.critic_claim.attributions.live()), [self.lost])
        # Its words still occur, in the minister's sentence: not taken for the critics'.
        self.critic.refresh_from_db()
        self.assertIn("not in its old surroundings", self.critic.orphan_reason)
        self.assertEqual(self.critic_claim.status, Claim.Status.SINGLE_SOURCE)
        self.assertEqual(engine.recompute_all(write=False).changed, 0)
        # Both of the claim's attributions orphaned: it becomes unsupported.
        self.source.refresh_from_db()
        correct_source_text(self.source, "Headline here\n\nAll rewritten.", self.admin)
        self.critic_claim.refresh_from_db()
        self.assertEqual(self.critic_claim.status, Claim.Status.UNSUPPORTED)
        self.assertEqual(self.critic_claim.attributions.orphaned().count(), 2)

    def test_an_orphan_comes_back_when_its_quote_returns(self):
        correct_source_text(self.source, BODY.replace("Nothing else", "Nothing more"), self.admin)
        self.source.refresh_from_db()
        correct_source_text(self.source, BODY, self.admin)
        self.lost.refresh_from_db()
        self.assertIsNone(self.lost.orphaned_at)
        self.assertEqual(self.lost.orphan_reason, "")

    def test_a_correction_that_makes_two_anchors_of_one_claim_collide_orphans_one(self):
        other = make_attribution(self.minister_claim, self.source, "Critics said the talks")
        other_start = other.start
        # Both quotes now only fit the same passage for the same claim? Make them identical.
        Attribution.objects.filter(pk=other.pk).update(
            quote="said the talks were useful",
            start=other_start + 8,
            end=other_start + 34,
            prefix="minister ",
            suffix=". Critics",
        )
        Attribution.objects.filter(pk=self.minister.pk).update(
            prefix="minister ", suffix=". Critics"
        )
        correct_source_text(
            self.source, BODY.replace("Critics said the talks were useful too", "No."), self.admin
        )
        states = {
            a.pk: (a.orphaned_at is None, a.orphan_reason)
            for a in Attribution.objects.filter(pk__in=[self.minister.pk, other.pk])
        }
        self.assertEqual(states[self.minister.pk], (True, ""))
        self.assertFalse(states[other.pk][0])
        self.assertIn(f"same passage as attribution #{self.minister.pk}", states[other.pk][1])

    def test_removed_attributions_are_left_alone(self):
        remove_attribution(self.lost, self.admin)
        correction = correct_source_text(
            self.source, BODY.replace("Nothing else", "Nothing"), self.admin
        )
        self.assertEqual(correction.orphaned_count, 0)
        self.lost.refresh_from_db()
        self.assertIsNone(self.lost.orphaned_at)

    def test_refusals_change_nothing(self):
        make_source("Another article entirely.")
        for body, message in (
            ("   ", "empty"),
            (BODY, "unchanged"),
            ("Another   article entirely.", "already has exactly this text"),
        ):
            with self.subTest(body=body), self.assertRaisesMessage(ValidationError, message):
                correct_source_text(self.source, body, self.admin)
        self.source.refresh_from_db()
        self.assertEqual(self.source.body, BODY)
        self.assertFalse(SourceCorrection.objects.exists())

    def test_the_content_hash_follows_the_body(self):
        from lib.text import content_hash

        correct_source_text(self.source, BODY + "\n\nA new paragraph.", self.admin)
        self.source.refresh_from_db()
        self.assertEqual(self.source.content_hash, content_hash(BODY + "\n\nA new paragraph."))
