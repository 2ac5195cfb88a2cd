"""Leases on recompute chunks: ``queued_at``, ``leased_until``, ``attempts``, ``last_error``
(see the jobs section of apps/scorecards/services.py)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("scorecards", "0004_scorecard_capability_growth_and_more"),
    ]

    operations = [
        migrations.AddField(
            model_name="recomputechunk",
            name="attempts",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="attempts"),
        ),
        migrations.AddField(
            model_name="recomputechunk",
            name="last_error",
            field=models.TextField(blank=True, verbose_name="last error"),
        ),
        migrations.AddField(
            model_name="recomputechunk",
            name="leased_until",
            field=models.DateTimeField(blank=True, null=True, verbose_name="leased until"),
        ),
        migrations.AddField(
            model_name="recomputechunk",
            name="queued_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="queued at"),
        ),
    ]
