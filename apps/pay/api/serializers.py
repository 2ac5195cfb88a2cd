"""Serializers of the pay API. Input serializers only parse; the services check the rules (a
refusal is a 400 naming the field, a closed run a 409)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.pay.models import PayAdjustment, PayPolicy, PayRun, PayStatement

MONEY = {"max_digits": 14, "decimal_places": 2}


class PayPolicySerializer(serializers.ModelSerializer):
    class Meta:
        model = PayPolicy
        fields = [
            "id",
            "version",
            "effective_from",
            "base_share",
            "performance_share",
            "capability_share",
            "score_cap",
            "satisfaction_threshold",
            "satisfaction_bonus_rate",
            "notes",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields


PERCENT = {"max_digits": 6, "decimal_places": 2}


class PayPolicyCreateSerializer(serializers.Serializer):
    effective_from = serializers.DateField(help_text=_("The first day of a month."))
    base_share = serializers.DecimalField(**PERCENT, help_text=_("Percent of P."))
    performance_share = serializers.DecimalField(**PERCENT, help_text=_("Percent of P."))
    capability_share = serializers.DecimalField(**PERCENT, help_text=_("Percent of P."))
    score_cap = serializers.DecimalField(**PERCENT)
    satisfaction_threshold = serializers.DecimalField(**PERCENT)
    satisfaction_bonus_rate = serializers.DecimalField(
        **PERCENT, help_text=_("Percent of the monthly base salary.")
    )
    notes = serializers.CharField(max_length=4000, allow_blank=True, required=False)


class PayRunSerializer(serializers.ModelSerializer):
    # Plain strings (one enum per choice set is documented by the input serializers).
    status = serializers.CharField(
        read_only=True, help_text=_("queued, computing, open, closed or failed.")
    )
    progress_percent = serializers.IntegerField(read_only=True)
    locked = serializers.BooleanField(read_only=True)
    people = serializers.IntegerField(read_only=True, help_text=_("Statements in the run."))
    total = serializers.DecimalField(
        source="amount", read_only=True, allow_null=True, **MONEY, help_text=_("Sum of totals.")
    )

    class Meta:
        model = PayRun
        fields = [
            "id",
            "period_key",
            "period_start",
            "period_end",
            "status",
            "progress_percent",
            "locked",
            "policy",
            "policy_version",
            "total_chunks",
            "done_chunks",
            "people",
            "total",
            "opened_by",
            "created_at",
            "started_at",
            "computed_at",
            "closed_by",
            "closed_at",
            "error",
            "version",
        ]
        read_only_fields = fields


class PayRunOpenSerializer(serializers.Serializer):
    period_key = serializers.CharField(max_length=10, help_text=_("The month, e.g. 2026-10."))


class PayRunCorrectSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000, allow_blank=True, help_text=_("Why the closed month is corrected.")
    )


class PayAdjustmentSerializer(serializers.ModelSerializer):
    corrected_period_key = serializers.CharField(source="corrected_run.period_key", read_only=True)
    period_key = serializers.CharField(source="run.period_key", read_only=True)

    class Meta:
        model = PayAdjustment
        fields = [
            "id",
            "run",
            "period_key",
            "corrected_run",
            "corrected_period_key",
            "person",
            "amount",
            "paid_total",
            "corrected_total",
            "reason",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields


class PayStatementSerializer(serializers.ModelSerializer):
    month = serializers.CharField(source="run.period_key", read_only=True)
    run_status = serializers.CharField(
        source="run.status", read_only=True, help_text=_("The run's status: final once closed.")
    )
    missing = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=_(
            "Inputs the statement did without: pay_standard, base_salary, quantitative, "
            "qualitative, satisfaction."
        ),
    )

    class Meta:
        model = PayStatement
        fields = [
            "id",
            "run",
            "month",
            "run_status",
            "person",
            "team",
            "performance_pay_standard",
            "base_salary",
            "quantitative_score",
            "qualitative_score",
            "qualitative_period",
            "satisfaction",
            "satisfaction_period",
            "quantitative_applied",
            "qualitative_applied",
            "satisfaction_met",
            "base_pay",
            "performance_bonus",
            "capability_bonus",
            "satisfaction_bonus",
            "computed_total",
            "adjustments",
            "total",
            "missing",
            "computed_at",
        ]
        read_only_fields = fields
