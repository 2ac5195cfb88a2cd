from rest_framework import serializers

from apps.accounts.models import User
from apps.activities.choices import ActivityKind
from apps.activities.models import Activity
from apps.core.api.fields import BusinessDateTimeField, VisiblePrimaryKeyRelatedField
from apps.customers.models import Customer
from apps.leads.models import Lead
from apps.opportunities.models import Opportunity


class ActivitySerializer(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.__str__", read_only=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "kind",
            "owner",
            "owner_name",
            "lead",
            "customer",
            "opportunity",
            "occurred_at",
            "subject",
            "outcome",
            "next_step",
            "next_step_on",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields


class ActivityUpdateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ActivityKind.choices, required=False)
    occurred_at = BusinessDateTimeField(required=False)
    subject = serializers.CharField(max_length=200, required=False, allow_blank=True)
    lead = VisiblePrimaryKeyRelatedField(
        queryset=Lead.objects.all(), required=False, allow_null=True
    )
    customer = VisiblePrimaryKeyRelatedField(
        queryset=Customer.objects.all(), required=False, allow_null=True
    )
    opportunity = VisiblePrimaryKeyRelatedField(
        queryset=Opportunity.objects.all(),
        required=False,
        allow_null=True,
    )
    outcome = serializers.CharField(required=False, allow_blank=True)
    next_step = serializers.CharField(max_length=300, required=False, allow_blank=True)
    next_step_on = serializers.DateField(required=False, allow_null=True)


class ActivityInputSerializer(ActivityUpdateSerializer):
    kind = serializers.ChoiceField(choices=ActivityKind.choices)
    occurred_at = BusinessDateTimeField()
    subject = serializers.CharField(max_length=200, allow_blank=True)
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), required=False, allow_null=True
    )
