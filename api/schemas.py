"""How the viewsets declare their exports and their writes, routes with OpenAPI."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action

from api.base import JSONLDRenderer

# The options of an action on one object that answers it whole: no filters, no pages.
EXPORT = {
    "detail": True,
    "filter_backends": [],
    "pagination_class": None,
}


def jsonld_export(url_path, summary, required_perms, description=None):
    """A read-only action on one object answering JSON-LD, with its OpenAPI summary."""

    def decorate(method):
        routed = action(
            url_path=url_path,
            renderer_classes=[JSONLDRenderer],
            required_perms=required_perms,
            **EXPORT,
        )(method)
        return extend_schema(
            summary=summary, description=description, responses={200: OpenApiTypes.OBJECT}
        )(routed)

    return decorate


def write_schemas(
    serializer,
    *,
    create,
    update,
    partial_update,
    create_request,
    update_request,
    create_description=None,
):
    """The OpenAPI of a versioned resource's writes, as extend_schema_view arguments.

    `serializer` is the answer; create answers 201 or 400, update and
    partial_update (send the version you read) 200, 400 or 409. `create`,
    `update` and `partial_update` are the operations' summaries.
    """
    updated = {200: serializer, 400: OpenApiTypes.OBJECT, 409: OpenApiTypes.OBJECT}
    return {
        "create": extend_schema(
            summary=create,
            description=create_description,
            request=create_request,
            responses={201: serializer, 400: OpenApiTypes.OBJECT},
        ),
        "update": extend_schema(summary=update, request=update_request, responses=updated),
        "partial_update": extend_schema(
            summary=partial_update, request=update_request, responses=updated
        ),
    }
