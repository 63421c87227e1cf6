"""Suggestion moves from claims to intake, keeping its table (claims_suggestion).

The state only: the table, its constraints and indexes stay as
claims/migrations/0007_suggestion.py made them (claims 0016 drops the model
from claims' state). An existing database's content type for the model (and
so its permissions) is moved to the new app label.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models



def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label="intake", model="suggestion").exists():
        ContentType.objects.using(db).filter(app_label="claims", model="suggestion").update(
            app_label="intake"
        )


def restore_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label="claims", model="suggestion").exists():
        ContentType.objects.using(db).filter(app_label="intake", model="suggestion").update(
            app_label="claims"
        )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("claims", "0015_claimsearchdocument_facets"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("sources", "0003_source_import_fields"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Suggestion",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("start", models.PositiveIntegerField()),
                        ("end", models.PositiveIntegerField()),
                        ("quote", models.TextField()),
                        (
                            "cue",
                            models.CharField(
                                help_text="The words that triggered the suggestion.",
                                max_length=300,
                            ),
                        ),
                        (
                            "speaker_name",
                            models.CharField(
                                blank=True,
                                help_text="The speaker as the text names them.",
                                max_length=300,
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("direct_quote", "Direct quote"),
                                    ("paraphrase", "Paraphrase"),
                                    ("assertion", "Outlet's own assertion"),
                                    ("speculation", "Speculation or opinion"),
                                ],
                                max_length=20,
                            ),
                        ),
                        ("speculative", models.BooleanField(default=False)),
                        ("speculation_cue", models.CharField(blank=True, max_length=300)),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("pending", "Pending"),
                                    ("accepted", "Accepted"),
                                    ("dismissed", "Dismissed"),
                                ],
                                default="pending",
                                max_length=10,
                            ),
                        ),
                        ("decided_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "created_at",
                            models.DateTimeField(default=django.utils.timezone.now),
                        ),
                        (
                            "attribution",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="suggestions",
                                to="claims.attribution",
                            ),
                        ),
                        (
                            "decided_by",
                            models.ForeignKey(
                                blank=True,
                                db_index=False,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "relayed_via",
                            models.ForeignKey(
                                blank=True,
                                db_index=False,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="sources.outlet",
                            ),
                        ),
                        (
                            "source",
                            models.ForeignKey(
                                db_index=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="suggestions",
                                to="sources.source",
                            ),
                        ),
                        (
                            "speaker",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="suggestions",
                                to="claims.actor",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "claims_suggestion",
                        "ordering": ["source_id", "start"],
                        "indexes": [
                            models.Index(
                                fields=["state", "-source", "start"], name="suggestion_queue_idx"
                            )
                        ],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("end__gt", models.F("start"))),
                                name="suggestion_span_nonempty",
                            ),
                            models.UniqueConstraint(
                                fields=("source", "start", "end"), name="suggestion_unique_span"
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, restore_content_type),
    ]
