"""Answers, ratings, learning entries and goals mark the quarter and year scorecards stale, in
the same transaction (the background refresh then recomputes them)."""

import datetime

import pytest
from django.utils import timezone

from apps.development import services as development
from apps.development.choices import LearningKind
from apps.scorecards.models import StaleRepPeriod
from apps.surveys import services as surveys
from tests.factories import CapabilityGoalFactory, RepFactory, SurveyFactory

pytestmark = pytest.mark.django_db


def marked(rep) -> set[str]:
    return set(StaleRepPeriod.objects.filter(rep=rep).values_list("period_key", flat=True))


def this_quarter() -> str:
    today = timezone.localdate()
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


def test_a_recorded_interview_marks_the_reps_quarter_and_year(cast):
    survey = SurveyFactory(rep=cast.rep_a, period_key="2026-Q3")
    surveys.survey_record_interview(
        actor=cast.hr, survey=survey, solution_fit=90, response_speed=80, problem_resolution=70
    )
    assert {"2026-Q3", "2026"} <= marked(cast.rep_a)
    assert not marked(cast.rep_a2)


def test_a_rating_marks_the_rated_persons_quarter_and_year_not_the_raters(cast):
    development.rating_save(
        actor=cast.rep_a2, rated=cast.rep_a, cross_department=4, knowledge_sharing=5
    )
    quarter = this_quarter()
    assert {quarter, quarter[:4]} <= marked(cast.rep_a)
    assert not marked(cast.rep_a2)


def test_a_learning_entry_marks_the_periods_of_its_day(cast):
    day = timezone.localdate() - datetime.timedelta(days=3)
    development.learning_create(
        actor=cast.rep_a,
        kind=LearningKind.COURSE,
        title="SPIN selling",
        on=day,
        evidence="Course record 42",
    )
    quarter = f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    assert {quarter, str(day.year)} <= marked(cast.rep_a)


def test_goal_progress_marks_the_goals_year_and_quarters(cast):
    year = timezone.localdate().year
    goal = CapabilityGoalFactory(rep=cast.rep_a, year=year)
    development.goal_update(actor=cast.manager_a, goal=goal, progress=50)
    assert {str(year), f"{year}-Q1", f"{year}-Q4"} <= marked(cast.rep_a)
    assert not marked(RepFactory())
