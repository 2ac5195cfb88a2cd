"""Demo export log (run after ``apps.grades.demo.build``): two earlier downloads by HR — last
year's grades as XLSX and last year's scorecards as CSV — so the export page and the log show
what an entry looks like. Running it again changes nothing."""

from __future__ import annotations

import datetime

from django.utils import timezone

from apps.accounts.models import User
from apps.core.choices import Role
from apps.exports import datasets, services
from apps.exports.models import ExportLog
from apps.grades.models import AnnualGrade
from apps.scorecards.models import Scorecard

TEXT = {
    "zh-hans": {"year": "年份：{year}", "period": "期间：{year}"},
    "en": {"year": "Year: {year}", "period": "Period: {year}"},
}


def build(rng, context) -> list[str]:
    if ExportLog.objects.exists():
        return []
    hr = context.get("hr") or (
        User.objects.filter(role=Role.HR, is_active=True).order_by("pk").first()
    )
    if hr is None:
        return []
    text = TEXT.get(context.get("language"), TEXT["en"])
    year = timezone.localdate().year - 1
    entries = [
        (
            "grades",
            services.XLSX,
            {"year": year},
            text["year"].format(year=year),
            AnnualGrade.objects.filter(year=year).count(),
            9,
        ),
        (
            "scorecards",
            services.CSV,
            {"period": str(year)},
            text["period"].format(year=year),
            Scorecard.objects.filter(period_key=str(year)).count(),
            3,
        ),
    ]
    for key, file_format, filters, summary, rows, days_ago in entries:
        log = services.export_log_record(
            user=hr,
            dataset=datasets.get(key),
            file_format=file_format,
            filters=filters,
            summary=summary,
            row_count=rows,
        )
        when = timezone.now() - datetime.timedelta(days=days_ago, hours=rng.randint(1, 6))
        ExportLog.objects.filter(pk=log.pk).update(created_at=when)
    return [f"exports: {len(entries)} earlier downloads in the export log"]
