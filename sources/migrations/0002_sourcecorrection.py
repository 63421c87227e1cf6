# Source text corrections (re-anchoring): one row per correction of a source's body.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SourceCorrection",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("old_body", models.TextField()),
                ("old_hash", models.CharField(max_length=64)),
                ("new_hash", models.CharField(max_length=64)),
                ("note", models.TextField(blank=True, help_text="Why the text was corrected.")),
                ("corrected_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("reanchored_count", models.PositiveIntegerField(default=0)),
                ("orphaned_count", models.PositiveIntegerField(default=0)),
                (
                    "corrected_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "source",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="corrections",
                        to="sources.source",
                    ),
                ),
            ],
            options={
                "ordering": ["-corrected_at"],
                "indexes": [
                    models.Index(
                        fields=["source", "-corrected_at"], name="sourcecorrection_source_idx"
                    )
                ],
            },
        ),
    ]
