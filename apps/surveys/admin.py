from django.contrib import admin

from apps.surveys.models import Survey


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    """Read-only: surveys are drawn, answered and cancelled through the services (audited);
    the token's hash is never shown."""

    list_display = ("customer", "rep", "period_key", "status", "channel", "score", "answered_at")
    list_filter = ("period_key", "status", "channel")
    search_fields = ("customer__name", "rep__username")
    exclude = ("token_hash",)
    list_select_related = ("customer", "rep")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
