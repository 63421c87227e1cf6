"""REST API of the sources app: outlets, sources (articles) and import batches.

Permissions are the UI's roles (api.base.RolePermissions): every role
reads; admins write outlets and correct sources' metadata. Articles come in
through the importer (`manage.py import_articles`, the admin upload), which
records an import batch; batches are read-only here.
"""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.response import Response

from api.base import NewestFirstCursor
from api.schemas import jsonld_export
from api.source_serializers import (
    ImportBatchSerializer,
    OutletSerializer,
    SourceDetailSerializer,
    SourceSerializer,
)
from claims.actions import delete_unused
from claims.models import Annotation, Attribution
from interchange import webanno
from lib.concurrency import unique_or
from sources.models import ImportBatch, Outlet, Source, SourceRelay


@extend_schema_view(
    list=extend_schema(summary="Outlets, by name"),
    destroy=extend_schema(summary="Delete an outlet (409 while sources or attributions use it)"),
)
class OutletViewSet(viewsets.ModelViewSet):
    """News outlets and agencies, with aliases, owner group and reliability grade."""

    queryset = (
        Outlet.objects.select_related("owner_group").prefetch_related("aliases").order_by("name")
    )
    serializer_class = OutletSerializer
    filterset_fields = ["kind", "country", "state_affiliated", "reliability"]

    def perform_create(self, serializer):
        with unique_or(outlet_taken()):
            serializer.save()

    def perform_update(self, serializer):
        with unique_or(outlet_taken()):
            serializer.save()

    def perform_destroy(self, outlet):
        delete_unused(outlet, self.request.user)


# A simultaneous write that took the name or an alias first: a 400, as when it was
# there before (lib.concurrency.unique_or).
def outlet_taken():
    return ValidationError(
        {"name": "Another outlet already has this name, or one of these aliases."}
    )


class SourceCursor(NewestFirstCursor):
    ordering = ("-imported_at", "-id")


@extend_schema_view(
    list=extend_schema(summary="Sources (articles), newest imports first"),
    retrieve=extend_schema(summary="A source with its body, exactly as stored"),
    update=extend_schema(summary="Correct a source's metadata (not its text)"),
    partial_update=extend_schema(summary="Correct some of a source's metadata"),
)
class SourceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Articles. Offsets of attributions and annotations index into `body`."""

    queryset = Source.objects.select_related("outlet", "imported_by").prefetch_related(
        Prefetch(
            "relay_links", queryset=SourceRelay.objects.select_related("outlet").order_by("id")
        )
    )
    pagination_class = SourceCursor
    filterset_fields = ["outlet", "batch", "needs_metadata", "language"]
    required_perms = ()  # set per action (RolePermissions)

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list":  # the list never loads the texts
            queryset = queryset.defer("body", "original_text", "raw_html")
        return queryset

    def get_serializer_class(self):
        return SourceSerializer if self.action == "list" else SourceDetailSerializer

    @jsonld_export(
        "attributions.jsonld",
        summary="The source's attributions as W3C Web Annotations (motivation assessing)",
        required_perms=("sources.view_source", "claims.view_attribution"),
    )
    def attributions_jsonld(self, request, pk=None):
        source = self.get_object()
        attributions = webanno.attributions_for_export(Attribution.objects.filter(source=source))
        return Response(webanno.source_attribution_collection(source, attributions))

    @jsonld_export(
        "annotations.jsonld",
        summary="The source's passage notes and replies as W3C Web Annotations",
        required_perms=("sources.view_source", "claims.view_annotation"),
    )
    def annotations_jsonld(self, request, pk=None):
        source = self.get_object()
        notes = list(Annotation.objects.on_source(source))
        return Response(webanno.source_collection(source, notes))


class ImportBatchViewSet(viewsets.ReadOnlyModelViewSet):
    """Runs of the importer: who, when, which files, counts and per-file errors."""

    queryset = ImportBatch.objects.select_related("created_by").order_by("-created_at", "-id")
    serializer_class = ImportBatchSerializer
    filterset_fields = ["via"]
