from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path

from backoffice.claims import ViewOnlyInline
from backoffice.writes import WritesThroughActions, kept_rows, written_already
from claims.actions import (
    change_outlet,
    change_owner_group,
    change_source,
    delete_owner_group,
    set_outlet_aliases,
    set_relays,
)
from claims.models import Attribution
from intake.actions import import_articles
from intake.forms import EncodingChoiceForm, ImportUploadForm, PreviewFormSet
from intake.importer.articles import FileStatus
from intake.stash import ImportStash
from lib.paths import without_folders
from lib.text import content_hash
from sources.models import ImportBatch, Outlet, OutletAlias, OwnerGroup, Source, SourceRelay


@admin.register(OwnerGroup)
class OwnerGroupAdmin(WritesThroughActions, admin.ModelAdmin):
    """Owner groups; renaming or deleting one refreshes its outlets' claims."""

    write_change = change_owner_group
    list_display = ["name", "outlet_count"]
    search_fields = ["name"]

    def delete_model(self, request, obj):
        delete_owner_group(obj)

    def delete_queryset(self, request, queryset):
        for group in queryset.order_by("pk"):
            delete_owner_group(group)

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
class OutletAdmin(WritesThroughActions, admin.ModelAdmin):
    """Outlets; a change the engine reads (name, owner group, reliability, kind)
    refreshes the claims the outlet carries or relays."""

    write_change = change_outlet
    alias_model = OutletAlias
    write_aliases = set_outlet_aliases
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


class SourceAttributionInline(ViewOnlyInline, admin.TabularInline):
    """The attributions citing a source, read-only: they are written in the app."""

    model = Attribution
    fk_name = "source"
    fields = ["claim", "quote", "start", "end", "speaker", "kind", "stance", "relayed_via"]
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("claim", "speaker", "relayed_via", "source")
        )


# The import record of a source, read-only (SourceAdmin's "As imported" section).
IMPORT_FIELDS = [
    "missing_metadata",
    "import_notes",
    "proposed_relays",
    "import_format",
    "encoding",
    "import_label",
    "raw_html_size",
    "original_text",
]


@admin.register(Source)
class SourceAdmin(WritesThroughActions, admin.ModelAdmin):
    """Sources' metadata and relays, through change_source and set_relays."""

    write_change = change_source
    list_display = ["__str__", "outlet", "byline", "published_display", "language", "imported_at"]
    list_filter = ["needs_metadata", "outlet__kind", "language", "import_format", "imported_at"]
    list_select_related = ["outlet"]
    search_fields = ["title", "byline", "url", "outlet__name"]
    autocomplete_fields = ["outlet"]
    date_hierarchy = "imported_at"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    # The body is evidence: attribution offsets point into it, so it is shown
    # but not edited here: admins correct it from the source reader ("Correct the text",
    # web.source_views.source_correct), which re-anchors every attribution on it.
    readonly_fields = [
        "body",
        "content_hash",
        "imported_by",
        "imported_at",
        "batch",
        *IMPORT_FIELDS,
    ]
    fieldsets = [
        (None, {"fields": ["title", "outlet", "url", "byline", "published_on", "language"]}),
        ("Text", {"fields": ["body"]}),
        ("Import", {"fields": ["content_hash", "imported_by", "imported_at", "batch"]}),
        # What the importer found and kept. The raw HTML is evidence and is
        # never rendered: only its size is shown.
        ("As imported", {"classes": ["collapse"], "fields": IMPORT_FIELDS}),
    ]
    inlines = [SourceRelayInline, SourceAttributionInline]

    @admin.display(description="Published", ordering="published_on")
    def published_display(self, obj):
        return obj.published_display

    @admin.display(description="Raw HTML")
    def raw_html_size(self, obj):
        return f"{len(obj.raw_html):,} characters, kept as evidence" if obj.raw_html else "none"

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            # Adding by hand: the body may be typed in once.
            return ["content_hash", "imported_by", "imported_at", "batch", *IMPORT_FIELDS]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.imported_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        """The relays inline: the relays kept, changed and added become the source's
        relays in one write (set_relays)."""
        if formset.model is not SourceRelay:
            super().save_formset(request, form, formset, change)
            return
        relays = {}
        for data in kept_rows(formset):
            if data.get("outlet"):
                relays[data["outlet"].pk] = (data["outlet"], data.get("cue") or "")
        set_relays(form.instance, list(relays.values()))
        written_already(formset)


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """Import batches (who, when, files, counts, per-file errors) and the upload.

    Uploading (sources.import_sources): files → a preview of every article
    (detected metadata, duplicates, relays, suggestions; fields correctable)
    → confirm → an import batch. See ImportStash for where files wait between
    the preview and the confirmation.
    """

    list_display = [
        "__str__",
        "created_by",
        "via",
        "file_count",
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
        "file_list",
        "imported_count",
        "duplicate_count",
        "failed_count",
        "error_list",
        "imported_sources",
    ]
    exclude = ["files", "errors"]
    change_list_template = "admin/sources/importbatch/change_list.html"

    def has_add_permission(self, request):
        return False

    @admin.display(description="Files")
    def file_count(self, obj):
        return len(obj.files)

    # Files and errors name files without the server's folders (as the API does).
    @admin.display(description="Files")
    def file_list(self, obj):
        return self.without_folders_listed(obj, "files", "file_list.html")

    @admin.display(description="Errors")
    def error_list(self, obj):
        return self.without_folders_listed(obj, "errors", "error_list.html")

    @staticmethod
    def without_folders_listed(obj, name, template):
        """The batch's `name` ("files" or "errors") rendered by `template`, or "none"."""
        if not getattr(obj, name):
            return "none"
        files, errors = without_folders(obj.files, obj.errors)
        listed = {"files": files, "errors": errors}[name]
        return render_to_string(f"{FIELD_TEMPLATES}/{template}", {name: listed})

    @admin.display(description="Sources imported")
    def imported_sources(self, obj):
        sources = list(obj.sources.order_by("pk").only("pk", "title")[:IMPORTED_LIST_LIMIT])
        if not sources:
            return "none"
        return render_to_string(
            f"{FIELD_TEMPLATES}/imported_sources.html",
            {"sources": sources, "more": obj.imported_count - len(sources)},
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_import": request.user.has_perm("sources.import_sources"),
        }
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("upload/", view(self.upload_view), name="sources_importbatch_upload"),
            path(
                "upload/<str:token>/",
                view(self.preview_view),
                name="sources_importbatch_preview",
            ),
            path(
                "upload/<str:token>/encoding/",
                view(self.encoding_view),
                name="sources_importbatch_encoding",
            ),
            path(
                "upload/<str:token>/cancel/",
                view(self.cancel_view),
                name="sources_importbatch_cancel",
            ),
            *super().get_urls(),
        ]

    # ----- upload, preview, confirm -----

    def _context(self, request, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            **extra,
        }

    def _require_import(self, request):
        if not request.user.has_perm("sources.import_sources"):
            raise PermissionDenied

    def upload_view(self, request):
        """GET: the upload form. POST: stash the files, then redirect to their preview."""
        self._require_import(request)
        if request.method == "POST":
            form = ImportUploadForm(request.POST, request.FILES)
            if form.is_valid():
                stash = ImportStash.create(
                    request,
                    form.cleaned_data["files"],
                    form.cleaned_data["format"],
                    form.cleaned_data["outlet"],
                )
                return redirect("admin:sources_importbatch_preview", token=stash.token)
        else:
            form = ImportUploadForm()
        return render(
            request,
            "admin/sources/importbatch/upload.html",
            self._context(request, "Upload articles", form=form),
        )

    def preview_view(self, request, token):
        """GET: every article as detected, fields correctable. POST: import them."""
        self._require_import(request)
        stash = ImportStash.load(request, token)
        if stash is None:
            messages.error(
                request,
                "This upload has expired, was already imported, or belongs to another "
                "session. Upload the files again.",
            )
            return redirect("admin:sources_importbatch_upload")
        items = stash.parse()
        if request.method == "POST":
            formset = PreviewFormSet(request.POST)
            if formset.is_valid():
                corrections = _corrections(formset, items)
                if corrections is None:
                    messages.error(request, "The upload changed since its preview; check again.")
                    return redirect("admin:sources_importbatch_preview", token=token)
                result = import_articles(
                    items,
                    files=stash.names,
                    user=request.user,
                    via=ImportBatch.Via.ADMIN,
                    outlet=stash.outlet,
                    corrections=corrections,
                )
                stash.delete()
                return self._done(request, result)
        else:
            formset = None
        preview = import_articles(items, files=stash.names, outlet=stash.outlet, dry_run=True)
        rows = _preview_rows(items, preview.outcomes, formset)
        return render(
            request,
            "admin/sources/importbatch/preview.html",
            self._context(
                request,
                "Preview the import",
                stash=stash,
                rows=rows,
                formset=rows.formset,
                counts={
                    "articles": len(preview.imported),
                    "duplicates": len(preview.duplicates),
                    "failed": len(preview.failed),
                },
            ),
        )

    def _done(self, request, result):
        counts = (
            f"{len(result.imported)} imported, {len(result.duplicates)} duplicate, "
            f"{len(result.failed)} failed"
        )
        if result.batch is None:
            messages.warning(request, f"Nothing new was imported: {counts}.")
            return redirect("admin:sources_importbatch_changelist")
        level = messages.WARNING if result.failed else messages.SUCCESS
        messages.add_message(request, level, f"Import batch #{result.batch.pk}: {counts}.")
        return redirect("admin:sources_importbatch_change", result.batch.pk)

    def encoding_view(self, request, token):
        """POST: read one file of an upload again with the encoding the admin chose."""
        self._require_import(request)
        stash = ImportStash.load(request, token)
        if stash is None:
            return redirect("admin:sources_importbatch_upload")
        form = EncodingChoiceForm(request.POST or None)
        if request.method == "POST":
            if form.is_valid() and stash.set_encoding(**form.cleaned_data):
                messages.info(request, f"{form.cleaned_data['file']}: read again as chosen.")
            else:
                messages.error(request, " ".join(form.errors.get("encoding", ["No such file."])))
        return redirect("admin:sources_importbatch_preview", token=token)

    def cancel_view(self, request, token):
        """POST: forget an upload without importing it."""
        self._require_import(request)
        if request.method != "POST":
            return redirect("admin:sources_importbatch_preview", token=token)
        stash = ImportStash.load(request, token)
        if stash is not None:
            stash.delete()
        messages.info(request, "The upload was cancelled; nothing was imported.")
        return redirect("admin:sources_importbatch_changelist")


# Sources listed on an import batch's page.
IMPORTED_LIST_LIMIT = 200
# The templates of the import batch page's read-only fields.
FIELD_TEMPLATES = "admin/sources/importbatch/fields"


class _Rows(list):
    formset = None


def _preview_rows(items, outcomes, formset=None):
    """(item, outcome, form) per item of an upload; a form for each article."""
    by_label = {outcome.path: outcome for outcome in outcomes}
    initial = []
    for item in items:
        if item.article is None:
            continue
        outcome = by_label.get(item.label)
        article = item.article
        initial.append(
            {
                "label": item.label,
                "fingerprint": content_hash(article.body),
                "title": article.title,
                "byline": article.byline,
                "published_on": article.published_on,
                "url": article.url,
                "language": article.language,
                "outlet": outcome.outlet_name if outcome else "",
                "skip": bool(outcome and outcome.status == FileStatus.DUPLICATE),
            }
        )
    if formset is None:
        formset = PreviewFormSet(initial=initial)
    forms = iter(formset.forms)
    rows = _Rows()
    for item in items:
        outcome = by_label.get(item.label)
        rows.append((item, outcome, next(forms, None) if item.article is not None else None))
    rows.formset = formset
    return rows


def _corrections(formset, items):
    """{label: correction} from a valid preview formset, or None if the upload changed."""
    articles = {item.label: item.article for item in items if item.article is not None}
    corrections = {}
    for form in formset.forms:
        label = form.cleaned_data.get("label")
        article = articles.get(label)
        if article is None or content_hash(article.body) != form.cleaned_data.get("fingerprint"):
            return None
        corrections[label] = form.correction()
    if set(corrections) != set(articles):
        return None
    return corrections
