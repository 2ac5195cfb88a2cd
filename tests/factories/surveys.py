"""Factories of this app's models (exported through tests/factories/__init__.py)."""

import datetime

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
