"""What every endpoint of the REST API (/api/, provenance/api_urls.py) shares.

- RolePermissions: the UI's roles, exactly. Each request needs the model
  permission its method implies (reads need view_*, as in the UI), or the
  permissions an action names in `required_perms` (a verdict needs
  claims.record_verdict). Signed-out requests get 401, users whose role
  lacks the right 403.
- Pagination: cursor pagination on the large collections (claims, sources,
  attributions, annotations), so a page costs the same wherever it is; page
  numbers on the small ones (outlets, actors, import batches).
- exception_handler: the model layer's errors get the status a script can act
  on: ValidationError (and QuoteNotFound) 400 with the same message the UI
  shows, a stale version 409, deleting something still referred to 409.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, RestrictedError
from rest_framework import exceptions, permissions
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.renderers import JSONRenderer

from sources.models import QuoteNotFound


class Conflict(exceptions.APIException):
    """Someone saved the object since the version the request was based on."""

    status_code = 409
    default_detail = "The object changed since the version you sent; read it again."
    default_code = "conflict"


class RolePermissions(permissions.DjangoModelPermissions):
    """Django model permissions, with view permissions for reads (as the UI's roles).

    An action with `required_perms` (set through @action(required_perms=...))
    needs exactly those instead, whatever its method.
    """

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }

    def has_permission(self, request, view):
        required = getattr(view, "required_perms", None)
        if required:
            user = request.user
            return bool(user and user.is_authenticated and user.has_perms(required))
        return super().has_permission(request, view)


def error_messages(error):
    """A Django ValidationError as DRF error data: {field: [messages]} or [messages]."""
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): messages
            for field, messages in error.message_dict.items()
        }
    return {"non_field_errors": error.messages}


def exception_handler(exc, context):
    # Imported here: DRF's settings import this module while rest_framework.views loads.
    from rest_framework.views import exception_handler as drf_exception_handler

    from claims.models import AnnotationConflict, VersionConflict

    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(error_messages(exc))
    elif isinstance(exc, QuoteNotFound):
        exc = exceptions.ValidationError({"quote": [str(exc)]})
    elif isinstance(exc, VersionConflict | AnnotationConflict):
        exc = Conflict(f"{exc} Read it again, then send your change with the new version.")
    elif isinstance(exc, ProtectedError | RestrictedError):
        blocking = getattr(exc, "protected_objects", None) or exc.restricted_objects
        used = sorted({str(obj._meta.verbose_name_plural) for obj in blocking})
        exc = Conflict(f"Still in use by {', '.join(used)}: nothing was deleted.")
    return drf_exception_handler(exc, context)


class PagePagination(PageNumberPagination):
    """Numbered pages for the small collections (outlets, actors, import batches)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class Cursor(CursorPagination):
    """Cursor pagination: each page one keyset query, however deep (large collections)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "id"


class NewestFirstCursor(Cursor):
    ordering = ("-created_at", "-id")


class JSONLDRenderer(JSONRenderer):
    """JSON-LD (ClaimReview, W3C Web Annotation): JSON with its own media type."""

    media_type = "application/ld+json"
    format = "jsonld"


# OpenAPI ----------------------------------------------------------------------------

_ERROR = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
# A 400: the messages for each field that was wrong ("non_field_errors" for the whole).
_INVALID = {"type": "object", "additionalProperties": {}}


def document_errors(result, generator, request, public):
    """drf-spectacular post-processing hook: the error answers every operation can give.

    401 (not signed in), 403 (the role lacks the right), 404 on an object's URL
    (and for a page past the end or a bad cursor), 400 where input is read
    (bodies and filters), 409 on deletes (still in use). Each in the
    operation's own media types, as DRF renders errors with the renderer the
    request negotiated (JSON-LD for the exports).
    """

    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            success = next(
                (responses[code] for code in ("200", "201") if code in responses), {}
            ).get("content") or {"application/json": {}}

            def add(code, description, schema, media_types=success, responses=responses):
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {media: {"schema": schema} for media in media_types},
                    },
                )

            add("401", "Not signed in: no session and no valid token.", _ERROR)
            add("403", "Your role does not give you this right.", _ERROR)
            if "{" in path:
                add("404", "No such object.", _ERROR)
            elif any(p.get("name") in ("page", "cursor") for p in operation.get("parameters", [])):
                add("404", "No such page (a page number past the end, a bad cursor).", _ERROR)
            if method in ("post", "put", "patch") or operation.get("parameters"):
                add("400", "Invalid input: the messages, by field.", _INVALID)
            if method == "delete":
                add("409", "Still in use: nothing was deleted.", _ERROR, ["application/json"])
            for code in ("400", "409"):
                for media in responses.get(code, {}).get("content", {}).values():
                    if media.get("schema") == {"type": "object", "additionalProperties": {}}:
                        media["schema"] = _INVALID
    return result
