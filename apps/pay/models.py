"""Performance pay (SPEC §2.6): versioned pay policies, monthly pay runs worked off as chunked
jobs, one statement per person and run, and adjustments that carry a correction of a closed
month into the next open run."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import VersionedModel, actor_field
from apps.core.scoping import ScopedQuerySet
from apps.pay import choices
from apps.pay.choices import PayRunStatus

PERCENT = {"max_digits": 6, "decimal_places": 2}
MONEY = {"max_digits": 14, "decimal_places": 2}
#: Components are kept exact (P × share% × score% has at most 10 decimals); only the total is
#: rounded to the cent.
EXACT = {"max_digits": 24, "decimal_places": 10}
SCORE = {"max_digits": 7, "decimal_places": 2, "null": True, "blank": True}


class PayPolicyQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Policies are organisation-wide rules: every signed-in user may read them."""
        return self if user is not None and user.is_authenticated else self.none()

    def in_force_on(self, day):
        return self.filter(effective_from__lte=day).order_by("-effective_from").first()


class PayPolicy(models.Model):
    """How monthly performance pay is computed, from a month on. Immutable once created: a
    change is a new version with a later effective month; a pay run records the version it
    used."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    effective_from = models.DateField(_("effective from (month)"), unique=True)
    base_share = models.DecimalField(
        _("base performance pay (%)"), default=choices.DEFAULT_BASE_SHARE, **PERCENT
    )
    performance_share = models.DecimalField(
        _("performance bonus (%)"), default=choices.DEFAULT_PERFORMANCE_SHARE, **PERCENT
    )
    capability_share = models.DecimalField(
        _("capability bonus (%)"), default=choices.DEFAULT_CAPABILITY_SHARE, **PERCENT
    )
    score_cap = models.DecimalField(
        _("score cap (%)"), default=choices.DEFAULT_SCORE_CAP, **PERCENT
    )
    satisfaction_threshold = models.DecimalField(
        _("satisfaction bonus threshold"), default=choices.DEFAULT_SATISFACTION_THRESHOLD, **PERCENT
    )
    satisfaction_bonus_rate = models.DecimalField(
        # xgettext:no-python-format
        _("satisfaction bonus (% of base salary)"),
        default=choices.DEFAULT_SATISFACTION_BONUS_RATE,
        **PERCENT,
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = actor_field(_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = PayPolicyQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("pay policy")
        verbose_name_plural = _("pay policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(base_share__gte=0, performance_share__gte=0, capability_share__gte=0),
                name="paypolicy_shares_not_negative",
            ),
            models.CheckConstraint(condition=Q(score_cap__gte=100), name="paypolicy_cap_min"),
        ]

    def __str__(self):
        return f"v{self.version} {self.effective_from:%Y-%m}"


class PayRunQuerySet(ScopedQuerySet):
    """Pay runs are HR's: HR and admins see them; nobody else does (a person sees their own
    statements, not the run)."""

    def visible_q(self, user):
        from apps.core.scoping import sees_everything

        if user is None or not user.is_authenticated:
            return Q(pk__in=[])
        return None if sees_everything(user) else Q(pk__in=[])


class PayRun(VersionedModel):
    """The pay of one month for everyone measured, computed as a chunked job; HR reviews the
    open run, may recompute it, and closes it (locked)."""

    period_key = models.CharField(_("month"), max_length=7, unique=True)
    period_start = models.DateField(_("month start"))
    period_end = models.DateField(_("month end (exclusive)"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=PayRunStatus.choices,
        default=PayRunStatus.QUEUED,
        db_index=True,
    )
    policy = models.ForeignKey(
        PayPolicy, verbose_name=_("pay policy"), on_delete=models.PROTECT, related_name="runs"
    )
    policy_version = models.PositiveIntegerField(_("pay policy version"))
    total_chunks = models.PositiveIntegerField(_("chunks"), default=0)
    done_chunks = models.PositiveIntegerField(_("chunks done"), default=0)
    opened_by = actor_field(_("opened by"))
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    started_at = models.DateTimeField(_("computation started"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = actor_field(_("closed by"))
    error = models.TextField(_("error"), blank=True)

    objects = PayRunQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "-pk"]
        verbose_name = _("pay run")
        verbose_name_plural = _("pay runs")

    def __str__(self):
        return self.period_key

    @property
    def locked(self) -> bool:
        return self.status == PayRunStatus.CLOSED

    @property
    def progress_percent(self) -> int:
        if self.status in (PayRunStatus.OPEN, PayRunStatus.CLOSED):
            return 100
        if not self.total_chunks:
            return 0
        return min(100, self.done_chunks * 100 // self.total_chunks)


class PayRunChunk(models.Model):
    """One chunk of a run's computation: its people and when it was done (counts once)."""

    run = models.ForeignKey(
        PayRun, verbose_name=_("pay run"), on_delete=models.CASCADE, related_name="chunks"
    )
    #: Which computation of the run the chunk belongs to (a recompute starts a new round).
    round = models.PositiveIntegerField(_("round"), default=1)
    number = models.PositiveIntegerField(_("number"))
    person_ids = models.JSONField(_("people"), default=list)
    #: Set when a worker takes the chunk; a chunk not done when its lease runs out is queued
    #: again by the watchdog (a worker that died mid-chunk), up to a number of attempts.
    leased_until = models.DateTimeField(_("leased until"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        ordering = ["run", "round", "number"]
        verbose_name = _("pay run chunk")
        verbose_name_plural = _("pay run chunks")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "round", "number"], name="one_pay_chunk_number_per_round"
            )
        ]

    def __str__(self):
        return f"{self.run_id} r{self.round} #{self.number}"


class PayStatementQuerySet(ScopedQuerySet):
    """HR and admins see every statement; a manager their teams'; a person their own — of
    open and closed runs alike (a statement is final only once its run is closed)."""

    owner_lookup = "person"


class PayStatement(models.Model):
    """One person's pay for one run: every input, every component (exact) and the total
    (rounded once), plus the adjustments for earlier, closed months carried in this run."""

    # No single-column indexes on the keys: ``run`` is led by the unique (run, person)
    # constraint's index and ``person`` by the (person, run) index; ``team`` is only read
    # within a run (its page, the totals per team) or beside other filters. Every index is
    # written for each of a run's thousands of statements.
    run = models.ForeignKey(
        PayRun,
        verbose_name=_("pay run"),
        on_delete=models.CASCADE,
        related_name="statements",
        db_index=False,
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="pay_statements",
        db_index=False,
    )
    #: The person's team when the run computed the statement (teams change; pay stays). A
    #: team with pay statements cannot be deleted: that would rewrite what was paid.
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    performance_pay_standard = models.DecimalField(
        _("monthly performance-pay standard"), null=True, blank=True, **MONEY
    )
    base_salary = models.DecimalField(_("monthly base salary"), null=True, blank=True, **MONEY)
    quantitative_score = models.DecimalField(_("monthly score"), **SCORE)
    qualitative_score = models.DecimalField(_("quarterly review score"), **SCORE)
    qualitative_period = models.CharField(_("quarter of the review"), max_length=8, blank=True)
    satisfaction = models.DecimalField(_("customer satisfaction"), **SCORE)
    satisfaction_period = models.CharField(
        _("quarter of the satisfaction"), max_length=8, blank=True
    )
    quantitative_applied = models.DecimalField(
        _("monthly score applied"), max_digits=7, decimal_places=2, default=0
    )
    qualitative_applied = models.DecimalField(
        _("quarterly score applied"), max_digits=7, decimal_places=2, default=0
    )
    satisfaction_met = models.BooleanField(_("satisfaction bonus earned"), default=False)
    base_pay = models.DecimalField(_("base performance pay"), default=0, **EXACT)
    performance_bonus = models.DecimalField(_("performance bonus"), default=0, **EXACT)
    capability_bonus = models.DecimalField(_("capability bonus"), default=0, **EXACT)
    satisfaction_bonus = models.DecimalField(_("satisfaction bonus"), default=0, **EXACT)
    #: The components' sum rounded to the cent (the one rounding).
    computed_total = models.DecimalField(_("performance pay"), default=0, **MONEY)
    #: Corrections of earlier, closed months carried in this run.
    adjustments = models.DecimalField(_("adjustments"), default=0, **MONEY)
    total = models.DecimalField(_("total"), default=0, **MONEY)
    #: Codes of :class:`apps.pay.choices.MissingInput` the statement did without.
    missing = models.JSONField(_("missing inputs"), default=list, blank=True)
    computed_at = models.DateTimeField(_("computed at"))

    objects = PayStatementQuerySet.as_manager()

    class Meta:
        ordering = ["run", "team__name", "person__username", "pk"]
        verbose_name = _("pay statement")
        verbose_name_plural = _("pay statements")
        constraints = [
            models.UniqueConstraint(fields=["run", "person"], name="one_statement_per_run")
        ]
        indexes = [models.Index(fields=["person", "run"])]

    def __str__(self):
        return f"{self.person} {self.run}"


class PayAdjustmentQuerySet(ScopedQuerySet):
    owner_lookup = "person"


class PayAdjustment(models.Model):
    """A correction of a closed month's pay, paid (or clawed back) in a later open run: the
    closed run's statements are never rewritten."""

    run = models.ForeignKey(
        PayRun,
        verbose_name=_("paid in run"),
        on_delete=models.CASCADE,
        related_name="adjustments",
    )
    corrected_run = models.ForeignKey(
        PayRun,
        verbose_name=_("corrects run"),
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="pay_adjustments",
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    paid_total = models.DecimalField(_("paid for the month"), **MONEY)
    corrected_total = models.DecimalField(_("corrected pay for the month"), **MONEY)
    #: The corrected computation: ``{"base_pay": "…", "quantitative_score": "…", …}``.
    details = models.JSONField(_("details"), default=dict, blank=True)
    reason = models.TextField(_("reason"))
    created_by = actor_field(_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = PayAdjustmentQuerySet.as_manager()

    class Meta:
        ordering = ["run", "person__username", "pk"]
        verbose_name = _("pay adjustment")
        verbose_name_plural = _("pay adjustments")

    def __str__(self):
        return f"{self.person} {self.corrected_run} → {self.run}: {self.amount}"
