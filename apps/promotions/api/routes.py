"""This app's API routes on the one router (salesperf/api_urls.py)."""

from apps.promotions.api.views import PromotionCandidateViewSet


def register(router) -> None:
    """Register this app's viewsets on ``router``."""
    router.register(
        "promotion-candidates", PromotionCandidateViewSet, basename="promotion-candidate"
    )
