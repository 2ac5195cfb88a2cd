"""This app's API routes on the one router (salesperf/api_urls.py)."""


def register(router) -> None:
    """Register this app's viewsets on ``router``."""
    from apps.development.api.views import (
        CollaborationRatingViewSet,
        LearningEntryViewSet,
        SalesCaseViewSet,
    )

    router.register(
        "collaboration-ratings", CollaborationRatingViewSet, basename="collaboration-rating"
    )
    router.register("learning-log", LearningEntryViewSet, basename="learning-entry")
    router.register("sales-cases", SalesCaseViewSet, basename="sales-case")
