from rest_framework import serializers

from apps.scorecards.models import RecomputeJob, Scorecard


class ScorecardSerializer(serializers.ModelSerializer):
    """A rep's KPIs for one period: money and rates as decimal strings, null when undefined."""

    period = serializers.CharField(source="period_key", read_only=True)
    rep_name = serializers.CharField(source="rep.__str__", read_only=True)
    team = serializers.IntegerField(source="rep.team_id", read_only=True, allow_null=True)
    kpi_scores = serializers.JSONField(read_only=True)

    class Meta:
        model = Scorecard
        fields = [
            "id",
            "rep",
            "rep_name",
            "team",
            "period",
            "period_kind",
            "period_start",
            "period_end",
            "sales",
            "new_customer_sales",
            "repeat_sales",
            "sales_target",
            "sales_achievement_rate",
            "sales_last_year",
            "sales_growth_rate",
            "new_customers",
            "new_customers_weighted",
            "customers_at_start",
            "customers_lost",
            "retention_rate",
            "receivable_due",
            "collected",
            "collection_rate",
            "kpi_scores",
            "score",
            "weight_scheme_version",
            "computed_at",
            "stale",
        ]
        read_only_fields = fields


class RecomputeRequestSerializer(serializers.Serializer):
    period = serializers.CharField(max_length=16)


class RecomputeAcceptedSerializer(serializers.Serializer):
    job = serializers.IntegerField()
    status_url = serializers.CharField()


class RecomputeJobSerializer(serializers.ModelSerializer):
    period = serializers.CharField(source="period_key", read_only=True)
    progress_percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = RecomputeJob
        fields = [
            "id",
            "period",
            "status",
            "total_chunks",
            "done_chunks",
            "progress_percent",
            "error",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields
