from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin
from apps.exports.models import ExportLog


@admin.register(ExportLog)
class ExportLogAdmin(ReadOnlyAdmin):
    """The export log, read only: an entry is never added, changed or removed by hand."""

    list_display = ["created_at", "user", "dataset", "file_format", "row_count", "summary"]
    list_filter = ["dataset", "file_format"]
    date_hierarchy = "created_at"
