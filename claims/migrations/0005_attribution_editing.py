# Editing: soft-deleted and orphaned attributions, their quote context
# (TextQuoteSelector prefix/suffix, backfilled from the body) and merged claims.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

QUOTE_CONTEXT = 32  # claims.models.QUOTE_CONTEXT, frozen here


def backfill_context(apps, schema_editor):
    """Store ~32 characters of body on each side of every existing attribution."""
    Attribution = apps.get_model("claims", "Attribution")
    rows = Attribution.objects.select_related("source").only("start", "end", "source__body")
    batch = []
    for attribution in rows.iterator(chunk_size=2000):
        body = attribution.source.body
        attribution.prefix = body[max(0, attribution.start - QUOTE_CONTEXT) : attribution.start]
        attribution.suffix = body[attribution.end : attribution.end + QUOTE_CONTEXT]
        batch.append(attribution)
        if len(batch) >= 2000:
            Attribution.objects.bulk_update(batch, ["prefix", "suffix"])
            batch = []
    if batch:
        Attribution.objects.bulk_update(batch, ["prefix", "suffix"])


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0004_claim_statement_trgm"),
        ("sources", "0002_sourcecorrection"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="attribution",
            name="attribution_unique_span",
        ),
        migrations.AddField(
            model_name="attribution",
            name="deleted_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="attribution",
            name="deleted_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="attribution",
            name="orphan_reason",
            field=models.CharField(blank=True, editable=False, max_length=300),
        ),
        migrations.AddField(
            model_name="attribution",
            name="orphaned_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="attribution",
            name="prefix",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.AddField(
            model_name="attribution",
            name="suffix",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.AddField(
            model_name="claim",
            name="merged_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="claim",
            name="merged_into",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="merged_claims",
                to="claims.claim",
            ),
        ),
        migrations.AddField(
            model_name="historicalattribution",
            name="deleted_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="historicalattribution",
            name="deleted_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicalattribution",
            name="orphan_reason",
            field=models.CharField(blank=True, editable=False, max_length=300),
        ),
        migrations.AddField(
            model_name="historicalattribution",
            name="orphaned_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="historicalattribution",
            name="prefix",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.AddField(
            model_name="historicalattribution",
            name="suffix",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.AddField(
            model_name="historicalclaim",
            name="merged_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="historicalclaim",
            name="merged_into",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="claims.claim",
            ),
        ),
        migrations.AddIndex(
            model_name="attribution",
            index=models.Index(
                condition=models.Q(("deleted_at__isnull", True), ("orphaned_at__isnull", False)),
                fields=["-orphaned_at"],
                name="attribution_orphaned_idx",
            ),
        ),
        migrations.AddConstraint(
            model_name="attribution",
            constraint=models.UniqueConstraint(
                condition=models.Q(("deleted_at__isnull", True), ("orphaned_at__isnull", True)),
                fields=("claim", "source", "start", "end"),
                name="attribution_unique_live_span",
            ),
        ),
        migrations.RunPython(backfill_context, migrations.RunPython.noop, elidable=True),
    ]
