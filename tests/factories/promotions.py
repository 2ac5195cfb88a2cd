"""Factories of this app's models (exported through tests/factories/__init__.py)."""

import factory

from apps.promotions.choices import CandidateStatus
from apps.promotions.models import MethodologyDocument, PromotionCandidate
from apps.reviews.choices import CycleKind
from tests.factories.accounts import RepFactory
from tests.factories.reviews import ReviewCycleFactory

__all__ = ["MethodologyDocumentFactory", "PromotionCandidateFactory"]

LONG_TEXT = (
    "I start every account with a needs discovery call that follows SPIN: situation, problem, "
    "implication and need-payoff questions. I write down the customer's own words, agree the "
    "next step before the call ends and follow up within a day with a short written summary."
)


class PromotionCandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PromotionCandidate

    person = factory.SubFactory(RepFactory)
    year = 2026
    cycle = factory.SubFactory(
        ReviewCycleFactory, kind=CycleKind.YEAR, period_key="2026", name="2026 annual review"
    )
    status = CandidateStatus.AWAITING


class MethodologyDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MethodologyDocument

    candidate = factory.SubFactory(PromotionCandidateFactory)
    title = "How I win key accounts"
    text = LONG_TEXT
