"""REST routes of this app, registered on the one /api/v1/ router."""

from apps.performance.api.views import (
    PeriodSettingViewSet,
    TargetBulkViewSet,
    TargetViewSet,
    WeightSchemeViewSet,
)


def register(router):
    # Before "targets" so that "bulk" is never read as a target id.
    router.register("targets/bulk", TargetBulkViewSet, basename="target-bulk")
    router.register("targets", TargetViewSet, basename="target")
    router.register("weight-schemes", WeightSchemeViewSet, basename="weight-scheme")
    router.register("period-settings", PeriodSettingViewSet, basename="period-setting")
