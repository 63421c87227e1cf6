"""The claims admin: a window on the app's data, never a second way to write it.

Every write here goes through the models' own write functions, as the app's
views do (Claim.edit with the version the form was loaded with,
Attribution.remove for a delete), or the field is read-only: derived fields
(status, grade, explanation, origin data, fingerprint), the verdict and its
reviews (a verdict changes only by recording a review in the app), and an
attribution's anchor, claim, source and authorship. No page reverts an object
to an old version (backoffice.history). tests/backoffice/test_admin_matrix.py
declares, per registered model and role, what the admin lets each role do.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html

from backoffice.history import ViewOnlyHistoryAdmin
from backoffice.writes import WritesThroughActions, written_already
from claims.actions import (
    change_actor,
    remove_attribution,
    remove_attributions,
    set_actor_aliases,
)
from claims.models import (
    CLAIM_EXISTS,
    Actor,
    ActorAlias,
    Annotation,
    Attribution,
    Claim,
    Review,
    Tag,
    VersionConflict,
    statement_fingerprint,
)

# Why a stale admin form is refused (the form error and the message after a lost race).
STALE_CLAIM = (
    "This claim changed since you opened it (someone saved it or recorded a verdict). "
    "Nothing was saved: reload the page to see the current version, then make your "
    "change again."
)


class ViewOnly:
    """An admin (a ModelAdmin or an inline) that shows rows and never adds, changes or
    deletes them, for every role, superusers included."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ViewOnlyInline(ViewOnly):
    """An inline that shows related rows and never adds, changes or deletes them."""

    extra = 0
    can_delete = False
    show_change_link = True


class ActorAliasInline(admin.TabularInline):
    model = ActorAlias
    extra = 1
    fields = ["name"]


@admin.register(Actor)
class ActorAdmin(WritesThroughActions, ViewOnlyHistoryAdmin):
    """Actors and their aliases; a change to an actor's name, kind or role refreshes
    the claims it speaks in (claims.actions.change_actor)."""

    write_change = change_actor
    alias_model = ActorAlias
    write_aliases = set_actor_aliases
    list_display = ["name", "kind", "role", "country"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "aliases__name", "role"]
    inlines = [ActorAliasInline]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    """Tags are added and renamed here; none is deleted, since that would take it off
    its claims without a change in their history (a tag leaves a claim by editing
    the claim, Claim.edit)."""

    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def has_delete_permission(self, request, obj=None):
        return False


class ClaimAttributionInline(ViewOnlyInline, admin.TabularInline):
    """A claim's evidence, read-only: attributions are written and removed in the app."""

    model = Attribution
    fk_name = "claim"
    fields = ["source", "quote", "speaker", "kind", "stance", "relayed_via", "deleted_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source", "speaker", "relayed_via")


class ReviewInline(ViewOnlyInline, admin.TabularInline):
    """A claim's reviews: history, shown and never written here."""

    model = Review
    fields = ["verdict", "rationale", "reviewer", "created_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reviewer")


class ClaimAddForm(forms.ModelForm):
    """A new claim's own words: statement, event dates, tags."""

    class Meta:
        model = Claim
        fields = ["statement", "event_start", "event_end", "tags"]

    def clean(self):
        cleaned = super().clean()
        if "statement" in cleaned:
            fingerprint = statement_fingerprint(
                cleaned["statement"], cleaned.get("event_start"), cleaned.get("event_end")
            )
            if Claim.objects.filter(fingerprint=fingerprint).exclude(pk=self.instance.pk).exists():
                raise ValidationError(CLAIM_EXISTS)
        return cleaned


class ClaimChangeForm(ClaimAddForm):
    """A claim's own words and the version they were read at (refused once it is stale)."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seen_version"].initial = self.instance.version

    def clean(self):
        current = Claim.objects.filter(pk=self.instance.pk).values_list("version", flat=True)
        seen = self.cleaned_data.get("seen_version")
        if seen is None or seen not in current:
            raise ValidationError(STALE_CLAIM)
        return super().clean()


# Every field of a claim the admin shows but never writes.
CLAIM_READ_ONLY = [
    "status",
    "grade",
    "explanation",
    "origin_count",
    "origin_groups",
    "outlet_kinds",
    "verdict",
    "version",
    "fingerprint",
    "merged_into",
    "merged_at",
    "created_by",
    "created_at",
    "updated_at",
]


@admin.register(Claim)
class ClaimAdmin(ViewOnlyHistoryAdmin):
    """Claims: the statement, event dates and tags are written through the app's functions.

    Adding a claim is Claim.create_new, as on the app's "Write a claim" page. Changing one
    calls Claim.edit with the version the form was loaded with, so a form opened
    before someone else's save (or a verdict) is refused rather than saved over.
    Everything else is read-only for every role, superusers included: the
    provenance engine derives status, grade, explanation and origins, and a
    verdict changes only by recording a review in the app. A merged claim (a
    tombstone) is view-only, and no claim is deleted here: its reviews are history.
    """

    form = ClaimChangeForm
    list_display = ["__str__", "status", "grade", "verdict", "event_start", "created_at"]
    list_filter = ["status", "grade", "verdict", "tags"]
    search_fields = ["statement", "attributions__quote"]
    readonly_fields = CLAIM_READ_ONLY
    filter_horizontal = ["tags"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["statement", ("event_start", "event_end"), "tags", "seen_version"]}),
        ("Support", {"fields": ["status", "grade", "origin_count", "explanation"]}),
        ("Origins", {"classes": ["collapse"], "fields": ["origin_groups", "outlet_kinds"]}),
        ("Review", {"fields": ["verdict", "version", "created_by"]}),
        (
            "Record",
            {
                "classes": ["collapse"],
                "fields": [
                    "fingerprint",
                    "merged_into",
                    "merged_at",
                    "created_at",
                    "updated_at",
                ],
            },
        ),
    ]
    inlines = [ClaimAttributionInline, ReviewInline]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["statement", ("event_start", "event_end"), "tags"]})]
        return self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ClaimAddForm
        return super().get_form(request, obj, change, **kwargs)

    def get_inlines(self, request, obj):
        return [] if obj is None else self.inlines

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.merged_into_id:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except VersionConflict:
            # Lost the race between the form's check and Claim.edit's conditional UPDATE.
            messages.error(request, STALE_CLAIM)
        except ValidationError as error:
            # A simultaneous write stored the same claim first (Claim.create_new, Claim.edit).
            messages.error(request, " ".join(error.messages))
        return redirect(request.path)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        words = {
            "statement": data["statement"],
            "event_start": data.get("event_start"),
            "event_end": data.get("event_end"),
            "tags": list(data.get("tags") or []),
        }
        if not change:
            claim = Claim.create_new(request.user, reason="Claim written in the admin", **words)
            obj.pk = claim.pk
            obj.refresh_from_db()
            obj._state.adding = False
        elif form.has_changed():
            obj.edit(request.user, data["seen_version"], **words)

    def save_related(self, request, form, formsets, change):
        # The tags were saved by Claim.create_new or Claim.edit; inlines are view-only.
        for formset in formsets:
            written_already(formset)


# Every field of an attribution, shown and never written in the admin: the anchor
# (quote, span, context), what it links (claim, source) and who made it when.
ATTRIBUTION_FIELDS = [
    "claim",
    "source",
    "quote",
    "start",
    "end",
    "prefix",
    "suffix",
    "speaker",
    "kind",
    "stance",
    "relayed_via",
    "published_on",
    "created_by",
    "created_at",
    "updated_at",
    "deleted_at",
    "deleted_by",
    "orphaned_at",
    "orphan_reason",
]


@admin.register(Attribution)
class AttributionAdmin(ViewOnlyHistoryAdmin):
    """Attributions, read-only; deleting one is the app's soft delete (Attribution.remove).

    They are written and edited in the app (the reader's "Attribute" form and the
    attribution's edit page, with its stale-edit check and re-anchoring), which
    the change page links to. Nobody adds one here, and a delete, single or the
    bulk action, removes it as the app does: the row and its history stay and
    the claim's status follows.
    """

    list_display = ["claim", "source", "speaker", "kind", "stance", "relayed_via", "deleted_at"]
    list_filter = [
        "kind",
        "stance",
        "speaker__kind",
        # Removed (soft-deleted) and orphaned attributions: "Empty" means live.
        ("deleted_at", admin.EmptyFieldListFilter),
        ("orphaned_at", admin.EmptyFieldListFilter),
    ]
    list_select_related = ["claim", "source", "speaker", "relayed_via"]
    search_fields = ["quote", "claim__statement", "speaker__name"]
    fields = ["edit_in_app", *ATTRIBUTION_FIELDS]
    readonly_fields = fields

    @admin.display(description="Edit")
    def edit_in_app(self, obj):
        if obj.deleted_at:
            return "Removed: kept in the history."
        url = reverse("attribution-edit", args=[obj.pk])
        return format_html('<a href="{}">Edit this attribution in the app</a>', url)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.deleted_at is not None:
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        """A removal deletes nothing: the confirmation lists the attributions only."""
        objs = list(objs)
        perms_needed = set()
        if not self.has_delete_permission(request):
            perms_needed.add(self.opts.verbose_name)
        return (
            [str(obj) for obj in objs],
            {self.opts.verbose_name_plural: len(objs)},
            perms_needed,
            [],
        )

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            func, name, _description = actions["delete_selected"]
            actions[name] = (func, name, "Remove selected attributions (kept in the history)")
        return actions

    def response_delete(self, request, obj_display, obj_id):
        self.message_user(
            request, f"“{obj_display}” was removed; it stays in the history.", messages.SUCCESS
        )
        return redirect("admin:claims_attribution_changelist")

    def log_deletions(self, request, queryset):
        """The admin's log records a removal as a change: the row stays."""
        return LogEntry.objects.log_actions(
            user_id=request.user.pk,
            queryset=[attribution for attribution in queryset if attribution.deleted_at is None],
            action_flag=CHANGE,
            change_message="Removed (a soft delete, kept in the history).",
        )

    def delete_model(self, request, obj):
        if obj.deleted_at is None:
            remove_attribution(obj, request.user)

    def delete_queryset(self, request, queryset):
        remove_attributions(queryset, request.user)


@admin.register(Review)
class ReviewAdmin(ViewOnly, admin.ModelAdmin):
    """Reviews are history: shown, never added, edited or deleted in the admin.

    A verdict is recorded in the app (Claim.record_verdict), which writes the
    review and bumps the claim's version in one transaction.
    """

    list_display = ["claim", "verdict", "reviewer", "created_at"]
    list_filter = ["verdict"]
    list_select_related = ["claim", "reviewer"]
    search_fields = ["claim__statement", "rationale"]
    fields = ["claim", "verdict", "rationale", "reviewer", "created_at"]
    readonly_fields = fields


# What a deleted note shows in place of its text, as in the app.
DELETED_TEXT = "[deleted]"
# The fields of a note that quote it or its passage, hidden once it is deleted.
ANNOTATION_HIDDEN = ["text", "exact", "prefix", "suffix"]


def _hidden(description):
    """A read-only admin field that shows DELETED_TEXT in place of a hidden one."""

    @admin.display(description=description)
    def hidden(admin_view, obj):
        return DELETED_TEXT

    return hidden


def sees_deleted_notes(user):
    """Whether `user` reads the text of deleted notes (moderators do; the app hides it)."""
    return user.has_perm("claims.moderate_annotation")


@admin.register(Annotation)
class AnnotationAdmin(ViewOnly, ViewOnlyHistoryAdmin):
    """Read-only: notes are written, edited (by their author) and moderated in the app,
    where only the author edits and deleting is a soft delete kept in the history.

    A deleted note's text (and its quoted passage) is hidden here as in the app,
    on the list, the change page and every history page, from every staff role
    but moderators (claims.moderate_annotation); searching does not find it either.
    """

    list_display = ["__str__", "target_kind", "author", "created_at", "deleted_at", "orphaned_at"]
    list_filter = ["deleted_at", "orphaned_at"]
    search_fields = ["text", "exact", "author__username"]
    list_select_related = ["author"]

    def get_fields(self, request, obj=None):
        names = [f.name for f in Annotation._meta.fields]
        if obj is not None and self.hides_text(request, obj.pk):
            names = [f"hidden_{name}" if name in ANNOTATION_HIDDEN else name for name in names]
        return names

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    hidden_text = _hidden("Text")
    hidden_exact = _hidden("Exact")
    hidden_prefix = _hidden("Prefix")
    hidden_suffix = _hidden("Suffix")

    def hides_text(self, request, note_id):
        """Whether `request`'s user must not read note `note_id`'s text: the note as
        stored now (whichever old version a page shows) is deleted, and the user is
        no moderator."""
        if sees_deleted_notes(request.user):
            return False
        return Annotation.objects.filter(pk=note_id, deleted_at__isnull=False).exists()

    def get_search_results(self, request, queryset, search_term):
        if sees_deleted_notes(request.user) or not search_term:
            return super().get_search_results(request, queryset, search_term)
        live, duplicates = super().get_search_results(
            request, queryset.filter(deleted_at__isnull=True), search_term
        )
        deleted = queryset.filter(deleted_at__isnull=False, author__username__icontains=search_term)
        return live | deleted, duplicates

    def history_form_view_title(self, request, obj):
        if self.hides_text(request, obj.pk):
            return f"View {'reply' if obj.parent_id else 'note'} #{obj.pk}: {DELETED_TEXT}"
        return super().history_form_view_title(request, obj)

    def render_history_view(self, request, template, context, **kwargs):
        # An old version's page (history_form_view) shows `original`, an instance
        # built from the historical record, in its breadcrumbs and fields.
        original = context.get("original")
        if original is not None and self.hides_text(request, original.pk):
            for name in ANNOTATION_HIDDEN:
                setattr(original, name, DELETED_TEXT)
        return super().render_history_view(request, template, context, **kwargs)

    def set_history_delta_changes(self, request, historical_records, **kwargs):
        records = list(historical_records)
        if records and self.hides_text(request, records[0].id):
            for record in records:
                for name in ANNOTATION_HIDDEN:
                    setattr(record, name, DELETED_TEXT)
        super().set_history_delta_changes(request, historical_records, **kwargs)
