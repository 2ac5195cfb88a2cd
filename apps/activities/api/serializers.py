from rest_framework import serializers

from apps.activities.choices import ActivityKind
from apps.activities.models import Activity
from apps.customers.api.serializers import VisiblePrimaryKeyRelatedField


def _model(label):
    from django.apps import apps

    return apps.get_model(label)


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
        ]
        read_only_fields = fields


class ActivityUpdateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ActivityKind.choices, required=False)
    occurred_at = serializers.DateTimeField(required=False)
    subject = serializers.CharField(max_length=200, required=False, allow_blank=True)
    lead = VisiblePrimaryKeyRelatedField(
        queryset=_model("leads.Lead").objects.all(), required=False, allow_null=True
    )
    customer = VisiblePrimaryKeyRelatedField(
        queryset=_model("customers.Customer").objects.all(), required=False, allow_null=True
    )
    opportunity = VisiblePrimaryKeyRelatedField(
        queryset=_model("opportunities.Opportunity").objects.all(),
        required=False,
        allow_null=True,
    )
    outcome = serializers.CharField(required=False, allow_blank=True)
    next_step = serializers.CharField(max_length=300, required=False, allow_blank=True)
    next_step_on = serializers.DateField(required=False, allow_null=True)


class ActivityInputSerializer(ActivityUpdateSerializer):
    kind = serializers.ChoiceField(choices=ActivityKind.choices)
    occurred_at = serializers.DateTimeField()
    subject = serializers.CharField(max_length=200, allow_blank=True)
    owner = serializers.PrimaryKeyRelatedField(
        queryset=_model("accounts.User").objects.all(), required=False, allow_null=True
    )
