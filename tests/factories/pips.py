"""Factories of this app's models (exported through tests/factories/__init__.py)."""

import datetime

import factory

from apps.pips.choices import PipStatus, SessionStatus
from apps.pips.models import CoachingSession, Pip
from tests.factories.accounts import RepFactory

__all__ = ["ActivePipFactory", "CoachingSessionFactory", "PipFactory"]


class PipFactory(factory.django.DjangoModelFactory):
    """A proposed plan (no goals, no sessions yet)."""

    class Meta:
        model = Pip

    person = factory.SubFactory(RepFactory)
    status = PipStatus.PROPOSED
    weak_kpis = factory.LazyFunction(lambda: [{"kpi": "collection_rate", "score": "55.00"}])


class ActivePipFactory(PipFactory):
    """A running plan from Monday 7 Sep 2026 to 7 Dec 2026 (sessions: add them)."""

    status = PipStatus.ACTIVE
    goals = "Collection rate to 80"
    support = "Weekly one-to-one"
    start_date = datetime.date(2026, 9, 7)
    end_date = datetime.date(2026, 12, 7)


class CoachingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoachingSession

    pip = factory.SubFactory(ActivePipFactory)
    number = factory.Sequence(lambda n: n + 1)
    scheduled_on = datetime.date(2026, 9, 7)
    status = SessionStatus.SCHEDULED
