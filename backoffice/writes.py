"""Admin pages that write through the app's write functions."""

from claims.actions import delete_unused


def changed_values(form):
    """{field name: new value} of the model fields a valid admin form changed, read from
    form.instance (the admin has set them on it)."""
    names = {field.name for field in form.instance._meta.concrete_fields}
    return {name: getattr(form.instance, name) for name in form.changed_data if name in names}


def kept_rows(formset):
    """The cleaned data of a valid inline formset's rows that are filled in and not
    marked for deletion: what the related rows must be after the save."""
    for inline in formset.forms:
        data = getattr(inline, "cleaned_data", None) or {}
        if data and not data.get("DELETE"):
            yield data


def written_already(formset):
    """Tell the admin's change message that the formset's rows were written by a write
    function (it reads these lists after the save)."""
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


class WritesThroughActions:
    """A ModelAdmin whose changes to an existing row go through a write function of
    claims.actions (`write_change`: change_outlet, change_source …), so that the claims
    whose status depends on the row are refreshed; a new row is a plain insert
    (nothing derived depends on it yet), and so is deleting one (delete_unused:
    rows still referred to are protected). An aliases inline (`alias_model`) is
    written by `write_aliases` (set_actor_aliases, set_outlet_aliases)."""

    write_change = None
    alias_model = None
    write_aliases = None

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        changes = changed_values(form)
        if changes:
            current = self.model.objects.get(pk=obj.pk)
            current._history_user = request.user
            type(self).write_change(current, **changes)

    def save_formset(self, request, form, formset, change):
        if self.alias_model is None or formset.model is not self.alias_model:
            super().save_formset(request, form, formset, change)
            return
        names = [data["name"] for data in kept_rows(formset) if data.get("name")]
        type(self).write_aliases(form.instance, names)
        written_already(formset)

    def delete_model(self, request, obj):
        delete_unused(obj, request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset.order_by("pk"):
            delete_unused(obj, request.user)
