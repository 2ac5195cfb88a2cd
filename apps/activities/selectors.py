"""Reads for activities, scoped with ``visible_to``; plus set-based helpers for reminders."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Case, DateField, F, Max, QuerySet, When
from django.utils import timezone

from apps.activities.choices import ActivityKind
from apps.activities.models import Activity


def activity_list(*, user) -> QuerySet[Activity]:
    return Activity.objects.visible_to(user).select_related(
        "owner", "lead", "customer", "opportunity"
    )


def customer_activities(*, user, obj) -> QuerySet[Activity]:
    """The customer page's timeline: the latest 50 activities of customer ``obj`` that ``user``
    sees (registered as its ``activities`` list, see :mod:`apps.core.related`)."""
    return activity_list(user=user).filter(customer=obj)[:50]


def opportunity_activities(*, user, obj) -> QuerySet[Activity]:
    """The opportunity page's activities: the latest 20 of opportunity ``obj`` that ``user``
    sees (registered as its ``activities`` list, see :mod:`apps.core.related`)."""
    return obj.activities.visible_to(user).select_related("owner")[:20]


def visits_since(*, customer_ids: Iterable[int], since: datetime.date) -> set[int]:
    """The ids among ``customer_ids`` with a visit on or after ``since`` (one query)."""
    ids = list(customer_ids)
    if not ids:
        return set()
    return set(
        Activity.objects.filter(
            kind=ActivityKind.VISIT, customer_id__in=ids, occurred_at__date__gte=since
        )
        .values_list("customer_id", flat=True)
        .distinct()
    )


def last_visit_on(*, customer_ids: Iterable[int]) -> dict[int, datetime.datetime]:
    """The time of the latest visit of each customer among ``customer_ids`` (one query)."""
    ids = list(customer_ids)
    if not ids:
        return {}
    rows = (
        Activity.objects.filter(kind=ActivityKind.VISIT, customer_id__in=ids)
        .values("customer_id")
        .annotate(last=Max("occurred_at"))
        .order_by()
    )
    return {row["customer_id"]: row["last"] for row in rows}


def customer_next_step(*, user, obj, today: datetime.date | None = None) -> Activity | None:
    """The next step planned for customer ``obj``, as ``user`` sees it (one query): of its
    activities with a next step, the one due soonest on or after ``today``; when none is due
    ahead, the step noted last (which may be overdue or undated). ``None`` when no activity
    names a next step. Registered as the customer page's ``next_activity``."""
    today = today or timezone.localdate()
    upcoming_on = Case(
        When(next_step_on__gte=today, then=F("next_step_on")),
        default=None,
        output_field=DateField(),
    )
    return (
        Activity.objects.visible_to(user)
        .filter(customer=obj)
        .exclude(next_step="")
        .select_related("owner", "opportunity")
        .order_by(upcoming_on.asc(nulls_last=True), "-occurred_at", "-pk")
        .first()
    )
