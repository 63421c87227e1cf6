"""The admin's history pages: read, never written from.

django-simple-history's admin can revert an object to an old version (a POST
to its "history/<version>/" page saves the old field values). In this app
every write goes through the models' own write functions (Claim.edit,
Claim.record_verdict, Attribution.remove …), so a revert would be a second,
unguarded write path: every history page here is view-only.
"""

from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin


class ViewOnlyHistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin with reverting disabled and a CSP-clean history list."""

    # The stock list has a style="" attribute, which the Content-Security-Policy blocks.
    object_history_list_template = "admin/simple_history/object_history_list.html"

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """An old version, shown read-only; a POST (a revert) is refused."""
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
