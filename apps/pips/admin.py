"""Admin screens of improvement plans: read-only. Plans change only through the services (which
check the rules and the version, and write the audit log)."""

from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin
from apps.pips.models import CoachingSession, Pip


@admin.register(Pip)
class PipAdmin(ReadOnlyAdmin):
    list_display = ("person", "status", "start_date", "end_date", "outcome", "extensions")
    list_filter = ("status", "outcome")
    search_fields = ("person__username", "person__first_name", "person__last_name")
    list_select_related = ("person",)


@admin.register(CoachingSession)
class CoachingSessionAdmin(ReadOnlyAdmin):
    list_display = ("pip", "number", "scheduled_on", "status", "held_on", "escalated_at")
    list_filter = ("status",)
    list_select_related = ("pip", "pip__person")
