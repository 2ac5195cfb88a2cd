from decimal import Decimal

from apps.opportunities.services import opportunity_create, opportunity_credit_split
from tests.factories import OpportunityFactory


def test_rep_creates_and_owns(cast):
    opp0 = OpportunityFactory(owner=cast.rep_a)
    opp = opportunity_create(actor=cast.rep_a, customer=opp0.customer, owner=cast.rep_b, name="X")
    assert opp.owner == cast.rep_a
    assert opp.stage_changes.count() == 1
    assert opportunity_credit_split(opp) == [(cast.rep_a.pk, Decimal("100.00"))]
