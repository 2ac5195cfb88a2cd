"""Helpers of the training tests."""

import datetime
from decimal import Decimal

import pytest

from apps.development.choices import LearningKind
from tests.factories import LearningEntryFactory, RepFactory

TODAY = datetime.date(2026, 11, 16)


def evidence(rep, skill, score, *, on=datetime.date(2026, 9, 1), kind=LearningKind.SANDBOX):
    return LearningEntryFactory(
        rep=rep, kind=kind, skill=skill, score=Decimal(str(score)), on=on, evidence="minutes"
    )


@pytest.fixture
def team4(cast):
    """Team Alpha with four reps: rep_a, rep_a2, rep_a3, rep_a4 (all fine in every skill
    unless a test gives them weak evidence)."""
    rep_a3 = RepFactory(username="rep_a3", team=cast.team_a)
    rep_a4 = RepFactory(username="rep_a4", team=cast.team_a)
    return [cast.rep_a, cast.rep_a2, rep_a3, rep_a4]
