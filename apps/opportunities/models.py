from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel, VersionedModel
from apps.core.scoping import ScopedQuerySet, visible_user_ids
from apps.opportunities.calculations import roi_percent
from apps.opportunities.choices import (
    OpportunityKind,
    ReviewStatus,
    RiskKind,
    RiskStatus,
    Stage,
)

MONEY = {"max_digits": 14, "decimal_places": 2}
PERCENT_VALIDATORS = [MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))]


class PipelineSettings(VersionedModel, models.Model):
    """Organisation-wide pipeline switches. One row."""

    solution_pre_review = models.BooleanField(
        _("solution pre-review"),
        default=False,
        help_text=_("When on, a proposal must be approved before negotiation."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("pipeline settings")
        verbose_name_plural = _("pipeline settings")

    def __str__(self):
        return str(_("Pipeline settings"))

    @classmethod
    def current(cls) -> "PipelineSettings":
        return cls.objects.get_or_create(pk=1)[0]


class OpportunityQuerySet(ScopedQuerySet):
    """Owner's opportunities, plus those a rep shares credit in."""

    owner_lookup = "owner"

    def visible_q(self, user):
        ids = visible_user_ids(user)
        if ids is None:
            return None
        return Q(owner__in=ids) | Q(
            pk__in=OpportunityCredit.objects.filter(rep__in=ids).values("opportunity")
        )


class OpportunityChildQuerySet(ScopedQuerySet):
    """Rows that hang off an opportunity are visible exactly when their opportunity is
    (so a rep sharing credit sees its notes, proposals and risks too)."""

    owner_lookup = "opportunity__owner"

    def visible_q(self, user):
        if visible_user_ids(user) is None:
            return None
        return Q(opportunity__in=Opportunity.objects.visible_to(user).values("pk"))


class Opportunity(VersionedModel, TimeStampedModel):
    name = models.CharField(_("name"), max_length=200)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="opportunities",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="opportunities",
    )
    lead = models.ForeignKey(
        "leads.Lead",
        verbose_name=_("lead"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
    )
    kind = models.CharField(
        _("kind"),
        max_length=16,
        choices=OpportunityKind.choices,
        default=OpportunityKind.NEW_BUSINESS,
    )
    stage = models.CharField(
        _("stage"), max_length=24, choices=Stage.choices, default=Stage.NEEDS_DISCOVERY
    )
    probability = models.DecimalField(
        _("probability %"), max_digits=5, decimal_places=2, default=Decimal("10")
    )
    expected_amount = models.DecimalField(
        _("expected amount"), **MONEY, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    expected_close_on = models.DateField(_("expected close"), null=True, blank=True)
    #: Needs confirmed with the customer (counts for customer development with negotiation).
    needs_confirmed = models.BooleanField(_("needs confirmed"), default=False)
    #: When the opportunity first entered negotiation (kept if it moves on).
    negotiation_reached_at = models.DateTimeField(_("reached negotiation"), null=True, blank=True)
    # Negotiation terms (SPEC §1.2)
    negotiated_price = models.DecimalField(_("negotiated price"), **MONEY, null=True, blank=True)
    delivery_cycle_days = models.PositiveIntegerField(
        _("delivery cycle (days)"), null=True, blank=True
    )
    service_terms = models.TextField(_("service terms"), blank=True)
    lost_reason = models.TextField(_("reason lost"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = OpportunityQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        constraints = [
            models.CheckConstraint(
                condition=~Q(stage="lost") | ~Q(lost_reason=""), name="lost_opportunity_has_reason"
            )
        ]

    def __str__(self):
        return self.name


class OpportunityCredit(models.Model):
    """A rep's share of an opportunity (percentages of one opportunity total 100)."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="credits")
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="opportunity_credits"
    )
    percent = models.DecimalField(
        _("credit %"), max_digits=5, decimal_places=2, validators=PERCENT_VALIDATORS
    )

    objects = OpportunityChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("opportunity credit")
        verbose_name_plural = _("opportunity credits")
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "rep"], name="one_credit_per_rep"),
            models.CheckConstraint(
                condition=Q(percent__gt=0) & Q(percent__lte=100), name="opportunity_credit_range"
            ),
        ]

    def __str__(self):
        return f"{self.rep} {self.percent}%"


class StageChange(models.Model):
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.CharField(max_length=24, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=24, choices=Stage.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    objects = OpportunityChildQuerySet.as_manager()

    class Meta:
        ordering = ["changed_at", "pk"]
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")

    def __str__(self):
        return f"{self.opportunity}: {self.from_stage} → {self.to_stage}"


class SpinNote(VersionedModel, TimeStampedModel):
    """Needs discovery notes: situation, problem, implication, need-payoff (SPEC §1.2)."""

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="spin_notes"
    )
    situation = models.TextField(_("situation"), blank=True)
    problem = models.TextField(_("problem"), blank=True)
    implication = models.TextField(_("implication"), blank=True)
    need_payoff = models.TextField(_("need-payoff"), blank=True)
    explicit_needs = models.TextField(_("explicit needs"), blank=True)
    implicit_needs = models.TextField(_("implicit needs"), blank=True)
    need_pain_solution = models.TextField(
        _("need → pain → solution"),
        blank=True,
        help_text=_("E.g. lower inventory cost → slow supply-chain response → digital tool."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = OpportunityChildQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("SPIN note")
        verbose_name_plural = _("SPIN notes")

    def __str__(self):
        return f"SPIN {self.opportunity}"


class Proposal(VersionedModel, TimeStampedModel):
    """The solution proposal (SPEC §1.2): ROI % = (expected gain − cost) ÷ cost × 100."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="proposals")
    title = models.CharField(_("title"), max_length=200)
    features = models.TextField(_("product features"), blank=True)
    service_model = models.TextField(_("service model"), blank=True)
    cost_budget = models.DecimalField(
        _("cost budget"), **MONEY, validators=[MinValueValidator(Decimal("0"))]
    )
    expected_gain = models.DecimalField(
        _("expected gain"), **MONEY, validators=[MinValueValidator(Decimal("0"))]
    )
    differentiators = models.TextField(_("differentiators"), blank=True)
    attachment = models.FileField(_("attachment"), upload_to="proposals/%Y/%m/", blank=True)
    review_status = models.CharField(
        _("review"), max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.NOT_SUBMITTED
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = OpportunityChildQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")

    def __str__(self):
        return self.title

    @property
    def roi_percent(self) -> Decimal | None:
        return roi_percent(expected_gain=self.expected_gain, cost=self.cost_budget)


class Risk(VersionedModel, TimeStampedModel):
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="risks")
    kind = models.CharField(_("kind"), max_length=24, choices=RiskKind.choices)
    description = models.TextField(_("description"))
    mitigation = models.TextField(_("mitigation"), blank=True)
    involves_legal = models.BooleanField(_("legal involved"), default=False)
    involves_finance = models.BooleanField(_("finance involved"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=RiskStatus.choices, default=RiskStatus.OPEN
    )

    objects = OpportunityChildQuerySet.as_manager()

    class Meta:
        ordering = ["status", "-created_at"]
        verbose_name = _("risk")
        verbose_name_plural = _("risks")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.description[:40]}"
