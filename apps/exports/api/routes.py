"""This app's API routes on the one router (salesperf/api_urls.py)."""

from apps.exports import datasets
from apps.exports.api.views import ExportLogViewSet, export_viewset


def register(router) -> None:
    """Register this app's viewsets on ``router``: one download route per dataset
    (``exports/grades``, ``exports/scorecards``) and the export log."""
    for dataset in datasets.DATASETS.values():
        router.register(
            f"exports/{dataset.key}", export_viewset(dataset), basename=f"export-{dataset.key}"
        )
    router.register("export-log", ExportLogViewSet, basename="export-log")
