"""Users, groups and API tokens in the admin: nobody grants rights they do not hold.

Registered in place of django.contrib.auth's and rest_framework.authtoken's
admins; imported by backoffice/claims.py, whose app (like sources, which imports it)
comes after both in INSTALLED_APPS, so their admins are registered first.

- Only a superuser grants superuser or staff status, groups (the roles) or
  permissions, to a user or to a group: for everyone else those fields are
  read-only. A superuser holds every right, so no one grants a right they lack.
- A non-superuser edits no superuser (view only) and changes no password but
  their own.
- A token's value is shown once, in the message after it is created, and never
  again: lists, pages and the admin's log show its first characters only. A
  non-superuser creates a token for themselves only.
"""

from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

# The fields of a user that grant rights.
USER_RIGHTS = ["is_superuser", "is_staff", "groups", "user_permissions"]
# How much of a token's value the admin shows after it was created.
TOKEN_SHOWN = 4

admin.site.unregister(User)
admin.site.unregister(Group)
admin.site.unregister(TokenProxy)


@admin.register(User)
class RightsGuardedUserAdmin(UserAdmin):
    def get_readonly_fields(self, request, obj=None):
        readonly = [*super().get_readonly_fields(request, obj), "last_login", "date_joined"]
        if not request.user.is_superuser:
            readonly += USER_RIGHTS
        return readonly

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        user = self.get_object(request, unquote(id))
        if user is not None and not request.user.is_superuser and user.pk != request.user.pk:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)


@admin.register(Group)
class RightsGuardedGroupAdmin(GroupAdmin):
    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly.append("permissions")
        return readonly


class MaskedToken:
    """What the admin's templates show for a token: its user's id and a prefix of its value."""

    def __init__(self, token):
        self.pk = token.user_id
        self.text = token_prefix(token)

    def __str__(self):
        return self.text


def token_prefix(token):
    return f"{token.key[:TOKEN_SHOWN]}… ({token.user})"


@admin.register(TokenProxy)
class SecretTokenAdmin(TokenAdmin):
    list_display = ("shown_key", "user", "created")

    @admin.display(description="Key")
    def shown_key(self, obj):
        return f"{obj.key[:TOKEN_SHOWN]}…"

    def get_fields(self, request, obj=None):
        return ["user"] if obj is None else ["user", "shown_key", "created"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["user", "shown_key", "created"]

    def has_change_permission(self, request, obj=None):
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user" and not request.user.is_superuser:
            kwargs["queryset"] = User.objects.filter(pk=request.user.pk)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser and obj.user_id != request.user.pk:
            raise PermissionDenied
        super().save_model(request, obj, form, change)
        messages.warning(
            request,
            f"The API token of {obj.user} is {obj.key}. Copy it now: it is not shown again.",
        )

    def response_add(self, request, obj, post_url_continue=None):
        # The stock message would repeat the token's value (its str()).
        return self.response_post_save_add(request, obj)

    def _masked(self, request, obj, extra_context):
        masked = MaskedToken(obj)
        return {**(extra_context or {}), "original": masked, "object": masked, "subtitle": masked}

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            extra_context = self._masked(request, obj, extra_context)
            extra_context["title"] = f"View token {MaskedToken(obj)}"
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            extra_context = self._masked(request, obj, extra_context)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            extra_context = self._masked(request, obj, extra_context)
            extra_context["title"] = f"Change history: {MaskedToken(obj)}"
        return super().history_view(request, object_id, extra_context)

    def response_delete(self, request, obj_display, obj_id):
        # obj_display is the deleted token's str(), its value.
        return super().response_delete(request, f"{obj_display[:TOKEN_SHOWN]}…", obj_id)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        return [token_prefix(obj) for obj in objs], counts, perms_needed, protected

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self._mask_log([obj])
        return entry

    def log_deletions(self, request, queryset):
        tokens = list(queryset)
        entries = super().log_deletions(request, tokens)
        self._mask_log(tokens)
        return entries

    @staticmethod
    def _mask_log(tokens):
        """The admin's log names a token by its user's id and its prefix, never its value."""
        for token in tokens:
            LogEntry.objects.filter(object_id=token.pk, content_type__model="tokenproxy").update(
                object_id=str(token.user_id), object_repr=token_prefix(token)
            )
