"""Factories of this app's models (exported through tests/factories/__init__.py)."""

import factory

from apps.development.choices import Skill
from apps.training.choices import ProposalKind, ProposalStatus
from apps.training.models import TrainingProposal
from tests.factories.accounts import RepFactory, TeamFactory

__all__ = ["TrainingProposalFactory", "TrainingWorkshopFactory"]


class TrainingProposalFactory(factory.django.DjangoModelFactory):
    """A proposed individual training in negotiation."""

    class Meta:
        model = TrainingProposal

    kind = ProposalKind.INDIVIDUAL
    person = factory.SubFactory(RepFactory)
    skill = Skill.NEGOTIATION
    title = "Courses in negotiation"
    courses = "Win-win negotiation (online)"
    reason = "Evidence averages 50.0."
    status = ProposalStatus.PROPOSED


class TrainingWorkshopFactory(TrainingProposalFactory):
    """A proposed SPIN workshop of a team (participants: add them)."""

    kind = ProposalKind.TEAM_WORKSHOP
    person = None
    team = factory.SubFactory(TeamFactory)
    skill = Skill.NEEDS_DISCOVERY
    title = "SPIN selling workshop"
