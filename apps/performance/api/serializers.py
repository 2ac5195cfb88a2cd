"""Serializers of the performance API. Input serializers only parse; the services check the
rules (a refusal is a 400 naming the field)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.accounts.models import Team, User
from apps.core.api.fields import VisiblePrimaryKeyRelatedField
from apps.performance.choices import Cycle, Kpi, SchemePreset
from apps.performance.models import PeriodSetting, Target, WeightScheme, WeightSchemeItem

MONEY = {"max_digits": 14, "decimal_places": 2}
PERCENT = {"max_digits": 7, "decimal_places": 2}
PERIOD_HELP = _("A month (2026-10), a quarter (2026-Q4) or a year (2026).")
TARGET_VALUE_FIELDS = (
    "sales_target",
    "new_customer_sales_target",
    "repeat_sales_target",
    "new_customers_target",
    "collection_rate_target",
)


# -- targets ----------------------------------------------------------------------------------


class TargetSerializer(serializers.ModelSerializer):
    period = serializers.CharField(source="period_key", read_only=True)

    class Meta:
        model = Target
        fields = ["id", "rep", "period", *TARGET_VALUE_FIELDS, "version"]
        read_only_fields = fields


class TargetValuesSerializer(serializers.Serializer):
    sales_target = serializers.DecimalField(**MONEY, required=False, allow_null=True)
    new_customer_sales_target = serializers.DecimalField(**MONEY, required=False, allow_null=True)
    repeat_sales_target = serializers.DecimalField(**MONEY, required=False, allow_null=True)
    new_customers_target = serializers.DecimalField(
        max_digits=8, decimal_places=2, required=False, allow_null=True
    )
    collection_rate_target = serializers.DecimalField(**PERCENT, required=False, allow_null=True)


class TargetCreateSerializer(TargetValuesSerializer):
    rep = VisiblePrimaryKeyRelatedField(queryset=User.objects.all())
    period = serializers.CharField(max_length=16, help_text=PERIOD_HELP)


class TargetRowSerializer(TargetValuesSerializer):
    rep = serializers.IntegerField()


class TargetBulkSerializer(serializers.Serializer):
    period = serializers.CharField(max_length=16, help_text=PERIOD_HELP)
    team = VisiblePrimaryKeyRelatedField(queryset=Team.objects.all())
    team_sales_total = serializers.DecimalField(**MONEY, required=False, allow_null=True)
    targets = TargetRowSerializer(many=True)


# -- weight schemes ---------------------------------------------------------------------------


class WeightSchemeItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = WeightSchemeItem
        fields = ["kpi", "weight", "target", "cap"]


class WeightSchemeSerializer(serializers.ModelSerializer):
    items = WeightSchemeItemSerializer(many=True, read_only=True)

    class Meta:
        model = WeightScheme
        fields = [
            "id",
            "name",
            "cycle",
            "version",
            "effective_from",
            "preset",
            "notes",
            "created_by",
            "created_at",
            "items",
        ]
        read_only_fields = fields


class WeightSchemeItemInputSerializer(serializers.Serializer):
    kpi = serializers.ChoiceField(choices=Kpi.choices)
    weight = serializers.DecimalField(max_digits=5, decimal_places=2)
    target = serializers.DecimalField(max_digits=12, decimal_places=2)
    cap = serializers.DecimalField(max_digits=6, decimal_places=2, required=False)


class WeightSchemeCreateSerializer(serializers.Serializer):
    """A new version. Give ``items``, or a ``preset`` without items to use its defaults."""

    cycle = serializers.ChoiceField(choices=Cycle.choices)
    effective_from = serializers.DateField()
    name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    preset = serializers.ChoiceField(choices=SchemePreset.choices, required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    items = WeightSchemeItemInputSerializer(many=True, required=False)

    def validate(self, attrs):
        if not attrs.get("items") and not attrs.get("preset"):
            raise serializers.ValidationError({"items": [_("Give the items or a preset.")]})
        return attrs


# -- period settings --------------------------------------------------------------------------


class PeriodSettingSerializer(serializers.ModelSerializer):
    period = serializers.CharField(source="period_key", read_only=True)
    growth_target = serializers.DecimalField(**PERCENT, read_only=True)

    class Meta:
        model = PeriodSetting
        fields = [
            "id",
            "period",
            "period_kind",
            "period_start",
            "industry_growth_rate",
            "challenge_margin",
            "growth_target",
            "updated_at",
            "version",
        ]
        read_only_fields = fields


class PeriodSettingInputSerializer(serializers.Serializer):
    period = serializers.CharField(max_length=16, help_text=PERIOD_HELP)
    industry_growth_rate = serializers.DecimalField(**PERCENT)
    challenge_margin = serializers.DecimalField(**PERCENT, required=False)


class PeriodSettingUpdateSerializer(serializers.Serializer):
    industry_growth_rate = serializers.DecimalField(**PERCENT, required=False)
    challenge_margin = serializers.DecimalField(**PERCENT, required=False)
