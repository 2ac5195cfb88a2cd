"""Sales API: orders, receivables, payments, deliveries, delivery questions and the customer
aging view. Every viewset is scoped (``visible_to``), filtered by the FilterSet the browser
list uses, and writes through the services (refusals are 400s naming the field, forbidden
writes 403s)."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.response import Response

from apps.core.api.views import ScopedViewSetMixin
from apps.sales import selectors, services
from apps.sales.access import can_write_sales
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
from apps.sales.choices import AGING_BUCKETS
from apps.sales.filters import (
    AgingFilter,
    DeliveryFilter,
    DeliveryQuestionFilter,
    OrderFilter,
    PaymentFilter,
    ReceivableFilter,
)
from apps.sales.models import Delivery, DeliveryQuestion, Order, Payment, Receivable


class SalesWritePermission(BasePermission):
    """Everyone signed in reads within their scope; sellers and admins write; HR reads only.

    Which records a seller may change is decided by the services (403 otherwise)."""

    message = _("You may read orders and collection data but not change them.")

    def has_permission(self, request, view):
        if not request.user.is_authenticated:
            return False
        return request.method in SAFE_METHODS or can_write_sales(request.user)


class SalesViewSet(ScopedViewSetMixin, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated, SalesWritePermission]

    def respond(self, instance, *, created=False):
        """The output representation of ``instance`` re-read through the list queryset."""
        instance = self.get_queryset().get(pk=instance.pk)
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(self.get_serializer(instance).data, status=code)


class ListRetrieveCreate(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, SalesViewSet
):
    pass


class OrderViewSet(mixins.UpdateModelMixin, ListRetrieveCreate):
    """Signed contracts with their credit split and receivable / paid totals."""

    queryset = Order.objects.all()
    serializer_class = OrderSerializer
    filterset_class = OrderFilter
    ordering_fields = ["signed_on", "amount", "number", "created_at"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.order_list(user=self.request.user)

    @extend_schema(request=OrderCreateSerializer, responses={201: OrderSerializer})
    def create(self, request, *args, **kwargs):
        payload = OrderCreateSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        order = services.order_create(actor=request.user, **payload.validated_data)
        return self.respond(order, created=True)

    @extend_schema(request=OrderUpdateSerializer, responses=OrderSerializer)
    def partial_update(self, request, *args, **kwargs):
        order = self.get_object()
        payload = OrderUpdateSerializer(
            data=request.data, partial=True, context=self.get_serializer_context()
        )
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        credits = data.pop("credits", None)
        with transaction.atomic():  # both changes or neither
            if data:
                order = services.order_update(actor=request.user, order=order, **data)
            if credits is not None:
                services.order_set_credits(actor=request.user, order=order, credits=credits)
        return self.respond(order)


class ReceivableViewSet(ListRetrieveCreate):
    """Receivables with what is paid and still open on each."""

    queryset = Receivable.objects.all()
    serializer_class = ReceivableSerializer
    filterset_class = ReceivableFilter
    ordering_fields = ["due_on", "issued_on", "amount"]

    def get_queryset(self):
        return selectors.receivable_list(user=self.request.user)

    @extend_schema(request=ReceivableCreateSerializer, responses={201: ReceivableSerializer})
    def create(self, request, *args, **kwargs):
        payload = ReceivableCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        payload.is_valid(raise_exception=True)
        receivable = services.receivable_create(actor=request.user, **payload.validated_data)
        return self.respond(receivable, created=True)


class PaymentViewSet(ListRetrieveCreate):
    """Payments applied to receivables. A payment above what is open is refused; an admin may
    reverse a payment (with a reason)."""

    queryset = Payment.objects.all()
    serializer_class = PaymentSerializer
    filterset_class = PaymentFilter
    ordering_fields = ["paid_on", "amount"]

    def get_queryset(self):
        return selectors.payment_list(user=self.request.user)

    @extend_schema(request=PaymentCreateSerializer, responses={201: PaymentSerializer})
    def create(self, request, *args, **kwargs):
        payload = PaymentCreateSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        payment = services.payment_record(actor=request.user, **payload.validated_data)
        return self.respond(payment, created=True)

    @extend_schema(request=PaymentReverseSerializer, responses={204: None})
    @action(detail=True, methods=["post"])
    def reverse(self, request, pk=None):
        payment = self.get_object()
        payload = PaymentReverseSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.payment_reverse(
            actor=request.user, payment=payment, reason=payload.validated_data["reason"]
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class DeliveryViewSet(mixins.UpdateModelMixin, ListRetrieveCreate):
    """Deliveries of orders: planned and actual date, status."""

    queryset = Delivery.objects.all()
    serializer_class = DeliverySerializer
    filterset_class = DeliveryFilter
    ordering_fields = ["planned_on", "delivered_on"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.delivery_list(user=self.request.user)

    @extend_schema(request=DeliveryCreateSerializer, responses={201: DeliverySerializer})
    def create(self, request, *args, **kwargs):
        payload = DeliveryCreateSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        delivery = services.delivery_create(actor=request.user, **payload.validated_data)
        return self.respond(delivery, created=True)

    @extend_schema(request=DeliveryUpdateSerializer, responses=DeliverySerializer)
    def partial_update(self, request, *args, **kwargs):
        delivery = self.get_object()
        payload = DeliveryUpdateSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        services.delivery_update(actor=request.user, delivery=delivery, **payload.validated_data)
        return self.respond(delivery)


class DeliveryQuestionViewSet(ListRetrieveCreate):
    """Questions raised during deliveries; ``close`` answers and closes one."""

    queryset = DeliveryQuestion.objects.all()
    serializer_class = DeliveryQuestionSerializer
    filterset_class = DeliveryQuestionFilter
    ordering_fields = ["raised_on", "closed_on"]

    def get_queryset(self):
        return selectors.delivery_question_list(user=self.request.user)

    @extend_schema(
        request=DeliveryQuestionCreateSerializer, responses={201: DeliveryQuestionSerializer}
    )
    def create(self, request, *args, **kwargs):
        payload = DeliveryQuestionCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        payload.is_valid(raise_exception=True)
        question = services.delivery_question_create(actor=request.user, **payload.validated_data)
        return self.respond(question, created=True)

    @extend_schema(request=DeliveryQuestionCloseSerializer, responses=DeliveryQuestionSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        question = self.get_object()
        payload = DeliveryQuestionCloseSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.delivery_question_close(
            actor=request.user, question=question, **payload.validated_data
        )
        return self.respond(question)


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
