"""Factories of this app's models (exported through tests/factories/__init__.py)."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from apps.scorecards.models import RecomputeJob, Scorecard
from tests.factories.accounts import RepFactory

__all__ = ["RecomputeJobFactory", "ScorecardFactory"]


class ScorecardFactory(factory.django.DjangoModelFactory):
    """A stored scorecard for October 2026 (figures are illustrative, not computed)."""

    class Meta:
        model = Scorecard

    rep = factory.SubFactory(RepFactory)
    period_key = "2026-10"
    period_kind = "month"
    period_start = datetime.date(2026, 10, 1)
    period_end = datetime.date(2026, 11, 1)
    sales = Decimal("1000.00")
    new_customer_sales = Decimal("400.00")
    repeat_sales = Decimal("600.00")
    sales_last_year = Decimal("0.00")
    receivable_due = Decimal("0.00")
    collected = Decimal("0.00")
    computed_at = factory.LazyFunction(timezone.now)


class RecomputeJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecomputeJob

    period_key = "2026-10"


def _month(key: str):
    from apps.performance.periods import parse_period

    return parse_period(key, business_range=False)


def _current_month_key() -> str:
    from apps.performance.periods import MONTH, period_containing

    return period_containing(MONTH, timezone.localdate()).key


class MonthScorecardFactory(ScorecardFactory):
    """A scored monthly scorecard of the current month (or ``period_key``): sales against a
    target and the three monthly KPIs with their scores (figures illustrative)."""

    period_key = factory.LazyFunction(_current_month_key)
    period_start = factory.LazyAttribute(lambda o: _month(o.period_key).start)
    period_end = factory.LazyAttribute(lambda o: _month(o.period_key).end)
    sales_target = Decimal("2000.00")
    sales_achievement_rate = Decimal("50.00")
    receivable_due = Decimal("800.00")
    collected = Decimal("600.00")
    collection_rate = Decimal("75.00")
    new_customers_weighted = Decimal("2.00")
    score = Decimal("72.50")
    kpi_scores = factory.LazyAttribute(
        lambda o: {
            "sales_achievement_rate": {
                "value": str(o.sales_achievement_rate),
                "target": "100",
                "score": str(o.score),
                "weight": "50",
            },
            "new_customers": {"value": "2.00", "target": "3", "score": "66.67", "weight": "20"},
            "collection_rate": {"value": "75.00", "target": "90", "score": "83.33", "weight": "30"},
        }
    )


__all__ += ["MonthScorecardFactory"]
