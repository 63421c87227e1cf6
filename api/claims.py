"""REST API of the claims app: claims (with verdicts and exports), actors,
attributions and annotations.

Permissions are the UI's roles (api.base.RolePermissions). Writes go
through the same validation as the UI (api.serializers) and the same model
methods, so statuses are recomputed by claims.signals in the same
transaction; stale versions get 409. Merged claims are tombstones: lists leave
them out, writes to them get 409, exports 404 naming the claim they went into.
Removed (soft-deleted) attributions and deleted notes are left out of lists
unless asked for (?state=, ?deleted=true), and never count as evidence.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api.base import Conflict, Cursor, JSONLDRenderer, NewestFirstCursor, PagePagination
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
from claims.models import Actor, Annotation, Attribution, Claim, Review, VersionConflict
from interchange import claimreview, prov, webanno
from sources.models import QuoteNotFound, Source
from web.annotation_views import _may_delete
from web.editor_views import _needs
from web.filters import AnnotationFilter, AttributionFilter, ClaimFilter
from web.forms import ClaimForm, ReviewForm


class ListFiltersOnly:
    """Apply the FilterSet to lists only: a detail or an action ignores list filters."""

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)


def _form_errors(form):
    return {
        ("non_field_errors" if field == "__all__" else field): [str(m) for m in messages]
        for field, messages in form.errors.items()
    }


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


EXPORT = {
    "detail": True,
    "filter_backends": [],
    "pagination_class": None,
}


@extend_schema_view(
    list=extend_schema(
        summary="Claims, filtered with the claim list's filters (merged ones left out)",
        description="The same filters as the claim list page (web.filters.ClaimFilter). "
        "Pages are cursor pages in creation order: `sort` may be newest (default) or "
        "oldest; the page's other orders get 400.",
        responses={200: ClaimSerializer(many=True), 400: OpenApiTypes.OBJECT},
    ),
    retrieve=extend_schema(summary="A claim (a merged one shows merged_into)"),
    create=extend_schema(
        summary="Write a claim",
        request=ClaimWriteSerializer,
        responses={201: ClaimSerializer, 400: OpenApiTypes.OBJECT},
    ),
    update=extend_schema(
        summary="Edit a claim (send the version you read)",
        request=ClaimWriteSerializer,
        responses={200: ClaimSerializer, 400: OpenApiTypes.OBJECT, 409: OpenApiTypes.OBJECT},
    ),
    partial_update=extend_schema(
        summary="Edit some of a claim (send the version you read)",
        request=ClaimWriteSerializer,
        responses={200: ClaimSerializer, 400: OpenApiTypes.OBJECT, 409: OpenApiTypes.OBJECT},
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

    def _form(self, request, claim=None, partial=False):
        """The UI's ClaimForm, filled from the request (fields left out keep their value)."""
        writing = ClaimWriteSerializer(data=request.data, partial=partial)
        writing.is_valid(raise_exception=True)
        data = writing.validated_data
        if claim is not None and "version" not in data:
            raise exceptions.ValidationError(
                {"version": ["Send the claim's version you read (it guards against overwrites)."]}
            )

        def value(name, current):
            return data.get(name, current)

        tags = value("tags", [t.name for t in claim.tags.all()] if claim else [])
        start = value("event_start", claim.event_start if claim else None)
        end = value("event_end", claim.event_end if claim else None)
        form = ClaimForm(
            {
                "statement": value("statement", claim.statement if claim else ""),
                "event_start": start.isoformat() if start else "",
                "event_end": end.isoformat() if end else "",
                "tags": ", ".join(tags),
                "version": data.get("version", ""),
            },
            instance=claim,
        )
        if not form.is_valid():
            raise exceptions.ValidationError(_form_errors(form))
        cleaned = form.cleaned_data
        if "tags" not in data and claim is not None:
            cleaned["tag_list"] = None  # unchanged: no tag rights needed
        else:
            _needs(request, cleaned)
        return cleaned

    def create(self, request, *args, **kwargs):
        data = self._form(request)
        claim = Claim.create_new(
            request.user,
            statement=data["statement"],
            event_start=data.get("event_start"),
            event_end=data.get("event_end"),
            tags=data.get("tag_list", []),
            reason="Written through the API",
        )
        claim = self.get_queryset().get(pk=claim.pk)
        return Response(ClaimSerializer(claim).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        claim = self.get_object()
        _not_merged(claim)
        data = self._form(request, claim, partial=partial)
        claim.edit(
            request.user,
            data["version"],
            statement=data["statement"],
            event_start=data.get("event_start"),
            event_end=data.get("event_end"),
            tags=data.get("tag_list"),
        )
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
        VerdictSerializer(data=request.data).is_valid(raise_exception=True)
        form = ReviewForm(
            {
                "verdict": request.data.get("verdict"),
                "rationale": request.data.get("rationale"),
                "version": request.data.get("version"),
            }
        )
        if not form.is_valid():
            raise exceptions.ValidationError(_form_errors(form))
        data = form.cleaned_data
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

    @extend_schema(
        summary="schema.org ClaimReview (JSON-LD) of the claim's verdict",
        description="404 when the claim has no verdict yet, or was merged into another.",
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(
        url_path="claimreview",
        renderer_classes=[JSONLDRenderer],
        required_perms=("claims.view_claim", "claims.view_review"),
        **EXPORT,
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

    @extend_schema(
        summary="The claim's evidence as W3C Web Annotations (motivation assessing)",
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(
        url_path="attributions.jsonld",
        renderer_classes=[JSONLDRenderer],
        required_perms=("claims.view_claim", "claims.view_attribution"),
        **EXPORT,
    )
    def attributions_jsonld(self, request, pk=None):
        claim = _export_of(self.get_object())
        attributions = webanno.attributions_for_export(Attribution.objects.filter(claim=claim))
        return Response(webanno.claim_attribution_collection(claim, attributions))

    @extend_schema(
        summary="Notes on the claim and its attributions, with replies, as W3C Web Annotations",
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(
        url_path="annotations.jsonld",
        renderer_classes=[JSONLDRenderer],
        required_perms=("claims.view_claim", "claims.view_annotation"),
        **EXPORT,
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
        actor._history_user = self.request.user
        actor.delete()


# Attributions -------------------------------------------------------------------


def _full_clean(instance):
    from django.core.exceptions import ValidationError

    from api.base import error_messages

    try:
        instance.full_clean()
    except ValidationError as error:
        raise exceptions.ValidationError(error_messages(error)) from None


@extend_schema_view(
    list=extend_schema(summary="Attributions (live ones unless ?state= says otherwise)"),
    create=extend_schema(
        summary="Attribute a passage of a source to a claim",
        description="Give the quote, and either its offsets (start, end: checked against "
        "the text) or nothing more (it is found in the text; prefix/suffix tell repeats "
        "apart). The claim's status is recomputed in the same transaction.",
        request=AttributionWriteSerializer,
        responses={201: AttributionSerializer, 400: OpenApiTypes.OBJECT},
    ),
    update=extend_schema(
        summary="Change an attribution (send the updated_at you read)",
        request=AttributionUpdateSerializer,
        responses={200: AttributionSerializer, 400: OpenApiTypes.OBJECT, 409: OpenApiTypes.OBJECT},
    ),
    partial_update=extend_schema(
        summary="Change some of an attribution (send the updated_at you read)",
        request=AttributionUpdateSerializer,
        responses={200: AttributionSerializer, 400: OpenApiTypes.OBJECT, 409: OpenApiTypes.OBJECT},
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
        attribution = Attribution(
            claim=data["claim"],
            source=source,
            quote=data["quote"],
            start=start,
            end=end,
            speaker=data.get("speaker"),
            kind=data["kind"],
            stance=data["stance"],
            relayed_via=data.get("relayed_via"),
            created_by=request.user,
        )
        attribution.take_context(source.body)
        # Checked and saved as in the UI; ValidationError is a 400 (api.base).
        attribution.save_new(request.user, "Attributed through the API")
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
            attribution.edit(
                request.user,
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
            attribution.remove(request.user)  # claims.signals recomputes the claim's status
        return Response(status=status.HTTP_204_NO_CONTENT)


# Annotations --------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Notes and replies (deleted ones only with ?deleted=true)"),
    create=extend_schema(
        summary="Write a note on a claim, an attribution or a passage, or a reply",
        request=AnnotationWriteSerializer,
        responses={201: AnnotationSerializer, 400: OpenApiTypes.OBJECT},
    ),
    update=extend_schema(
        summary="Edit your own note (send the version you read)",
        request=AnnotationUpdateSerializer,
        responses={200: AnnotationSerializer, 400: OpenApiTypes.OBJECT, 409: OpenApiTypes.OBJECT},
    ),
    partial_update=extend_schema(
        summary="Edit your own note (send the version you read)",
        request=AnnotationUpdateSerializer,
        responses={200: AnnotationSerializer, 400: OpenApiTypes.OBJECT, 409: OpenApiTypes.OBJECT},
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
        else:
            note = Annotation(author=request.user, text=data["text"])
            if "source" in data:
                note.source = data["source"]
                note.exact = data["exact"]
                try:
                    note.anchor(data.get("prefix", ""), data.get("suffix", ""))
                except QuoteNotFound as error:
                    raise exceptions.ValidationError({"exact": [str(error)]}) from None
            elif "attribution" in data:
                note.attribution = data["attribution"]
            else:
                note.claim = data["claim"]
            _full_clean(note)
            note._history_user = request.user
            note.save()
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
        if not _may_delete(request.user, note):
            raise exceptions.PermissionDenied(
                "Only the author or a moderator can delete an annotation."
            )
        note.soft_delete(request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
