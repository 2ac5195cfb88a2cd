from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.accounts.models import User
from apps.core.api.fields import VisiblePrimaryKeyRelatedField
from apps.core.choices import CompanySize
from apps.customers.choices import (
    DemandIntent,
    FeedbackStatus,
    InsightKind,
    InsightSource,
    UsageFrequency,
)
from apps.customers.models import (
    INVITE_FROM,
    Contact,
    Customer,
    HealthReport,
    Industry,
    MarketInsight,
    ProductFeedback,
)


def _lead_queryset():
    # The leads app sits above this one: its model through the declared relation.
    return Customer._meta.get_field("lead").related_model.objects.all()


# --- output ------------------------------------------------------------------------------------


class CustomerSerializer(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.__str__", read_only=True)
    industry_name = serializers.CharField(
        source="industry.name", read_only=True, allow_null=True, default=None
    )
    is_high_risk = serializers.BooleanField(read_only=True)
    invite_to_co_creation = serializers.SerializerMethodField()

    class Meta:
        model = Customer
        fields = [
            "id",
            "name",
            "owner",
            "owner_name",
            "industry",
            "industry_name",
            "company_size",
            "lead",
            "lead_grade",
            "referred_by",
            "status",
            "lost_on",
            "lost_reason",
            "latest_satisfaction",
            "is_high_risk",
            "invite_to_co_creation",
            "phone",
            "email",
            "notes",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields

    def get_invite_to_co_creation(self, obj) -> bool:
        return obj.latest_satisfaction is not None and obj.latest_satisfaction >= INVITE_FROM


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = [
            "id",
            "customer",
            "name",
            "title",
            "phone",
            "email",
            "is_primary",
            "created_at",
            "version",
        ]
        read_only_fields = fields


class IndustrySerializer(serializers.ModelSerializer):
    class Meta:
        model = Industry
        fields = ["id", "name"]


class HealthReportSerializer(serializers.ModelSerializer):
    is_high_risk = serializers.BooleanField(read_only=True)
    satisfaction = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text=_(
            "The customer's answered satisfaction survey of this quarter (read-only: only the "
            "customer's own answers count)."
        ),
    )

    class Meta:
        model = HealthReport
        fields = [
            "id",
            "customer",
            "year",
            "quarter",
            "usage_frequency",
            "issue_resolution_hours",
            "new_demand_intent",
            "satisfaction",
            "is_high_risk",
            "notes",
            "author",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields


class MarketInsightSerializer(serializers.ModelSerializer):
    customers = serializers.SerializerMethodField()
    leads = serializers.SerializerMethodField()

    class Meta:
        model = MarketInsight
        fields = [
            "id",
            "title",
            "kind",
            "source",
            "industry",
            "body",
            "author",
            "customers",
            "leads",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields

    # Only the linked records the reader may see (prefetched with visible_to by the selector).
    def get_customers(self, obj) -> list[int]:
        return [c.pk for c in obj.customers.all()]

    def get_leads(self, obj) -> list[int]:
        return [lead.pk for lead in obj.leads.all()]


class ProductFeedbackSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProductFeedback
        fields = [
            "id",
            "customer",
            "summary",
            "detail",
            "status",
            "author",
            "created_at",
            "version",
        ]
        read_only_fields = fields


# --- input -------------------------------------------------------------------------------------


class CustomerInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), required=False, allow_null=True, default=None
    )
    industry = serializers.PrimaryKeyRelatedField(
        queryset=Industry.objects.all(), required=False, allow_null=True, default=None
    )
    company_size = serializers.ChoiceField(
        choices=CompanySize.choices, required=False, allow_blank=True, default=""
    )
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True)
    lead = VisiblePrimaryKeyRelatedField(
        queryset=_lead_queryset(),
        required=False,
        allow_null=True,
        default=None,
        help_text=_(
            "The lead the customer comes from; its grade in force becomes the customer's "
            "lead_grade (read-only), which weighs the customer's development."
        ),
    )
    referred_by = VisiblePrimaryKeyRelatedField(
        queryset=Customer.objects.all(), required=False, allow_null=True, default=None
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class CustomerUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False)
    industry = serializers.PrimaryKeyRelatedField(
        queryset=Industry.objects.all(), required=False, allow_null=True
    )
    company_size = serializers.ChoiceField(
        choices=CompanySize.choices, required=False, allow_blank=True
    )
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    referred_by = VisiblePrimaryKeyRelatedField(
        queryset=Customer.objects.all(), required=False, allow_null=True
    )
    notes = serializers.CharField(required=False, allow_blank=True)


class MarkLostSerializer(serializers.Serializer):
    lost_on = serializers.DateField(help_text=_("The date cooperation ended (not in the future)."))
    reason = serializers.CharField(allow_blank=True)


class ReactivateSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ContactInputSerializer(serializers.Serializer):
    customer = VisiblePrimaryKeyRelatedField(queryset=Customer.objects.all())
    name = serializers.CharField(max_length=120)
    title = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True)
    is_primary = serializers.BooleanField(required=False, default=False)


class ContactUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False)
    title = serializers.CharField(max_length=120, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    is_primary = serializers.BooleanField(required=False)


class HealthReportUpdateSerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False)
    quarter = serializers.IntegerField(required=False)
    usage_frequency = serializers.ChoiceField(choices=UsageFrequency.choices, required=False)
    new_demand_intent = serializers.ChoiceField(choices=DemandIntent.choices, required=False)
    issue_resolution_hours = serializers.DecimalField(
        max_digits=8, decimal_places=1, required=False, allow_null=True
    )
    notes = serializers.CharField(required=False, allow_blank=True)


class HealthReportInputSerializer(HealthReportUpdateSerializer):
    customer = VisiblePrimaryKeyRelatedField(queryset=Customer.objects.all())
    year = serializers.IntegerField()
    quarter = serializers.IntegerField()
    usage_frequency = serializers.ChoiceField(choices=UsageFrequency.choices)
    new_demand_intent = serializers.ChoiceField(choices=DemandIntent.choices)


class MarketInsightUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    kind = serializers.ChoiceField(choices=InsightKind.choices, required=False)
    source = serializers.ChoiceField(choices=InsightSource.choices, required=False)
    industry = serializers.PrimaryKeyRelatedField(queryset=Industry.objects.all(), required=False)
    body = serializers.CharField(required=False)
    customers = VisiblePrimaryKeyRelatedField(
        queryset=Customer.objects.all(), many=True, required=False
    )
    leads = VisiblePrimaryKeyRelatedField(queryset=_lead_queryset(), many=True, required=False)


class MarketInsightInputSerializer(MarketInsightUpdateSerializer):
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=InsightKind.choices)
    source = serializers.ChoiceField(choices=InsightSource.choices)
    industry = serializers.PrimaryKeyRelatedField(queryset=Industry.objects.all())
    body = serializers.CharField()


class ProductFeedbackUpdateSerializer(serializers.Serializer):
    summary = serializers.CharField(max_length=200, required=False)
    detail = serializers.CharField(required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=FeedbackStatus.choices, required=False)


class ProductFeedbackInputSerializer(ProductFeedbackUpdateSerializer):
    customer = VisiblePrimaryKeyRelatedField(queryset=Customer.objects.all())
    summary = serializers.CharField(max_length=200)
