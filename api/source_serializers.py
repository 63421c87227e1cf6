"""REST API serializers of the sources app (api/sources.py).

Writes validate as the admin does: the model's full_clean (names and aliases
unique by their normalised key, country codes, a URL used once), and saves go
through the write functions, which refresh the statuses they affect.
"""

from django.db import transaction
from rest_framework import serializers

from api.base import RelatedNameField, full_clean
from claims.actions import change_outlet, change_source, set_outlet_aliases
from lib.paths import without_folders
from lib.text import normalize_name
from sources.models import ImportBatch, Outlet, OutletAlias, OwnerGroup, Source


class AliasesField(serializers.ListField):
    """Aliases as a list of names; writing replaces them all."""

    child = serializers.CharField(max_length=200)

    def to_representation(self, aliases):
        return [alias.name for alias in aliases.all()]


# A model with a name and aliases (lib.names.NameKeyed: actors, outlets). A subclass's
# write(instance, validated) saves through write_named, inside the transaction it
# chooses; create and update call it. (A comment: a docstring would be inherited as
# the OpenAPI description of every subclass.)
class NamedSerializer(serializers.ModelSerializer):
    aliases = AliasesField(required=False)

    @staticmethod
    def alias_keys(names):
        """The aliases by their normalised key, the last spelling of each; a 400 for a non-name."""
        keys = {}
        for name in names:
            key = normalize_name(name)
            if not key:
                raise serializers.ValidationError(f"“{name}” is not a name.")
            keys[key] = name
        return keys

    @staticmethod
    def write_named(instance, validated, *, change, set_aliases):
        """Save a new row validated (full_clean), or an existing one through `change`
        (a claims.actions write function), with its name_key; then the aliases, if given,
        through `set_aliases`. Returns the instance."""
        aliases = validated.pop("aliases", None)
        if instance.pk is None:  # a new row: nothing derived depends on it yet
            for name, value in validated.items():
                setattr(instance, name, value)
            instance.name_key = normalize_name(instance.name)
            full_clean(instance)
            instance.save()
        else:
            if "name" in validated:
                validated["name_key"] = normalize_name(validated["name"])
            change(instance, **validated)
        if aliases is not None:
            set_aliases(instance, aliases)
        return instance

    def create(self, validated):
        return self.write(self.Meta.model(), validated)

    def update(self, instance, validated):
        return self.write(instance, validated)


class OutletSerializer(NamedSerializer):
    owner_group = serializers.SlugRelatedField(
        slug_field="name",
        queryset=OwnerGroup.objects.all(),
        allow_null=True,
        required=False,
        help_text="The owner group's name: outlets of one owner are not independent.",
    )

    class Meta:
        model = Outlet
        fields = [
            "id",
            "name",
            "aliases",
            "domain",
            "kind",
            "country",
            "state_affiliated",
            "owner_group",
            "reliability",
            "notes",
        ]

    def validate_aliases(self, names):
        keys = self.alias_keys(names)
        taken = OutletAlias.objects.filter(name_key__in=keys)
        if self.instance is not None:
            taken = taken.exclude(outlet=self.instance)
        clash = taken.first()
        if clash is not None:
            raise serializers.ValidationError(
                f"“{clash.name}” is already an alias of outlet #{clash.outlet_id}."
            )
        return list(keys.values())

    def write(self, outlet, validated):
        with transaction.atomic():
            return self.write_named(
                outlet, validated, change=change_outlet, set_aliases=set_outlet_aliases
            )


class RelaySerializer(serializers.Serializer):
    outlet = serializers.IntegerField(source="outlet_id")
    outlet_name = serializers.CharField(source="outlet.name")
    cue = serializers.CharField()


class SourceSerializer(serializers.ModelSerializer):
    """An article's metadata. The body is in the detail only (SourceDetailSerializer)."""

    outlet = serializers.PrimaryKeyRelatedField(
        queryset=Outlet.objects.all(), allow_null=True, required=False
    )
    outlet_name = RelatedNameField(source="outlet.name")
    relays = RelaySerializer(source="relay_links", many=True, read_only=True)
    imported_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Source
        fields = [
            "id",
            "title",
            "outlet",
            "outlet_name",
            "url",
            "byline",
            "published_on",
            "language",
            "content_hash",
            "needs_metadata",
            "missing_metadata",
            "relays",
            "imported_by",
            "imported_at",
            "batch",
        ]
        read_only_fields = ["content_hash", "imported_at", "batch"]
        # A URL may be blank on many sources; uniqueness is the model's conditional
        # constraint, checked by full_clean.
        extra_kwargs = {"url": {"validators": []}}

    def update(self, source, validated):
        return change_source(source, **validated)


class SourceDetailSerializer(SourceSerializer):
    import_format = serializers.ChoiceField(
        choices=Source.Format.choices, allow_blank=True, read_only=True
    )

    class Meta(SourceSerializer.Meta):
        fields = [
            *SourceSerializer.Meta.fields,
            "body",
            "import_format",
            "encoding",
            "import_notes",
        ]
        read_only_fields = ["content_hash", "imported_at", "batch", "body", "import_format"]
        read_only_fields += ["encoding", "import_notes"]


class FileNamesField(serializers.ListField):
    """The batch's files, as names only (without_folders)."""

    child = serializers.CharField()

    def get_attribute(self, batch):
        return without_folders(batch.files, batch.errors)[0]


class ImportErrorSerializer(serializers.Serializer):
    file = serializers.CharField(help_text="The file (or “file!member”, “file:row”).")
    error = serializers.CharField()


class ImportErrorsField(serializers.ListField):
    """The batch's per-file errors, with file names only (without_folders)."""

    child = ImportErrorSerializer()

    def get_attribute(self, batch):
        return without_folders(batch.files, batch.errors)[1]


class ImportBatchSerializer(serializers.ModelSerializer):
    created_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    files = FileNamesField(read_only=True, help_text="The files of the run, by name.")
    errors = ImportErrorsField(read_only=True, help_text="One entry per file that failed.")

    class Meta:
        model = ImportBatch
        fields = [
            "id",
            "created_by",
            "created_at",
            "via",
            "files",
            "imported_count",
            "duplicate_count",
            "failed_count",
            "errors",
        ]
