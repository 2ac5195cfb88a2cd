"""Review API representations (plain: decimal strings, ISO dates) and input serializers."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.accounts.models import Team
from apps.performance.choices import Kpi
from apps.reviews.choices import CalibrationScope, CycleKind, Part
from apps.reviews.models import AnnualScheme, Review, ReviewCycle, ReviewIndicator

PERCENT = {
    "max_digits": 5,
    "decimal_places": 2,
    "min_value": Decimal("0"),
    "max_value": Decimal("100"),
}

# --- output ------------------------------------------------------------------------------------


class AnnualSchemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = AnnualScheme
        fields = [
            "id",
            "name",
            "effective_from",
            "quarterly_weight",
            "growth_weight",
            "capability_weight",
            "notes",
            "created_by",
            "created_at",
            "version",
        ]
        read_only_fields = fields


class ReviewCycleSerializer(serializers.ModelSerializer):
    teams = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = ReviewCycle
        fields = [
            "id",
            "name",
            "kind",
            "period_key",
            "status",
            "teams",
            "seed",
            "survey_sample_min",
            "survey_sample_max",
            "self_weight",
            "manager_weight",
            "customer_weight",
            "annual_scheme",
            "annual_scheme_version",
            "calibration_scope",
            "a_percent",
            "c_percent",
            "self_due",
            "manager_due",
            "survey_due",
            "finalise_due",
            "created_by",
            "created_at",
            "version",
        ]
        read_only_fields = fields


class ReviewIndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReviewIndicator
        fields = [
            "kpi",
            "weight",
            "computed_score",
            "self_score",
            "self_comment",
            "manager_score",
            "manager_comment",
        ]
        read_only_fields = fields


class ReviewSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.__str__", read_only=True)
    period_key = serializers.CharField(source="cycle.period_key", read_only=True)
    kind = serializers.CharField(source="cycle.kind", read_only=True)
    locked = serializers.BooleanField(read_only=True)
    indicators = ReviewIndicatorSerializer(many=True, read_only=True)
    waivers = serializers.SerializerMethodField()
    effective_weights = serializers.DictField(child=serializers.CharField(), read_only=True)
    quarter_scores = serializers.DictField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Review
        fields = [
            "id",
            "cycle",
            "kind",
            "period_key",
            "person",
            "person_name",
            "manager",
            "status",
            "locked",
            "self_summary",
            "self_submitted_at",
            "manager_summary",
            "manager_submitted_at",
            "customer_completed_at",
            "self_part",
            "manager_part",
            "customer_part",
            "waivers",
            "effective_weights",
            "quarter_scores",
            "quarterly_mean",
            "growth_score",
            "capability_score",
            "score",
            "indicators",
            "finalised_at",
            "finalised_by",
            "reopen_reason",
            "version",
        ]
        read_only_fields = fields

    def get_waivers(self, review) -> dict[str, str]:
        """``{part: reason}`` of the waived parts."""
        return {
            part: str((w or {}).get("reason", "")) for part, w in (review.waivers or {}).items()
        }


# --- input -------------------------------------------------------------------------------------


class AnnualSchemeInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    effective_from = serializers.DateField()
    quarterly_weight = serializers.DecimalField(**PERCENT, default=Decimal("60"))
    growth_weight = serializers.DecimalField(**PERCENT, default=Decimal("20"))
    capability_weight = serializers.DecimalField(**PERCENT, default=Decimal("20"))
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class AnnualSchemeUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False)
    effective_from = serializers.DateField(required=False)
    quarterly_weight = serializers.DecimalField(**PERCENT, required=False)
    growth_weight = serializers.DecimalField(**PERCENT, required=False)
    capability_weight = serializers.DecimalField(**PERCENT, required=False)
    notes = serializers.CharField(required=False, allow_blank=True)


class _CycleFields(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    self_weight = serializers.DecimalField(**PERCENT, default=Decimal("30"))
    manager_weight = serializers.DecimalField(**PERCENT, default=Decimal("50"))
    customer_weight = serializers.DecimalField(**PERCENT, default=Decimal("20"))
    survey_sample_min = serializers.IntegerField(min_value=1, max_value=200, default=10)
    survey_sample_max = serializers.IntegerField(min_value=1, max_value=200, default=15)
    self_due = serializers.DateField(required=False, allow_null=True, default=None)
    manager_due = serializers.DateField(required=False, allow_null=True, default=None)
    survey_due = serializers.DateField(required=False, allow_null=True, default=None)
    finalise_due = serializers.DateField(required=False, allow_null=True, default=None)
    calibration_scope = serializers.ChoiceField(
        choices=CalibrationScope.choices, default=CalibrationScope.COMPANY
    )
    a_percent = serializers.DecimalField(**PERCENT, default=Decimal("10"))
    c_percent = serializers.DecimalField(**PERCENT, default=Decimal("10"))
    annual_scheme = serializers.PrimaryKeyRelatedField(
        queryset=AnnualScheme.objects.all(), required=False, allow_null=True, default=None
    )


class ReviewCycleInputSerializer(_CycleFields):
    kind = serializers.ChoiceField(choices=CycleKind.choices)
    period_key = serializers.CharField(
        max_length=16, help_text=_("A quarter (2026-Q3) for a 360° review, a year (2026) else.")
    )
    teams = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), many=True, required=False, default=list
    )
    seed = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("The survey draw's seed: the same seed draws the same customers."),
    )


class ReviewCycleUpdateSerializer(_CycleFields):
    """Every field optional: only those sent change."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
            field.default = serializers.empty


class IndicatorScoreSerializer(serializers.Serializer):
    kpi = serializers.ChoiceField(choices=Kpi.choices)
    score = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        allow_null=True,
        required=False,
        default=None,
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ReviewPartSerializer(serializers.Serializer):
    """A self or manager part: the summary and a score (0–100, or null) with a comment per
    indicator. Only the indicators sent change; ``summary`` left out stays as it is."""

    summary = serializers.CharField(required=False, allow_blank=True, allow_null=True, default=None)
    scores = IndicatorScoreSerializer(many=True, required=False, default=list)

    def validate_scores(self, value):
        kpis = [row["kpi"] for row in value]
        if len(set(kpis)) != len(kpis):
            raise serializers.ValidationError(_("Send each indicator once."))
        return value


class WaiveSerializer(serializers.Serializer):
    part = serializers.ChoiceField(choices=Part.choices)
    reason = serializers.CharField()


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()
