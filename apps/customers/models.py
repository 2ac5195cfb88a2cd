from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.choices import CompanySize, Grade
from apps.core.models import TimeStampedModel, VersionedModel
from apps.core.scoping import ScopedQuerySet, scoped_queryset
from apps.customers.choices import (
    CustomerStatus,
    DemandIntent,
    FeedbackStatus,
    InsightKind,
    InsightSource,
    UsageFrequency,
)

#: Below this satisfaction a customer is high-risk; at or above the invitation threshold it is
#: invited to case co-creation and referrals (SPEC §1.3). Rules in the reminders app read these.
HIGH_RISK_BELOW = Decimal("80")
INVITE_FROM = Decimal("90")


class Industry(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("industry")
        verbose_name_plural = _("industries")

    def __str__(self):
        return self.name


class CustomerQuerySet(ScopedQuerySet):
    owner_lookup = "owner"

    def active(self):
        return self.filter(status=CustomerStatus.ACTIVE)


class Customer(VersionedModel, TimeStampedModel):
    name = models.CharField(_("name"), max_length=200)
    company_key = models.CharField(max_length=200, db_index=True, editable=False)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    phone_key = models.CharField(max_length=40, db_index=True, blank=True, editable=False)
    email = models.EmailField(_("e-mail"), blank=True)
    email_key = models.CharField(max_length=254, db_index=True, blank=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="customers",
    )
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("industry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="customers",
    )
    company_size = models.CharField(
        _("company size"), max_length=16, choices=CompanySize.choices, blank=True
    )
    lead = models.OneToOneField(
        "leads.Lead",
        verbose_name=_("lead"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="customer",
    )
    #: The grade in force of the linked ``lead`` (rubric or override), blank without a lead: it
    #: weighs the customer's development (SPEC §2.2.3). A copy kept by the services only
    #: (``customer_create``, ``customer_link_lead``, ``customers_follow_lead_grades``), never
    #: entered by anyone.
    lead_grade = models.CharField(
        _("lead grade"), max_length=1, choices=Grade.choices, blank=True, editable=False
    )
    referred_by = models.ForeignKey(
        "self",
        verbose_name=_("referred by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=CustomerStatus.choices, default=CustomerStatus.ACTIVE
    )
    lost_on = models.DateField(_("lost on"), null=True, blank=True)
    lost_reason = models.TextField(_("reason lost"), blank=True)
    #: Latest satisfaction (0–100), from the latest health report or survey.
    latest_satisfaction = models.DecimalField(
        _("latest satisfaction"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="active", lost_on__isnull=True)
                | Q(status="lost", lost_on__isnull=False),
                name="customer_lost_on_iff_lost",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def is_high_risk(self) -> bool:
        return self.latest_satisfaction is not None and self.latest_satisfaction < HIGH_RISK_BELOW


class Contact(VersionedModel, TimeStampedModel):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=120)
    title = models.CharField(_("job title"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)

    objects = scoped_queryset("customer__owner").as_manager()

    class Meta:
        ordering = ["-is_primary", "name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self):
        return self.name


class HealthReport(VersionedModel, TimeStampedModel):
    """Quarterly customer health report (SPEC §1.3)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="health_reports")
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    usage_frequency = models.CharField(
        _("product usage frequency"), max_length=16, choices=UsageFrequency.choices
    )
    issue_resolution_hours = models.DecimalField(
        _("mean issue-resolution time (hours)"),
        max_digits=8,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    new_demand_intent = models.CharField(
        _("new-demand intent"), max_length=16, choices=DemandIntent.choices
    )
    satisfaction = models.DecimalField(
        _("latest satisfaction"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    notes = models.TextField(_("notes"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = scoped_queryset("customer__owner").as_manager()

    class Meta:
        ordering = ["-year", "-quarter"]
        verbose_name = _("customer health report")
        verbose_name_plural = _("customer health reports")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "year", "quarter"], name="one_health_report_per_quarter"
            )
        ]

    def __str__(self):
        return f"{self.customer} {self.year}-Q{self.quarter}"

    @property
    def is_high_risk(self) -> bool:
        return self.satisfaction is not None and self.satisfaction < HIGH_RISK_BELOW


class MarketInsight(VersionedModel, TimeStampedModel):
    """Notes on trends, competitors and pain points (SPEC §1.1), shared with their links."""

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=InsightKind.choices)
    source = models.CharField(_("source"), max_length=16, choices=InsightSource.choices)
    industry = models.ForeignKey(
        Industry, verbose_name=_("industry"), on_delete=models.PROTECT, related_name="insights"
    )
    body = models.TextField(_("note"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="market_insights",
    )
    leads = models.ManyToManyField("leads.Lead", blank=True, related_name="insights")
    customers = models.ManyToManyField(Customer, blank=True, related_name="insights")

    objects = scoped_queryset("author").as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("market insight")
        verbose_name_plural = _("market insights")

    def __str__(self):
        return self.title


class ProductFeedback(VersionedModel, TimeStampedModel):
    """Customer needs and pain points sent to the product team (SPEC §1.4)."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="feedback"
    )
    summary = models.CharField(_("summary"), max_length=200)
    detail = models.TextField(_("detail"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=FeedbackStatus.choices, default=FeedbackStatus.OPEN
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = scoped_queryset("customer__owner").as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("product feedback")
        verbose_name_plural = _("product feedback")

    def __str__(self):
        return self.summary
