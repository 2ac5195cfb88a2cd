"""Reads of satisfaction surveys: what pages show and what the apps above (reviews,
reminders, scorecards) use. Everything a person reads goes through ``visible_to``; the
aggregates for the other apps are set-based (one query each, whatever the number of reps)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Q, QuerySet

from apps.surveys.calculations import CENT
from apps.surveys.choices import SurveyStatus
from apps.surveys.models import Survey

_PERIOD_KEY = re.compile(r"^(\d{4})-Q([1-4])$")


def parse_period_key(period_key: str) -> tuple[int, int] | None:
    """``"2026-Q3"`` → ``(2026, 3)``; ``None`` for anything else."""
    match = _PERIOD_KEY.match(period_key or "")
    return (int(match.group(1)), int(match.group(2))) if match else None


def survey_list(*, user) -> QuerySet[Survey]:
    return Survey.objects.visible_to(user).select_related(
        "rep", "rep__team", "customer", "recorded_by"
    )


def survey_progress(*, period_key: str, rep_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """``{rep_id: {"sampled": n, "answered": m, "cancelled": k}}`` for the quarter, one GROUP
    BY query; "sampled" counts every survey drawn (cancelled ones included). A rep without
    surveys is not in the answer."""
    rows = (
        Survey.objects.filter(period_key=period_key, rep_id__in=list(rep_ids))
        .order_by()
        .values("rep_id")
        .annotate(
            sampled=Count("pk"),
            answered=Count("pk", filter=Q(status=SurveyStatus.ANSWERED)),
            cancelled=Count("pk", filter=Q(status=SurveyStatus.CANCELLED)),
        )
    )
    return {
        row["rep_id"]: {
            "sampled": row["sampled"],
            "answered": row["answered"],
            "cancelled": row["cancelled"],
        }
        for row in rows
    }


def satisfaction_by_rep(
    *, period_keys: Iterable[str], rep_ids: Iterable[int] | None = None
) -> dict[int, Decimal]:
    """``{rep_id: mean score}`` of the answered surveys of ``period_keys`` (SPEC §2.3 item 6),
    rounded half up to 2 decimals, one query. A rep with no answered survey is not in the
    answer (undefined, never 0)."""
    queryset = Survey.objects.filter(
        period_key__in=list(period_keys), status=SurveyStatus.ANSWERED, score__isnull=False
    )
    if rep_ids is not None:
        queryset = queryset.filter(rep_id__in=list(rep_ids))
    rows = queryset.order_by().values("rep_id").annotate(mean=Avg("score"))
    return {
        row["rep_id"]: Decimal(row["mean"]).quantize(CENT, rounding=ROUND_HALF_UP)
        for row in rows
        if row["mean"] is not None
    }


def latest_answered(customer_id: int) -> Survey | None:
    """The customer's latest answered survey (latest quarter, then latest answer)."""
    return (
        Survey.objects.filter(customer_id=customer_id, status=SurveyStatus.ANSWERED)
        .order_by("-period_key", "-answered_at", "-pk")
        .first()
    )


def quarter_score(customer, year: int, quarter: int) -> Decimal | None:
    """The score of the customer's answered survey of calendar ``year`` Q``quarter`` (the
    source of that quarter's health-report satisfaction), or ``None``."""
    return (
        Survey.objects.filter(
            customer=customer,
            period_key=f"{year:04d}-Q{quarter}",
            status=SurveyStatus.ANSWERED,
        )
        .values_list("score", flat=True)
        .first()
    )


def latest_survey_for_customer(*, user, obj) -> Survey | None:
    """The related entry ``latest_survey`` of a customer page (:mod:`apps.core.related`): its
    latest answered survey the reader may see."""
    return (
        Survey.objects.visible_to(user)
        .filter(customer=obj, status=SurveyStatus.ANSWERED)
        .order_by("-period_key", "-answered_at", "-pk")
        .first()
    )


def period_keys(*, user) -> list[str]:
    """The quarters with surveys the user sees, latest first (the list's quarter filter)."""
    return list(
        Survey.objects.visible_to(user)
        .order_by("-period_key")
        .values_list("period_key", flat=True)
        .distinct()
    )
