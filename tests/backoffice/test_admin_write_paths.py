"""The claims admin writes only through the app's own write functions, or not at all.

A verdict changes only by recording a review in the app; reviews are history;
an attribution's anchor, claim, source and authorship are never edited in the
admin and deleting one is the app's soft delete; a deleted note's text stays
hidden in the admin as in the app, moderators aside.
"""

import datetime

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.urls import reverse

from claims.actions import merge_claims
from claims.models import Annotation, Attribution, Claim, Review
from tests.base import BaseTestCase
from tests.factories import (
    make_annotation,
    make_attribution,
    make_claim,
    make_source,
    make_user,
)


def form_data(response):
    """The POST data of an admin change form as rendered: each editable field's value and
    every inline's management form (what a browser would send back unchanged)."""
    data = {}
    form = response.context["adminform"].form
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            data[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = str(value)
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
    return data


class ClaimAdminTests(BaseTestCase):
    def setUp(self):
        self.claim = make_claim("The bridge reopened in May", created_by=self.editor)
        self.source = make_source("The minister said the bridge reopened in May.")
        self.attribution = make_attribution(self.claim, self.source, "the bridge reopened")
        self.claim.refresh_from_db()
        self.url = reverse("admin:claims_claim_change", args=[self.claim.pk])

    def test_derived_and_review_fields_are_read_only_for_every_role(self):
        superuser = make_user("root", is_staff=True, is_superuser=True)
        for user in (self.editor, self.admin, superuser):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                form = self.client.get(self.url).context["adminform"].form
                self.assertEqual(
                    set(form.fields),
                    {"statement", "event_start", "event_end", "tags", "seen_version"},
                )

    def test_an_editor_cannot_change_the_verdict_in_the_admin(self):
        before = Claim.objects.get(pk=self.claim.pk)
        self.client.force_login(self.editor)
        data = form_data(self.client.get(self.url))
        data.update(verdict=Claim.Verdict.FALSE, status="corroborated", grade="5", version="99")
        response = self.client.post(self.url, data)
        self.assertEqual(response.status_code, 302)
        after = Claim.objects.get(pk=self.claim.pk)
        self.assertEqual(after.verdict, before.verdict)
        self.assertEqual(after.version, before.version)
        self.assertEqual(after.status, before.status)
        self.assertFalse(Review.objects.filter(claim=self.claim).exists())

    def test_an_edit_goes_through_claim_edit_with_the_version_it_was_loaded_with(self):
        self.client.force_login(self.editor)
        data = form_data(self.client.get(self.url))
        data["statement"] = "The bridge reopened on 3 May"
        response = self.client.post(self.url, data)
        self.assertEqual(response.status_code, 302)
        claim = Claim.objects.get(pk=self.claim.pk)
        self.assertEqual(claim.statement, "The bridge reopened on 3 May")
        self.assertEqual(claim.version, self.claim.version + 1)
        self.assertEqual(claim.history.first().history_change_reason, "Claim edited")
        self.assertEqual(claim.history.first().history_user, self.editor)

    def test_a_stale_admin_form_is_refused_not_saved_over(self):
        self.client.force_login(self.editor)
        data = form_data(self.client.get(self.url))
        self.claim.record_verdict(self.factchecker, Claim.Verdict.ACCURATE, "Seen.", 1)
        data["statement"] = "The bridge never reopened"
        response = self.client.post(self.url, data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "changed since you opened it")
        claim = Claim.objects.get(pk=self.claim.pk)
        self.assertEqual(claim.statement, "The bridge reopened in May")
        self.assertEqual(claim.verdict, Claim.Verdict.ACCURATE)

    def test_adding_a_claim_is_claim_create_new_and_a_duplicate_is_a_form_error(self):
        self.client.force_login(self.editor)
        url = reverse("admin:claims_claim_add")
        response = self.client.post(url, {"statement": "The ferry resumed service"})
        self.assertEqual(response.status_code, 302)
        claim = Claim.objects.get(statement="The ferry resumed service")
        self.assertEqual(claim.created_by, self.editor)
        self.assertEqual(claim.history.first().history_change_reason, "Claim written in the admin")
        response = self.client.post(url, {"statement": "The ferry resumed service"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "already exists")
        self.assertEqual(Claim.objects.filter(statement="The ferry resumed service").count(), 1)

    def test_inlines_do_not_write_attributions_or_reviews(self):
        self.client.force_login(self.admin)
        response = self.client.get(self.url)
        for inline in response.context["inline_admin_formsets"]:
            with self.subTest(inline=inline.formset.prefix):
                self.assertFalse(inline.has_add_permission)
                self.assertFalse(inline.has_change_permission)
                self.assertFalse(inline.has_delete_permission)

    def test_a_merged_claim_is_view_only(self):
        target = make_claim("The bridge reopened in early May")
        merge_claims(self.claim, target, self.editor)
        self.client.force_login(self.admin)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertFalse(response.context["has_change_permission"])

    def test_nobody_deletes_a_claim_and_its_reviews_in_the_admin(self):
        self.client.force_login(self.admin)
        url = reverse("admin:claims_claim_delete", args=[self.claim.pk])
        self.assertEqual(self.client.post(url, {"post": "yes"}).status_code, 403)
        self.assertTrue(Claim.objects.filter(pk=self.claim.pk).exists())


class TagAdminTests(BaseTestCase):
    def test_a_tag_is_never_deleted_off_its_claims_in_the_admin(self):
        claim = make_claim("The port handled a record tonnage")
        claim.tags.create(name="Ports", slug="ports")
        tag = claim.tags.get()
        superuser = make_user("root", is_staff=True, is_superuser=True)
        for user in (self.admin, superuser):
            with self.subTest(user=user.username):
                self.login(user)
                url = reverse("admin:claims_tag_delete", args=[tag.pk])
                response = self.client.post(url, {"post": "yes"})
                self.assertEqual(response.status_code, 403)
                response = self.client.post(
                    reverse("admin:claims_tag_changelist"),
                    {"action": "delete_selected", "_selected_action": [tag.pk], "post": "yes"},
                )
                self.assertEqual(list(claim.tags.values_list("name", flat=True)), ["Ports"])


class ReviewAdminTests(BaseTestCase):
    def test_a_fact_checker_cannot_add_a_backdated_review(self):
        claim = make_claim("The dam was finished in 2001")
        self.client.force_login(self.factchecker)
        url = reverse("admin:claims_review_add")
        self.assertEqual(self.client.get(url).status_code, 403)
        response = self.client.post(
            url,
            {
                "claim": claim.pk,
                "verdict": Claim.Verdict.FALSE,
                "rationale": "Backdated.",
                "created_at_0": "2001-01-01",
                "created_at_1": "00:00:00",
            },
        )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Review.objects.exists())

    def test_reviews_are_view_only_for_every_role(self):
        claim = make_claim("The dam was finished in 2001")
        review = claim.record_verdict(self.factchecker, Claim.Verdict.ACCURATE, "Seen.", 1)
        superuser = make_user("root", is_staff=True, is_superuser=True)
        change = reverse("admin:claims_review_change", args=[review.pk])
        delete = reverse("admin:claims_review_delete", args=[review.pk])
        for user in (self.factchecker, self.editor, self.admin, superuser):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(change)
                self.assertEqual(response.status_code, 200)
                self.assertFalse(response.context["has_change_permission"])
                self.client.post(change, {"claim": claim.pk, "verdict": "false", "rationale": "x"})
                self.assertEqual(self.client.post(delete, {"post": "yes"}).status_code, 403)
        review.refresh_from_db()
        self.assertEqual((review.verdict, review.rationale), (Claim.Verdict.ACCURATE, "Seen."))


class AttributionAdminTests(BaseTestCase):
    def setUp(self):
        self.claim = make_claim("The port was closed")
        self.source = make_source("Officials said the port was closed on Monday.")
        self.attribution = make_attribution(
            self.claim, self.source, "the port was closed", created_by=self.admin
        )
        self.url = reverse("admin:claims_attribution_change", args=[self.attribution.pk])

    def test_anchor_claim_and_authorship_are_never_editable(self):
        superuser = make_user("root", is_staff=True, is_superuser=True)
        locked = {"created_by", "created_at", "prefix", "suffix", "start", "end", "claim"}
        locked |= {"source", "quote"}
        for user in (self.editor, self.admin, superuser):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(self.url)
                self.assertEqual(response.status_code, 200)
                form = response.context["adminform"].form
                self.assertFalse(locked & set(form.fields), set(form.fields))

    def test_an_editor_cannot_rewrite_authorship_context_or_move_it_to_a_merged_claim(self):
        merged = make_claim("The port closed")
        merge_claims(merged, make_claim("The port shut"), self.editor)
        before = Attribution.objects.get(pk=self.attribution.pk)
        self.client.force_login(self.editor)
        data = form_data(self.client.get(self.url))
        data.update(
            created_by=self.editor.pk,
            created_at_0="2001-01-01",
            created_at_1="00:00:00",
            prefix="forged ",
            suffix=" forged",
            claim=merged.pk,
        )
        self.client.post(self.url, data)
        after = Attribution.objects.get(pk=self.attribution.pk)
        for field in ("created_by_id", "created_at", "prefix", "suffix", "claim_id", "updated_at"):
            self.assertEqual(getattr(after, field), getattr(before, field), field)

    def test_nobody_adds_an_attribution_in_the_admin(self):
        self.client.force_login(self.admin)
        self.assertEqual(self.client.get(reverse("admin:claims_attribution_add")).status_code, 403)

    def test_deleting_in_the_admin_is_the_apps_soft_delete(self):
        self.client.force_login(self.editor)
        url = reverse("admin:claims_attribution_delete", args=[self.attribution.pk])
        response = self.client.post(url, {"post": "yes"}, follow=True)
        self.assertContains(response, "was removed; it stays in the history")
        attribution = Attribution.objects.get(pk=self.attribution.pk)
        self.assertIsNotNone(attribution.deleted_at)
        self.assertEqual(attribution.deleted_by, self.editor)
        self.assertEqual(attribution.history.first().history_change_reason, "Attribution removed")
        entry = LogEntry.objects.get(object_id=str(attribution.pk))
        self.assertEqual(entry.action_flag, CHANGE)
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.status, Claim.Status.UNSUPPORTED)

    def test_the_bulk_delete_action_is_the_apps_soft_delete(self):
        other = make_attribution(self.claim, self.source, "on Monday")
        self.client.force_login(self.editor)
        response = self.client.post(
            reverse("admin:claims_attribution_changelist"),
            {
                "action": "delete_selected",
                "_selected_action": [self.attribution.pk, other.pk],
                "post": "yes",
            },
        )
        self.assertEqual(response.status_code, 302)
        rows = Attribution.objects.filter(pk__in=[self.attribution.pk, other.pk])
        self.assertEqual(rows.count(), 2)
        self.assertFalse(rows.filter(deleted_at__isnull=True).exists())


class AnnotationAdminTests(BaseTestCase):
    SECRET = "Call the minister's aide on 555-0100"

    def setUp(self):
        claim = make_claim("The aide resigned")
        self.note = make_annotation(self.editor, self.SECRET, claim=claim)
        self.note.edit(self.SECRET + " (after six)", 1, self.editor)
        self.note.soft_delete(self.editor)
        self.moderator = make_user("mona", is_staff=True)
        self.moderator.user_permissions.add(
            Permission.objects.get(codename="view_annotation"),
            Permission.objects.get(codename="moderate_annotation"),
        )

    def pages(self):
        history = self.note.history.order_by("history_id").first()
        return [
            reverse("admin:claims_annotation_changelist"),
            reverse("admin:claims_annotation_change", args=[self.note.pk]),
            reverse("admin:claims_annotation_history", args=[self.note.pk]),
            reverse(
                "admin:claims_annotation_simple_history",
                args=[self.note.pk, history.history_id],
            ),
        ]

    def test_a_deleted_notes_text_is_hidden_from_staff_who_do_not_moderate(self):
        for user in (self.factchecker, self.editor):
            for url in self.pages():
                with self.subTest(user=user.username, url=url):
                    self.client.force_login(user)
                    response = self.client.get(url)
                    self.assertEqual(response.status_code, 200)
                    self.assertNotContains(response, "555-0100", status_code=200)

    def test_searching_a_deleted_notes_text_finds_nothing_unless_moderating(self):
        url = reverse("admin:claims_annotation_changelist") + "?q=555-0100"
        for user, found in ((self.factchecker, 0), (self.editor, 0), (self.moderator, 1)):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(url).context["cl"].result_count, found)

    def test_moderators_still_read_it(self):
        self.client.force_login(self.moderator)
        for url in self.pages()[2:]:
            with self.subTest(url=url):
                self.assertContains(self.client.get(url), "555-0100")

    def test_nobody_writes_notes_or_reverts_them_in_the_admin(self):
        history = self.note.history.order_by("history_id").first()
        url = reverse(
            "admin:claims_annotation_simple_history", args=[self.note.pk, history.history_id]
        )
        superuser = make_user("root", is_staff=True, is_superuser=True)
        self.client.force_login(superuser)
        self.client.post(url, {"text": "reverted", "_change_history": "1"})
        self.assertIsNotNone(Annotation.objects.get(pk=self.note.pk).deleted_at)


class HistoryRevertTests(BaseTestCase):
    def test_no_admin_page_reverts_a_claim_to_an_old_version(self):
        claim = make_claim("The tunnel opened", event_start=datetime.date(2024, 5, 1))
        first = claim.history.order_by("history_id").first()
        claim.record_verdict(self.factchecker, Claim.Verdict.ACCURATE, "Seen.", 1)
        url = reverse("admin:claims_claim_simple_history", args=[claim.pk, first.history_id])
        superuser = make_user("root", is_staff=True, is_superuser=True)
        self.client.force_login(superuser)
        self.client.post(
            url,
            {
                "statement": "The tunnel opened",
                "version": "1",
                "event_start": "2024-05-01",
                "_change_history": "1",
            },
        )
        claim.refresh_from_db()
        self.assertEqual(claim.verdict, Claim.Verdict.ACCURATE)
        self.assertEqual(claim.version, 2)
