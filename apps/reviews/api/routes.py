"""This app's API routes on the one router (salesperf/api_urls.py)."""


def register(router) -> None:
    """Register this app's viewsets on ``router``."""
    from apps.reviews.api import views

    router.register("review-cycles", views.ReviewCycleViewSet, basename="review-cycle")
    router.register("reviews", views.ReviewViewSet, basename="review")
    router.register("annual-schemes", views.AnnualSchemeViewSet, basename="annual-scheme")
