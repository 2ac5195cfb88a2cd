from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.core.models import AuditEntry
from apps.opportunities import services
from apps.opportunities.choices import OpportunityKind, ReviewStatus, RiskKind, RiskStatus, Stage
from apps.opportunities.models import (
    Opportunity,
    OpportunityCredit,
    PipelineSettings,
    Proposal,
    Risk,
    SpinNote,
    StageChange,
)
from tests.factories import (
    CustomerFactory,
    LeadFactory,
    OpportunityCreditFactory,
    OpportunityFactory,
    ProposalFactory,
    RepFactory,
    RiskFactory,
)

pytestmark = pytest.mark.django_db


def _messages(exc, field):
    return " ".join(exc.value.message_dict[field])


def _create(actor, customer, owner=None, **kwargs):
    return services.opportunity_create(
        actor=actor, customer=customer, owner=owner or actor, name="ERP rollout", **kwargs
    )


# --- create ------------------------------------------------------------------------------------


def test_create_opens_in_needs_discovery_with_10_percent_and_records_the_first_stage(cast):
    customer = CustomerFactory(owner=cast.rep_a)
    opportunity = _create(cast.rep_a, customer, expected_amount=Decimal("5000.00"))
    assert opportunity.stage == Stage.NEEDS_DISCOVERY
    assert opportunity.probability == Decimal("10")
    change = opportunity.stage_changes.get()
    assert (change.from_stage, change.to_stage, change.changed_by) == (
        "",
        Stage.NEEDS_DISCOVERY,
        cast.rep_a,
    )
    assert change.changed_at is not None


def test_rep_always_owns_what_they_create(cast):
    customer = CustomerFactory(owner=cast.rep_a)
    opportunity = _create(cast.rep_a, customer, owner=cast.rep_a2)
    assert opportunity.owner == cast.rep_a


def test_default_credit_is_the_owner_at_100_and_nothing_is_stored(cast):
    opportunity = _create(cast.rep_a, CustomerFactory(owner=cast.rep_a))
    assert services.opportunity_credit_split(opportunity) == [(cast.rep_a.pk, Decimal("100.00"))]
    assert not OpportunityCredit.objects.exists()


def test_manager_may_assign_to_a_member_of_their_team(cast):
    customer = CustomerFactory(owner=cast.rep_a)
    opportunity = _create(cast.manager_a, customer, owner=cast.rep_a2)
    assert opportunity.owner == cast.rep_a2


def test_manager_may_not_assign_outside_their_teams_and_nothing_is_saved(cast):
    customer = CustomerFactory(owner=cast.rep_a)
    with pytest.raises(ValidationError) as exc:
        _create(cast.manager_a, customer, owner=cast.rep_b)
    assert "in a team you manage" in _messages(exc, "owner")
    assert not Opportunity.objects.exists()
    assert not StageChange.objects.exists()


def test_admin_may_assign_to_any_active_rep_but_not_to_hr_or_inactive_people(cast):
    customer = CustomerFactory(owner=cast.rep_b)
    assert _create(cast.admin, customer, owner=cast.rep_b).owner == cast.rep_b
    with pytest.raises(ValidationError) as exc:
        _create(cast.admin, customer, owner=cast.hr)
    assert "cannot own an opportunity" in _messages(exc, "owner")
    gone = RepFactory(team=cast.team_a, is_active=False)
    with pytest.raises(ValidationError):
        _create(cast.admin, customer, owner=gone)
    assert Opportunity.objects.count() == 1


def test_hr_may_not_create(cast):
    with pytest.raises(PermissionDenied):
        _create(cast.hr, CustomerFactory(owner=cast.rep_a), owner=cast.rep_a)
    assert not Opportunity.objects.exists()


def test_customer_must_be_visible_to_the_actor(cast):
    with pytest.raises(ValidationError) as exc:
        _create(cast.rep_a, CustomerFactory(owner=cast.rep_b))
    assert "cannot see this customer" in _messages(exc, "customer")
    assert not Opportunity.objects.exists()


def test_lead_must_be_visible_to_the_actor(cast):
    with pytest.raises(ValidationError) as exc:
        _create(cast.rep_a, CustomerFactory(owner=cast.rep_a), lead=LeadFactory(owner=cast.rep_b))
    assert "cannot see this lead" in _messages(exc, "lead")
    assert not Opportunity.objects.exists()


def test_blank_name_and_negative_amount_are_refused_together(cast):
    with pytest.raises(ValidationError) as exc:
        services.opportunity_create(
            actor=cast.rep_a,
            customer=CustomerFactory(owner=cast.rep_a),
            owner=cast.rep_a,
            name="  ",
            expected_amount=Decimal("-1"),
        )
    assert "name" in _messages(exc, "name")
    assert "must not be negative" in _messages(exc, "expected_amount")
    assert not Opportunity.objects.exists()


def test_create_with_a_credit_split_stores_it_and_audits_it(cast):
    customer = CustomerFactory(owner=cast.rep_a)
    opportunity = _create(
        cast.manager_a,
        customer,
        owner=cast.rep_a,
        credits=[
            {"rep": cast.rep_a, "percent": Decimal("70")},
            {"rep": cast.rep_a2, "percent": Decimal("30")},
        ],
    )
    assert services.opportunity_credit_split(opportunity) == [
        (cast.rep_a.pk, Decimal("70.00")),
        (cast.rep_a2.pk, Decimal("30.00")),
    ]
    assert AuditEntry.objects.filter(action="opportunity.credits").count() == 1


def test_cross_sell_kind_on_an_existing_customer_is_accepted(cast):
    customer = CustomerFactory(owner=cast.rep_a)
    _create(cast.rep_a, customer)
    repeat = _create(cast.rep_a, customer, kind=OpportunityKind.MAINTENANCE)
    assert repeat.kind == OpportunityKind.MAINTENANCE


# --- credit split ------------------------------------------------------------------------------


@pytest.fixture
def shared(cast):
    return OpportunityFactory(owner=cast.rep_a)


def _split(actor, opportunity, *rows):
    return services.opportunity_set_credits(
        actor=actor,
        opportunity=opportunity,
        credits=[{"rep": rep, "percent": Decimal(percent)} for rep, percent in rows],
    )


def test_credit_split_totalling_9999_is_refused_and_nothing_saved(cast, shared):
    with pytest.raises(ValidationError) as exc:
        _split(cast.manager_a, shared, (cast.rep_a, "60.00"), (cast.rep_a2, "39.99"))
    assert "add up to 99.99%" in _messages(exc, "credits")
    assert "exactly 100.00%" in _messages(exc, "credits")
    assert not OpportunityCredit.objects.exists()
    assert not AuditEntry.objects.exists()


def test_credit_split_above_100_is_refused(cast, shared):
    with pytest.raises(ValidationError) as exc:
        _split(cast.manager_a, shared, (cast.rep_a, "60.00"), (cast.rep_a2, "40.01"))
    assert "add up to 100.01%" in _messages(exc, "credits")
    assert not OpportunityCredit.objects.exists()


def test_credit_split_with_a_duplicate_rep_is_refused_and_nothing_saved(cast, shared):
    with pytest.raises(ValidationError) as exc:
        _split(cast.manager_a, shared, (cast.rep_a, "50"), (cast.rep_a, "50"))
    assert "appears more than once" in _messages(exc, "credits")
    assert not OpportunityCredit.objects.exists()


def test_credit_split_with_a_zero_share_is_refused_and_nothing_saved(cast, shared):
    with pytest.raises(ValidationError) as exc:
        _split(cast.manager_a, shared, (cast.rep_a, "100"), (cast.rep_a2, "0"))
    assert "must be more than 0%" in _messages(exc, "credits")
    assert not OpportunityCredit.objects.exists()


def test_credit_split_with_a_negative_share_is_refused(cast, shared):
    with pytest.raises(ValidationError) as exc:
        _split(cast.manager_a, shared, (cast.rep_a, "110"), (cast.rep_a2, "-10"))
    assert "must be more than 0%" in _messages(exc, "credits")
    assert "cannot exceed 100%" in _messages(exc, "credits")
    assert not OpportunityCredit.objects.exists()


def test_empty_credit_split_is_refused(cast, shared):
    with pytest.raises(ValidationError) as exc:
        services.opportunity_set_credits(actor=cast.manager_a, opportunity=shared, credits=[])
    assert "at least one rep" in _messages(exc, "credits")


def test_credit_for_someone_outside_the_actors_scope_is_refused(cast, shared):
    with pytest.raises(ValidationError) as exc:
        _split(cast.manager_a, shared, (cast.rep_a, "50"), (cast.rep_b, "50"))
    assert "cannot receive credit" in _messages(exc, "credits")
    assert not OpportunityCredit.objects.exists()


def test_credit_for_hr_is_refused(cast, shared):
    with pytest.raises(ValidationError) as exc:
        _split(cast.admin, shared, (cast.rep_a, "50"), (cast.hr, "50"))
    assert "cannot receive credit" in _messages(exc, "credits")


def test_valid_split_replaces_the_old_one_and_is_audited(cast, shared):
    _split(cast.manager_a, shared, (cast.rep_a, "50"), (cast.rep_a2, "50"))
    _split(cast.manager_a, shared, (cast.rep_a2, "100"))
    assert services.opportunity_credit_split(shared) == [(cast.rep_a2.pk, Decimal("100.00"))]
    entries = AuditEntry.objects.filter(action="opportunity.credits").order_by("at", "pk")
    assert entries.count() == 2
    assert entries.last().changes["credits"] == [
        [[cast.rep_a.pk, "50.00"], [cast.rep_a2.pk, "50.00"]],
        [[cast.rep_a2.pk, "100.00"]],
    ]


def test_owner_need_not_hold_a_credit(cast, shared):
    _split(cast.manager_a, shared, (cast.rep_a2, "100"))
    assert services.opportunity_credit_split(shared) == [(cast.rep_a2.pk, Decimal("100.00"))]


def test_owner_rep_may_resplit_among_existing_holders(cast, shared):
    OpportunityCreditFactory(opportunity=shared, rep=cast.rep_a, percent=Decimal("50"))
    OpportunityCreditFactory(opportunity=shared, rep=cast.rep_a2, percent=Decimal("50"))
    _split(cast.rep_a, shared, (cast.rep_a, "80"), (cast.rep_a2, "20"))
    assert dict(services.opportunity_credit_split(shared)) == {
        cast.rep_a.pk: Decimal("80.00"),
        cast.rep_a2.pk: Decimal("20.00"),
    }


def test_credit_holder_who_is_not_the_owner_may_not_change_the_split(cast, shared):
    OpportunityCreditFactory(opportunity=shared, rep=cast.rep_a2, percent=Decimal("100"))
    with pytest.raises(PermissionDenied):
        _split(cast.rep_a2, shared, (cast.rep_a2, "100"))


def test_other_team_manager_and_hr_may_not_change_the_split(cast, shared):
    for actor in (cast.manager_b, cast.hr):
        with pytest.raises(PermissionDenied):
            _split(actor, shared, (cast.rep_a, "100"))
    assert not OpportunityCredit.objects.exists()


# --- stage moves -------------------------------------------------------------------------------


def _move(actor, opportunity, to_stage, **kwargs):
    return services.opportunity_move(
        actor=actor, opportunity=opportunity, to_stage=to_stage, **kwargs
    )


@pytest.mark.parametrize(
    ("from_stage", "to_stage", "probability"),
    [
        (Stage.NEEDS_DISCOVERY, Stage.SOLUTION_DESIGN, "30"),
        (Stage.SOLUTION_DESIGN, Stage.NEGOTIATION, "60"),
        (Stage.NEGOTIATION, Stage.WON, "100"),
        (Stage.WON, Stage.DELIVERED, "100"),
    ],
)
def test_forward_one_step_is_allowed_sets_probability_and_records_history(
    cast, from_stage, to_stage, probability
):
    opportunity = OpportunityFactory(owner=cast.rep_a, stage=from_stage)
    before = opportunity.stage_changes.count()
    moved = _move(cast.rep_a, opportunity, to_stage, note="Customer agreed")
    assert moved.stage == to_stage
    assert moved.probability == Decimal(probability)
    assert opportunity.stage_changes.count() == before + 1
    change = opportunity.stage_changes.last()
    assert (change.from_stage, change.to_stage, change.changed_by, change.note) == (
        from_stage,
        to_stage,
        cast.rep_a,
        "Customer agreed",
    )


@pytest.mark.parametrize(
    ("from_stage", "to_stage"),
    [
        (Stage.NEEDS_DISCOVERY, Stage.NEGOTIATION),
        (Stage.NEEDS_DISCOVERY, Stage.WON),
        (Stage.NEEDS_DISCOVERY, Stage.DELIVERED),
        (Stage.SOLUTION_DESIGN, Stage.WON),
        (Stage.NEGOTIATION, Stage.DELIVERED),
    ],
)
def test_skipping_a_stage_is_refused_and_nothing_saved(cast, from_stage, to_stage):
    opportunity = OpportunityFactory(owner=cast.rep_a, stage=from_stage)
    before = opportunity.stage_changes.count()
    with pytest.raises(ValidationError) as exc:
        _move(cast.manager_a, opportunity, to_stage)
    assert "one stage at a time" in _messages(exc, "stage")
    opportunity.refresh_from_db()
    assert opportunity.stage == from_stage
    assert opportunity.stage_changes.count() == before


@pytest.mark.parametrize("stage", [Stage.DELIVERED, Stage.LOST])
@pytest.mark.parametrize(
    "to_stage",
    [Stage.NEEDS_DISCOVERY, Stage.SOLUTION_DESIGN, Stage.NEGOTIATION, Stage.WON],
)
def test_closed_opportunities_do_not_move(cast, stage, to_stage):
    opportunity = OpportunityFactory(owner=cast.rep_a, stage=stage)
    with pytest.raises(ValidationError) as exc:
        _move(cast.admin, opportunity, to_stage, note="reopen")
    assert "closed and cannot move" in _messages(exc, "stage")


def test_delivered_cannot_be_marked_lost(cast):
    opportunity = OpportunityFactory(owner=cast.rep_a, stage=Stage.DELIVERED)
    with pytest.raises(ValidationError) as exc:
        _move(cast.admin, opportunity, Stage.LOST, lost_reason="x")
    assert "cannot move" in _messages(exc, "stage")


def test_won_cannot_be_marked_lost_or_moved_back(cast):
    opportunity = OpportunityFactory(owner=cast.rep_a, stage=Stage.WON)
    with pytest.raises(ValidationError) as exc:
        _move(cast.admin, opportunity, Stage.LOST, lost_reason="Cancelled")
    assert "cannot be marked lost" in _messages(exc, "stage")
    with pytest.raises(ValidationError) as exc:
        _move(cast.admin, opportunity, Stage.NEGOTIATION, note="Back")
    assert "cannot move back" in _messages(exc, "stage")


def test_moving_to_the_same_stage_is_refused(cast):
    opportunity = OpportunityFactory(owner=cast.rep_a)
    with pytest.raises(ValidationError) as exc:
        _move(cast.rep_a, opportunity, Stage.NEEDS_DISCOVERY)
    assert "already in" in _messages(exc, "stage")


def test_unknown_stage_is_refused(cast):
    with pytest.raises(ValidationError) as exc:
        _move(cast.rep_a, OpportunityFactory(owner=cast.rep_a), "signed")
    assert "Unknown stage" in _messages(exc, "stage")


@pytest.mark.parametrize("stage", [Stage.NEEDS_DISCOVERY, Stage.SOLUTION_DESIGN, Stage.NEGOTIATION])
def test_lost_from_any_open_stage_with_a_reason(cast, stage):
    opportunity = OpportunityFactory(owner=cast.rep_a, stage=stage)
    lost = _move(cast.rep_a, opportunity, Stage.LOST, lost_reason="Budget cut")
    assert lost.stage == Stage.LOST
    assert lost.probability == Decimal("0")
    assert lost.lost_reason == "Budget cut"
    assert lost.closed_at is not None
    assert lost.stage_changes.last().to_stage == Stage.LOST


def test_lost_without_a_reason_is_refused_and_nothing_saved(cast):
    opportunity = OpportunityFactory(owner=cast.rep_a, stage=Stage.SOLUTION_DESIGN)
    before = opportunity.stage_changes.count()
    with pytest.raises(ValidationError) as exc:
        _move(cast.rep_a, opportunity, Stage.LOST, lost_reason="   ")
    assert "why the opportunity was lost" in _messages(exc, "lost_reason")
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.SOLUTION_DESIGN
    assert opportunity.stage_changes.count() == before


def test_negotiation_reached_at_is_set_once_and_kept(cast):
    opportunity = OpportunityFactory(owner=cast.rep_a, stage=Stage.SOLUTION_DESIGN)
    first = _move(cast.rep_a, opportunity, Stage.NEGOTIATION).negotiation_reached_at
    assert first is not None
    _move(cast.manager_a, opportunity, Stage.SOLUTION_DESIGN, note="Scope changed")
    again = _move(cast.rep_a, opportunity, Stage.NEGOTIATION)
    assert again.negotiation_reached_at == first
    won = _move(cast.rep_a, opportunity, Stage.WON)
    assert won.negotiation_reached_at == first
    assert won.closed_at is not None


def test_manager_moves_back_with_a_note(cast):
    opportunity = OpportunityFactory(owner=cast.rep_a, stage=Stage.NEGOTIATION)
    moved = _move(cast.manager_a, opportunity, Stage.SOLUTION_DESIGN, note="Customer re-scoped")
    assert moved.stage == Stage.SOLUTION_DESIGN
    assert moved.probability == Decimal("30")
    change = moved.stage_changes.last()
    assert (change.from_stage, change.to_stage, change.note) == (
        Stage.NEGOTIATION,
        Stage.SOLUTION_DESIGN,
        "Customer re-scoped",
    )


def test_admin_moves_back_more_than_one_stage(cast):
    opportunity = OpportunityFactory(owner=cast.rep_a, stage=Stage.NEGOTIATION)
    moved = _move(cast.admin, opportunity, Stage.NEEDS_DISCOVERY, note="Start over")
    assert moved.stage == Stage.NEEDS_DISCOVERY
    assert moved.probability == Decimal("10")


def test_moving_back_without_a_note_is_refused(cast):
    opportunity = OpportunityFactory(owner=cast.rep_a, stage=Stage.NEGOTIATION)
    with pytest.raises(ValidationError) as exc:
        _move(cast.manager_a, opportunity, Stage.SOLUTION_DESIGN, note=" ")
    assert "Say why the opportunity moves back" in _messages(exc, "note")
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.NEGOTIATION


def test_rep_may_not_move_back_even_their_own(cast):
    opportunity = OpportunityFactory(owner=cast.rep_a, stage=Stage.NEGOTIATION)
    before = opportunity.stage_changes.count()
    with pytest.raises(PermissionDenied):
        _move(cast.rep_a, opportunity, Stage.SOLUTION_DESIGN, note="Oops")
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.NEGOTIATION
    assert opportunity.stage_changes.count() == before


def test_other_team_manager_hr_and_credit_holder_may_not_move(cast):
    opportunity = OpportunityFactory(owner=cast.rep_a)
    OpportunityCreditFactory(opportunity=opportunity, rep=cast.rep_a2, percent=Decimal("100"))
    for actor in (cast.manager_b, cast.hr, cast.rep_a2, cast.rep_b):
        with pytest.raises(PermissionDenied):
            _move(actor, opportunity, Stage.SOLUTION_DESIGN)
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.NEEDS_DISCOVERY


def test_allowed_moves_lists_what_each_role_may_do(cast):
    opportunity = OpportunityFactory(owner=cast.rep_a, stage=Stage.NEGOTIATION)
    assert services.allowed_moves(cast.rep_a, opportunity) == [Stage.WON, Stage.LOST]
    assert services.allowed_moves(cast.manager_a, opportunity) == [
        Stage.WON,
        Stage.LOST,
        Stage.NEEDS_DISCOVERY,
        Stage.SOLUTION_DESIGN,
    ]
    assert services.allowed_moves(cast.hr, opportunity) == []
    delivered = OpportunityFactory(owner=cast.rep_a, stage=Stage.DELIVERED)
    assert services.allowed_moves(cast.admin, delivered) == []


# --- solution pre-review gate ------------------------------------------------------------------


def _switch(on):
    row = PipelineSettings.current()
    row.solution_pre_review = on
    row.save()


def test_pre_review_off_lets_negotiation_start_without_a_proposal(cast):
    _switch(False)
    opportunity = OpportunityFactory(owner=cast.rep_a, stage=Stage.SOLUTION_DESIGN)
    assert _move(cast.rep_a, opportunity, Stage.NEGOTIATION).stage == Stage.NEGOTIATION


@pytest.mark.parametrize(
    "status", [None, ReviewStatus.NOT_SUBMITTED, ReviewStatus.PENDING, ReviewStatus.REJECTED]
)
def test_pre_review_on_needs_an_approved_proposal_before_negotiation(cast, status):
    _switch(True)
    opportunity = OpportunityFactory(owner=cast.rep_a, stage=Stage.SOLUTION_DESIGN)
    if status is not None:
        ProposalFactory(opportunity=opportunity, review_status=status)
    before = opportunity.stage_changes.count()
    with pytest.raises(ValidationError) as exc:
        _move(cast.manager_a, opportunity, Stage.NEGOTIATION)
    message = _messages(exc, "stage")
    assert "pre-review is switched on" in message
    assert "proposal must be approved" in message
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.SOLUTION_DESIGN
    assert opportunity.negotiation_reached_at is None
    assert opportunity.stage_changes.count() == before


def test_pre_review_on_with_an_approved_proposal_allows_negotiation(cast):
    _switch(True)
    opportunity = OpportunityFactory(owner=cast.rep_a, stage=Stage.SOLUTION_DESIGN)
    ProposalFactory(opportunity=opportunity, review_status=ReviewStatus.APPROVED)
    assert _move(cast.rep_a, opportunity, Stage.NEGOTIATION).stage == Stage.NEGOTIATION


def test_pre_review_does_not_block_losing_the_opportunity(cast):
    _switch(True)
    opportunity = OpportunityFactory(owner=cast.rep_a, stage=Stage.SOLUTION_DESIGN)
    assert _move(cast.rep_a, opportunity, Stage.LOST, lost_reason="No budget").stage == Stage.LOST


def test_pipeline_settings_switch_is_for_hr_and_admin_and_audited(cast):
    services.pipeline_settings_update(actor=cast.hr, solution_pre_review=True)
    assert PipelineSettings.current().solution_pre_review is True
    services.pipeline_settings_update(actor=cast.admin, solution_pre_review=False)
    assert PipelineSettings.current().solution_pre_review is False
    entries = AuditEntry.objects.filter(action="pipeline_settings.update").order_by("at", "pk")
    assert [e.changes["solution_pre_review"] for e in entries] == [[False, True], [True, False]]
    for actor in (cast.rep_a, cast.manager_a):
        with pytest.raises(PermissionDenied):
            services.pipeline_settings_update(actor=actor, solution_pre_review=True)
    assert PipelineSettings.current().solution_pre_review is False


# --- proposals ---------------------------------------------------------------------------------


def test_proposal_create_computes_roi(cast):
    opportunity = OpportunityFactory(owner=cast.rep_a, stage=Stage.SOLUTION_DESIGN)
    proposal = services.proposal_create(
        actor=cast.rep_a,
        opportunity=opportunity,
        title="Digital warehouse",
        cost_budget=Decimal("200000"),
        expected_gain=Decimal("260000"),
    )
    assert proposal.review_status == ReviewStatus.NOT_SUBMITTED
    assert proposal.roi_percent == Decimal("30.00")
    assert proposal.author == cast.rep_a


def test_proposal_with_missing_numbers_is_refused_and_nothing_saved(cast):
    opportunity = OpportunityFactory(owner=cast.rep_a)
    with pytest.raises(ValidationError) as exc:
        services.proposal_create(
            actor=cast.rep_a,
            opportunity=opportunity,
            title="",
            cost_budget=None,
            expected_gain=Decimal("-5"),
        )
    assert "title" in _messages(exc, "title")
    assert "cost budget" in _messages(exc, "cost_budget")
    assert "must not be negative" in _messages(exc, "expected_gain")
    assert not Proposal.objects.exists()


def test_proposal_on_a_closed_opportunity_is_refused(cast):
    opportunity = OpportunityFactory(owner=cast.rep_a, stage=Stage.WON)
    with pytest.raises(ValidationError) as exc:
        services.proposal_create(
            actor=cast.rep_a,
            opportunity=opportunity,
            title="Late",
            cost_budget=Decimal("1"),
            expected_gain=Decimal("2"),
        )
    assert "open opportunity" in _messages(exc, "opportunity")


def test_submit_makes_it_pending_and_twice_is_refused(cast):
    proposal = ProposalFactory(opportunity=OpportunityFactory(owner=cast.rep_a))
    services.proposal_submit(actor=cast.rep_a, proposal=proposal)
    assert proposal.review_status == ReviewStatus.PENDING
    with pytest.raises(ValidationError) as exc:
        services.proposal_submit(actor=cast.rep_a, proposal=proposal)
    assert "cannot be submitted again" in _messages(exc, "review_status")


def test_hr_and_outsiders_may_not_submit(cast):
    proposal = ProposalFactory(opportunity=OpportunityFactory(owner=cast.rep_a))
    for actor in (cast.hr, cast.rep_b, cast.manager_b):
        with pytest.raises(PermissionDenied):
            services.proposal_submit(actor=actor, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.review_status == ReviewStatus.NOT_SUBMITTED


@pytest.fixture
def pending(cast):
    return ProposalFactory(
        opportunity=OpportunityFactory(owner=cast.rep_a), review_status=ReviewStatus.PENDING
    )


@pytest.mark.parametrize("reviewer", ["manager_a", "admin"])
def test_owners_manager_or_admin_approves_and_it_is_audited(cast, pending, reviewer):
    actor = getattr(cast, reviewer)
    services.proposal_review(actor=actor, proposal=pending, decision="approve", comment="Good")
    pending.refresh_from_db()
    assert pending.review_status == ReviewStatus.APPROVED
    assert pending.reviewed_by == actor
    assert pending.reviewed_at is not None
    assert pending.review_comment == "Good"
    entry = AuditEntry.objects.get(action="proposal.approve")
    assert entry.actor == actor
    assert entry.subject_user == cast.rep_a
    assert entry.changes == {"review_status": ["pending", "approved"]}


@pytest.mark.parametrize("reviewer", ["rep_a", "rep_a2", "manager_b", "hr", "rep_b"])
def test_others_may_not_review_a_proposal(cast, pending, reviewer):
    with pytest.raises(PermissionDenied):
        services.proposal_review(
            actor=getattr(cast, reviewer), proposal=pending, decision="approve"
        )
    pending.refresh_from_db()
    assert pending.review_status == ReviewStatus.PENDING
    assert not AuditEntry.objects.exists()


def test_nobody_reviews_their_own_proposal(cast):
    proposal = ProposalFactory(
        opportunity=OpportunityFactory(owner=cast.rep_a),
        review_status=ReviewStatus.PENDING,
        author=cast.manager_a,
    )
    with pytest.raises(PermissionDenied):
        services.proposal_review(actor=cast.manager_a, proposal=proposal, decision="approve")


def test_rejection_needs_a_comment_and_nothing_is_saved_without_it(cast, pending):
    with pytest.raises(ValidationError) as exc:
        services.proposal_review(actor=cast.manager_a, proposal=pending, decision="reject")
    assert "why the proposal is rejected" in _messages(exc, "comment")
    pending.refresh_from_db()
    assert pending.review_status == ReviewStatus.PENDING
    services.proposal_review(
        actor=cast.manager_a, proposal=pending, decision="reject", comment="ROI too thin"
    )
    assert pending.review_status == ReviewStatus.REJECTED
    assert AuditEntry.objects.get(action="proposal.reject").reason == "ROI too thin"


def test_only_pending_proposals_are_reviewed_and_rejected_ones_may_be_resubmitted(cast):
    proposal = ProposalFactory(opportunity=OpportunityFactory(owner=cast.rep_a))
    with pytest.raises(ValidationError) as exc:
        services.proposal_review(actor=cast.manager_a, proposal=proposal, decision="approve")
    assert "waiting for review" in _messages(exc, "review_status")
    proposal.review_status = ReviewStatus.REJECTED
    proposal.save()
    services.proposal_submit(actor=cast.rep_a, proposal=proposal)
    assert proposal.review_status == ReviewStatus.PENDING


def test_unknown_decision_is_refused(cast, pending):
    with pytest.raises(ValidationError) as exc:
        services.proposal_review(actor=cast.manager_a, proposal=pending, decision="maybe")
    assert "approve or reject" in _messages(exc, "decision")


# --- SPIN notes, risks, terms ------------------------------------------------------------------


def test_spin_note_needs_at_least_one_part(cast):
    opportunity = OpportunityFactory(owner=cast.rep_a)
    with pytest.raises(ValidationError) as exc:
        services.spin_note_create(actor=cast.rep_a, opportunity=opportunity, situation=" ")
    assert "at least one part" in _messages(exc, "situation")
    assert not SpinNote.objects.exists()
    note = services.spin_note_create(
        actor=cast.rep_a,
        opportunity=opportunity,
        problem="Stock-outs",
        need_pain_solution="Lower inventory cost → slow response → digital tool",
    )
    assert note.author == cast.rep_a
    assert note.problem == "Stock-outs"


def test_spin_note_by_hr_is_forbidden(cast):
    with pytest.raises(PermissionDenied):
        services.spin_note_create(
            actor=cast.hr, opportunity=OpportunityFactory(owner=cast.rep_a), problem="x"
        )


def test_risk_create_and_update(cast):
    opportunity = OpportunityFactory(owner=cast.rep_a, stage=Stage.NEGOTIATION)
    risk = services.risk_create(
        actor=cast.rep_a,
        opportunity=opportunity,
        kind=RiskKind.PAYMENT_TERMS,
        description="Wants 120-day terms",
        involves_finance=True,
    )
    assert risk.status == RiskStatus.OPEN
    services.risk_update(
        actor=cast.manager_a, risk=risk, status=RiskStatus.MITIGATED, mitigation="60 days agreed"
    )
    risk.refresh_from_db()
    assert (risk.status, risk.mitigation, risk.involves_finance) == (
        RiskStatus.MITIGATED,
        "60 days agreed",
        True,
    )


def test_risk_without_description_or_kind_is_refused_and_nothing_saved(cast):
    with pytest.raises(ValidationError) as exc:
        services.risk_create(
            actor=cast.rep_a,
            opportunity=OpportunityFactory(owner=cast.rep_a),
            kind="weather",
            description=" ",
        )
    assert "kind of risk" in _messages(exc, "kind")
    assert "Describe the risk" in _messages(exc, "description")
    assert not Risk.objects.exists()


def test_risk_update_by_other_team_is_forbidden(cast):
    risk = RiskFactory(opportunity=OpportunityFactory(owner=cast.rep_a))
    with pytest.raises(PermissionDenied):
        services.risk_update(actor=cast.manager_b, risk=risk, status=RiskStatus.CLOSED)


def test_negotiation_terms_change_only_in_negotiation(cast):
    opportunity = OpportunityFactory(owner=cast.rep_a, stage=Stage.SOLUTION_DESIGN)
    with pytest.raises(ValidationError) as exc:
        services.opportunity_update(
            actor=cast.rep_a, opportunity=opportunity, negotiated_price=Decimal("90000")
        )
    assert "only be changed while the opportunity is in negotiation" in _messages(
        exc, "negotiated_price"
    )
    opportunity.refresh_from_db()
    assert opportunity.negotiated_price is None

    opportunity = OpportunityFactory(owner=cast.rep_a, stage=Stage.NEGOTIATION)
    services.opportunity_update(
        actor=cast.rep_a,
        opportunity=opportunity,
        negotiated_price=Decimal("90000.00"),
        delivery_cycle_days=45,
        service_terms="12 months support",
    )
    opportunity.refresh_from_db()
    assert opportunity.negotiated_price == Decimal("90000.00")
    assert opportunity.delivery_cycle_days == 45
    entry = AuditEntry.objects.get(action="opportunity.update")
    assert entry.changes == {"negotiated_price": [None, "90000.00"]}


def test_rep_may_not_hand_over_an_opportunity(cast):
    opportunity = OpportunityFactory(owner=cast.rep_a)
    with pytest.raises(ValidationError) as exc:
        services.opportunity_update(actor=cast.rep_a, opportunity=opportunity, owner=cast.rep_a2)
    assert "Only a manager or an admin" in _messages(exc, "owner")
    opportunity.refresh_from_db()
    assert opportunity.owner == cast.rep_a


def test_manager_hands_over_within_the_team_and_it_is_audited(cast):
    opportunity = OpportunityFactory(owner=cast.rep_a)
    services.opportunity_update(actor=cast.manager_a, opportunity=opportunity, owner=cast.rep_a2)
    opportunity.refresh_from_db()
    assert opportunity.owner == cast.rep_a2
    entry = AuditEntry.objects.get(action="opportunity.update")
    assert entry.changes == {"owner": [cast.rep_a.pk, cast.rep_a2.pk]}


def test_update_toggles_needs_confirmed(cast):
    opportunity = OpportunityFactory(owner=cast.rep_a)
    services.opportunity_update(actor=cast.rep_a, opportunity=opportunity, needs_confirmed=True)
    opportunity.refresh_from_db()
    assert opportunity.needs_confirmed is True
