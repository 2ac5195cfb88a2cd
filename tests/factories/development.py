"""Factories of this app's models (exported through tests/factories/__init__.py)."""

import datetime

import factory

from apps.development.choices import CaseKind, LearningKind, RaterRole
from apps.development.models import CapabilityGoal, CollaborationRating, LearningEntry, SalesCase
from tests.factories.accounts import RepFactory

__all__ = [
    "CapabilityGoalFactory",
    "CollaborationRatingFactory",
    "LearningEntryFactory",
    "SalesCaseFactory",
]


class CollaborationRatingFactory(factory.django.DjangoModelFactory):
    """A peer's 4/4 rating of a rep for Q3 2026."""

    class Meta:
        model = CollaborationRating

    rated = factory.SubFactory(RepFactory)
    rater = factory.SubFactory(RepFactory, team=factory.SelfAttribute("..rated.team"))
    rater_role = RaterRole.PEER
    period_key = "2026-Q3"
    cross_department = 4
    knowledge_sharing = 4


class LearningEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningEntry

    rep = factory.SubFactory(RepFactory)
    kind = LearningKind.COURSE
    title = factory.Sequence(lambda n: f"Course {n}")
    on = datetime.date(2026, 8, 12)
    evidence = "Course record"


class CapabilityGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CapabilityGoal

    rep = factory.SubFactory(RepFactory)
    year = 2026
    title = "Master the sales method of 2 new industries"


class SalesCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SalesCase

    author = factory.SubFactory(RepFactory)
    kind = CaseKind.SUCCESS
    title = factory.Sequence(lambda n: f"Case {n}")
    summary = "Won a plant-wide rollout after a SPIN discovery session."
    lessons = "Quantify the pain before presenting the solution."
    tags = "spin,manufacturing"
