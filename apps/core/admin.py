from django.contrib import admin

from apps.core.models import AuditEntry, Heartbeat


class ReadOnlyAdmin(admin.ModelAdmin):
    """An admin screen that only shows: the records change through their app's services (which
    validate, check the version and write the audit log), never through the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "action", "actor", "subject_user", "content_type", "object_id")
    list_filter = ("action", "content_type")
    search_fields = ("action", "reason", "object_id")
    readonly_fields = [f.name for f in AuditEntry._meta.fields]


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ("name", "beat_at", "count")
