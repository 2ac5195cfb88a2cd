"""Review cycles and reviews (SPEC §2.5): quarterly 360° reviews (self 30 %, manager 50 %,
customers 20 %) and annual reviews (an annual weight scheme over the mean quarterly score, the
annual growth score and the capability score)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel, VersionedModel, actor_field
from apps.core.scoping import ScopedQuerySet, scoped_queryset
from apps.performance.choices import Kpi
from apps.reviews.choices import CalibrationScope, CycleKind, CycleStatus, ReviewStatus

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]
WEIGHT = {"max_digits": 5, "decimal_places": 2, "validators": PERCENT}
SCORE = {"max_digits": 6, "decimal_places": 2, "null": True, "blank": True}


class AnnualSchemeQuerySet(ScopedQuerySet):
    """Reference data: everyone reads the schemes."""

    owner_lookup = "created_by"

    def visible_q(self, user):
        return None


class AnnualScheme(VersionedModel, TimeStampedModel):
    """Weights of the annual score (product default 60 / 20 / 20), in force from a date; a
    cycle records the scheme and version it used."""

    name = models.CharField(_("name"), max_length=120)
    effective_from = models.DateField(_("in force from"))
    quarterly_weight = models.DecimalField(
        _("mean quarterly score weight"), default=Decimal("60"), **WEIGHT
    )
    growth_weight = models.DecimalField(
        _("annual growth score weight"), default=Decimal("20"), **WEIGHT
    )
    capability_weight = models.DecimalField(
        _("capability score weight"), default=Decimal("20"), **WEIGHT
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = actor_field(_("created by"))

    objects = AnnualSchemeQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_from", "-pk"]
        verbose_name = _("annual weight scheme")
        verbose_name_plural = _("annual weight schemes")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    quarterly_weight__gte=0, growth_weight__gte=0, capability_weight__gte=0
                ),
                name="annual_weights_not_negative",
            )
        ]

    def __str__(self):
        return self.name


class ReviewCycleQuerySet(ScopedQuerySet):
    """Everyone signed in may see that a cycle exists (its reviews are scoped)."""

    owner_lookup = "created_by"

    def visible_q(self, user):
        return None


class ReviewCycle(VersionedModel, TimeStampedModel):
    """A quarter's or a year's reviews for a population (the company, or some teams)."""

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=8, choices=CycleKind.choices)
    #: "2026-Q3" for a quarter, "2026" for a year (apps.performance.periods keys).
    period_key = models.CharField(_("period"), max_length=16)
    status = models.CharField(
        _("status"), max_length=8, choices=CycleStatus.choices, default=CycleStatus.OPEN
    )
    teams = models.ManyToManyField(
        "accounts.Team",
        verbose_name=_("teams"),
        blank=True,
        related_name="+",
        help_text=_("Leave empty for the whole company."),
    )
    #: Seed of the customer-survey draw: the same seed draws the same customers.
    seed = models.CharField(_("survey sample seed"), max_length=64)
    survey_sample_min = models.PositiveSmallIntegerField(
        _("customers surveyed (at least)"), default=10
    )
    survey_sample_max = models.PositiveSmallIntegerField(
        _("customers surveyed (at most)"), default=15
    )

    self_weight = models.DecimalField(_("self weight"), default=Decimal("30"), **WEIGHT)
    manager_weight = models.DecimalField(_("manager weight"), default=Decimal("50"), **WEIGHT)
    customer_weight = models.DecimalField(_("customer weight"), default=Decimal("20"), **WEIGHT)

    annual_scheme = models.ForeignKey(
        AnnualScheme,
        verbose_name=_("annual weight scheme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cycles",
    )
    annual_scheme_version = models.PositiveIntegerField(
        _("annual scheme version"), null=True, blank=True
    )
    calibration_scope = models.CharField(
        _("calibration group"),
        max_length=8,
        choices=CalibrationScope.choices,
        default=CalibrationScope.COMPANY,
    )
    a_percent = models.DecimalField(_("share of A grades (%)"), default=Decimal("10"), **WEIGHT)
    c_percent = models.DecimalField(_("share of C grades (%)"), default=Decimal("10"), **WEIGHT)

    self_due = models.DateField(_("self-reviews due"), null=True, blank=True)
    manager_due = models.DateField(_("manager reviews due"), null=True, blank=True)
    survey_due = models.DateField(_("customer surveys due"), null=True, blank=True)
    finalise_due = models.DateField(_("finalisation due"), null=True, blank=True)

    created_by = actor_field(_("opened by"))

    objects = ReviewCycleQuerySet.as_manager()

    class Meta:
        ordering = ["-period_key", "-pk"]
        verbose_name = _("review cycle")
        verbose_name_plural = _("review cycles")
        constraints = [
            models.CheckConstraint(
                condition=Q(self_weight__gte=0, manager_weight__gte=0, customer_weight__gte=0),
                name="review_weights_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(a_percent__gte=0, c_percent__gte=0),
                name="grade_shares_not_negative",
            ),
        ]

    def __str__(self):
        return self.name


class Review(VersionedModel, TimeStampedModel):
    """One person's review in a cycle. Quarterly: self, manager and customer parts and the
    360° score; annual: the quarterly scores, the growth and capability scores and the annual
    score. Finalised reviews are locked until HR reopens them with a reason."""

    cycle = models.ForeignKey(
        ReviewCycle,
        verbose_name=_("review cycle"),
        on_delete=models.CASCADE,
        related_name="reviews",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="reviews",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.OPEN
    )
    self_summary = models.TextField(_("self-reflection on the gap to target"), blank=True)
    manager_summary = models.TextField(_("manager's summary"), blank=True)
    self_submitted_at = models.DateTimeField(_("self-review submitted"), null=True, blank=True)
    manager_submitted_at = models.DateTimeField(
        _("manager review submitted"), null=True, blank=True
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewing manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    customer_completed_at = models.DateTimeField(_("customer part complete"), null=True, blank=True)
    #: ``{"self"|"manager"|"customer": {"reason": str, "by": user id, "at": iso datetime}}``
    waivers = models.JSONField(_("waived parts"), default=dict, blank=True)

    self_part = models.DecimalField(_("self part"), **SCORE)
    manager_part = models.DecimalField(_("manager part"), **SCORE)
    customer_part = models.DecimalField(_("customer part"), **SCORE)
    #: The weights actually applied after waivers renormalised them (``{"self": "37.50", …}``).
    effective_weights = models.JSONField(_("weights applied"), default=dict, blank=True)

    #: Annual: ``{"2026-Q1": "82.50", …}`` — the finalised quarters that entered the mean.
    quarter_scores = models.JSONField(_("quarterly scores"), default=dict, blank=True)
    quarterly_mean = models.DecimalField(_("mean quarterly score"), **SCORE)
    growth_score = models.DecimalField(_("annual growth score"), **SCORE)
    capability_score = models.DecimalField(_("capability score"), **SCORE)

    score = models.DecimalField(_("score"), **SCORE)
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    finalised_by = actor_field(_("finalised by"))
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)

    objects = scoped_queryset("person").as_manager()

    class Meta:
        ordering = ["-cycle__period_key", "person__username", "pk"]
        verbose_name = _("performance review")
        verbose_name_plural = _("performance reviews")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "person"], name="one_review_per_cycle")
        ]

    def __str__(self):
        return f"{self.person} · {self.cycle}"

    @property
    def locked(self) -> bool:
        return self.status == ReviewStatus.FINALISED


class ReviewIndicator(models.Model):
    """One quarterly indicator of a review: its computed score (pre-filled), and the self and
    manager scores 0–100 with comments. Its weight comes from the quarterly weight scheme."""

    review = models.ForeignKey(
        Review,
        verbose_name=_("performance review"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    kpi = models.CharField(_("indicator"), max_length=32, choices=Kpi.choices)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2)
    computed_score = models.DecimalField(_("computed score"), **SCORE)
    self_score = models.DecimalField(
        _("self score"), max_digits=5, decimal_places=2, null=True, blank=True, validators=PERCENT
    )
    self_comment = models.TextField(_("self comment"), blank=True)
    manager_score = models.DecimalField(
        _("manager score"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT,
    )
    manager_comment = models.TextField(_("manager comment"), blank=True)

    objects = scoped_queryset("review__person").as_manager()

    class Meta:
        ordering = ["review", "pk"]
        verbose_name = _("review indicator")
        verbose_name_plural = _("review indicators")
        constraints = [
            models.UniqueConstraint(fields=["review", "kpi"], name="one_indicator_per_kpi"),
            models.CheckConstraint(
                condition=(Q(self_score__isnull=True) | Q(self_score__gte=0, self_score__lte=100))
                & (Q(manager_score__isnull=True) | Q(manager_score__gte=0, manager_score__lte=100)),
                name="indicator_scores_0_to_100",
            ),
        ]

    def __str__(self):
        return f"{self.review_id} {self.kpi}"
