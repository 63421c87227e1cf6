from django.contrib import admin
from django.db import models
from django.db.models import Count

from claims.models import Attribution
from sources.models import ImportBatch, Outlet, OutletAlias, OwnerGroup, Source, SourceRelay


@admin.register(OwnerGroup)
class OwnerGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "outlet_count"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(outlet_count=Count("outlets"))

    @admin.display(ordering="outlet_count", description="Outlets")
    def outlet_count(self, obj):
        return obj.outlet_count


class OutletAliasInline(admin.TabularInline):
    model = OutletAlias
    extra = 1
    fields = ["name"]


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "kind",
        "country",
        "state_affiliated",
        "owner_group",
        "reliability",
        "domain",
    ]
    list_filter = ["kind", "reliability", "state_affiliated", "country"]
    list_select_related = ["owner_group"]
    search_fields = ["name", "aliases__name", "domain"]
    autocomplete_fields = ["owner_group"]
    inlines = [OutletAliasInline]


class SourceRelayInline(admin.TabularInline):
    model = SourceRelay
    extra = 0
    autocomplete_fields = ["outlet"]


class SourceAttributionInline(admin.TabularInline):
    model = Attribution
    fk_name = "source"
    extra = 0
    fields = ["claim", "quote", "start", "end", "speaker", "kind", "stance", "relayed_via"]
    autocomplete_fields = ["claim", "speaker", "relayed_via"]
    show_change_link = True

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("claim", "speaker", "relayed_via", "source")
        )


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "outlet", "byline", "published_display", "language", "imported_at"]
    list_filter = ["outlet__kind", "language", "imported_at"]
    list_select_related = ["outlet"]
    search_fields = ["title", "byline", "url", "outlet__name"]
    autocomplete_fields = ["outlet"]
    date_hierarchy = "imported_at"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    # The body is evidence: attribution offsets point into it, so it is shown
    # but not edited here (corrections with re-anchoring come with the editor tools).
    readonly_fields = ["body", "content_hash", "imported_by", "imported_at", "batch"]
    fieldsets = [
        (None, {"fields": ["title", "outlet", "url", "byline", "published_on", "language"]}),
        ("Text", {"fields": ["body"]}),
        ("Import", {"fields": ["content_hash", "imported_by", "imported_at", "batch"]}),
    ]
    inlines = [SourceRelayInline, SourceAttributionInline]

    @admin.display(description="Published", ordering="published_on")
    def published_display(self, obj):
        return obj.published_display

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            # Adding by hand: the body may be typed in once.
            return ["content_hash", "imported_by", "imported_at", "batch"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.imported_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "created_by",
        "via",
        "imported_count",
        "duplicate_count",
        "failed_count",
    ]
    list_filter = ["via", "created_at"]
    list_select_related = ["created_by"]
    readonly_fields = [
        "created_by",
        "created_at",
        "via",
        "files",
        "imported_count",
        "duplicate_count",
        "failed_count",
        "errors",
    ]

    def has_add_permission(self, request):
        return False
