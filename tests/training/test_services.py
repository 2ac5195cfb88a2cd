"""Generation (weak skills → team workshops or individual courses with a mentor; idempotent)
and the proposal transitions (errors with messages, nothing saved; learning entries on done)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.core.models import AuditEntry
from apps.development.models import LearningEntry
from apps.grades.choices import Grade
from apps.training import services
from apps.training.choices import ProposalKind, ProposalStatus
from apps.training.exceptions import ProposalClosed
from apps.training.models import TrainingProposal, TrainingSettings
from tests.factories import (
    AnnualGradeFactory,
    RepFactory,
    ScorecardFactory,
    TrainingProposalFactory,
    TrainingWorkshopFactory,
)
from tests.training.conftest import TODAY, evidence

pytestmark = pytest.mark.django_db


def generate(actor=None):
    return services.training_proposals_generate(actor=actor, today=TODAY)


# --- generation --------------------------------------------------------------------------------


def test_two_of_four_weak_propose_a_team_workshop(cast, team4):
    evidence(team4[0], "needs_discovery", 40)
    evidence(team4[1], "needs_discovery", 59.99)
    evidence(team4[2], "needs_discovery", 60)  # exactly the threshold: not weak
    result = generate(cast.hr)
    assert result == {"workshops": 1, "individual": 0, "replaced": 0}
    workshop = TrainingProposal.objects.get()
    assert workshop.kind == ProposalKind.TEAM_WORKSHOP and workshop.team == cast.team_a
    assert workshop.title == "SPIN selling workshop"
    assert set(workshop.participants.all()) == {team4[0], team4[1]}
    assert workshop.reason == "2 of 4 people in Alpha are weak in needs discovery."
    assert AuditEntry.objects.filter(action="training.propose").count() == 1


def test_one_of_four_weak_gets_individual_courses_not_a_workshop(cast, team4):
    evidence(team4[0], "negotiation", 30)
    result = generate()
    assert result["workshops"] == 0 and result["individual"] == 1
    proposal = TrainingProposal.objects.get()
    assert proposal.kind == ProposalKind.INDIVIDUAL and proposal.person == team4[0]
    assert "Win-win negotiation (online)" in proposal.course_list
    assert "averages 30.0" in proposal.reason


def test_generation_is_idempotent(cast, team4):
    evidence(team4[0], "needs_discovery", 40)
    evidence(team4[1], "needs_discovery", 40)
    evidence(cast.rep_b, "negotiation", 40)
    first = generate()
    assert first["workshops"] == 1 and first["individual"] == 1
    assert generate() == {"workshops": 0, "individual": 0, "replaced": 0}
    assert TrainingProposal.objects.count() == 2


def test_a_declined_proposal_is_not_proposed_again_at_once(cast):
    evidence(cast.rep_b, "negotiation", 40)
    generate()
    proposal = TrainingProposal.objects.get()
    services.proposal_decline(actor=cast.hr, proposal=proposal, reason="Busy quarter")
    assert generate()["individual"] == 0


def test_a_workshop_replaces_the_participants_proposed_individual_ones(cast, team4):
    earlier = TrainingProposalFactory(person=team4[0], skill="needs_discovery")
    evidence(team4[0], "needs_discovery", 40)
    evidence(team4[1], "needs_discovery", 40)
    result = generate()
    assert result == {"workshops": 1, "individual": 0, "replaced": 1}
    earlier.refresh_from_db()
    workshop = TrainingProposal.objects.get(kind=ProposalKind.TEAM_WORKSHOP)
    assert earlier.status == ProposalStatus.DECLINED and earlier.replaced_by == workshop
    assert f"#{workshop.pk}" in earlier.decline_reason


def test_kpi_gap_without_evidence_makes_a_skill_weak(cast):
    ScorecardFactory(
        rep=cast.rep_b,
        kpi_scores={"new_customers": {"score": "50"}, "collection_rate": {"score": "90"}},
    )
    generate()
    proposal = TrainingProposal.objects.get()
    assert proposal.skill == "needs_discovery" and proposal.person == cast.rep_b
    assert "no exam, sandbox or certification evidence" in proposal.reason


def test_kpi_gap_with_good_evidence_is_not_weak(cast):
    ScorecardFactory(rep=cast.rep_b, kpi_scores={"new_customers": {"score": "50"}})
    evidence(cast.rep_b, "needs_discovery", 85)
    generate()
    assert not TrainingProposal.objects.exists()


def test_evidence_older_than_twelve_months_does_not_count(cast):
    evidence(cast.rep_b, "negotiation", 20, on=datetime.date(2025, 11, 1))
    generate()
    assert list(TrainingProposal.objects.values_list("person__username", "skill", "reason")) == []


def test_settings_change_the_threshold(cast):
    evidence(cast.rep_b, "negotiation", 65)
    generate()
    assert not TrainingProposal.objects.exists()
    row = TrainingSettings.current()
    row.weak_score = 70
    row.save()
    generate()
    assert TrainingProposal.objects.count() == 1


def test_mentor_is_a_grade_a_teammate_else_of_the_company(cast):
    rep_b2 = RepFactory(username="rep_b2", team=cast.team_b)
    AnnualGradeFactory(person=cast.rep_a, grade=Grade.A, finalised=True, rank=1)
    evidence(cast.rep_b, "negotiation", 40)
    generate()
    assert TrainingProposal.objects.get(person=cast.rep_b).mentor == cast.rep_a  # company
    TrainingProposal.objects.all().delete()
    AnnualGradeFactory(person=rep_b2, grade=Grade.A, finalised=True, rank=2)
    generate()
    assert TrainingProposal.objects.get(person=cast.rep_b).mentor == rep_b2  # same team


def test_no_mentor_without_a_finalised_grade_a(cast):
    AnnualGradeFactory(person=cast.rep_a, grade=Grade.A, finalised=False)
    evidence(cast.rep_b, "negotiation", 40)
    generate()
    assert TrainingProposal.objects.get().mentor is None


def test_only_hr_and_admins_generate(cast):
    with pytest.raises(PermissionDenied):
        generate(cast.manager_a)


# --- transitions -------------------------------------------------------------------------------


@pytest.fixture
def workshop(cast):
    proposal = TrainingWorkshopFactory(team=cast.team_a)
    proposal.participants.set([cast.rep_a, cast.rep_a2])
    return proposal


def test_accept_schedule_done_writes_learning_entries_once(cast, workshop):
    day = datetime.date(2026, 11, 10)
    services.proposal_accept(actor=cast.manager_a, proposal=workshop)
    services.proposal_schedule(actor=cast.manager_a, proposal=workshop, date=day, location="Room 3")
    services.proposal_mark_done(actor=cast.manager_a, proposal=workshop, today=TODAY)
    workshop.refresh_from_db()
    assert workshop.status == ProposalStatus.DONE and workshop.done_on == TODAY
    entries = LearningEntry.objects.filter(evidence=f"Training proposal #{workshop.pk}")
    assert {e.rep for e in entries} == {cast.rep_a, cast.rep_a2}
    assert {(e.kind, e.skill, e.on) for e in entries} == {("course", "needs_discovery", TODAY)}
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"training.accept", "training.schedule", "training.done"} <= actions
    with pytest.raises(ProposalClosed):
        services.proposal_mark_done(actor=cast.manager_a, proposal=workshop, today=TODAY)
    assert entries.count() == 2


def test_learning_record_is_idempotent(cast):
    from apps.development.services import learning_record_training

    args = {"rep_ids": [cast.rep_a.pk], "title": "T", "on": TODAY, "evidence": "Training #1"}
    assert learning_record_training(**args) == 1
    assert learning_record_training(**args) == 0


def test_schedule_before_accept_is_refused_and_nothing_saved(cast, workshop):
    with pytest.raises(ValidationError) as error:
        services.proposal_schedule(actor=cast.manager_a, proposal=workshop, date=TODAY, location="")
    assert error.value.message_dict["status"] == ["Accept the training before scheduling it."]
    assert error.value.message_dict["location"] == ["Give the place or the online link."]
    workshop.refresh_from_db()
    assert workshop.status == ProposalStatus.PROPOSED and workshop.scheduled_on is None
    assert not AuditEntry.objects.exists()


def test_done_in_the_future_is_refused(cast, workshop):
    services.proposal_accept(actor=cast.hr, proposal=workshop)
    services.proposal_schedule(actor=cast.hr, proposal=workshop, date=TODAY, location="Online")
    with pytest.raises(ValidationError) as error:
        services.proposal_mark_done(
            actor=cast.hr,
            proposal=workshop,
            done_on=TODAY + datetime.timedelta(days=1),
            today=TODAY,
        )
    assert "not in the future" in error.value.message_dict["done_on"][0]
    workshop.refresh_from_db()
    assert workshop.status == ProposalStatus.SCHEDULED
    assert not LearningEntry.objects.exists()


def test_decline_needs_a_reason_and_closes(cast, workshop):
    with pytest.raises(ValidationError) as error:
        services.proposal_decline(actor=cast.manager_a, proposal=workshop, reason="  ")
    assert error.value.message_dict["reason"] == ["Say why the training is declined."]
    workshop.refresh_from_db()
    assert workshop.status == ProposalStatus.PROPOSED
    services.proposal_decline(actor=cast.manager_a, proposal=workshop, reason="Budget")
    with pytest.raises(ProposalClosed):
        services.proposal_accept(actor=cast.manager_a, proposal=workshop)


def test_other_teams_manager_and_reps_may_not_run_it(cast, workshop):
    for actor in (cast.manager_b, cast.rep_a):
        with pytest.raises(PermissionDenied):
            services.proposal_accept(actor=actor, proposal=workshop)
    workshop.refresh_from_db()
    assert workshop.status == ProposalStatus.PROPOSED


def test_settings_update_validates_and_audits(cast):
    with pytest.raises(ValidationError) as error:
        services.training_settings_update(
            actor=cast.hr,
            weak_score="101",
            kpi_gap_score="80",
            workshop_share="0",
            catalogue={"negotiation": {"workshop": "", "courses": ""}},
        )
    errors = error.value.message_dict
    assert errors["weak_score"] == ["Enter a number from 0 to 100."]
    assert errors["workshop_share"] == ["The share must be above 0 %."]
    assert errors["workshop_negotiation"] == ["Give the workshop title for negotiation."]
    assert TrainingSettings.current().weak_score == 60
    row = services.training_settings_update(
        actor=cast.hr, weak_score="65", kpi_gap_score="80", workshop_share="40"
    )
    assert row.weak_score == 65 and row.workshop_share == 40
    assert AuditEntry.objects.filter(action="training.settings").count() == 1
    with pytest.raises(PermissionDenied):
        services.training_settings_update(
            actor=cast.manager_a, weak_score="65", kpi_gap_score="80", workshop_share="40"
        )
