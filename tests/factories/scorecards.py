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
