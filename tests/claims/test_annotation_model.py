"""The Annotation model: targets, selectors, threads, soft delete, re-anchoring."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from claims.actions import merge_claims
from claims.models import Annotation, AnnotationConflict
from sources.models import QuoteNotFound
from tests.base import BaseTestCase
from tests.factories import make_annotation, make_attribution, make_claim, make_source

BODY = (
    "Moscow, Monday. The minister said the talks were useful.\n\n"
    "Critics disagreed. The talks were useful only to the minister, they said."
)


class AnnotationModelTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.source = make_source(BODY, title="Talks")
        cls.claim = make_claim("The talks were useful")
        cls.attribution = make_attribution(cls.claim, cls.source, "the talks were useful.")

    def insert(self, **fields):
        fields.setdefault("text", "x")
        with transaction.atomic():
            return Annotation.objects.create(**fields)

    # Targets and selectors --------------------------------------------------

    def test_a_note_has_exactly_one_target(self):
        with self.assertRaises(IntegrityError):
            self.insert()  # none
        with self.assertRaises(IntegrityError):
            self.insert(claim=self.claim, attribution=self.attribution)
        with self.assertRaises(IntegrityError):
            self.insert(claim=self.claim, source=self.source, exact="Moscow", start=0, end=6)
        for target in ({"claim": self.claim}, {"attribution": self.attribution}):
            with self.subTest(target=list(target)):
                self.assertEqual(self.insert(**target).target_kind, list(target)[0])

    def test_a_passage_note_needs_a_quote_whose_length_matches_its_position(self):
        with self.assertRaises(IntegrityError):
            self.insert(source=self.source, start=0, end=6)  # no quote
        with self.assertRaises(IntegrityError):
            self.insert(source=self.source, exact="Moscow")  # neither placed nor orphaned
        with self.assertRaises(IntegrityError):
            self.insert(source=self.source, exact="Moscow", start=0, end=7)
        note = self.insert(source=self.source, exact="Moscow", start=0, end=6)
        self.assertEqual(note.target_kind, Annotation.Target.PASSAGE)

    def test_claim_notes_and_replies_carry_no_selector(self):
        with self.assertRaises(IntegrityError):
            self.insert(claim=self.claim, exact="Moscow")
        root = make_annotation(self.editor, source=self.source, quote="Moscow")
        with self.assertRaises(IntegrityError):
            self.insert(source=self.source, parent=root, exact="Moscow", start=0, end=6)

    def test_an_orphaned_note_has_no_position(self):
        from django.utils import timezone

        with self.assertRaises(IntegrityError):
            self.insert(
                source=self.source, exact="Moscow", start=0, end=6, orphaned_at=timezone.now()
            )
        note = self.insert(source=self.source, exact="Gone", orphaned_at=timezone.now())
        self.assertTrue(note.is_orphaned)

    def test_clean_checks_the_position_against_the_body(self):
        note = Annotation(source=self.source, exact="Moscow", start=1, end=7, text="x")
        with self.assertRaisesMessage(ValidationError, "not the quote given"):
            note.clean()
        note.start, note.end = 0, 6
        note.clean()
        note.start, note.end = 0, 10_000
        with self.assertRaisesMessage(ValidationError, "outside the source"):
            note.clean()

    def test_anchor_finds_the_quote_and_keeps_its_context(self):
        note = Annotation(source=self.source, exact="The talks were useful", text="x")
        note.anchor()
        self.assertEqual(BODY[note.start : note.end], "The talks were useful")
        self.assertEqual(note.prefix, BODY[note.start - 32 : note.start])
        self.assertEqual(note.suffix, BODY[note.end : note.end + 32])

    def test_repeated_quotes_are_told_apart_by_prefix_and_suffix(self):
        note = Annotation(source=self.source, exact="minister", text="x")
        with self.assertRaisesMessage(QuoteNotFound, "occurs more than once"):
            note.anchor()
        note.anchor(prefix="useful only to the ")
        self.assertEqual(note.start, BODY.index("useful only to the minister") + 19)

    # Threads and deletion ---------------------------------------------------------

    def test_a_reply_inherits_its_thread_target(self):
        root = make_annotation(self.editor, source=self.source, quote="Moscow")
        reply = make_annotation(self.admin, "Agreed.", parent=root)
        deeper = make_annotation(self.editor, "Thanks.", parent=reply)
        for note in (reply, deeper):
            self.assertEqual(
                (note.source_id, note.claim_id, note.attribution_id), (self.source.pk, None, None)
            )
            self.assertEqual(note.exact, "")
        on_attribution = make_annotation(self.editor, attribution=self.attribution)
        self.assertEqual(
            on_attribution.reply(self.admin, "Yes.").attribution_id, self.attribution.pk
        )

    def test_threads_nest_replies_and_keep_deleted_notes_only_when_replied_to(self):
        root = make_annotation(self.editor, "Root", claim=self.claim)
        reply = make_annotation(self.admin, "Reply", parent=root)
        make_annotation(self.editor, "Reply to reply", parent=reply)
        lonely = make_annotation(self.editor, "Lonely", claim=self.claim)
        root.soft_delete(self.editor)
        lonely.soft_delete(self.admin)
        threads = Annotation.threads(Annotation.objects.on_claim(self.claim, []))
        self.assertEqual([t.pk for t in threads], [root.pk])
        self.assertEqual([r.text for r in threads[0].thread], ["Reply"])
        self.assertEqual([r.text for r in threads[0].thread[0].thread], ["Reply to reply"])

    def test_soft_delete_keeps_the_row_and_the_history(self):
        note = make_annotation(self.editor, "Keep me in history", claim=self.claim)
        note.soft_delete(self.admin)
        note.refresh_from_db()
        self.assertEqual(note.deleted_by, self.admin)
        self.assertIsNotNone(note.deleted_at)
        self.assertEqual(note.text, "Keep me in history")
        latest = note.history.first()
        self.assertEqual(latest.history_user, self.admin)
        self.assertEqual(latest.history_change_reason, "Deleted by a moderator")
        self.assertEqual(note.history.count(), 2)

    def test_edit_refuses_an_outdated_version(self):
        note = make_annotation(self.editor, "First", claim=self.claim)
        note.edit("Second", 1, self.editor)
        stale = Annotation.objects.get(pk=note.pk)
        stale.version = 1
        with self.assertRaises(AnnotationConflict):
            stale.edit("Third", 1, self.editor)
        note.refresh_from_db()
        self.assertEqual((note.text, note.version), ("Second", 2))
        self.assertEqual(note.history.first().history_user, self.editor)

    def test_urls_point_to_where_the_note_is_shown(self):
        passage = make_annotation(self.editor, source=self.source, quote="Moscow")
        on_attribution = make_annotation(self.editor, attribution=self.attribution)
        on_claim = make_annotation(self.editor, claim=self.claim)
        self.assertEqual(
            passage.get_absolute_url(), f"/sources/{self.source.pk}/#note-{passage.pk}"
        )
        self.assertEqual(
            on_attribution.get_absolute_url(), f"/claims/{self.claim.pk}/#note-{on_attribution.pk}"
        )
        self.assertEqual(
            on_claim.get_absolute_url(), f"/claims/{self.claim.pk}/#note-{on_claim.pk}"
        )

    def test_merging_claims_moves_the_notes_on_the_claim(self):
        other = make_claim("The talks helped")
        note = make_annotation(self.editor, "On the old claim", claim=other)
        reply = make_annotation(self.admin, parent=note)
        merge_claims(other, self.claim, self.editor)
        note.refresh_from_db()
        reply.refresh_from_db()
        self.assertEqual((note.claim_id, reply.claim_id), (self.claim.pk, self.claim.pk))
        self.assertEqual(
            note.history.first().history_change_reason, f"Moved from claim #{other.pk} by a merge"
        )
