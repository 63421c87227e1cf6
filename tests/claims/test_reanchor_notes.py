"""Re-anchoring passage notes when an admin corrects a source's text (correct_source_text)."""

from django.urls import reverse

from claims.models import Annotation
from intake.actions import correct_source_text
from tests.base import BaseTestCase
from tests.factories import make_annotation, make_source

BODY = (
    "Moscow, Monday. The minister said the talks were useful.\n\n"
    "Critics disagreed. They said the talks achieved nothing at all."
)


class ReanchorNotesTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.source = make_source(BODY, title="Talks")

    def setUp(self):
        self.kept = make_annotation(
            self.editor, "Useful?", source=self.source, quote="the talks were useful"
        )
        self.lost = make_annotation(
            self.editor, "Nothing?", source=self.source, quote="achieved nothing at all"
        )
        self.reply = make_annotation(self.admin, "Source?", parent=self.lost)

    def correct(self, body):
        return correct_source_text(self.source, body, self.admin, note="Typo fixed")

    def test_moved_notes_are_found_again_and_lost_ones_orphaned(self):
        corrected = (
            "MOSCOW (Wire) — Monday. The minister said the talks were useful.\n\nCritics disagreed."
        )
        correction = self.correct(corrected)
        self.kept.refresh_from_db()
        self.lost.refresh_from_db()
        self.reply.refresh_from_db()
        self.assertEqual(corrected[self.kept.start : self.kept.end], "the talks were useful")
        self.assertEqual(self.kept.prefix, corrected[self.kept.start - 32 : self.kept.start])
        self.assertIsNone(self.kept.orphaned_at)
        self.assertIsNotNone(self.lost.orphaned_at)
        self.assertEqual((self.lost.start, self.lost.end), (None, None))
        self.assertEqual(self.lost.exact, "achieved nothing at all")  # nothing dropped
        self.assertIn("no longer occurs", self.lost.orphan_reason)
        self.assertEqual(self.reply.parent_id, self.lost.pk)
        # The correction counts the notes with the attributions (none here).
        self.assertEqual((correction.reanchored_count, correction.orphaned_count), (1, 1))
        self.assertEqual(
            self.lost.history.first().history_change_reason,
            f"Orphaned by text correction #{correction.pk}",
        )
        self.assertEqual(self.kept.history.first().history_user, self.admin)

    def test_restoring_the_text_brings_an_orphaned_note_back(self):
        self.correct("Moscow, Monday. The minister said the talks were useful.")
        self.correct(BODY + "\n\nUpdated.")
        self.lost.refresh_from_db()
        self.assertIsNone(self.lost.orphaned_at)
        self.assertEqual(
            self.source.body[self.lost.start : self.lost.end], "achieved nothing at all"
        )

    def test_orphaned_notes_are_listed_in_the_reader_and_on_the_orphans_page(self):
        self.correct("Moscow, Monday. The minister said the talks were useful.")
        self.login(self.editor)
        reader = self.client.get(reverse("source-detail", args=[self.source.pk]))
        section = reader.content.decode().split('class="orphaned-notes"')[1]
        self.assertIn("achieved nothing at all", section)
        self.assertIn("Nothing?", section)
        self.assertIn("Source?", section)  # its thread came along
        self.assertEqual([n.pk for n in reader.context["orphaned_notes"]], [self.lost.pk])
        orphans = self.client.get(reverse("orphaned-anchors"))
        self.assertEqual([n.pk for n in orphans.context["orphaned_notes"]], [self.lost.pk])
        self.assertContains(orphans, f'href="/sources/{self.source.pk}/#note-{self.lost.pk}"')

    def test_the_orphaned_notes_list_is_only_for_roles_that_see_notes(self):
        self.correct("Moscow, Monday. The minister said the talks were useful.")
        self.assertEqual(Annotation.objects.orphaned().count(), 1)
        self.admin.groups.first().permissions.remove(
            *self.admin.groups.first().permissions.filter(codename="view_annotation")
        )
        self.login(self.admin)
        response = self.client.get(reverse("orphaned-anchors"))
        self.assertIsNone(response.context["orphaned_notes"])
        self.assertNotContains(response, "Orphaned notes")
