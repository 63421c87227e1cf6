"""REST API of the claims app: claims (with verdicts and exports), actors,
attributions and annotations.

Permissions are the UI's roles (api.base.RolePermissions). Writes go
through the same validation as the UI (claims.input, the models' checks) and
the same write functions (claims.actions, the models' write methods), which
refresh the statuses in the same transaction; stale versions get 409.
Merged claims are tombstones: lists leave them out, writes to them get 409,
exports 404 naming the claim they went into.
Removed (soft-deleted) attributions and deleted notes are left out of lists
unless asked for (?state=, ?deleted=true), and never count as evidence.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api.base import (
    Conflict,
    Cursor,
    NewestFirstCursor,
    PagePagination,
)
from api.schemas import EXPORT, jsonld_export, write_schemas
from api.serializers import (
    ActorSerializer,
    AnnotationSerializer,
    AnnotationUpdateSerializer,
    AnnotationWriteSerializer,
    AttributionSerializer,
    AttributionUpdateSerializer,
    AttributionWriteSerializer,
    ClaimSerializer,
    ClaimWriteSerializer,
    ReviewSerializer,
    VerdictResultSerializer,
    VerdictSerializer,
    anchor,
)
from claims.actions import (
    attribute_passage,
    delete_unused,
    edit_attribution,
    remove_attribution,
    write_note,
)
from claims.filters import AnnotationFilter, AttributionFilter, ClaimFilter
from claims.input import check_claim_words
from claims.models import Actor, Annotation, Attribution, Claim, Review, VersionConflict
from interchange import claimreview, prov, webanno
from lib.access import check_may_create, may_delete_note
from sources.models import QuoteNotFound, Source


class ListFiltersOnly:
    """Apply the FilterSet to lists only: a detail or an action ignores list filters."""

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)


def _not_merged(claim):
    if claim.merged_into_id:
        raise Conflict(
            f"Claim #{claim.pk} was merged into #{claim.merged_into_id}; "
            f"write to /api/claims/{claim.merged_into_id} instead."
        )


def _export_of(claim):
    if claim.merged_into_id:
        raise exceptions.NotFound(
            f"Claim #{claim.pk} was merged into #{claim.merged_into_id}: "
            f"see /api/claims/{claim.merged_into_id}."
        )
    return claim


# Claims -----------------------------------------------------------------------


class ClaimCursor(NewestFirstCursor):
    """Claims by creation time. Pages are keyset queries, so only the time orders
    of ClaimFilter's `sort` apply here; the others are for the web list."""

    SORTS = {"newest": ("-created_at", "-id"), "oldest": ("created_at", "id")}

    def get_ordering(self, request, queryset, view):
        sort = request.query_params.get("sort") or "newest"
        if sort not in self.SORTS:
            raise exceptions.ValidationError(
                {
                    "sort": [
                        f"The API pages claims by time: use sort=newest or sort=oldest, not {sort}."
                    ]
                }
            )
        return self.SORTS[sort]


@extend_schema_view(
    list=extend_schema(
        summary="Claims, filtered with the claim list's filters (merged ones left out)",
        description="The same filters as the claim list page (claims.filters.ClaimFilter). "
        "Pages are cursor pages in creation order: `sort` may be newest (default) or "
        "oldest; the page's other orders get 400.",
        responses={200: ClaimSerializer(many=True), 400: OpenApiTypes.OBJECT},
    ),
    retrieve=extend_schema(summary="A claim (a merged one shows merged_into)"),
    **write_schemas(
        ClaimSerializer,
        create="Write a claim",
        update="Edit a claim (send the version you read)",
        partial_update="Edit some of a claim (send the version you read)",
        create_request=ClaimWriteSerializer,
        update_request=ClaimWriteSerializer,
    ),
)
class ClaimViewSet(
    ListFiltersOnly,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Checkable statements with their support status, grade, verdict and version."""

    queryset = Claim.objects.select_related("created_by").prefetch_related("tags")
    serializer_class = ClaimSerializer
    filterset_class = ClaimFilter
    pagination_class = ClaimCursor
    required_perms = ()  # set per action (RolePermissions)

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list":
            queryset = queryset.current()
        return queryset

    def _words(self, request, claim=None, partial=False):
        """The claim's words from the request, checked as the web forms check them
        (claims.input.check_claim_words), as Claim.create_new and Claim.edit take them,
        and the version sent; fields left out keep their value (tags None: unchanged)."""
        writing = ClaimWriteSerializer(data=request.data, partial=partial)
        writing.is_valid(raise_exception=True)
        data = writing.validated_data
        if claim is not None and "version" not in data:
            raise exceptions.ValidationError(
                {"version": ["Send the claim's version you read (it guards against overwrites)."]}
            )

        def value(name, current):
            return data.get(name, current)

        start = value("event_start", claim.event_start if claim else None)
        end = value("event_end", claim.event_end if claim else None)
        words, errors = check_claim_words(
            value("statement", claim.statement if claim else ""),
            start,
            end,
            value("tags", [t.name for t in claim.tags.all()] if claim else []),
            claim_pk=claim.pk if claim else None,
        )
        if errors:
            raise exceptions.ValidationError({f: [m] for f, m in errors.items()})
        tags = words["tag_list"]
        if "tags" not in data and claim is not None:
            tags = None  # unchanged: no tag rights needed
        else:
            check_may_create(request.user, tags=tags)
        words = {
            "statement": words["statement"],
            "event_start": start,
            "event_end": end,
            "tags": tags,
        }
        return words, data.get("version")

    def create(self, request, *args, **kwargs):
        words, _version = self._words(request)
        claim = Claim.create_new(request.user, reason="Written through the API", **words)
        claim = self.get_queryset().get(pk=claim.pk)
        return Response(ClaimSerializer(claim).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        claim = self.get_object()
        _not_merged(claim)
        words, version = self._words(request, claim, partial=partial)
        claim.edit(request.user, version, **words)
        claim = self.get_queryset().get(pk=claim.pk)
        return Response(ClaimSerializer(claim).data)

    @extend_schema(
        summary="Record a fact-checker's verdict (send the version you read)",
        request=VerdictSerializer,
        responses={
            201: VerdictResultSerializer,
            400: OpenApiTypes.OBJECT,
            409: OpenApiTypes.OBJECT,
        },
    )
    @action(
        methods=["post"],
        required_perms=("claims.view_claim", "claims.record_verdict"),
        **EXPORT,
    )
    def verdict(self, request, pk=None):
        claim = self.get_object()
        _not_merged(claim)
        writing = VerdictSerializer(data=request.data)
        writing.is_valid(raise_exception=True)
        data = writing.validated_data
        try:
            review = claim.record_verdict(
                request.user, data["verdict"], data["rationale"], data["version"]
            )
        except VersionConflict as error:
            raise Conflict(
                f"{error} Someone saved it meanwhile (it is now at version "
                f"{Claim.objects.get(pk=claim.pk).version}); read it again."
            ) from None
        claim = self.get_queryset().get(pk=claim.pk)
        result = VerdictResultSerializer({"review": review, "claim": claim})
        return Response(result.data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="The claim's reviews, newest first", responses=ReviewSerializer(many=True)
    )
    @action(required_perms=("claims.view_claim", "claims.view_review"), **EXPORT)
    def reviews(self, request, pk=None):
        claim = self.get_object()
        reviews = Review.objects.filter(claim=claim).select_related("reviewer")
        return Response(ReviewSerializer(reviews.order_by("-created_at", "-pk"), many=True).data)

    @jsonld_export(
        "claimreview",
        summary="schema.org ClaimReview (JSON-LD) of the claim's verdict",
        description="404 when the claim has no verdict yet, or was merged into another.",
        required_perms=("claims.view_claim", "claims.view_review"),
    )
    def claimreview(self, request, pk=None):
        claim = _export_of(self.get_object())
        data = claimreview.for_claim(claim, request.build_absolute_uri)
        if data is None:
            raise exceptions.NotFound(f"Claim #{claim.pk} has no verdict yet: nothing to review.")
        return Response(data)

    @extend_schema(
        summary="The claim's provenance chain as W3C PROV-JSON",
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(
        url_path="prov",
        required_perms=("claims.view_claim", "claims.view_attribution"),
        **EXPORT,
    )
    def prov(self, request, pk=None):
        return Response(prov.for_claim(_export_of(self.get_object())))

    @jsonld_export(
        "attributions.jsonld",
        summary="The claim's evidence as W3C Web Annotations (motivation assessing)",
        required_perms=("claims.view_claim", "claims.view_attribution"),
    )
    def attributions_jsonld(self, request, pk=None):
        claim = _export_of(self.get_object())
        attributions = webanno.attributions_for_export(Attribution.objects.filter(claim=claim))
        return Response(webanno.claim_attribution_collection(claim, attributions))

    @jsonld_export(
        "annotations.jsonld",
        summary="Notes on the claim and its attributions, with replies, as W3C Web Annotations",
        required_perms=("claims.view_claim", "claims.view_annotation"),
    )
    def annotations_jsonld(self, request, pk=None):
        claim = _export_of(self.get_object())
        spans = webanno.claim_spans(claim)
        notes = list(Annotation.objects.on_claim(claim, list(spans)))
        return Response(webanno.claim_collection(claim, spans, notes))


# Actors -----------------------------------------------------------------------


@extend_schema_view(
    destroy=extend_schema(summary="Delete an actor (409 while attributions name them)"),
)
class ActorViewSet(viewsets.ModelViewSet):
    """People and organisations that make statements, with their aliases."""

    queryset = Actor.objects.prefetch_related("aliases").order_by("name", "id")
    serializer_class = ActorSerializer
    pagination_class = PagePagination
    filterset_fields = ["kind", "country"]

    def perform_destroy(self, actor):
        delete_unused(actor, self.request.user)


# Attributions -------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Attributions (live ones unless ?state= says otherwise)"),
    **write_schemas(
        AttributionSerializer,
        create="Attribute a passage of a source to a claim",
        create_description="Give the quote, and either its offsets (start, end: checked "
        "against the text) or nothing more (it is found in the text; prefix/suffix tell "
        "repeats apart). The claim's status is recomputed in the same transaction.",
        update="Change an attribution (send the updated_at you read)",
        partial_update="Change some of an attribution (send the updated_at you read)",
        create_request=AttributionWriteSerializer,
        update_request=AttributionUpdateSerializer,
    ),
    destroy=extend_schema(summary="Remove an attribution (a soft delete kept in the history)"),
)
class AttributionViewSet(ListFiltersOnly, viewsets.ModelViewSet):
    """Claims tied to exact passages of sources: speaker, kind, stance, relay."""

    queryset = Attribution.objects.select_related("speaker", "relayed_via", "created_by")
    serializer_class = AttributionSerializer
    filterset_class = AttributionFilter
    pagination_class = Cursor

    def create(self, request, *args, **kwargs):
        writing = AttributionWriteSerializer(data=request.data)
        writing.is_valid(raise_exception=True)
        data = writing.validated_data
        source = Source.objects.get(pk=data["source"].pk)
        start, end = anchor(source, data)
        # Checked and written as in the UI; ValidationError is a 400 (api.errors).
        attribution = attribute_passage(
            request.user,
            source,
            claim=data["claim"],
            quote=data["quote"],
            start=start,
            end=end,
            speaker=data.get("speaker"),
            kind=data["kind"],
            stance=data["stance"],
            relayed_via=data.get("relayed_via"),
            reason="Attributed through the API",
        )
        attribution = self.get_queryset().get(pk=attribution.pk)
        return Response(AttributionSerializer(attribution).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        attribution = self.get_object()
        if attribution.deleted_at is not None:
            raise Conflict(f"Attribution #{attribution.pk} was removed; it cannot be edited.")
        writing = AttributionUpdateSerializer(data=request.data)
        writing.is_valid(raise_exception=True)
        data = writing.validated_data
        source = Source.objects.get(pk=attribution.source_id)
        fields = ("speaker", "kind", "stance", "relayed_via")
        changes = {name: data[name] for name in fields if name in data}
        if {"quote", "start", "prefix", "suffix"} & data.keys():
            data.setdefault("quote", attribution.quote)
            changes["quote"] = data["quote"]
            changes["start"], changes["end"] = anchor(source, data)
        try:
            # Optimistic concurrency on updated_at, as the UI (Attribution.edit).
            edit_attribution(
                request.user,
                attribution,
                data["updated_at"],
                reason="Attribution edited through the API",
                **changes,
            )
        except VersionConflict:
            raise Conflict(
                f"Attribution #{attribution.pk} changed since {data['updated_at'].isoformat()}"
                "; read it again."
            ) from None
        attribution = self.get_queryset().get(pk=attribution.pk)
        return Response(AttributionSerializer(attribution).data)

    def destroy(self, request, *args, **kwargs):
        attribution = self.get_object()
        if attribution.deleted_at is None:
            remove_attribution(attribution, request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# Annotations --------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Notes and replies (deleted ones only with ?deleted=true)"),
    **write_schemas(
        AnnotationSerializer,
        create="Write a note on a claim, an attribution or a passage, or a reply",
        update="Edit your own note (send the version you read)",
        partial_update="Edit your own note (send the version you read)",
        create_request=AnnotationWriteSerializer,
        update_request=AnnotationUpdateSerializer,
    ),
    destroy=extend_schema(summary="Delete a note: its author, or a moderator (a soft delete)"),
)
class AnnotationViewSet(ListFiltersOnly, viewsets.ModelViewSet):
    """Notes on claims, attributions and passages, in threads (replies have a parent)."""

    queryset = Annotation.objects.select_related("author")
    serializer_class = AnnotationSerializer
    filterset_class = AnnotationFilter
    pagination_class = Cursor

    @property
    def required_perms(self):
        # Deleting is the author's (change_annotation) or a moderator's right, checked
        # on the note itself; nobody holds claims.delete_annotation.
        return ("claims.view_annotation",) if self.action == "destroy" else ()

    def _live_note(self):
        note = self.get_object()
        if note.deleted_at:
            raise exceptions.NotFound("This annotation was deleted.")
        return note

    def create(self, request, *args, **kwargs):
        writing = AnnotationWriteSerializer(data=request.data)
        writing.is_valid(raise_exception=True)
        data = writing.validated_data
        if "parent" in data:
            note = data["parent"].reply(request.user, data["text"])
        elif "source" in data:
            source = data["source"]
            try:
                span = source.find_quote(
                    data["exact"], data.get("prefix", ""), data.get("suffix", "")
                )
            except QuoteNotFound as error:
                raise exceptions.ValidationError({"exact": [str(error)]}) from None
            note = write_note(
                request.user, data["text"], source=source, span=span, exact=data["exact"]
            )
        else:
            note = write_note(
                request.user,
                data["text"],
                claim=data.get("claim"),
                attribution=data.get("attribution"),
            )
        note = self.get_queryset().get(pk=note.pk)
        return Response(AnnotationSerializer(note).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        note = self._live_note()
        if note.author_id != request.user.pk:
            raise exceptions.PermissionDenied("Only the author can edit an annotation.")
        writing = AnnotationUpdateSerializer(data=request.data)
        writing.is_valid(raise_exception=True)
        note.edit(writing.validated_data["text"], writing.validated_data["version"], request.user)
        return Response(AnnotationSerializer(self.get_queryset().get(pk=note.pk)).data)

    def destroy(self, request, *args, **kwargs):
        note = self._live_note()
        if not may_delete_note(request.user, note):
            raise exceptions.PermissionDenied(
                "Only the author or a moderator can delete an annotation."
            )
        note.soft_delete(request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
