"""Scorecards: one computed snapshot per rep and period, and the jobs that compute them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.models import actor_field
from apps.core.scoping import ScopedQuerySet, scoped_queryset
from apps.scorecards.choices import JobStatus, PeriodKind

MONEY = {"max_digits": 16, "decimal_places": 2, "null": True, "blank": True}
RATE = {"max_digits": 12, "decimal_places": 2, "null": True, "blank": True}


class ScorecardQuerySet(ScopedQuerySet):
    owner_lookup = "rep"


class Scorecard(models.Model):
    """A rep's KPIs for one period (SPEC §2.2), the scores (§2.4) and the raw figures behind them.

    Rates are null when undefined (zero or missing denominator). Written only by
    ``services.scorecards_recompute``.
    """

    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rep"),
        on_delete=models.CASCADE,
        related_name="scorecards",
    )
    period_key = models.CharField(_("period"), max_length=16)
    period_kind = models.CharField(_("period kind"), max_length=8, choices=PeriodKind.choices)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end (exclusive)"))

    sales = models.DecimalField(_("sales"), **MONEY)
    new_customer_sales = models.DecimalField(_("new-customer sales"), **MONEY)
    repeat_sales = models.DecimalField(_("repeat sales"), **MONEY)
    sales_target = models.DecimalField(_("sales target"), **MONEY)
    sales_achievement_rate = models.DecimalField(_("sales achievement rate"), **RATE)
    sales_last_year = models.DecimalField(_("sales same period last year"), **MONEY)
    sales_growth_rate = models.DecimalField(_("sales growth rate"), **RATE)
    new_customers = models.PositiveIntegerField(_("new customers"), default=0)
    new_customers_weighted = models.DecimalField(
        _("new customers (weighted)"), max_digits=12, decimal_places=2, default=0
    )
    customers_at_start = models.PositiveIntegerField(_("customers at period start"), default=0)
    customers_lost = models.PositiveIntegerField(_("customers lost"), default=0)
    retention_rate = models.DecimalField(_("retention rate"), **RATE)
    receivable_due = models.DecimalField(_("receivable due"), **MONEY)
    collected = models.DecimalField(_("collected"), **MONEY)
    collection_rate = models.DecimalField(_("collection rate"), **RATE)
    #: Qualitative KPIs (SPEC §2.3), 0–100, for quarters and years; null while undefined
    #: (no answered survey, fewer ratings than needed, nothing logged).
    customer_satisfaction = models.DecimalField(_("customer satisfaction"), **RATE)
    team_collaboration = models.DecimalField(_("team collaboration"), **RATE)
    capability_growth = models.DecimalField(_("professional capability growth"), **RATE)

    #: ``{kpi: {"value", "target", "score", "weight"}}`` (decimal strings or null).
    kpi_scores = models.JSONField(_("KPI scores"), default=dict, blank=True)
    score = models.DecimalField(_("score"), **RATE)
    weight_scheme = models.ForeignKey(
        "performance.WeightScheme",
        verbose_name=_("weight scheme"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    weight_scheme_version = models.PositiveIntegerField(
        _("weight scheme version"), null=True, blank=True
    )
    computed_at = models.DateTimeField(_("computed at"))
    stale = models.BooleanField(_("stale"), default=False)

    objects = ScorecardQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "rep__username", "pk"]
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        constraints = [
            models.UniqueConstraint(fields=["rep", "period_key"], name="one_scorecard_per_period")
        ]
        indexes = [models.Index(fields=["period_key", "rep"])]

    def __str__(self):
        return f"{self.rep} {self.period_key}"


class RecomputeJobQuerySet(ScopedQuerySet):
    owner_lookup = "requested_by"


class RecomputeJob(models.Model):
    """A request to recompute every scorecard of one period, worked off in chunks of reps."""

    period_key = models.CharField(_("period"), max_length=16)
    status = models.CharField(
        _("status"), max_length=8, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    total_chunks = models.PositiveIntegerField(_("chunks"), default=0)
    done_chunks = models.PositiveIntegerField(_("chunks done"), default=0)
    requested_by = actor_field(_("requested by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    objects = RecomputeJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("recompute job")
        verbose_name_plural = _("recompute jobs")

    def __str__(self):
        return f"{self.period_key} {self.status}"

    @property
    def progress_percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        if not self.total_chunks:
            return 0
        return min(100, self.done_chunks * 100 // self.total_chunks)


class RecomputeChunk(models.Model):
    """One chunk of a job: its reps, and when it was done (a redelivered chunk counts once)."""

    job = models.ForeignKey(
        RecomputeJob, verbose_name=_("job"), on_delete=models.CASCADE, related_name="chunks"
    )
    number = models.PositiveIntegerField(_("number"))
    rep_ids = models.JSONField(_("reps"), default=list)
    #: When the chunk was (last) handed to the queue: a chunk never leased long after this was
    #: lost before a worker took it (killed between creating and queueing it) and is queued again.
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    #: Set when a worker takes the chunk; a chunk not done when its lease runs out (a worker
    #: that died mid-chunk) is queued again by the watchdog, up to a number of attempts.
    leased_until = models.DateTimeField(_("leased until"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        ordering = ["job", "number"]
        verbose_name = _("recompute chunk")
        verbose_name_plural = _("recompute chunks")
        constraints = [
            models.UniqueConstraint(fields=["job", "number"], name="one_chunk_number_per_job")
        ]

    def __str__(self):
        return f"{self.job_id} #{self.number}"


class StaleRepPeriod(models.Model):
    """A rep-period whose data changed since its scorecard was computed (refreshed by a job)."""

    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("rep"), on_delete=models.CASCADE, related_name="+"
    )
    period_key = models.CharField(_("period"), max_length=16)
    marked_at = models.DateTimeField(_("marked at"))

    objects = scoped_queryset("rep").as_manager()

    class Meta:
        verbose_name = _("stale rep-period")
        verbose_name_plural = _("stale rep-periods")
        constraints = [
            models.UniqueConstraint(fields=["rep", "period_key"], name="one_stale_mark_per_period")
        ]

    def __str__(self):
        return f"{self.rep} {self.period_key}"
