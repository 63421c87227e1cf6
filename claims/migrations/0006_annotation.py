# Annotations: notes on claims, attributions and passages, with threads,
# soft delete and orphaning; then the roles get their annotation rights.
#
# The rights (frozen here, as migrations must be; tests/claims/test_annotation_roles.py
# pins them): fact-checkers read annotations; editors read, write and edit their
# own (a reply is an annotation too); admins also moderate, i.e. delete anyone's.
# Fact-checkers do not write annotations: their written word is a verdict's rationale.

import uuid

import django.db.models.deletion
import django.db.models.expressions
import django.db.models.functions.text
import django.db.models.lookups
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

ANNOTATION_RIGHTS = {
    "Fact-checker": ["view_annotation"],
    "Editor": ["view_annotation", "add_annotation", "change_annotation"],
    "Admin": ["view_annotation", "add_annotation", "change_annotation", "moderate_annotation"],
}


def grant_annotation_rights(apps, schema_editor):
    # Permissions are normally created after all migrations ran; create them now.
    app_config = apps.get_app_config("claims")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ANNOTATION_RIGHTS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="claims", codename__in=codenames)
        )


def revoke_annotation_rights(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ANNOTATION_RIGHTS.items():
        for group in Group.objects.filter(name=role):
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label="claims", codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0005_attribution_editing"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("sources", "0002_sourcecorrection"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Annotation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("uuid", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ("exact", models.TextField(blank=True, default="")),
                ("prefix", models.TextField(blank=True, default="")),
                ("suffix", models.TextField(blank=True, default="")),
                ("start", models.PositiveIntegerField(blank=True, null=True)),
                ("end", models.PositiveIntegerField(blank=True, null=True)),
                ("orphaned_at", models.DateTimeField(blank=True, editable=False, null=True)),
                ("orphan_reason", models.CharField(blank=True, editable=False, max_length=300)),
                (
                    "text",
                    models.TextField(help_text="Plain text; shown escaped.", max_length=10000),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("version", models.PositiveIntegerField(default=1)),
                ("deleted_at", models.DateTimeField(blank=True, editable=False, null=True)),
                (
                    "attribution",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="annotations",
                        to="claims.attribution",
                    ),
                ),
                (
                    "author",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="annotations",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "claim",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="annotations",
                        to="claims.claim",
                    ),
                ),
                (
                    "deleted_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "parent",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="replies",
                        to="claims.annotation",
                    ),
                ),
                (
                    "source",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="annotations",
                        to="sources.source",
                    ),
                ),
            ],
            options={
                "ordering": ["created_at", "pk"],
                "permissions": [("moderate_annotation", "Can delete anyone's annotation")],
            },
        ),
        migrations.CreateModel(
            name="HistoricalAnnotation",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("uuid", models.UUIDField(db_index=True, default=uuid.uuid4, editable=False)),
                ("exact", models.TextField(blank=True, default="")),
                ("prefix", models.TextField(blank=True, default="")),
                ("suffix", models.TextField(blank=True, default="")),
                ("start", models.PositiveIntegerField(blank=True, null=True)),
                ("end", models.PositiveIntegerField(blank=True, null=True)),
                ("orphaned_at", models.DateTimeField(blank=True, editable=False, null=True)),
                ("orphan_reason", models.CharField(blank=True, editable=False, max_length=300)),
                (
                    "text",
                    models.TextField(help_text="Plain text; shown escaped.", max_length=10000),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("version", models.PositiveIntegerField(default=1)),
                ("deleted_at", models.DateTimeField(blank=True, editable=False, null=True)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "attribution",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="claims.attribution",
                    ),
                ),
                (
                    "author",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "claim",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="claims.claim",
                    ),
                ),
                (
                    "deleted_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "parent",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="claims.annotation",
                    ),
                ),
                (
                    "source",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="sources.source",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical annotation",
                "verbose_name_plural": "historical annotations",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddIndex(
            model_name="annotation",
            index=models.Index(
                condition=models.Q(("source__isnull", False)),
                fields=["source", "created_at"],
                name="annotation_source_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="annotation",
            index=models.Index(
                condition=models.Q(("claim__isnull", False)),
                fields=["claim", "created_at"],
                name="annotation_claim_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="annotation",
            index=models.Index(
                condition=models.Q(("attribution__isnull", False)),
                fields=["attribution", "created_at"],
                name="annotation_attribution_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="annotation",
            index=models.Index(
                condition=models.Q(("parent__isnull", False)),
                fields=["parent"],
                name="annotation_parent_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="annotation",
            index=models.Index(
                condition=models.Q(("deleted_at__isnull", True), ("orphaned_at__isnull", False)),
                fields=["-orphaned_at"],
                name="annotation_orphaned_idx",
            ),
        ),
        migrations.AddConstraint(
            model_name="annotation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("attribution__isnull", True),
                        ("claim__isnull", False),
                        ("source__isnull", True),
                    ),
                    models.Q(
                        ("attribution__isnull", False),
                        ("claim__isnull", True),
                        ("source__isnull", True),
                    ),
                    models.Q(
                        ("attribution__isnull", True),
                        ("claim__isnull", True),
                        ("source__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="annotation_one_target",
            ),
        ),
        migrations.AddConstraint(
            model_name="annotation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("parent__isnull", True),
                        ("source__isnull", False),
                        models.Q(("exact", ""), _negated=True),
                    ),
                    models.Q(
                        models.Q(
                            ("parent__isnull", True), ("source__isnull", False), _negated=True
                        ),
                        ("end__isnull", True),
                        ("exact", ""),
                        ("orphaned_at__isnull", True),
                        ("prefix", ""),
                        ("start__isnull", True),
                        ("suffix", ""),
                    ),
                    _connector="OR",
                ),
                name="annotation_selector_on_passages_only",
            ),
        ),
        migrations.AddConstraint(
            model_name="annotation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("parent__isnull", True), ("source__isnull", False), _negated=True),
                    models.Q(
                        ("end__isnull", True),
                        ("orphaned_at__isnull", False),
                        ("start__isnull", True),
                    ),
                    models.Q(
                        ("end__isnull", False),
                        ("orphaned_at__isnull", True),
                        ("start__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="annotation_anchored_or_orphaned",
            ),
        ),
        migrations.AddConstraint(
            model_name="annotation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("end__isnull", True), ("start__isnull", True)),
                    models.Q(
                        ("end__gt", models.F("start")),
                        ("end__isnull", False),
                        ("start__isnull", False),
                        django.db.models.lookups.Exact(
                            django.db.models.functions.text.Length("exact"),
                            django.db.models.expressions.CombinedExpression(
                                models.F("end"), "-", models.F("start")
                            ),
                        ),
                    ),
                    _connector="OR",
                ),
                name="annotation_position_matches_quote",
            ),
        ),
        migrations.AddConstraint(
            model_name="annotation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("deleted_by__isnull", True), ("deleted_at__isnull", False), _connector="OR"
                ),
                name="annotation_deleted_by_needs_deleted_at",
            ),
        ),
        migrations.RunPython(grant_annotation_rights, revoke_annotation_rights),
    ]
