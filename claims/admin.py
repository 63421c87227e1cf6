from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from claims.models import Actor, ActorAlias, Annotation, Attribution, Claim, Review, Tag


class ActorAliasInline(admin.TabularInline):
    model = ActorAlias
    extra = 1
    fields = ["name"]


@admin.register(Actor)
class ActorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "role", "country"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "aliases__name", "role"]
    inlines = [ActorAliasInline]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class ClaimAttributionInline(admin.StackedInline):
    model = Attribution
    fk_name = "claim"
    extra = 0
    fields = [
        "source",
        "quote",
        ("start", "end"),
        ("speaker", "kind", "stance", "relayed_via"),
    ]
    autocomplete_fields = ["source", "speaker", "relayed_via"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source", "speaker", "relayed_via")


class ReviewInline(admin.TabularInline):
    model = Review
    extra = 0
    fields = ["verdict", "rationale", "reviewer", "created_at"]
    readonly_fields = ["reviewer", "created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reviewer")


@admin.register(Claim)
class ClaimAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "status", "grade", "verdict", "event_start", "created_at"]
    list_filter = ["status", "grade", "verdict", "tags"]
    search_fields = ["statement", "attributions__quote"]
    # The status, grade and explanation are derived by the provenance engine.
    readonly_fields = ["status", "grade", "explanation", "origin_count", "version", "created_by"]
    filter_horizontal = ["tags"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["statement", ("event_start", "event_end"), "tags"]}),
        ("Support", {"fields": ["status", "grade", "origin_count", "explanation"]}),
        ("Review", {"fields": ["verdict", "version", "created_by"]}),
    ]
    inlines = [ClaimAttributionInline, ReviewInline]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, Attribution) and not instance.created_by_id:
                instance.created_by = request.user
            if isinstance(instance, Review) and not instance.reviewer_id:
                instance.reviewer = request.user
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


@admin.register(Attribution)
class AttributionAdmin(SimpleHistoryAdmin):
    list_display = ["claim", "source", "speaker", "kind", "stance", "relayed_via"]
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
    autocomplete_fields = ["claim", "source", "speaker", "relayed_via"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["claim", "verdict", "reviewer", "created_at"]
    list_filter = ["verdict"]
    list_select_related = ["claim", "reviewer"]
    search_fields = ["claim__statement", "rationale"]
    autocomplete_fields = ["claim"]
    readonly_fields = ["reviewer"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.reviewer = request.user
        super().save_model(request, obj, form, change)


@admin.register(Annotation)
class AnnotationAdmin(SimpleHistoryAdmin):
    """Read-only: notes are written, edited (by their author) and moderated in the app,
    where only the author edits and deleting is a soft delete kept in the history."""

    list_display = ["__str__", "target_kind", "author", "created_at", "deleted_at", "orphaned_at"]
    list_filter = ["deleted_at", "orphaned_at"]
    search_fields = ["text", "exact", "author__username"]
    list_select_related = ["author"]
    readonly_fields = [f.name for f in Annotation._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
