"""Factories of this app's models (exported through tests/factories/__init__.py)."""

import datetime

import factory

from apps.performance.choices import Kpi
from apps.reviews.choices import CycleKind
from apps.reviews.models import AnnualScheme, Review, ReviewCycle, ReviewIndicator
from tests.factories.accounts import RepFactory

__all__ = [
    "AnnualCycleFactory",
    "AnnualSchemeFactory",
    "QuarterReviewFactory",
    "ReviewCycleFactory",
    "ReviewFactory",
    "ReviewIndicatorFactory",
]


class AnnualSchemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnnualScheme

    name = "Annual 60/20/20"
    effective_from = datetime.date(2020, 1, 1)


class ReviewCycleFactory(factory.django.DjangoModelFactory):
    """A Q3 2026 360° cycle over the whole company (no reviews created: use the service or
    ReviewFactory)."""

    class Meta:
        model = ReviewCycle

    name = factory.Sequence(lambda n: f"2026 Q3 review {n}")
    kind = CycleKind.QUARTER
    period_key = "2026-Q3"
    seed = "test-seed"


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    cycle = factory.SubFactory(ReviewCycleFactory)
    person = factory.SubFactory(RepFactory)


class ReviewIndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewIndicator

    review = factory.SubFactory(ReviewFactory)
    kpi = Kpi.SALES_GROWTH_RATE
    weight = 25


QUARTERLY_KPIS = (
    Kpi.SALES_GROWTH_RATE,
    Kpi.RETENTION_RATE,
    Kpi.CUSTOMER_SATISFACTION,
    Kpi.TEAM_COLLABORATION,
)


class QuarterReviewFactory(ReviewFactory):
    """A quarterly review with the four quarterly indicators at 25 % each (computed scores
    empty; pass ``indicators=[(kpi, weight), …]`` for others)."""

    class Meta:
        model = Review
        skip_postgeneration_save = True

    @factory.post_generation
    def indicators(self, create, extracted, **kwargs):
        if not create:
            return
        rows = extracted if extracted is not None else [(kpi, 25) for kpi in QUARTERLY_KPIS]
        ReviewIndicator.objects.bulk_create(
            ReviewIndicator(review=self, kpi=kpi, weight=weight) for kpi, weight in rows
        )


class AnnualCycleFactory(ReviewCycleFactory):
    """An annual cycle of 2026 (no reviews created)."""

    name = factory.Sequence(lambda n: f"2026 annual review {n}")
    kind = CycleKind.YEAR
    period_key = "2026"
