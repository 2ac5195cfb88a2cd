from django.contrib import admin

from apps.customers.models import (
    Contact,
    Customer,
    HealthReport,
    Industry,
    MarketInsight,
    ProductFeedback,
)


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ("name",)
    search_fields = ("name",)


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


class HealthReportInline(admin.TabularInline):
    model = HealthReport
    extra = 0
    fields = ("year", "quarter", "usage_frequency", "new_demand_intent", "satisfaction")
    # The satisfaction comes from the customer's survey answers (apps.surveys), never typed in.
    readonly_fields = ("satisfaction",)


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "owner",
        "industry",
        "status",
        "lead_grade",
        "latest_satisfaction",
        "created_at",
    )
    list_filter = ("status", "lead_grade", "industry", "company_size")
    search_fields = ("name", "phone", "email")
    list_select_related = ("owner", "industry")
    raw_id_fields = ("owner", "referred_by")
    # The lead (and the grade it gives the KPI) changes only through the lead services.
    readonly_fields = (
        "lead",
        "lead_grade",
        "company_key",
        "phone_key",
        "email_key",
        "created_at",
        "updated_at",
        "latest_satisfaction",  # set by the survey answers
    )
    inlines = [ContactInline, HealthReportInline]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("name", "customer", "title", "phone", "email", "is_primary")
    search_fields = ("name", "phone", "email", "customer__name")
    list_select_related = ("customer",)
    raw_id_fields = ("customer",)


@admin.register(HealthReport)
class HealthReportAdmin(admin.ModelAdmin):
    list_display = ("customer", "year", "quarter", "usage_frequency", "satisfaction")
    list_filter = ("year", "quarter", "usage_frequency", "new_demand_intent")
    search_fields = ("customer__name",)
    list_select_related = ("customer",)
    raw_id_fields = ("customer", "author")
    # The satisfaction comes from the customer's survey answers (apps.surveys), never typed in.
    readonly_fields = ("satisfaction",)


@admin.register(MarketInsight)
class MarketInsightAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "source", "industry", "author", "created_at")
    list_filter = ("kind", "source", "industry")
    search_fields = ("title", "body")
    list_select_related = ("industry", "author")
    raw_id_fields = ("author",)
    filter_horizontal = ("customers", "leads")


@admin.register(ProductFeedback)
class ProductFeedbackAdmin(admin.ModelAdmin):
    list_display = ("summary", "customer", "status", "author", "created_at")
    list_filter = ("status",)
    search_fields = ("summary", "detail", "customer__name")
    list_select_related = ("customer", "author")
    raw_id_fields = ("customer", "author")
