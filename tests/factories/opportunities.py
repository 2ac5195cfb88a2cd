"""Factories of this app's models (exported through tests/factories/__init__.py)."""

from decimal import Decimal

import factory

from apps.opportunities.choices import (
    STAGE_PROBABILITY,
    OpportunityKind,
    ReviewStatus,
    RiskKind,
    Stage,
)
from apps.opportunities.models import (
    Opportunity,
    OpportunityCredit,
    Proposal,
    Risk,
    SpinNote,
    StageChange,
)
from tests.factories.accounts import RepFactory
from tests.factories.customers import CustomerFactory

__all__ = [
    "OpportunityFactory",
    "OpportunityCreditFactory",
    "StageChangeFactory",
    "SpinNoteFactory",
    "ProposalFactory",
    "RiskFactory",
]


class OpportunityFactory(factory.django.DjangoModelFactory):
    """An opportunity; its customer belongs to the same owner. Pass ``stage=`` to place it."""

    class Meta:
        model = Opportunity
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Opportunity {n}")
    owner = factory.SubFactory(RepFactory)
    customer = factory.SubFactory(CustomerFactory, owner=factory.SelfAttribute("..owner"))
    kind = OpportunityKind.NEW_BUSINESS
    stage = Stage.NEEDS_DISCOVERY
    probability = factory.LazyAttribute(lambda o: STAGE_PROBABILITY[o.stage])
    expected_amount = Decimal("100000.00")
    lost_reason = factory.LazyAttribute(lambda o: "Budget cut" if o.stage == Stage.LOST else "")

    @factory.post_generation
    def history(self, create, extracted, **kwargs):
        """Records the first stage change (as the service does) unless ``history=False``."""
        if not create or extracted is False:
            return
        StageChange.objects.create(
            opportunity=self, from_stage="", to_stage=Stage.NEEDS_DISCOVERY, changed_by=self.owner
        )
        if self.stage != Stage.NEEDS_DISCOVERY:
            StageChange.objects.create(
                opportunity=self,
                from_stage=Stage.NEEDS_DISCOVERY,
                to_stage=self.stage,
                changed_by=self.owner,
            )


class OpportunityCreditFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpportunityCredit

    opportunity = factory.SubFactory(OpportunityFactory)
    rep = factory.SubFactory(RepFactory)
    percent = Decimal("50.00")


class StageChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StageChange

    opportunity = factory.SubFactory(OpportunityFactory)
    from_stage = Stage.NEEDS_DISCOVERY
    to_stage = Stage.SOLUTION_DESIGN
    changed_by = factory.LazyAttribute(lambda o: o.opportunity.owner)


class SpinNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SpinNote

    opportunity = factory.SubFactory(OpportunityFactory)
    situation = "Three warehouses, manual stock counts."
    problem = "Stock-outs every month."
    implication = "Lost orders and rush freight."
    need_payoff = "Lower inventory cost."
    author = factory.LazyAttribute(lambda o: o.opportunity.owner)


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    opportunity = factory.SubFactory(OpportunityFactory)
    title = factory.Sequence(lambda n: f"Proposal {n}")
    features = "Inventory dashboard"
    cost_budget = Decimal("100000.00")
    expected_gain = Decimal("150000.00")
    review_status = ReviewStatus.NOT_SUBMITTED
    author = factory.LazyAttribute(lambda o: o.opportunity.owner)


class RiskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Risk

    opportunity = factory.SubFactory(OpportunityFactory)
    kind = RiskKind.PAYMENT_TERMS
    description = "Customer asks for 90-day terms."
    mitigation = "Offer 60 days with a deposit."
