"""The training demo: a team workshop done (learning entries in the log), individual proposals
accepted and one scheduled; running it again changes nothing."""

import random

import pytest

from apps.development.models import LearningEntry
from apps.training import demo
from apps.training.choices import ProposalKind, ProposalStatus
from apps.training.models import TrainingProposal
from tests.factories import RepFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_demo_proposes_a_workshop_and_individual_courses(cast, language):
    RepFactory(username="rep_b2", team=cast.team_b)
    RepFactory(username="rep_c", team=TeamFactory(name="Charlie"))
    lines = demo.build(random.Random(1), {"language": language, "hr": cast.hr})
    assert lines and "team workshops 1," in lines[0]
    workshop = TrainingProposal.objects.get(kind=ProposalKind.TEAM_WORKSHOP)
    assert workshop.status == ProposalStatus.DONE and workshop.team == cast.team_a
    entries = LearningEntry.objects.filter(evidence=f"Training proposal #{workshop.pk}")
    assert {e.rep for e in entries} == {cast.rep_a, cast.rep_a2}
    individual = TrainingProposal.objects.filter(kind=ProposalKind.INDIVIDUAL)
    assert individual.count() == 2
    assert set(individual.values_list("status", flat=True)) == {"accepted", "scheduled"}
    assert demo.build(random.Random(1), {"language": language}) == []


def test_demo_without_people_makes_nothing(db):
    lines = demo.build(random.Random(1), {"language": "en"})
    assert "team workshops 0," in lines[0]
    assert not TrainingProposal.objects.exists()
