"""REST routes of this app, registered on the one /api/v1/ router."""

from apps.sales.api.views import (
    AgingViewSet,
    DeliveryQuestionViewSet,
    DeliveryViewSet,
    OrderViewSet,
    PaymentViewSet,
    ReceivableViewSet,
)


def register(router):
    router.register("orders", OrderViewSet, basename="order")
    router.register("receivables", ReceivableViewSet, basename="receivable")
    router.register("payments", PaymentViewSet, basename="payment")
    router.register("deliveries", DeliveryViewSet, basename="delivery")
    router.register("delivery-questions", DeliveryQuestionViewSet, basename="delivery-question")
    router.register("aging", AgingViewSet, basename="aging")
