"""Reads of training recommendations: who is weak in which skill (set-based: a fixed number
of aggregate queries whatever the number of people), the grade-A mentors, and the scoped
proposal list."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from apps.accounts.models import User
from apps.core.choices import Role
from apps.development.choices import LearningKind
from apps.development.models import LearningEntry
from apps.development.selectors import CERTIFICATE, SCORED_KINDS
from apps.grades.choices import Grade
from apps.grades.models import AnnualGrade
from apps.performance.choices import PeriodKind
from apps.scorecards.models import Scorecard
from apps.training import calculations
from apps.training.choices import DIMENSIONS, EVIDENCE_MONTHS
from apps.training.models import TrainingProposal


@dataclass(frozen=True)
class Weakness:
    """One person weak in one skill, and why."""

    person_id: int
    team_id: int
    skill: str
    average: Decimal | None
    kpi_gap: bool

    @property
    def cause(self) -> str:
        return "evidence" if self.average is not None else "kpi_gap"


def active_reps() -> list[User]:
    """The active reps in a team (those proposals are made for), one query."""
    return list(
        User.objects.filter(role=Role.REP, is_active=True, team__isnull=False)
        .select_related("team")
        .order_by("team__name", "pk")
    )


def skill_evidence(
    rep_ids: list[int], *, since: datetime.date, until: datetime.date
) -> dict[tuple[int, str], Decimal]:
    """``{(rep id, skill): mean score}`` of the assessed learning (exams and sandbox exercises
    with a score, certifications — 100 without one) on ``[since, until]`` (one query)."""
    assessed = Q(kind__in=SCORED_KINDS, score__isnull=False) | Q(kind=LearningKind.CERTIFICATION)
    rows = (
        LearningEntry.objects.filter(
            assessed, rep_id__in=rep_ids, skill__in=DIMENSIONS, on__gte=since, on__lte=until
        )
        .values("rep_id", "skill")
        .annotate(total=Sum(Coalesce("score", CERTIFICATE)), n=Count("pk"))
        .order_by()
    )
    return {
        (row["rep_id"], row["skill"]): calculations.evidence_average(row["total"], row["n"])
        for row in rows
    }


def latest_monthly_kpi_scores(rep_ids: list[int], *, today: datetime.date) -> dict[int, dict]:
    """Each rep's ``kpi_scores`` of their latest monthly scorecard ended by ``today`` (two
    queries)."""
    latest = (
        Scorecard.objects.filter(
            rep=OuterRef("pk"), period_kind=PeriodKind.MONTH, period_end__lte=today
        )
        .exclude(kpi_scores={})
        .order_by("-period_end", "-pk")
        .values("pk")[:1]
    )
    ids = [
        pk
        for pk in User.objects.filter(pk__in=rep_ids)
        .annotate(card=Subquery(latest))
        .values_list("card", flat=True)
        if pk is not None
    ]
    return dict(Scorecard.objects.filter(pk__in=ids).values_list("rep_id", "kpi_scores"))


def weaknesses(
    reps: list[User], *, weak_score: Decimal, kpi_gap_score: Decimal, today: datetime.date
) -> list[Weakness]:
    """Every (person, skill) that is weak, by the rules of :mod:`apps.training.calculations`
    (three queries)."""
    ids = [rep.pk for rep in reps]
    if not ids:
        return []
    since = calculations.evidence_since(today, EVIDENCE_MONTHS)
    evidence = skill_evidence(ids, since=since, until=today)
    gaps = {
        rep_id: calculations.kpi_gap_skills(scores, kpi_gap_score)
        for rep_id, scores in latest_monthly_kpi_scores(ids, today=today).items()
    }
    found = []
    for rep in reps:
        for skill in DIMENSIONS:
            average = evidence.get((rep.pk, str(skill)))
            gap = str(skill) in gaps.get(rep.pk, set())
            if calculations.is_weak(average, kpi_gap=gap, weak_score=weak_score):
                found.append(
                    Weakness(
                        person_id=rep.pk,
                        team_id=rep.team_id,
                        skill=str(skill),
                        average=average,
                        kpi_gap=gap,
                    )
                )
    return found


def grade_a_people() -> list[tuple[int, int | None]]:
    """``(person id, team id)`` of the active grade-A people of the latest year with finalised
    annual grades, best rank first (two queries)."""
    year = AnnualGrade.objects.filter(finalised=True).aggregate(year=Max("year"))["year"]
    if year is None:
        return []
    return list(
        AnnualGrade.objects.filter(finalised=True, year=year, grade=Grade.A, person__is_active=True)
        .order_by("rank", "pk")
        .values_list("person_id", "person__team_id")
    )


def proposal_list(*, user):
    return (
        TrainingProposal.objects.visible_to(user)
        .select_related("team", "person", "person__team", "mentor")
        .annotate(participant_count=Count("participants", distinct=True))
    )


def people_of(proposal: TrainingProposal) -> list[User]:
    """The people a proposal concerns (the participants of a workshop, else the person)."""
    if proposal.is_workshop:
        return list(
            proposal.participants.select_related("team").order_by(
                "first_name", "last_name", "username"
            )
        )
    return [proposal.person] if proposal.person_id else []
