"""This app's API routes on the one router (salesperf/api_urls.py)."""

from apps.pay.api.views import PayPolicyViewSet, PayRunViewSet, PayStatementViewSet


def register(router) -> None:
    """Register this app's viewsets on ``router``."""
    router.register("pay-runs", PayRunViewSet, basename="pay-run")
    router.register("pay", PayStatementViewSet, basename="pay-statement")
    router.register("pay-policies", PayPolicyViewSet, basename="pay-policy")
