"""REST routes of this app, registered on the one /api/v1/ router."""

from apps.scorecards.api.views import RecomputeJobViewSet, RecomputeViewSet, ScorecardViewSet


def register(router):
    # Before "scorecards": its route must win over the scorecard detail pattern.
    router.register("scorecards/recompute", RecomputeViewSet, basename="scorecard-recompute")
    router.register("scorecards", ScorecardViewSet, basename="scorecard")
    router.register("jobs", RecomputeJobViewSet, basename="recompute-job")
