"""Targets, period settings, weight schemes and PDCA notes (SPEC §1.4, §2.1-§2.5)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel, VersionedModel, actor_field
from apps.core.scoping import scoped_queryset
from apps.performance import calculations, periods
from apps.performance.calculations import DEFAULT_CAP
from apps.performance.choices import Cycle, Kpi, PeriodKind, SchemePreset

MONEY = {"max_digits": 14, "decimal_places": 2}
PERCENT = {"max_digits": 7, "decimal_places": 2}


class OrganisationWideQuerySet(models.QuerySet):
    """Reference data of the whole organisation: every signed-in user reads all of it."""

    def visible_to(self, user):
        return self if user.is_authenticated else self.none()


class Target(VersionedModel, TimeStampedModel):
    """A rep's targets for one period (a month, fiscal quarter or fiscal year).

    ``period_key`` is the :mod:`apps.performance.periods` key; ``period_kind`` and
    ``period_start`` are derived from it by the service and kept for filtering and ordering.
    A blank target is "not set": the KPI it feeds is undefined for the period (SPEC §2.2).
    """

    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rep"),
        on_delete=models.CASCADE,
        related_name="targets",
    )
    period_key = models.CharField(_("period"), max_length=7, db_index=True)
    period_kind = models.CharField(_("period kind"), max_length=8, choices=PeriodKind.choices)
    period_start = models.DateField(_("period start"), db_index=True)
    sales_target = models.DecimalField(_("sales target"), null=True, blank=True, **MONEY)
    new_customer_sales_target = models.DecimalField(
        _("new-customer sales target"), null=True, blank=True, **MONEY
    )
    repeat_sales_target = models.DecimalField(
        _("repeat sales target"), null=True, blank=True, **MONEY
    )
    new_customers_target = models.DecimalField(
        _("new customers target"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Grade-weighted count of new valid customers."),
    )
    collection_rate_target = models.DecimalField(
        _("collection rate target (%)"), null=True, blank=True, **PERCENT
    )
    set_by = actor_field(_("set by"), related_name="targets_set")

    objects = scoped_queryset("rep").as_manager()

    class Meta:
        ordering = ["-period_start", "period_kind", "rep__username"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(fields=["rep", "period_key"], name="target_unique_rep_period"),
            models.CheckConstraint(
                condition=Q(sales_target__gte=0) | Q(sales_target__isnull=True),
                name="target_sales_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(new_customer_sales_target__gte=0)
                | Q(new_customer_sales_target__isnull=True),
                name="target_new_customer_sales_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(repeat_sales_target__gte=0) | Q(repeat_sales_target__isnull=True),
                name="target_repeat_sales_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(new_customers_target__gte=0) | Q(new_customers_target__isnull=True),
                name="target_new_customers_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(collection_rate_target__gt=0, collection_rate_target__lte=100)
                | Q(collection_rate_target__isnull=True),
                name="target_collection_rate_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.rep} {self.period_key}"

    @property
    def period(self) -> periods.Period:
        return periods.parse_period(self.period_key, business_range=False)


class PeriodSetting(VersionedModel, TimeStampedModel):
    """Organisation-wide facts of a period: the industry growth rate and the challenge margin.

    The sales-growth target of the period is ``industry_growth_rate + challenge_margin``
    (SPEC §2.2.2; source example: industry 10 % + margin 5 = target 15 %).
    """

    period_key = models.CharField(_("period"), max_length=7, unique=True)
    period_kind = models.CharField(_("period kind"), max_length=8, choices=PeriodKind.choices)
    period_start = models.DateField(_("period start"), db_index=True)
    industry_growth_rate = models.DecimalField(_("industry growth rate (%)"), **PERCENT)
    challenge_margin = models.DecimalField(
        _("challenge margin (percentage points)"), default=Decimal("5"), **PERCENT
    )
    updated_by = actor_field(_("updated by"))

    objects = OrganisationWideQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "period_kind"]
        verbose_name = _("period setting")
        verbose_name_plural = _("period settings")

    def __str__(self):
        return self.period_key

    @property
    def growth_target(self) -> Decimal:
        return calculations.growth_target(self.industry_growth_rate, self.challenge_margin)


class WeightScheme(models.Model):
    """A versioned set of KPI weights, targets and caps for one cycle (SPEC §2.4).

    Immutable once created: a change is a new version with a later effective date. A score
    computed for a period uses the version in force on the period's first day.
    """

    name = models.CharField(_("name"), max_length=120)
    cycle = models.CharField(_("cycle"), max_length=16, choices=Cycle.choices)
    version = models.PositiveIntegerField(_("version"))
    effective_from = models.DateField(_("effective from"))
    preset = models.CharField(_("preset"), max_length=32, choices=SchemePreset.choices, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = actor_field(_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = OrganisationWideQuerySet.as_manager()

    class Meta:
        ordering = ["cycle", "-effective_from"]
        verbose_name = _("weight scheme")
        verbose_name_plural = _("weight schemes")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "version"], name="weightscheme_unique_cycle_version"
            ),
            models.UniqueConstraint(
                fields=["cycle", "effective_from"], name="weightscheme_unique_cycle_effective"
            ),
        ]

    def __str__(self):
        return f"{self.get_cycle_display()} v{self.version} {self.name}"

    @property
    def display_name(self) -> str:
        """The name; a default name (the preset's or the cycle's) in the reader's language."""
        labels = [SchemePreset(self.preset).label] if self.preset in SchemePreset.values else []
        if self.cycle in Cycle.values:
            labels.append(Cycle(self.cycle).label)
        return _in_reader_language(self.name, *labels)

    @property
    def display_notes(self) -> str:
        """The notes; the system's own note in the reader's language."""
        return _in_reader_language(self.notes, SYSTEM_SCHEME_NOTE)


#: The note of the schemes the system creates (``services.ensure_default_schemes``).
SYSTEM_SCHEME_NOTE = _("Default scheme created by the system.")


def _in_reader_language(text: str, *labels) -> str:
    """``text`` in the reader's language when it is one of ``labels`` as any language wrote it
    (a name or note the system stored when it created the record); otherwise ``text``."""
    for label in labels:
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                written = str(label)
            if text == written:
                return str(label)
    return text


class WeightSchemeItem(models.Model):
    """One KPI of a scheme: its weight (the weights of a scheme sum to 100), target and cap."""

    scheme = models.ForeignKey(
        WeightScheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="items"
    )
    kpi = models.CharField(_("KPI"), max_length=32, choices=Kpi.choices)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    cap = models.DecimalField(_("cap (%)"), max_digits=6, decimal_places=2, default=DEFAULT_CAP)

    objects = OrganisationWideQuerySet.as_manager()

    class Meta:
        ordering = ["scheme", "-weight", "kpi"]
        verbose_name = _("weight scheme item")
        verbose_name_plural = _("weight scheme items")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "kpi"], name="weightschemeitem_unique_kpi"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="weightschemeitem_weight_pos"),
            models.CheckConstraint(condition=Q(target__gt=0), name="weightschemeitem_target_pos"),
            models.CheckConstraint(condition=Q(cap__gte=100), name="weightschemeitem_cap_min"),
        ]

    def __str__(self):
        return f"{self.get_kpi_display()} {self.weight}"


class PdcaNote(VersionedModel, TimeStampedModel):
    """A rep's plan–do–check–act notes for one fiscal quarter (SPEC §1.4)."""

    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rep"),
        on_delete=models.CASCADE,
        related_name="pdca_notes",
    )
    period_key = models.CharField(_("quarter"), max_length=7)
    period_start = models.DateField(_("quarter start"), db_index=True)
    plan = models.TextField(_("plan"), blank=True)
    do = models.TextField(_("do"), blank=True)
    #: "check" would shadow ``Model.check()``.
    check_notes = models.TextField(_("check"), blank=True)
    act = models.TextField(_("act"), blank=True)

    objects = scoped_queryset("rep").as_manager()

    class Meta:
        ordering = ["-period_start", "rep__username"]
        verbose_name = _("PDCA note")
        verbose_name_plural = _("PDCA notes")
        constraints = [
            models.UniqueConstraint(fields=["rep", "period_key"], name="pdcanote_unique_rep_period")
        ]

    def __str__(self):
        return f"{self.rep} {self.period_key}"
