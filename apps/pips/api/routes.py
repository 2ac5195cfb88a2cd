"""This app's API routes on the one router (salesperf/api_urls.py)."""

from apps.pips.api.views import PipViewSet


def register(router) -> None:
    """Register this app's viewsets on ``router``."""
    router.register("pips", PipViewSet, basename="pip")
