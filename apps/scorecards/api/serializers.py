from rest_framework import serializers

from apps.scorecards.models import RecomputeJob, Scorecard


class ScorecardSerializer(serializers.ModelSerializer):
    """A rep's KPIs for one period: money and rates as decimal strings, null when undefined.
    ``customer_satisfaction``, ``team_collaboration`` and ``capability_growth`` (0–100) are
    computed for quarters and years only (null for months, and while undefined)."""

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
            "customer_satisfaction",
            "team_collaboration",
            "capability_growth",
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


class SourceRowSerializer(serializers.Serializer):
    """One record behind a KPI (the same keys in every section; null where a key does not
    apply). Money rows: an order (``orders``, ``orders_last_year``), a receivable
    (``receivables``) or a payment (``payments``) with the rep's ``credit_percent`` and
    ``counted`` (the rep's exact share of ``amount``). Customer rows (``developed``,
    ``at_start``, ``lost``): the customer, its ``lead_grade`` and development ``weight``, and
    ``date`` = the day it was lost (null if not lost). Qualitative rows: an answered survey
    (``surveys``: customer, ``date`` answered, ``period``, ``kind`` = channel, ``score``), a
    learning-log entry (``learning``: ``date``, ``kind``, ``title``, ``score`` = the assessed
    score it counts with), a capability goal (``goals``: ``period`` = year, ``title``,
    ``progress``) or the ratings of one rater role (``ratings``: ``rater_role``, ``raters`` =
    how many, ``mean`` 1–5; never a rater, and to the rated person no count, and the peer mean
    only from at least 3 peers)."""

    record = serializers.CharField()
    id = serializers.IntegerField(allow_null=True)
    order = serializers.IntegerField(allow_null=True)
    number = serializers.CharField(allow_null=True, help_text="The order's contract number.")
    receivable = serializers.IntegerField(allow_null=True)
    customer = serializers.IntegerField(allow_null=True)
    customer_name = serializers.CharField(allow_null=True)
    date = serializers.DateField(
        allow_null=True,
        help_text="Signed on, due on, paid on, lost on, answered on, or the entry's date.",
    )
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    credit_percent = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    counted = serializers.DecimalField(max_digits=22, decimal_places=6, allow_null=True)
    new_customer = serializers.BooleanField(allow_null=True)
    lead_grade = serializers.CharField(allow_null=True)
    weight = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True)
    lost_reason = serializers.CharField(allow_null=True)
    period = serializers.CharField(allow_null=True)
    kind = serializers.CharField(allow_null=True)
    title = serializers.CharField(allow_null=True)
    score = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    rater_role = serializers.CharField(allow_null=True)
    raters = serializers.IntegerField(allow_null=True)
    mean = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    progress = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)


class ScorecardSourcesSerializer(serializers.Serializer):
    """A page of the records behind one KPI of a scorecard, with their totals."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = SourceRowSerializer(many=True)
    kpi = serializers.CharField()
    section = serializers.CharField(help_text="The section of the KPI these rows belong to.")
    sections = serializers.ListField(child=serializers.CharField())
    totals = serializers.DictField(
        child=serializers.CharField(allow_null=True),
        help_text="Per scorecard field, the sum (or count) of every row of its section.",
    )
    figure = serializers.DictField(
        child=serializers.CharField(allow_null=True),
        help_text="The same fields as stored on the scorecard: equal to totals unless stale.",
    )
    value = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    target = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    stale = serializers.BooleanField(
        help_text="Data changed since the scorecard was computed: the rows are today's."
    )
