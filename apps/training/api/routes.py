"""This app's API routes on the one router (salesperf/api_urls.py)."""


def register(router) -> None:
    """Register this app's viewsets on ``router``."""
