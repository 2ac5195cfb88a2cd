"""Pay in the admin: read only. Policies, runs, statements and adjustments change only through
the services (versions, locking of closed runs, adjustments instead of rewrites, audit)."""

from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin
from apps.pay.models import PayAdjustment, PayPolicy, PayRun, PayStatement


@admin.register(PayPolicy)
class PayPolicyAdmin(ReadOnlyAdmin):
    list_display = (
        "version",
        "effective_from",
        "base_share",
        "performance_share",
        "capability_share",
        "score_cap",
        "satisfaction_threshold",
        "satisfaction_bonus_rate",
    )


@admin.register(PayRun)
class PayRunAdmin(ReadOnlyAdmin):
    list_display = ("period_key", "status", "policy_version", "done_chunks", "total_chunks")
    list_filter = ("status",)


@admin.register(PayStatement)
class PayStatementAdmin(ReadOnlyAdmin):
    list_display = ("run", "person", "team", "computed_total", "adjustments", "total")
    list_filter = ("run",)
    search_fields = ("person__username", "person__first_name", "person__last_name")
    list_select_related = ("run", "person", "team")


@admin.register(PayAdjustment)
class PayAdjustmentAdmin(ReadOnlyAdmin):
    list_display = ("run", "corrected_run", "person", "amount", "created_at")
    list_select_related = ("run", "corrected_run", "person")
