"""Reads for the pipeline. Everything is scoped with ``visible_to``."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, QuerySet, Sum

from apps.opportunities.choices import STAGE_ORDER, Stage
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
