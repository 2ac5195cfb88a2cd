from django.conf import settings
from django.db import models
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel, VersionedModel, actor_field
from apps.core.scoping import ScopedQuerySet, scoped_queryset
from apps.leads.choices import (
    CompanySize,
    DecisionComplexity,
    Grade,
    LeadSource,
    LeadStatus,
    NeedMatch,
    TouchChannel,
)


class GradingRubric(VersionedModel, TimeStampedModel):
    """Points per answer and the totals that make a grade (SPEC §1.1). One row: the rubric."""

    size_small = models.PositiveSmallIntegerField(_("small company"), default=1)
    size_medium = models.PositiveSmallIntegerField(_("medium company"), default=2)
    size_large = models.PositiveSmallIntegerField(_("large company"), default=3)
    need_low = models.PositiveSmallIntegerField(_("low need match"), default=1)
    need_medium = models.PositiveSmallIntegerField(_("medium need match"), default=2)
    need_high = models.PositiveSmallIntegerField(_("high need match"), default=3)
    chain_complex = models.PositiveSmallIntegerField(_("complex decision chain"), default=1)
    chain_moderate = models.PositiveSmallIntegerField(_("moderate decision chain"), default=2)
    chain_simple = models.PositiveSmallIntegerField(_("simple decision chain"), default=3)
    a_min_total = models.PositiveSmallIntegerField(_("lowest total for A"), default=8)
    b_min_total = models.PositiveSmallIntegerField(_("lowest total for B"), default=6)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("lead grading rubric")
        verbose_name_plural = _("lead grading rubrics")
        constraints = [
            models.CheckConstraint(
                condition=Q(b_min_total__lt=F("a_min_total")), name="rubric_b_below_a"
            )
        ]

    def __str__(self):
        return str(_("Lead grading rubric"))


class LeadQuerySet(ScopedQuerySet):
    owner_lookup = "owner"

    def a_first(self):
        """A leads first in every work list, then B, then C; newest first within a grade."""
        return self.annotate(
            grade_rank=Case(
                When(grade=Grade.A, then=Value(0)),
                When(grade=Grade.B, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        ).order_by("grade_rank", "-created_at", "-pk")


class Lead(VersionedModel, TimeStampedModel):
    company_name = models.CharField(_("company"), max_length=200)
    company_key = models.CharField(max_length=200, db_index=True, editable=False)
    contact_name = models.CharField(_("contact person"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    phone_key = models.CharField(max_length=40, db_index=True, blank=True, editable=False)
    email = models.EmailField(_("e-mail"), blank=True)
    email_key = models.CharField(max_length=254, db_index=True, blank=True, editable=False)
    industry = models.ForeignKey(
        "customers.Industry",
        verbose_name=_("industry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leads",
    )
    company_size = models.CharField(_("company size"), max_length=16, choices=CompanySize.choices)
    need_match = models.CharField(_("need match"), max_length=16, choices=NeedMatch.choices)
    decision_complexity = models.CharField(
        _("decision-chain complexity"), max_length=16, choices=DecisionComplexity.choices
    )
    source = models.CharField(_("source channel"), max_length=32, choices=LeadSource.choices)
    referred_by = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("referred by customer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referred_leads",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="leads",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=LeadStatus.choices, default=LeadStatus.NEW
    )
    disqualified_reason = models.TextField(_("disqualification reason"), blank=True)
    #: The grade the rubric gives; always kept, also when a manager overrides it.
    rubric_grade = models.CharField(_("rubric grade"), max_length=1, choices=Grade.choices)
    grade_override = models.CharField(
        _("overridden grade"), max_length=1, choices=Grade.choices, blank=True
    )
    override_reason = models.TextField(_("override reason"), blank=True)
    override_by = actor_field(_("overridden by"))
    override_at = models.DateTimeField(_("overridden at"), null=True, blank=True)
    #: The grade in force: the override when there is one, else the rubric grade.
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices, db_index=True)
    notes = models.TextField(_("notes"), blank=True)
    first_contacted_at = models.DateTimeField(_("first contacted at"), null=True, blank=True)
    converted_at = models.DateTimeField(_("converted at"), null=True, blank=True)

    objects = LeadQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        indexes = [models.Index(fields=["owner", "status", "grade"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="disqualified") | ~Q(disqualified_reason=""),
                name="disqualified_lead_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(grade_override="") | ~Q(override_reason=""),
                name="lead_override_has_reason",
            ),
        ]

    def __str__(self):
        return self.company_name


class LeadStatusChange(models.Model):
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=LeadStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=LeadStatus.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)

    objects = scoped_queryset("lead__owner").as_manager()

    class Meta:
        ordering = ["changed_at", "pk"]
        verbose_name = _("lead status change")
        verbose_name_plural = _("lead status changes")

    def __str__(self):
        return f"{self.lead}: {self.from_status} → {self.to_status}"


class NurtureTouch(models.Model):
    """One monthly nurture touch of a C lead: what was sent, when, how (SPEC §1.1)."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="nurture_touches")
    touched_on = models.DateField(_("date"))
    channel = models.CharField(_("channel"), max_length=16, choices=TouchChannel.choices)
    content = models.CharField(_("what was sent"), max_length=300)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = scoped_queryset("lead__owner").as_manager()

    class Meta:
        ordering = ["-touched_on", "-pk"]
        verbose_name = _("nurture touch")
        verbose_name_plural = _("nurture touches")

    def __str__(self):
        return f"{self.lead} {self.touched_on}"
