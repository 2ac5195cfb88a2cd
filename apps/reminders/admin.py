from django.contrib import admin

from apps.reminders.models import (
    CalendarException,
    DigestPreference,
    NotificationPreference,
    Reminder,
    ReminderRule,
    RuleRun,
)


@admin.register(ReminderRule)
class ReminderRuleAdmin(admin.ModelAdmin):
    list_display = ["code", "enabled", "updated_at"]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["rule", "recipient", "due_on", "level", "status", "emailed_at", "created_at"]
    list_filter = ["rule", "status"]
    raw_id_fields = ["recipient", "run"]
    search_fields = ["recipient__username"]


@admin.register(RuleRun)
class RuleRunAdmin(admin.ModelAdmin):
    list_display = ["rule", "run_for", "started_at", "finished_at", "created", "closed", "emailed"]
    list_filter = ["rule"]


@admin.register(CalendarException)
class CalendarExceptionAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name"]


admin.site.register(NotificationPreference)
admin.site.register(DigestPreference)
