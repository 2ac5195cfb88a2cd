"""This app's API routes on the one router (salesperf/api_urls.py)."""

from apps.surveys.api import views


def register(router) -> None:
    """Register this app's viewsets on ``router``."""
    router.register("surveys", views.SurveyViewSet, basename="survey")
