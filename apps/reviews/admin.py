"""Reviews in the Django admin: read only. Every change goes through the services (version
check, locking, audit) — the pages and the API — never the admin."""

from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin
from apps.reviews.models import AnnualScheme, Review, ReviewCycle, ReviewIndicator


@admin.register(AnnualScheme)
class AnnualSchemeAdmin(ReadOnlyAdmin):
    list_display = (
        "name",
        "effective_from",
        "quarterly_weight",
        "growth_weight",
        "capability_weight",
        "version",
    )


@admin.register(ReviewCycle)
class ReviewCycleAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "period_key", "status", "created_by", "created_at")
    list_filter = ("kind", "status")
    search_fields = ("name", "period_key")


class ReviewIndicatorInline(admin.TabularInline):
    model = ReviewIndicator
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ("person", "cycle", "status", "score", "finalised_at", "version")
    list_filter = ("status", "cycle__kind", "cycle")
    search_fields = ("person__username", "person__first_name", "person__last_name")
    list_select_related = ("person", "cycle")
    inlines = [ReviewIndicatorInline]
