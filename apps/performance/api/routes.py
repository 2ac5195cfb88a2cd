"""REST routes of this app, registered on the one /api/v1/ router."""

from apps.performance.api.views import PeriodSettingViewSet, TargetViewSet, WeightSchemeViewSet


def register(router):
    router.register("targets", TargetViewSet, basename="target")
    router.register("weight-schemes", WeightSchemeViewSet, basename="weight-scheme")
    router.register("period-settings", PeriodSettingViewSet, basename="period-setting")
