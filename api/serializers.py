"""REST API serializers of the claims app (api/claims.py).

Reads are plain ModelSerializers over rows the views load with
select_related/prefetch_related. Writes validate exactly as the UI does:
claims through claims.input (the fingerprint check, date ranges, tags),
attributions and passage notes by finding the quote in the source
(Source.find_quote) or checking the offsets given against it (full_clean),
and every save goes through the write functions, which refresh the statuses
in the same transaction.
"""

from django.core.exceptions import ValidationError
from rest_framework import serializers

from api.base import RelatedNameField
from api.source_serializers import NamedSerializer
from claims.actions import change_actor, set_actor_aliases
from claims.input import TAGS_TEXT_LENGTH
from claims.models import Actor, ActorAlias, Annotation, Attribution, Claim, Review
from lib.concurrency import unique_or
from lib.text import normalize_name
from sources.models import Outlet, Source


class TagsField(serializers.ListField):
    """Tags as a list of names; writing one that does not exist yet creates it."""

    child = serializers.CharField(max_length=100)

    def to_representation(self, tags):
        return [tag.name for tag in tags.all()]

    def to_internal_value(self, data):
        names = super().to_internal_value(data)
        for name in names:
            if "," in name:
                raise serializers.ValidationError(f"A tag name cannot hold a comma: “{name}”.")
        return names


class ClaimSerializer(serializers.ModelSerializer):
    tags = TagsField(read_only=True)
    created_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    verdict = serializers.ChoiceField(
        choices=Claim.Verdict.choices,
        allow_blank=True,
        read_only=True,
        help_text="Empty: unreviewed.",
    )
    verdict_label = serializers.CharField(source="get_verdict_display", read_only=True)

    class Meta:
        model = Claim
        fields = [
            "id",
            "statement",
            "event_start",
            "event_end",
            "tags",
            "status",
            "status_label",
            "grade",
            "explanation",
            "origin_count",
            "verdict",
            "verdict_label",
            "version",
            "merged_into",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ClaimWriteSerializer(serializers.Serializer):
    """A claim to write, or the new state of one (with the version it is based on)."""

    statement = serializers.CharField(max_length=5000)
    event_start = serializers.DateField(required=False, allow_null=True)
    event_end = serializers.DateField(required=False, allow_null=True)
    tags = TagsField(required=False)
    version = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text="Required when editing: the claim's version you read. "
        "An older one than stored is a conflict (409).",
    )

    def validate_tags(self, names):
        # The web form's limit on its comma-separated tags field, for the same list.
        length = len(", ".join(names))
        if length > TAGS_TEXT_LENGTH:
            raise serializers.ValidationError(
                f"Ensure this value has at most {TAGS_TEXT_LENGTH} characters (it has {length})."
            )
        return names


class VerdictSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=Claim.Verdict.choices)
    rationale = serializers.CharField(max_length=10000)
    version = serializers.IntegerField(
        min_value=1, help_text="The claim's version you read; an older one is a conflict (409)."
    )


class ReviewSerializer(serializers.ModelSerializer):
    reviewer = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Review
        fields = ["id", "claim", "reviewer", "verdict", "rationale", "created_at"]
        read_only_fields = fields


class VerdictResultSerializer(serializers.Serializer):
    review = ReviewSerializer()
    claim = ClaimSerializer()


class ActorSerializer(NamedSerializer):
    class Meta:
        model = Actor
        fields = ["id", "name", "aliases", "kind", "role", "country"]

    def validate_name(self, name):
        key = normalize_name(name)
        if not key:
            raise serializers.ValidationError("Give the actor's name.")
        twin = Actor.objects.filter(name_key=key)
        if self.instance is not None:
            twin = twin.exclude(pk=self.instance.pk)
        if twin.exists():
            raise serializers.ValidationError("Another actor already has this name.")
        return name

    def validate_aliases(self, names):
        keys = self.alias_keys(names)
        mine = self.instance.pk if self.instance is not None else None
        clash = ActorAlias.objects.filter(name_key__in=keys).exclude(actor_id=mine).first()
        if clash is not None:
            raise serializers.ValidationError(
                f"“{clash.name}” is already an alias of actor #{clash.actor_id}."
            )
        named = Actor.objects.filter(name_key__in=keys).exclude(pk=mine).first()
        if named is not None:
            raise serializers.ValidationError(f"“{named.name}” is another actor's name.")
        return list(keys.values())

    def write(self, actor, validated):
        request = self.context.get("request")
        if request is not None:
            actor._history_user = request.user
        # A simultaneous write that took the name or an alias first: a 400, as when it
        # was there before (lib.concurrency.unique_or).
        taken = ValidationError("Another actor already has this name or one of these aliases.")
        with unique_or(taken):
            return self.write_named(
                actor, validated, change=change_actor, set_aliases=set_actor_aliases
            )


# Attributions ----------------------------------------------------------------


class AttributionSerializer(serializers.ModelSerializer):
    speaker_name = RelatedNameField(source="speaker.name")
    relayed_via_name = RelatedNameField(source="relayed_via.name")
    created_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    state = serializers.SerializerMethodField(
        help_text="live (evidence), orphaned (its quote was lost by a text correction) "
        "or removed (soft-deleted)"
    )

    class Meta:
        model = Attribution
        fields = [
            "id",
            "claim",
            "source",
            "quote",
            "start",
            "end",
            "prefix",
            "suffix",
            "speaker",
            "speaker_name",
            "kind",
            "stance",
            "relayed_via",
            "relayed_via_name",
            "state",
            "orphan_reason",
            "created_by",
            "created_at",
            "updated_at",
            "deleted_at",
        ]
        read_only_fields = fields

    def get_state(self, attribution) -> str:
        if attribution.deleted_at is not None:
            return "removed"
        if attribution.orphaned_at is not None:
            return "orphaned"
        return "live"


class _AnchorFields(serializers.Serializer):
    """A passage: the quote, found in the text (with prefix/suffix when it repeats),
    or checked against the offsets given."""

    quote = serializers.CharField(max_length=20000, trim_whitespace=False)
    prefix = serializers.CharField(
        max_length=500, trim_whitespace=False, required=False, allow_blank=True
    )
    suffix = serializers.CharField(
        max_length=500, trim_whitespace=False, required=False, allow_blank=True
    )
    start = serializers.IntegerField(
        min_value=0, required=False, help_text="Offset of the quote in the body (with end)."
    )
    end = serializers.IntegerField(min_value=1, required=False)

    def validate(self, data):
        data = super().validate(data)
        if ("start" in data) != ("end" in data):
            raise serializers.ValidationError(
                {"end": "Give both start and end, or neither: the quote is then found in the text."}
            )
        return data


def anchor(source, data):
    """(start, end) of data["quote"] in the source: as given, or found (Source.find_quote)."""
    if "start" in data:
        return data["start"], data["end"]
    return source.find_quote(data["quote"], data.get("prefix", ""), data.get("suffix", ""))


class AttributionWriteSerializer(_AnchorFields):
    claim = serializers.PrimaryKeyRelatedField(queryset=Claim.objects.all())
    source = serializers.PrimaryKeyRelatedField(queryset=Source.objects.only("pk"))
    speaker = serializers.PrimaryKeyRelatedField(
        queryset=Actor.objects.all(),
        allow_null=True,
        required=False,
        help_text="Empty when the outlet speaks for itself.",
    )
    kind = serializers.ChoiceField(choices=Attribution.Kind.choices)
    stance = serializers.ChoiceField(
        choices=Attribution.Stance.choices, default=Attribution.Stance.SUPPORTS
    )
    relayed_via = serializers.PrimaryKeyRelatedField(
        queryset=Outlet.objects.all(), allow_null=True, required=False
    )

    def validate_claim(self, claim):
        if claim.merged_into_id:
            raise serializers.ValidationError(
                f"Claim #{claim.pk} was merged into #{claim.merged_into_id}; use that."
            )
        return claim


class AttributionUpdateSerializer(_AnchorFields):
    """A change to an attribution; fields left out keep their value."""

    quote = serializers.CharField(max_length=20000, trim_whitespace=False, required=False)
    speaker = serializers.PrimaryKeyRelatedField(
        queryset=Actor.objects.all(), allow_null=True, required=False
    )
    kind = serializers.ChoiceField(choices=Attribution.Kind.choices, required=False)
    stance = serializers.ChoiceField(choices=Attribution.Stance.choices, required=False)
    relayed_via = serializers.PrimaryKeyRelatedField(
        queryset=Outlet.objects.all(), allow_null=True, required=False
    )
    updated_at = serializers.DateTimeField(
        help_text="The attribution's updated_at as you read it; if it was saved since, "
        "nothing changes and the answer is 409."
    )


# Annotations -----------------------------------------------------------------


class AnnotationSerializer(serializers.ModelSerializer):
    author = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    target = serializers.CharField(source="target_kind", read_only=True)
    text = serializers.SerializerMethodField(help_text="Empty for a deleted note.")
    deleted = serializers.BooleanField(source="is_deleted", read_only=True)
    orphaned = serializers.BooleanField(source="is_orphaned", read_only=True)

    class Meta:
        model = Annotation
        fields = [
            "id",
            "uuid",
            "target",
            "claim",
            "attribution",
            "source",
            "parent",
            "exact",
            "prefix",
            "suffix",
            "start",
            "end",
            "text",
            "author",
            "created_at",
            "updated_at",
            "version",
            "deleted",
            "orphaned",
        ]
        read_only_fields = fields

    def get_text(self, note) -> str:
        return "" if note.deleted_at else note.text


TEXT_MAX = Annotation._meta.get_field("text").max_length


class AnnotationWriteSerializer(serializers.Serializer):
    """A new note: on a claim, an attribution or a passage (source + exact), or a reply."""

    claim = serializers.PrimaryKeyRelatedField(queryset=Claim.objects.all(), required=False)
    attribution = serializers.PrimaryKeyRelatedField(
        queryset=Attribution.objects.all(), required=False
    )
    source = serializers.PrimaryKeyRelatedField(queryset=Source.objects.all(), required=False)
    parent = serializers.PrimaryKeyRelatedField(
        queryset=Annotation.objects.all(), required=False, help_text="The note replied to."
    )
    exact = serializers.CharField(
        max_length=20000, trim_whitespace=False, required=False, help_text="A passage's quote."
    )
    prefix = serializers.CharField(
        max_length=500, trim_whitespace=False, required=False, allow_blank=True
    )
    suffix = serializers.CharField(
        max_length=500, trim_whitespace=False, required=False, allow_blank=True
    )
    text = serializers.CharField(max_length=TEXT_MAX)

    def validate(self, data):
        targets = [name for name in ("claim", "attribution", "source", "parent") if name in data]
        if len(targets) != 1:
            raise serializers.ValidationError(
                "Give exactly one of claim, attribution, source (a passage) or parent (a reply)."
            )
        if "source" in data and not data.get("exact"):
            raise serializers.ValidationError({"exact": "A note on a passage needs its quote."})
        if "source" not in data and data.get("exact"):
            raise serializers.ValidationError({"exact": "Only a note on a passage has a quote."})
        claim = data.get("claim")
        if claim is not None and claim.merged_into_id:
            raise serializers.ValidationError(
                {"claim": f"Claim #{claim.pk} was merged into #{claim.merged_into_id}; use that."}
            )
        attribution = data.get("attribution")
        if attribution is not None and not attribution.is_live:
            raise serializers.ValidationError(
                {"attribution": "Only live attributions can be annotated."}
            )
        parent = data.get("parent")
        if parent is not None and parent.deleted_at:
            raise serializers.ValidationError({"parent": "That note was deleted."})
        return data


class AnnotationUpdateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=TEXT_MAX)
    version = serializers.IntegerField(
        min_value=1, help_text="The note's version you read; an older one is a conflict (409)."
    )
