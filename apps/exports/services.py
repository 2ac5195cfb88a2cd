"""Exports: the one place that checks who may export, logs it and builds the download
(used by the browser view and the API)."""

from __future__ import annotations

from django.db import models, transaction
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from apps.core.permissions import require
from apps.core.services import audit_record
from apps.exports import writers
from apps.exports.datasets import Dataset
from apps.exports.models import ExportLog

CSV, XLSX = "csv", "xlsx"
FORMATS = (CSV, XLSX)


def filters_as_data(cleaned_data: dict) -> dict:
    """The filters asked for, as JSON: records by id, empty ones left out."""
    out = {}
    for name, value in cleaned_data.items():
        if value in (None, "", [], False):
            continue
        if isinstance(value, models.Model):
            value = value.pk
        elif not isinstance(value, (int, bool)):
            value = str(value)
        out[name] = value
    return out


def filters_summary(form) -> str:
    """The filters as people read them: "Team: Alpha · Year: 2026" (labels, shown values)."""
    parts = []
    for name, value in getattr(form, "cleaned_data", {}).items():
        if value in (None, "", [], False) or name not in form.fields:
            continue
        field = form.fields[name]
        if isinstance(value, (list, tuple)):
            value = ", ".join(str(item) for item in value)
        elif isinstance(value, str) and getattr(field, "choices", None):
            value = dict(field.choices).get(value, value)
        parts.append(f"{field.label}: {value}")
    return " · ".join(parts)


@transaction.atomic
def export_log_record(
    *, user, dataset: Dataset, file_format: str, filters: dict, row_count: int, summary: str = ""
):
    """Log one export and its audit entry in the same transaction."""
    log = ExportLog.objects.create(
        user=user,
        dataset=dataset.key,
        file_format=file_format,
        filters=filters,
        summary=summary,
        row_count=row_count,
    )
    audit_record(
        actor=user,
        action="export.download",
        target=log,
        changes={"dataset": [None, dataset.key], "format": [None, file_format]},
        reason="",
    )
    return log


def export_response(*, user, dataset: Dataset, file_format: str, filterset):
    """The download of ``dataset`` filtered by the (valid) ``filterset``: refused with 403
    unless ``user`` may export it; logged before the first row is sent."""
    require(dataset.may_export(user), dataset.denied_message)
    queryset = filterset.qs
    columns = dataset.columns()
    export_log_record(
        user=user,
        dataset=dataset,
        file_format=file_format,
        filters=filters_as_data(getattr(filterset.form, "cleaned_data", {})),
        summary=filters_summary(filterset.form),
        row_count=queryset.count(),
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"{dataset.key}-{stamp}.{file_format}"
    if file_format == XLSX:
        file = writers.write_xlsx(queryset, columns, title=dataset.label)
        return FileResponse(
            file, as_attachment=True, filename=filename, content_type=writers.XLSX_CONTENT_TYPE
        )
    response = StreamingHttpResponse(
        writers.csv_chunks(queryset, columns), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
