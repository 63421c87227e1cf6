"""Attribution.remove and Attribution.edit read the row again under its lock: a copy
read earlier is never written back (lib.concurrency's lock order)."""

from django.core.exceptions import ValidationError

from claims.actions import (
    edit_attribution,
    merge_claims,
    remove_attribution,
    remove_attributions,
    save_attribution,
)
from claims.models import Attribution, VersionConflict
from tests.base import BaseTestCase
from tests.factories import make_attribution, make_claim, make_source


class StaleCopyTests(BaseTestCase):
    def setUp(self):
        self.source = make_source(body="The minister said the dam was finished in May.")
        self.claim = make_claim("The dam was finished in May.")
        self.attribution = make_attribution(
            self.claim, self.source, "the dam was finished in May", kind="paraphrase"
        )

    def test_removing_from_a_stale_copy_keeps_the_edit_made_meanwhile(self):
        stale = Attribution.objects.get(pk=self.attribution.pk)
        # Someone else's edit, committed after the copy was read.
        Attribution.objects.filter(pk=stale.pk).update(kind=Attribution.Kind.DIRECT_QUOTE)

        remove_attribution(stale, self.editor)

        stored = Attribution.objects.get(pk=self.attribution.pk)
        self.assertIsNotNone(stored.deleted_at)
        self.assertEqual(stored.kind, Attribution.Kind.DIRECT_QUOTE)
        self.assertEqual(stale.kind, Attribution.Kind.DIRECT_QUOTE)  # the caller's copy too

    def test_a_removed_attribution_cannot_be_edited_back(self):
        seen = self.attribution.updated_at
        remove_attribution(Attribution.objects.get(pk=self.attribution.pk), self.editor)

        with self.assertRaises(VersionConflict):
            edit_attribution(
                self.editor, self.attribution, seen, stance=Attribution.Stance.DISPUTES
            )

        self.assertIsNotNone(Attribution.objects.get(pk=self.attribution.pk).deleted_at)

    def test_removing_twice_changes_nothing(self):
        remove_attribution(self.attribution, self.editor)
        first = Attribution.objects.get(pk=self.attribution.pk).deleted_at

        remove_attribution(Attribution.objects.get(pk=self.attribution.pk), self.admin)

        stored = Attribution.objects.get(pk=self.attribution.pk)
        self.assertEqual((stored.deleted_at, stored.deleted_by), (first, self.editor))

    def test_no_new_attribution_on_a_merged_claim(self):
        target = make_claim("The dam was completed in May.")
        merge_claims(self.claim, target, self.editor)
        attribution = Attribution(
            claim=self.claim,
            source=self.source,
            quote="The minister",
            start=0,
            end=12,
            kind=Attribution.Kind.PARAPHRASE,
        )

        with self.assertRaisesMessage(ValidationError, "was merged into"):
            save_attribution(attribution, self.editor, "test")


class BulkRemoveTests(BaseTestCase):
    def test_removes_the_live_ones_and_the_statuses_follow(self):
        source = make_source(body="One said it. Two said it too.")
        first, second = make_claim("First."), make_claim("Second.")
        a = make_attribution(first, source, "One said it.")
        b = make_attribution(second, source, "Two said it too.")
        remove_attribution(b, self.admin)

        removed = remove_attributions(Attribution.objects.filter(pk__in=[a.pk, b.pk]), self.editor)

        self.assertEqual(removed, 1)
        self.assertEqual(Attribution.objects.get(pk=b.pk).deleted_by, self.admin)
        self.assertEqual(Attribution.objects.get(pk=a.pk).deleted_by, self.editor)
        first.refresh_from_db()
        self.assertEqual(first.origin_count, 0)
