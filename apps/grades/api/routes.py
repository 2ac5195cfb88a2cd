"""This app's API routes on the one router (salesperf/api_urls.py)."""

from apps.grades.api.views import (
    GradeFinaliseViewSet,
    GradeProposeViewSet,
    GradeReopenViewSet,
    GradeViewSet,
)


def register(router) -> None:
    """Register this app's viewsets on ``router``."""
    # Before "grades" so that the action names are never read as a grade id.
    router.register("grades/propose", GradeProposeViewSet, basename="grade-propose")
    router.register("grades/finalise", GradeFinaliseViewSet, basename="grade-finalise")
    router.register("grades/reopen", GradeReopenViewSet, basename="grade-reopen")
    router.register("grades", GradeViewSet, basename="grade")
