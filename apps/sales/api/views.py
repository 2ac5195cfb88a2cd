"""Sales API: orders, receivables, payments, deliveries, delivery questions and the customer
aging view. Every viewset is scoped (``visible_to``), filtered by the FilterSet the browser
list uses, and writes through the services (refusals are 400s naming the field, forbidden
writes 403s)."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from apps.core.api.views import ServiceModelViewSet, ServiceReadCreateViewSet
from apps.core.ownership import owner_field_refusal
from apps.sales import permissions, selectors, services
from apps.sales.api.serializers import (
    AgingSerializer,
    DeliveryCreateSerializer,
    DeliveryQuestionCloseSerializer,
    DeliveryQuestionCreateSerializer,
    DeliveryQuestionSerializer,
    DeliverySerializer,
    DeliveryUpdateSerializer,
    OrderCreateSerializer,
    OrderSerializer,
    OrderUpdateSerializer,
    PaymentCreateSerializer,
    PaymentReverseSerializer,
    PaymentSerializer,
    ReceivableCreateSerializer,
    ReceivableSerializer,
)
from apps.sales.choices import AGING_BUCKETS, DeliveryStatus
from apps.sales.filters import (
    AgingFilter,
    DeliveryFilter,
    DeliveryQuestionFilter,
    OrderFilter,
    PaymentFilter,
    ReceivableFilter,
)
from apps.sales.models import Delivery, DeliveryQuestion, Order, Payment, Receivable


class SalesWriteRule:
    """Everyone signed in reads within their scope; sellers and admins write; HR reads only
    (403). Which records a seller may change is decided by the services (403 otherwise)."""

    write_rule = permissions.can_write_crm
    write_denied_message = _("You may read orders and collection data but not change them.")


class OrderViewSet(SalesWriteRule, ServiceModelViewSet):
    """Signed contracts with their credit split and receivable / paid totals."""

    queryset = Order.objects.all()
    serializer_class = OrderSerializer
    create_serializer_class = OrderCreateSerializer
    update_serializer_class = OrderUpdateSerializer
    filterset_class = OrderFilter
    ordering_fields = ["signed_on", "amount", "number", "created_at"]
    #: A rep owns what they create and cannot hand an order over (403 naming ``owner``).
    field_rules = {"owner": owner_field_refusal}

    def get_queryset(self):
        return selectors.order_list(user=self.request.user)

    def perform_service_create(self, data):
        return services.order_create(actor=self.request.user, **data)

    def perform_service_update(self, order, data):
        credits = data.pop("credits", None)
        with transaction.atomic():  # both changes or neither
            if data:
                order = services.order_update(actor=self.request.user, order=order, **data)
            if credits is not None:
                services.order_set_credits(actor=self.request.user, order=order, credits=credits)
        return order


class ReceivableViewSet(SalesWriteRule, ServiceReadCreateViewSet):
    """Receivables with what is paid and still open on each."""

    queryset = Receivable.objects.all()
    serializer_class = ReceivableSerializer
    create_serializer_class = ReceivableCreateSerializer
    filterset_class = ReceivableFilter
    ordering_fields = ["due_on", "issued_on", "amount"]

    def get_queryset(self):
        return selectors.receivable_list(user=self.request.user)

    def perform_service_create(self, data):
        return services.receivable_create(actor=self.request.user, **data)


class PaymentViewSet(SalesWriteRule, ServiceReadCreateViewSet):
    """Payments applied to receivables. A payment above what is open is refused; an admin may
    reverse a payment (with a reason)."""

    queryset = Payment.objects.all()
    serializer_class = PaymentSerializer
    create_serializer_class = PaymentCreateSerializer
    filterset_class = PaymentFilter
    ordering_fields = ["paid_on", "amount"]

    def get_queryset(self):
        return selectors.payment_list(user=self.request.user)

    def perform_service_create(self, data):
        return services.payment_record(actor=self.request.user, **data)

    @extend_schema(request=PaymentReverseSerializer, responses={204: None})
    @action(detail=True, methods=["post"])
    def reverse(self, request, pk=None):
        payment = self.get_object()
        data = self.parse(PaymentReverseSerializer)
        services.payment_reverse(actor=request.user, payment=payment, reason=data["reason"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class DeliveryViewSet(SalesWriteRule, ServiceModelViewSet):
    """Deliveries of orders: planned and actual date, status."""

    queryset = Delivery.objects.all()
    serializer_class = DeliverySerializer
    create_serializer_class = DeliveryCreateSerializer
    update_serializer_class = DeliveryUpdateSerializer
    filterset_class = DeliveryFilter
    ordering_fields = ["planned_on", "delivered_on"]

    def get_queryset(self):
        return selectors.delivery_list(user=self.request.user)

    def perform_service_create(self, data):
        return services.delivery_create(actor=self.request.user, **data)

    def perform_service_update(self, delivery, data):
        # The service reads "delivered_on": null as "keep"; a client sending it means "clear",
        # which a delivered delivery cannot do: refuse it rather than answer 200 unchanged.
        delivered = data.get("status", delivery.status) == DeliveryStatus.DELIVERED
        if delivered and "delivered_on" in data and data["delivered_on"] is None:
            raise ValidationError(
                {"delivered_on": [_("A delivered delivery needs its actual date.")]}
            )
        return services.delivery_update(actor=self.request.user, delivery=delivery, **data)


class DeliveryQuestionViewSet(SalesWriteRule, ServiceReadCreateViewSet):
    """Questions raised during deliveries; ``close`` answers and closes one."""

    queryset = DeliveryQuestion.objects.all()
    serializer_class = DeliveryQuestionSerializer
    create_serializer_class = DeliveryQuestionCreateSerializer
    filterset_class = DeliveryQuestionFilter
    ordering_fields = ["raised_on", "closed_on"]
    field_routes = {"answer": "close", "closed_on": "close"}

    def get_queryset(self):
        return selectors.delivery_question_list(user=self.request.user)

    def perform_service_create(self, data):
        return services.delivery_question_create(actor=self.request.user, **data)

    @extend_schema(request=DeliveryQuestionCloseSerializer, responses=DeliveryQuestionSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        question = self.get_object()
        return self.run_service(
            DeliveryQuestionCloseSerializer,
            lambda data: services.delivery_question_close(
                actor=request.user, question=question, **data
            ),
            instance=question,
        )


class AgingViewSet(viewsets.ViewSet):
    """Customer aging: open receivables per visible customer in buckets of days past due
    (current, 1–30, 31–60, 61–90, 91+) as of a day, with a totals row."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("as_of", OpenApiTypes.DATE, description="Default: today."),
            OpenApiParameter("owner", OpenApiTypes.INT),
            OpenApiParameter("team", OpenApiTypes.INT),
            OpenApiParameter("customer", OpenApiTypes.INT),
        ],
        responses=AgingSerializer,
    )
    def list(self, request):
        filterset = AgingFilter(
            request.query_params,
            queryset=Receivable.objects.visible_to(request.user),
            request=request,
        )
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        aging = selectors.customer_aging(receivables=filterset.qs, as_of=filterset.as_of_date)
        aging["buckets"] = [key for key, _low, _high in AGING_BUCKETS]
        return Response(AgingSerializer(aging).data)
