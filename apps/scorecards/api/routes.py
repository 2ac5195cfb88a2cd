"""REST routes of this app, registered on the one /api/v1/ router."""

from apps.scorecards.api.views import RecomputeJobViewSet, ScorecardViewSet


def register(router):
    router.register("scorecards", ScorecardViewSet, basename="scorecard")
    router.register("jobs", RecomputeJobViewSet, basename="recompute-job")
