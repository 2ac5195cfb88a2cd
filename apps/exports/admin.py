from django.contrib import admin

from apps.exports.models import ExportLog


@admin.register(ExportLog)
class ExportLogAdmin(admin.ModelAdmin):
    """The export log, read only: an entry is never added, changed or removed by hand."""

    list_display = ["created_at", "user", "dataset", "file_format", "row_count", "summary"]
    list_filter = ["dataset", "file_format"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
