from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.performance import periods


class Cycle(models.TextChoices):
    """Evaluation cycles (SPEC §2.5)."""

    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    ANNUAL = "annual", _("Annual")


class PeriodKind(models.TextChoices):
    MONTH = periods.MONTH, _("Month")
    QUARTER = periods.QUARTER, _("Quarter")
    YEAR = periods.YEAR, _("Year")


class Kpi(models.TextChoices):
    """The eight KPIs of SPEC §2.2-§2.3."""

    SALES_ACHIEVEMENT_RATE = "sales_achievement_rate", _("Sales achievement rate")
    SALES_GROWTH_RATE = "sales_growth_rate", _("Sales growth rate")
    #: Scored on the grade-weighted count of new valid customers.
    NEW_CUSTOMERS = "new_customers", _("New customers (grade-weighted)")
    RETENTION_RATE = "retention_rate", _("Customer retention rate")
    COLLECTION_RATE = "collection_rate", _("Collection rate")
    CUSTOMER_SATISFACTION = "customer_satisfaction", _("Customer satisfaction")
    TEAM_COLLABORATION = "team_collaboration", _("Team collaboration")
    CAPABILITY_GROWTH = "capability_growth", _("Professional capability growth")


class SchemePreset(models.TextChoices):
    """The two presets of SPEC §2.4 (blank: a hand-made scheme)."""

    MARKET_EXPANSION = "market_expansion", _("Market expansion")
    MATURE_MARKET = "mature_market", _("Mature market")


#: The KPIs a scheme of each cycle may weigh (SPEC §2.5).
CYCLE_KPIS: dict[str, tuple[str, ...]] = {
    # Monthly: quantitative only, computed automatically.
    Cycle.MONTHLY: (Kpi.SALES_ACHIEVEMENT_RATE, Kpi.NEW_CUSTOMERS, Kpi.COLLECTION_RATE),
    # Quarterly 360°: growth and retention (computed) plus satisfaction and collaboration.
    Cycle.QUARTERLY: (
        Kpi.SALES_GROWTH_RATE,
        Kpi.RETENTION_RATE,
        Kpi.CUSTOMER_SATISFACTION,
        Kpi.TEAM_COLLABORATION,
    ),
    Cycle.ANNUAL: tuple(Kpi),
}

#: The period kind each cycle is evaluated over.
CYCLE_PERIOD_KIND: dict[str, str] = {
    Cycle.MONTHLY: PeriodKind.MONTH,
    Cycle.QUARTERLY: PeriodKind.QUARTER,
    Cycle.ANNUAL: PeriodKind.YEAR,
}

#: KPIs whose negative value scores 0 (SPEC §2.4).
NEGATIVE_IS_ZERO_KPIS = frozenset({Kpi.SALES_GROWTH_RATE})

#: How a KPI's value and target read — the one definition the pages format them by
#: (``apps.performance.templatetags.kpi_format``): ``"percent"`` for the rates (stored in
#: percent units, ``85.2%``), ``"number"`` for the grade-weighted count of new customers (two
#: decimals), ``"score"`` for the qualitative ratings (one decimal).
KPI_UNITS: dict[str, str] = {
    Kpi.SALES_ACHIEVEMENT_RATE: "percent",
    Kpi.SALES_GROWTH_RATE: "percent",
    Kpi.NEW_CUSTOMERS: "number",
    Kpi.RETENTION_RATE: "percent",
    Kpi.COLLECTION_RATE: "percent",
    Kpi.CUSTOMER_SATISFACTION: "score",
    Kpi.TEAM_COLLABORATION: "score",
    Kpi.CAPABILITY_GROWTH: "score",
}
