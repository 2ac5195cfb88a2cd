"""Reads for the pipeline. Everything is scoped with ``visible_to``."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import BooleanField, Case, Count, F, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from apps.opportunities.choices import OPEN_STAGES, STAGE_ORDER, Stage
from apps.opportunities.models import (
    Opportunity,
    OpportunityCredit,
    Proposal,
    Risk,
    SpinNote,
    StageChange,
)


def opportunity_list(*, user) -> QuerySet[Opportunity]:
    return (
        Opportunity.objects.visible_to(user)
        .select_related("customer", "owner", "lead")
        .prefetch_related("credits__rep")
    )


def opportunity_detail_queryset(*, user) -> QuerySet[Opportunity]:
    return Opportunity.objects.visible_to(user).select_related(
        "customer", "owner", "owner__team", "lead"
    )


def pipeline_summary(queryset: QuerySet[Opportunity]) -> list[dict]:
    """Count and expected amount per stage of ``queryset`` (one query), in pipeline order.

    Rows: ``{"stage", "label", "count", "amount"}`` for every stage, zero when empty.
    """
    rows = {
        row["stage"]: row
        for row in queryset.order_by()
        .values("stage")
        .annotate(count=Count("pk"), amount=Sum("expected_amount"))
    }
    summary = []
    for stage in [*STAGE_ORDER, Stage.LOST]:
        row = rows.get(stage, {})
        summary.append(
            {
                "stage": stage,
                "label": Stage(stage).label,
                "count": row.get("count", 0),
                "amount": row.get("amount") or Decimal("0.00"),
            }
        )
    return summary


def stage_history(*, opportunity: Opportunity) -> QuerySet[StageChange]:
    return opportunity.stage_changes.select_related("changed_by").order_by("changed_at", "pk")


def credits_of(*, opportunity: Opportunity) -> QuerySet[OpportunityCredit]:
    return opportunity.credits.select_related("rep").order_by("-percent", "rep__username")


def spin_note_list(*, user) -> QuerySet[SpinNote]:
    return SpinNote.objects.visible_to(user).select_related("opportunity", "author")


def proposal_list(*, user) -> QuerySet[Proposal]:
    return Proposal.objects.visible_to(user).select_related(
        "opportunity", "opportunity__owner", "author", "reviewed_by"
    )


def risk_list(*, user) -> QuerySet[Risk]:
    return Risk.objects.visible_to(user).select_related("opportunity")


def visible_leads(*, user) -> QuerySet:
    """The leads ``user`` may see. The leads app sits above this one, so its model is reached
    through the relation ``Opportunity.lead`` declares."""
    lead_model = Opportunity._meta.get_field("lead").related_model
    return lead_model.objects.visible_to(user)


# --- Past the expected close date --------------------------------------------------------------


def past_close_q(today: datetime.date | None = None) -> Q:
    """Open deals whose expected close date has gone by (the one definition of "past close
    date": the list's badge and filter, the customer page and the dashboards)."""
    today = today or timezone.localdate()
    return Q(stage__in=OPEN_STAGES, expected_close_on__lt=today)


def with_past_close(queryset: QuerySet[Opportunity], today: datetime.date | None = None):
    """Annotate ``is_past_close`` (see :func:`past_close_q`) on an opportunity queryset."""
    return queryset.annotate(
        is_past_close=Case(
            When(past_close_q(today), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def is_past_close(opportunity: Opportunity, today: datetime.date | None = None) -> bool:
    """:func:`past_close_q` for one opportunity already loaded (no query)."""
    today = today or timezone.localdate()
    return bool(
        opportunity.stage in OPEN_STAGES
        and opportunity.expected_close_on is not None
        and opportunity.expected_close_on < today
    )


def customer_opportunities(*, user, obj) -> QuerySet[Opportunity]:
    """Every opportunity of customer ``obj`` that ``user`` sees, with ``is_past_close``
    (one query; registered as the customer page's ``opportunities``)."""
    return with_past_close(
        Opportunity.objects.visible_to(user).filter(customer=obj).select_related("owner")
    )


def customer_open_deals(*, user, obj, today: datetime.date | None = None) -> list[Opportunity]:
    """The open opportunities of customer ``obj`` that ``user`` sees, the most urgent first:
    by expected close date (past ones first, undated last), with ``is_past_close`` (one
    query; registered as the customer page's ``open_deals``)."""
    queryset = (
        Opportunity.objects.visible_to(user)
        .filter(customer=obj, stage__in=OPEN_STAGES)
        .select_related("owner")
        .order_by(F("expected_close_on").asc(nulls_last=True), "pk")
    )
    return list(with_past_close(queryset, today))
