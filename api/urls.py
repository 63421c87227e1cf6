"""The REST API under /api/: resources, the OpenAPI schema and its docs.

    /api/claims, /api/sources, /api/outlets, /api/actors, /api/attributions,
    /api/annotations, /api/import-batches   resources (api/claims.py, api/sources.py)
    /api/schema/                            OpenAPI 3 (drf-spectacular)
    /api/docs/                              Swagger UI, from local static files
    /api/redoc/                             Redoc, from local static files

The schema and the docs need a signed-in user of any role, as the API does.
"""

from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.permissions import IsAuthenticated
from rest_framework.routers import DefaultRouter

from api.claims import ActorViewSet, AnnotationViewSet, AttributionViewSet, ClaimViewSet
from api.sources import ImportBatchViewSet, OutletViewSet, SourceViewSet


class Router(DefaultRouter):
    # Resource URLs without a trailing slash (/api/claims/7/claimreview), and no
    # ".json" suffix routes: the Accept header chooses the format.
    include_format_suffixes = False


router = Router(trailing_slash="")
router.register("claims", ClaimViewSet, basename="api-claim")
router.register("sources", SourceViewSet, basename="api-source")
router.register("outlets", OutletViewSet, basename="api-outlet")
router.register("actors", ActorViewSet, basename="api-actor")
router.register("attributions", AttributionViewSet, basename="api-attribution")
router.register("annotations", AnnotationViewSet, basename="api-annotation")
router.register("import-batches", ImportBatchViewSet, basename="api-importbatch")

docs_access = {"permission_classes": [IsAuthenticated]}

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(**docs_access), name="api-schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", **docs_access),
        name="api-docs",
    ),
    path(
        "redoc/",
        SpectacularRedocView.as_view(
            url_name="api-schema", template_name="api/redoc.html", **docs_access
        ),
        name="api-redoc",
    ),
    path("", include(router.urls)),
]
