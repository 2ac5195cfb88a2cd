from django.contrib import admin

from apps.activities.models import Activity


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("occurred_at", "kind", "subject", "owner", "customer", "lead", "opportunity")
    list_filter = ("kind",)
    search_fields = ("subject", "outcome", "customer__name", "lead__company_name")
    date_hierarchy = "occurred_at"
    list_select_related = ("owner", "customer", "lead", "opportunity")
    raw_id_fields = ("owner", "customer", "lead", "opportunity")
