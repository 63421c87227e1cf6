"""What every endpoint of the REST API (/api/, api/urls.py) shares.

- RolePermissions: the UI's roles, exactly. Each request needs the model
  permission its method implies (reads need view_*, as in the UI), or the
  permissions an action names in `required_perms` (a verdict needs
  claims.record_verdict). Signed-out requests get 401, users whose role
  lacks the right 403.
- Pagination: cursor pagination on the large collections (claims, sources,
  attributions, annotations), so a page costs the same wherever it is; page
  numbers on the small ones (outlets, actors, import batches).
- api.errors.exception_handler: the model layer's errors get the status a
  script can act on: ValidationError (and QuoteNotFound) 400 with the same
  message the UI shows, a stale version 409, deleting something still
  referred to 409.
- Errors are JSON everywhere under /api/: DRF's own answers are
  {"detail": "..."} (or the messages by field for a 400), and Django's error
  handlers (an unknown URL, a bad request, a server error, the 503 of a
  database outage) answer {"detail": "..."} with their status there too
  (api_errors, set as handler400/403/404/500 in provenance/urls.py).
"""

import functools

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from rest_framework import exceptions, permissions, serializers
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.renderers import JSONRenderer


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


def full_clean(instance, exclude=()):
    """Model validation, raised as a DRF 400 with the model's messages."""
    try:
        instance.full_clean(exclude=list(exclude))
    except DjangoValidationError as error:
        raise exceptions.ValidationError(error_messages(error)) from None


API_PATH_PREFIX = "/api/"

# The detail of an error answer under /api/ that Django's handlers (not DRF) gave.
ERROR_DETAILS = {
    400: "Bad request.",
    403: "You do not have permission to perform this action.",
    404: "Not found.",
    405: "Method not allowed.",
    409: "Conflict: someone changed the same data at the same moment; try again.",
    500: "Server error.",
    503: "The database is unavailable for a moment; try again shortly.",
}


def is_api_request(request):
    """Whether the request is for the API (its answers, errors included, are JSON)."""
    return request.path_info.startswith(API_PATH_PREFIX)


def error_response(status, detail=None):
    """An API error answer: {"detail": "..."} with `status`."""
    detail = detail or ERROR_DETAILS.get(status, "Error.")
    return JsonResponse({"detail": str(detail)}, status=status)


def api_errors(handler):
    """A Django error handler (handler404 …) that answers JSON under /api/.

    The handler runs as usual; under /api/ an answer that is not JSON already
    becomes {"detail": "..."} with the same status and Retry-After.
    """

    @functools.wraps(handler)
    def view(request, *args, **kwargs):
        response = handler(request, *args, **kwargs)
        content_type = response.get("Content-Type", "")
        if not is_api_request(request) or content_type.startswith("application/json"):
            return response
        json = error_response(response.status_code)
        if response.has_header("Retry-After"):
            json["Retry-After"] = response["Retry-After"]
        return json

    return view


class RelatedNameField(serializers.CharField):
    """A related object's name (source="outlet.name"), read-only: null where there is none.

    Always in the answer, a partial update's (PATCH) included: a field with a
    default would be left out of those.
    """

    def __init__(self, **kwargs):
        super().__init__(read_only=True, allow_null=True, **kwargs)


class StrictPageSize:
    """`page_size` is a whole number of at least 1 (above max_page_size, the maximum);
    anything else is a 400, never silently the default page size."""

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if size < 1:
            raise exceptions.ValidationError(
                {self.page_size_query_param: ["A whole number of at least 1."]}
            )
        return min(size, self.max_page_size)


class PagePagination(StrictPageSize, PageNumberPagination):
    """Numbered pages for the small collections (outlets, actors, import batches)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class Cursor(StrictPageSize, CursorPagination):
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
    (and for a page past the end or a bad cursor), 400 (invalid input, by
    field; or a malformed request), 409 on writes (a stale version, still in
    use, or a write that lost to a simultaneous one), 503 (the database is
    unreachable, with Retry-After). Each in JSON and in the operation's own
    media types: DRF renders errors with the renderer the request negotiated
    (JSON-LD for the exports), Django's handlers answer JSON (api_errors).
    """

    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            success = (
                next((responses[code] for code in ("200", "201") if code in responses), {}).get(
                    "content"
                )
                or {}
            )
            media_types = ["application/json", *(m for m in success if m != "application/json")]

            def add(code, description, schema, responses=responses, media_types=media_types):
                response = responses.setdefault(code, {"description": description})
                content = response.setdefault("content", {})
                for media in media_types:
                    content.setdefault(media, {"schema": schema})
                return response

            add("401", "Not signed in: no session and no valid token.", _ERROR)
            add("403", "Your role does not give you this right.", _ERROR)
            if "{" in path:
                add("404", "No such object.", _ERROR)
            elif any(p.get("name") in ("page", "cursor") for p in operation.get("parameters", [])):
                add("404", "No such page (a page number past the end, a bad cursor).", _ERROR)
            add("400", "Invalid input: the messages, by field; or a malformed request.", _INVALID)
            if method in ("post", "put", "patch", "delete"):
                add(
                    "409",
                    "Nothing was saved: a stale version, something still in use, or a write "
                    "that lost to a simultaneous one. Read again, then retry.",
                    _ERROR,
                )
            unavailable = add(
                "503", "The database is unavailable for a moment: retry after Retry-After.", _ERROR
            )
            unavailable.setdefault("headers", {}).setdefault(
                "Retry-After",
                {"description": "Seconds to wait before retrying.", "schema": {"type": "integer"}},
            )
            for code in ("400", "409"):
                for media in responses.get(code, {}).get("content", {}).values():
                    if media.get("schema") == {"type": "object", "additionalProperties": {}}:
                        media["schema"] = _INVALID
    return result
