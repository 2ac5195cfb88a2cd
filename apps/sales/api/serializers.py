"""Serializers of the sales API. Output serializers read annotated querysets from
``apps.sales.selectors``; input serializers only parse, the services validate the rules."""

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from apps.accounts.models import User
from apps.core.api.fields import VisiblePrimaryKeyRelatedField
from apps.customers.models import Customer
from apps.opportunities.models import Opportunity
from apps.sales.choices import AGING_BUCKETS, DEFAULT_CREDIT_TERM_DAYS, DeliveryStatus
from apps.sales.models import Delivery, DeliveryQuestion, Order, Payment, Receivable

MONEY = {"max_digits": 14, "decimal_places": 2}


# --- orders --------------------------------------------------------------------------------


class CreditSerializer(serializers.Serializer):
    """One share of an order's credit: ``{"rep": <user id>, "percent": "30.00"}``."""

    rep = serializers.IntegerField()
    percent = serializers.DecimalField(max_digits=5, decimal_places=2)


class CreditOutputSerializer(serializers.Serializer):
    rep = serializers.IntegerField(source="rep_id", read_only=True)
    percent = serializers.DecimalField(max_digits=5, decimal_places=2, read_only=True)


class OrderSerializer(serializers.ModelSerializer):
    credits = CreditOutputSerializer(many=True, read_only=True)
    receivable_total = serializers.DecimalField(**MONEY, read_only=True)
    paid_total = serializers.DecimalField(**MONEY, read_only=True)

    class Meta:
        model = Order
        fields = [
            "id",
            "number",
            "customer",
            "owner",
            "opportunity",
            "amount",
            "signed_on",
            "credits",
            "notes",
            "receivable_total",
            "paid_total",
            "created_at",
            "version",
        ]
        read_only_fields = fields


class OrderCreateSerializer(serializers.Serializer):
    """Input of POST /orders/. ``owner`` is forced to a rep themselves; ``credits`` defaults to
    the opportunity's split when shared, else the owner at 100."""

    customer = VisiblePrimaryKeyRelatedField(queryset=Customer.objects.all())
    owner = VisiblePrimaryKeyRelatedField(
        queryset=User.objects.all(), required=False, allow_null=True, default=None
    )
    opportunity = VisiblePrimaryKeyRelatedField(
        queryset=Opportunity.objects.all(), required=False, allow_null=True, default=None
    )
    amount = serializers.DecimalField(**MONEY)
    signed_on = serializers.DateField()
    number = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    credits = CreditSerializer(many=True, required=False, allow_null=True, default=None)


class OrderUpdateSerializer(serializers.Serializer):
    """Input of PATCH /orders/{id}/: any of these; ``credits`` replaces the split."""

    owner = VisiblePrimaryKeyRelatedField(queryset=User.objects.all(), required=False)
    amount = serializers.DecimalField(**MONEY, required=False)
    signed_on = serializers.DateField(required=False)
    number = serializers.CharField(max_length=64, required=False)
    notes = serializers.CharField(required=False, allow_blank=True)
    credits = CreditSerializer(many=True, required=False)


# --- receivables and payments --------------------------------------------------------------


class ReceivableSerializer(serializers.ModelSerializer):
    paid_amount = serializers.DecimalField(**MONEY, read_only=True, source="paid")
    open_amount = serializers.DecimalField(**MONEY, read_only=True, source="open")
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Receivable
        fields = [
            "id",
            "order",
            "amount",
            "issued_on",
            "credit_term_days",
            "due_on",
            "paid_amount",
            "open_amount",
            "is_overdue",
        ]
        read_only_fields = fields


class ReceivableCreateSerializer(serializers.Serializer):
    order = VisiblePrimaryKeyRelatedField(queryset=Order.objects.all())
    amount = serializers.DecimalField(**MONEY)
    issued_on = serializers.DateField()
    credit_term_days = serializers.IntegerField(
        required=False, default=DEFAULT_CREDIT_TERM_DAYS, min_value=0, max_value=3650
    )
    due_on = serializers.DateField(required=False, allow_null=True, default=None)


class PaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = ["id", "receivable", "amount", "paid_on", "reference", "recorded_by"]
        read_only_fields = fields


class PaymentCreateSerializer(serializers.Serializer):
    receivable = VisiblePrimaryKeyRelatedField(queryset=Receivable.objects.all())
    amount = serializers.DecimalField(**MONEY)
    paid_on = serializers.DateField()
    reference = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")


class PaymentReverseSerializer(serializers.Serializer):
    reason = serializers.CharField()


# --- deliveries ----------------------------------------------------------------------------


class DeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = Delivery
        fields = [
            "id",
            "order",
            "description",
            "planned_on",
            "delivered_on",
            "status",
            "created_at",
            "version",
        ]
        read_only_fields = fields


class DeliveryCreateSerializer(serializers.Serializer):
    order = VisiblePrimaryKeyRelatedField(queryset=Order.objects.all())
    planned_on = serializers.DateField()
    description = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    status = serializers.ChoiceField(
        choices=DeliveryStatus.choices, required=False, default=DeliveryStatus.PLANNED
    )
    delivered_on = serializers.DateField(required=False, allow_null=True, default=None)


class DeliveryUpdateSerializer(serializers.Serializer):
    planned_on = serializers.DateField(required=False)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=DeliveryStatus.choices, required=False)
    delivered_on = serializers.DateField(required=False, allow_null=True)


class DeliveryQuestionSerializer(serializers.ModelSerializer):
    is_open = serializers.BooleanField(read_only=True)

    class Meta:
        model = DeliveryQuestion
        fields = [
            "id",
            "delivery",
            "question",
            "raised_on",
            "answer",
            "closed_on",
            "is_open",
            "created_at",
            "version",
        ]
        read_only_fields = fields


class DeliveryQuestionCreateSerializer(serializers.Serializer):
    delivery = VisiblePrimaryKeyRelatedField(queryset=Delivery.objects.all())
    question = serializers.CharField()
    raised_on = serializers.DateField(required=False, allow_null=True, default=None)


class DeliveryQuestionCloseSerializer(serializers.Serializer):
    answer = serializers.CharField()
    closed_on = serializers.DateField(required=False, allow_null=True, default=None)


# --- aging ---------------------------------------------------------------------------------


def _bucket_fields() -> dict:
    fields = {key: serializers.DecimalField(**MONEY) for key, _low, _high in AGING_BUCKETS}
    fields["total"] = serializers.DecimalField(**MONEY)
    return fields


AgingRowSerializer = type(
    "AgingRowSerializer",
    (serializers.Serializer,),
    {
        "customer": serializers.IntegerField(source="customer_id"),
        "customer_name": serializers.CharField(),
        **_bucket_fields(),
    },
)

AgingTotalsSerializer = type("AgingTotalsSerializer", (serializers.Serializer,), _bucket_fields())


# One table, not a list of them (the route is a viewset's ``list``).
@extend_schema_serializer(many=False)
class AgingSerializer(serializers.Serializer):
    """The customer aging table: open receivables per customer in days-past-due buckets."""

    as_of = serializers.DateField()
    buckets = serializers.ListField(child=serializers.CharField())
    rows = AgingRowSerializer(many=True)
    totals = AgingTotalsSerializer()
