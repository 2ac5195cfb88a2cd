from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from apps.accounts import services
from apps.accounts.models import ApiToken, EmployeeProfile, Team, User


class EmployeeProfileInline(admin.StackedInline):
    model = EmployeeProfile
    can_delete = False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "team", "is_active")
    list_filter = ("role", "team", "is_active", "is_staff")
    list_select_related = ("team",)
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("SalesPerf"), {"fields": ("role", "team")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("SalesPerf"), {"fields": ("role", "team")}),
    )
    inlines = [EmployeeProfileInline]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "created_at")
    search_fields = ("name",)
    filter_horizontal = ("managers",)


@admin.register(EmployeeProfile)
class EmployeeProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "job_title", "hire_date", "monthly_base_salary", "active")
    list_filter = ("job_title", "active")
    search_fields = ("user__username", "user__first_name", "user__last_name")
    list_select_related = ("user",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """API tokens: who, when made, until when, last used; revoke with the action. Keys are never
    shown (only a hash is stored); a token is made by signing in, not here."""

    list_display = (
        "prefix",
        "user",
        "name",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = ("revoked_at",)
    search_fields = ("user__username", "prefix", "name")
    list_select_related = ("user",)
    readonly_fields = (
        "user",
        "prefix",
        "name",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset.select_related("user"):
            services.token_revoke(actor=request.user, token=token)
