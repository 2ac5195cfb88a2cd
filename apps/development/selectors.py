"""Reads for collaboration, learning and capability, scoped with ``visible_to``, and the
set-based scores the scorecards and reviews read (``collaboration_by_rep``,
``capability_by_rep``)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.accounts.models import User
from apps.core.choices import Role
from apps.core.permissions import is_manager, is_rep
from apps.development import calculations, periods
from apps.development.choices import LearningKind, RaterRole
from apps.development.models import CapabilityGoal, CollaborationRating, LearningEntry

#: Learning kinds whose score counts as an assessed skill.
SCORED_KINDS = (LearningKind.EXAM, LearningKind.SANDBOX)
#: Kinds where a score means nothing (refused by the services).
UNSCORED_KINDS = (LearningKind.COURSE, LearningKind.COMPETITOR_MEETING)
#: A certification without a score counts as passed.
CERTIFICATE_SCORE = Decimal("100")
CERTIFICATE = Value(CERTIFICATE_SCORE, output_field=DecimalField(max_digits=5, decimal_places=2))


# --- collaboration ---------------------------------------------------------------------------


def rating_candidates(user):
    """The people ``user`` rates: a rep their teammates (other active reps of their team), a
    manager the active reps of the teams they manage; nobody for anyone else."""
    people = User.objects.filter(role=Role.REP, is_active=True).exclude(pk=user.pk)
    if is_manager(user):
        people = people.filter(team__managers=user)
    elif is_rep(user) and user.team_id is not None:
        people = people.filter(team_id=user.team_id)
    else:
        return User.objects.none()
    return people.select_related("team").order_by("last_name", "first_name", "username").distinct()


@dataclass
class RatingTarget:
    person: User
    rating: CollaborationRating | None

    @property
    def done(self) -> bool:
        return self.rating is not None


def ratings_to_give(*, user, period_key: str) -> list[RatingTarget]:
    """Each person ``user`` should rate in ``period_key``, with the rating already given (two
    queries)."""
    people = list(rating_candidates(user))
    given = {
        rating.rated_id: rating
        for rating in CollaborationRating.objects.filter(
            rater=user, period_key=period_key, rated__in=[p.pk for p in people]
        )
    }
    return [RatingTarget(person=p, rating=given.get(p.pk)) for p in people]


def _rating_sums(queryset):
    """Per rated person: the sum of the two dimensions and the number of ratings, for the
    manager's and the peers' ratings (aggregated in the database)."""
    points = F("cross_department") + F("knowledge_sharing")
    manager = Q(rater_role=RaterRole.MANAGER)
    peer = Q(rater_role=RaterRole.PEER)
    return (
        queryset.values("rated_id")
        .annotate(
            manager_points=Coalesce(Sum(points, filter=manager), 0),
            manager_count=Count("pk", filter=manager),
            peer_points=Coalesce(Sum(points, filter=peer), 0),
            peer_count=Count("pk", filter=peer),
        )
        .order_by()
    )


def _mean(points, count) -> Decimal | None:
    """The mean 1–5 rating from a sum of both dimensions over ``count`` ratings."""
    return Decimal(points) / (2 * count) if count else None


def collaboration_by_rep(
    *, period_keys: Iterable[str], rep_ids: Iterable[int] | None = None
) -> dict[int, Decimal]:
    """The collaboration score 0–100 of every rated rep over ``period_keys`` (quarter keys;
    a year passes its four quarters): manager mean and peer mean 50/50, ×20 (one query). Reps
    nobody rated are left out."""
    queryset = CollaborationRating.objects.filter(period_key__in=list(period_keys))
    if rep_ids is not None:
        queryset = queryset.filter(rated_id__in=list(rep_ids))
    result = {}
    for row in _rating_sums(queryset):
        score = calculations.collaboration_score_of_means(
            _mean(row["manager_points"], row["manager_count"]),
            _mean(row["peer_points"], row["peer_count"]),
            peer_count=row["peer_count"],
        )
        if score is not None:
            result[row["rated_id"]] = score
    return result


@dataclass
class CollaborationSummary:
    """What a rated rep may see of one quarter: the manager mean, how many peers rated and their
    mean only from at least 3 peers, and the 0–100 score (which leaves 1–2 peers out, so it
    cannot give their mean away)."""

    period_key: str
    manager_mean: Decimal | None
    peer_count: int
    peer_mean: Decimal | None
    score: Decimal | None

    @property
    def peer_mean_hidden(self) -> bool:
        return 0 < self.peer_count < calculations.MIN_PEERS_SHOWN


def collaboration_summary(*, rated, period_keys: list[str]) -> list[CollaborationSummary]:
    """``rated``'s collaboration per quarter of ``period_keys`` as they may see it (one query;
    no rater and no single rating leaves it)."""
    rows = (
        CollaborationRating.objects.filter(rated=rated, period_key__in=period_keys)
        .values_list("period_key", "rater_role", "cross_department", "knowledge_sharing")
        .order_by()
    )
    by_key: dict[str, dict[str, list[Decimal]]] = {
        key: {"manager": [], "peer": []} for key in period_keys
    }
    for key, role, cross, sharing in rows:
        by_key[key][role].append(calculations.rating_value(cross, sharing))
    summaries = []
    for key in period_keys:
        managers, peers = by_key[key]["manager"], by_key[key]["peer"]
        peer_mean = calculations.peer_mean_shown(peers)
        score = calculations.collaboration_score(managers, peers)
        summaries.append(
            CollaborationSummary(
                period_key=key,
                manager_mean=calculations.rating_mean(managers),
                peer_count=len(peers),
                peer_mean=peer_mean,
                score=score,
            )
        )
    return summaries


def ratings_visible(*, user):
    """Raw ratings as ``user`` may read them (a rep: those they gave; a manager: also those
    about their team's reps, raters named; HR and admin: all)."""
    return CollaborationRating.objects.visible_to(user).select_related(
        "rated", "rater", "rated__team"
    )


# --- learning and capability -----------------------------------------------------------------


def learning_list(*, user):
    return LearningEntry.objects.visible_to(user).select_related("rep")


def _fiscal_years(start: datetime.date, end: datetime.date) -> list[int]:
    last = end - datetime.timedelta(days=1)
    return list(range(periods.fiscal_year_of(start), periods.fiscal_year_of(last) + 1))


def capability_by_rep(
    *,
    start: datetime.date,
    end: datetime.date,
    rep_ids: Iterable[int] | None = None,
    today: datetime.date | None = None,
) -> dict[int, Decimal | None]:
    """The capability score 0–100 of each rep over ``[start, end)`` (``end`` exclusive, as the
    scorecards' periods): one query aggregating the learning log per rep, one for the goals of
    the fiscal years the range lies in. The pace counts the months begun by ``today``. With
    ``rep_ids`` every id is answered (``None`` when undefined); without, every rep who logged
    something or has a goal."""
    today = today or timezone.localdate()
    entries = LearningEntry.objects.filter(on__gte=start, on__lt=end)
    goals = CapabilityGoal.objects.filter(year__in=_fiscal_years(start, end))
    if rep_ids is not None:
        rep_ids = list(rep_ids)
        entries = entries.filter(rep_id__in=rep_ids)
        goals = goals.filter(rep_id__in=rep_ids)
    assessed = Q(kind__in=SCORED_KINDS, score__isnull=False) | Q(kind=LearningKind.CERTIFICATION)
    rows = (
        entries.values("rep_id")
        .annotate(
            entries=Count("pk"),
            courses=Count("pk", filter=Q(kind=LearningKind.COURSE)),
            assessed_total=Sum(Coalesce("score", CERTIFICATE), filter=assessed),
            assessed_count=Count("pk", filter=assessed),
        )
        .order_by()
    )
    goal_progress: dict[int, list[Decimal]] = {}
    for rep_id, progress in goals.values_list("rep_id", "progress").order_by():
        goal_progress.setdefault(rep_id, []).append(progress)
    months = calculations.months_in(start, min(end, today + datetime.timedelta(days=1)))
    result: dict[int, Decimal | None] = dict.fromkeys(rep_ids or [], None)
    seen = set()
    for row in rows:
        seen.add(row["rep_id"])
        count = row["assessed_count"]
        inputs = calculations.CapabilityInputs(
            months=months,
            courses=row["courses"],
            assessed=(Decimal(row["assessed_total"]) / count,) if count else (),
            goal_progress=tuple(goal_progress.get(row["rep_id"], ())),
            entries=row["entries"],
        )
        result[row["rep_id"]] = calculations.capability_score(inputs)
    for rep_id, progress in goal_progress.items():
        if rep_id in seen:
            continue
        inputs = calculations.CapabilityInputs(
            months=months, courses=0, assessed=(), goal_progress=tuple(progress), entries=0
        )
        result[rep_id] = calculations.capability_score(inputs)
    return result


@dataclass
class CapabilityRow:
    person: User
    goals: list
    courses_recent: int
    pace: Decimal
    quarter_score: Decimal | None
    year_score: Decimal | None


#: The learning pace shows the courses of the last three months.
PACE_MONTHS = 3


def capability_overview(*, user, today: datetime.date | None = None) -> list[CapabilityRow]:
    """For every rep ``user`` sees (a rep: themself): this year's goals, the course pace of the
    last three months and the capability score of this quarter and year. A fixed number of
    queries whatever the number of people."""
    today = today or timezone.localdate()
    people = list(
        User.objects.visible_to(user)
        .filter(role__in=(Role.REP, Role.MANAGER), is_active=True)
        .select_related("team")
        .order_by("team__name", "last_name", "first_name", "username")
    )
    if is_rep(user) or is_manager(user):
        people = [p for p in people if p.role == Role.REP or p.pk == user.pk]
    else:
        people = [p for p in people if p.role == Role.REP]
    ids = [p.pk for p in people]
    year = periods.fiscal_year_of(today)
    goals: dict[int, list] = {}
    for goal in CapabilityGoal.objects.filter(rep_id__in=ids, year=year).order_by("pk"):
        goals.setdefault(goal.rep_id, []).append(goal)
    since = periods.add_months(today, -(PACE_MONTHS - 1))
    courses = dict(
        LearningEntry.objects.filter(
            rep_id__in=ids, kind=LearningKind.COURSE, on__gte=since, on__lte=today
        )
        .values("rep_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("rep_id", "n")
    )
    q_start, q_end = periods.quarter_bounds(periods.quarter_key(today))
    y_start, y_end = periods.fiscal_year_bounds(year)
    quarter = capability_by_rep(start=q_start, end=q_end, rep_ids=ids, today=today)
    annual = capability_by_rep(start=y_start, end=y_end, rep_ids=ids, today=today)
    return [
        CapabilityRow(
            person=p,
            goals=goals.get(p.pk, []),
            courses_recent=courses.get(p.pk, 0),
            pace=calculations.course_pace(courses.get(p.pk, 0), PACE_MONTHS),
            quarter_score=quarter.get(p.pk),
            year_score=annual.get(p.pk),
        )
        for p in people
    ]
