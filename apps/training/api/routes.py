"""This app's API routes on the one router (salesperf/api_urls.py)."""

from apps.training.api.views import TrainingGenerateViewSet, TrainingProposalViewSet


def register(router) -> None:
    """Register this app's viewsets on ``router``."""
    router.register(
        "training-proposals/generate", TrainingGenerateViewSet, basename="training-generate"
    )
    router.register("training-proposals", TrainingProposalViewSet, basename="training-proposal")
