"""Admin screen of annual grades: read-only. Grades change only through the services (which
check the lock, the version and the reason, and write the audit log)."""

from django.contrib import admin

from apps.grades.models import AnnualGrade


@admin.register(AnnualGrade)
class AnnualGradeAdmin(admin.ModelAdmin):
    list_display = ("person", "year", "group_label", "rank", "score", "proposed_grade", "grade")
    list_filter = ("year", "grade", "finalised")
    search_fields = ("person__username", "person__first_name", "person__last_name")
    list_select_related = ("person",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
