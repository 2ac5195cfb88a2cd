"""Reads of review cycles and reviews, always scoped (``visible_to``)."""

from __future__ import annotations

from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404

from apps.reviews.choices import CycleKind, ReviewStatus
from apps.reviews.models import AnnualScheme, Review, ReviewCycle, ReviewIndicator
from apps.surveys.choices import SurveyStatus
from apps.surveys.models import Survey

__all__ = [
    "annual_scheme_list",
    "cycle_list",
    "cycle_progress",
    "review_detail",
    "review_indicators",
    "review_list",
]


def cycle_list(*, user):
    """The cycles (everyone signed in sees them), newest period first, with ``review_count``
    (all its reviews) and the annual scheme joined."""
    return (
        ReviewCycle.objects.visible_to(user)
        .select_related("annual_scheme", "created_by")
        .annotate(review_count=Count("reviews", distinct=True))
        .order_by("-period_key", "-pk")
    )


def annual_scheme_list(*, user):
    """The annual weight schemes, newest first (reference data)."""
    return AnnualScheme.objects.visible_to(user).select_related("created_by")


def review_list(*, user, cycle=None):
    """The reviews ``user`` sees (a rep their own, a manager their teams' and their own, HR and
    admins all), with cycle, person (and team) and manager joined; optionally of one
    ``cycle`` (an instance or id)."""
    queryset = Review.objects.visible_to(user).select_related(
        "cycle", "person", "person__team", "manager", "finalised_by"
    )
    if cycle is not None:
        queryset = queryset.filter(cycle_id=getattr(cycle, "pk", cycle))
    return queryset.order_by("-cycle__period_key", "-cycle_id", "person__username", "pk")


def _indicators_prefetch():
    return Prefetch(
        "indicators",
        queryset=ReviewIndicator.objects.order_by("-weight", "kpi", "pk"),
        to_attr="indicator_list",
    )


def review_detail(*, user, pk) -> Review:
    """One review in scope (404 otherwise) with its cycle, person, manager and indicators
    prefetched (``review.indicator_list``, heaviest first), so rendering it makes no further
    queries."""
    queryset = (
        Review.objects.visible_to(user)
        .select_related(
            "cycle",
            "cycle__annual_scheme",
            "person",
            "person__team",
            "manager",
            "finalised_by",
        )
        .prefetch_related(_indicators_prefetch())
    )
    return get_object_or_404(queryset, pk=pk)


def review_indicators(review) -> list[ReviewIndicator]:
    """The review's indicators, heaviest first (uses ``review_detail``'s prefetch when there
    is one)."""
    cached = getattr(review, "indicator_list", None)
    if cached is not None:
        return list(cached)
    return list(ReviewIndicator.objects.filter(review=review).order_by("-weight", "kpi", "pk"))


def cycle_progress(*, cycle) -> dict:
    """``{status: count for every ReviewStatus, "total": n, "surveys": {"pending": n,
    "answered": n, "cancelled": n, "total": n}}`` of a cycle: one GROUP BY over its reviews and
    (quarter cycles) one over the surveys of its people for the quarter."""
    progress = dict.fromkeys(ReviewStatus.values, 0)
    for status, count in (
        Review.objects.filter(cycle=cycle)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    ):
        progress[status] = count
    progress["total"] = sum(progress[s] for s in ReviewStatus.values)
    progress["surveys"] = _survey_progress(cycle)
    return progress


def _survey_progress(cycle) -> dict:
    surveys = dict.fromkeys(SurveyStatus.values, 0)
    if cycle.kind == CycleKind.QUARTER:
        people = Review.objects.filter(cycle=cycle).values("person_id")
        for status, count in (
            Survey.objects.filter(period_key=cycle.period_key, rep_id__in=people)
            .order_by()
            .values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        ):
            surveys[status] = count
    surveys["total"] = sum(surveys.values())
    return surveys
