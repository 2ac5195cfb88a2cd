import random
from decimal import Decimal

import pytest
from django.db.models import Count, Sum

from apps.accounts import demo as accounts_demo
from apps.customers import demo as customers_demo
from apps.opportunities import demo
from apps.opportunities.choices import STAGE_PROBABILITY, Stage
from apps.opportunities.models import Opportunity, OpportunityCredit, Proposal, StageChange

pytestmark = pytest.mark.django_db


def test_demo_without_customers_builds_nothing():
    context: dict = {}
    assert demo.build(random.Random(1), context) == []
    assert context["opportunities"] == []
    assert not Opportunity.objects.exists()


def test_demo_pipeline_covers_every_stage_and_obeys_the_rules():
    rng = random.Random(2026)
    context: dict = {}
    accounts_demo.build(rng, context)
    customers_demo.build(rng, context)
    demo.build(rng, context)

    opportunities = context["opportunities"]
    assert opportunities
    assert set(Opportunity.objects.values_list("stage", flat=True)) == set(Stage.values)
    per_customer = Opportunity.objects.values("customer").annotate(n=Count("pk"))
    assert {row["n"] for row in per_customer} <= {1, 2, 3}
    for opportunity in Opportunity.objects.prefetch_related("stage_changes"):
        assert opportunity.probability == STAGE_PROBABILITY[opportunity.stage]
        changes = list(opportunity.stage_changes.all())
        assert changes[0].from_stage == ""
        assert changes[-1].to_stage == opportunity.stage
        assert [c.changed_at for c in changes] == sorted(c.changed_at for c in changes)
        if opportunity.stage == Stage.LOST:
            assert opportunity.lost_reason
        if opportunity.stage in (Stage.NEGOTIATION, Stage.WON, Stage.DELIVERED):
            assert opportunity.negotiation_reached_at is not None
    totals = OpportunityCredit.objects.values("opportunity").annotate(total=Sum("percent"))
    assert totals and {row["total"] for row in totals} == {Decimal("100.00")}
    assert Proposal.objects.exists()
    assert StageChange.objects.count() >= len(opportunities)
