"""REST API serializers of the sources app (api/sources.py).

Writes validate as the admin does: the model's full_clean (names and aliases
unique by their normalised key, country codes, a URL used once), and saves go
through the models, so claims.signals recomputes the statuses they affect.
"""

import ntpath
import posixpath

from django.db import transaction
from rest_framework import serializers

from api.base import RelatedNameField, error_messages
from lib.text import normalize_name
from sources.models import ImportBatch, Outlet, OutletAlias, OwnerGroup, Source


def full_clean(instance, exclude=()):
    """Model validation, raised as a DRF 400 with the model's messages."""
    from django.core.exceptions import ValidationError

    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as error:
        raise serializers.ValidationError(error_messages(error)) from None


class AliasesField(serializers.ListField):
    """Aliases as a list of names; writing replaces them all."""

    child = serializers.CharField(max_length=200)

    def to_representation(self, aliases):
        return [alias.name for alias in aliases.all()]


class OutletSerializer(serializers.ModelSerializer):
    aliases = AliasesField(required=False)
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
        keys = {}
        for name in names:
            key = normalize_name(name)
            if not key:
                raise serializers.ValidationError(f"“{name}” is not a name.")
            keys[key] = name
        taken = OutletAlias.objects.filter(name_key__in=keys)
        if self.instance is not None:
            taken = taken.exclude(outlet=self.instance)
        clash = taken.first()
        if clash is not None:
            raise serializers.ValidationError(
                f"“{clash.name}” is already an alias of outlet #{clash.outlet_id}."
            )
        return list(keys.values())

    def _save(self, outlet, validated):
        aliases = validated.pop("aliases", None)
        for name, value in validated.items():
            setattr(outlet, name, value)
        outlet.name_key = normalize_name(outlet.name)
        full_clean(outlet)
        with transaction.atomic():
            outlet.save()  # claims.signals recomputes the claims it affects
            if aliases is not None:
                outlet.aliases.all().delete()
                for name in aliases:
                    OutletAlias.objects.create(outlet=outlet, name=name)
        return outlet

    def create(self, validated):
        return self._save(Outlet(), validated)

    def update(self, outlet, validated):
        return self._save(outlet, validated)


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
        for name, value in validated.items():
            setattr(source, name, value)
        full_clean(source, exclude=["content_hash"])
        source.save()  # claims.signals recomputes the claims it affects
        return source


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


def without_folders(batch):
    """The batch's files and errors with the server's folders left out: file names only.

    A batch records each file as the importer was given it (an absolute path
    from the command line); its errors name an article by that path, with
    "!member" (in a zip) or ":row" after it, and a message may quote the path.
    Every folder of those files is removed from all of them.
    """
    folders = set()
    for path in batch.files:
        for module in (posixpath, ntpath):
            folder = module.dirname(str(path))
            if folder:
                folders.add(folder.rstrip(module.sep) + module.sep)
    folders = sorted(folders, key=len, reverse=True)

    def strip(text):
        text = str(text)
        for folder in folders:
            # The root ("/") only where a path starts: a zip member's path keeps its slashes.
            text = text.replace(folder, "") if len(folder) > 1 else text.removeprefix(folder)
        return text

    files = [strip(path) for path in batch.files]
    errors = [
        {key: strip(value) for key, value in entry.items()} if isinstance(entry, dict) else entry
        for entry in batch.errors
    ]
    return files, errors


class FileNamesField(serializers.ListField):
    """The batch's files, as names only (without_folders)."""

    child = serializers.CharField()

    def get_attribute(self, batch):
        return without_folders(batch)[0]


class ImportErrorSerializer(serializers.Serializer):
    file = serializers.CharField(help_text="The file (or “file!member”, “file:row”).")
    error = serializers.CharField()


class ImportErrorsField(serializers.ListField):
    """The batch's per-file errors, with file names only (without_folders)."""

    child = ImportErrorSerializer()

    def get_attribute(self, batch):
        return without_folders(batch)[1]


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
