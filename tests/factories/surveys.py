"""Factories of this app's models (exported through tests/factories/__init__.py)."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from apps.surveys.models import Survey
from tests.factories.accounts import RepFactory
from tests.factories.customers import CustomerFactory

__all__ = ["SurveyFactory"]


class SurveyFactory(factory.django.DjangoModelFactory):
    """A drawn, unanswered survey of Q3 2026 about one of the rep's customers."""

    class Meta:
        model = Survey

    rep = factory.SubFactory(RepFactory)
    customer = factory.SubFactory(CustomerFactory, owner=factory.SelfAttribute("..rep"))
    period_key = "2026-Q3"
    sample_seed = "test-seed"
    language = "zh-hans"
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))


class AnsweredSurveyFactory(SurveyFactory):
    """A survey the customer answered through its link: 80 / 90 / 100 → score 90.00."""

    status = "answered"
    channel = "link"
    solution_fit = 80
    response_speed = 90
    problem_resolution = 100
    score = Decimal("90.00")
    answered_at = factory.LazyFunction(timezone.now)
    expires_at = None


__all__ += ["AnsweredSurveyFactory"]
