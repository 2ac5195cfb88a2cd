"""Admin screens of targets, period settings, weight schemes and PDCA notes.

Targets, period settings and weight schemes drive pay: they are read-only here and change only
through the services (which validate and write the audit log). Weight schemes are never edited
or deleted: a change is a new version.
"""

from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin
from apps.performance.models import PdcaNote, PeriodSetting, Target, WeightScheme, WeightSchemeItem


class WeightSchemeItemInline(admin.TabularInline):
    model = WeightSchemeItem
    fields = ("kpi", "weight", "target", "cap")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WeightScheme)
class WeightSchemeAdmin(ReadOnlyAdmin):
    list_display = ("cycle", "version", "name", "effective_from", "preset", "created_by")
    list_filter = ("cycle", "preset")
    inlines = [WeightSchemeItemInline]


@admin.register(Target)
class TargetAdmin(ReadOnlyAdmin):
    list_display = (
        "rep",
        "period_key",
        "sales_target",
        "new_customers_target",
        "collection_rate_target",
        "set_by",
        "updated_at",
    )
    list_filter = ("period_kind",)
    search_fields = ("rep__username", "rep__last_name", "period_key")
    list_select_related = ("rep", "set_by")


@admin.register(PeriodSetting)
class PeriodSettingAdmin(ReadOnlyAdmin):
    list_display = ("period_key", "industry_growth_rate", "challenge_margin", "updated_by")


@admin.register(PdcaNote)
class PdcaNoteAdmin(admin.ModelAdmin):
    list_display = ("rep", "period_key", "updated_at")
    search_fields = ("rep__username", "plan", "act")
    list_select_related = ("rep",)
