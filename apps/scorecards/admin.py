from django.contrib import admin

from apps.scorecards.models import RecomputeJob, Scorecard, StaleRepPeriod


@admin.register(Scorecard)
class ScorecardAdmin(admin.ModelAdmin):
    list_display = ["rep", "period_key", "sales", "score", "weight_scheme_version", "stale"]
    list_filter = ["period_kind", "stale"]
    search_fields = ["rep__username", "period_key"]
    raw_id_fields = ["rep", "weight_scheme"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RecomputeJob)
class RecomputeJobAdmin(admin.ModelAdmin):
    list_display = ["period_key", "status", "done_chunks", "total_chunks", "created_at"]
    list_filter = ["status"]


@admin.register(StaleRepPeriod)
class StaleRepPeriodAdmin(admin.ModelAdmin):
    list_display = ["rep", "period_key", "marked_at"]
    raw_id_fields = ["rep"]
