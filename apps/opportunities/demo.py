"""Demo pipeline, built after customers: 1-3 opportunities per customer across every stage, with
stage histories in the past, SPIN notes, proposals (ROI), risks and a few shared credits.

Rows are written in bulk for speed; the data obeys the same rules the services enforce (one step
at a time, probability from the stage, lost with a reason, credit shares totalling 100).
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from apps.opportunities.choices import (
    STAGE_ORDER,
    STAGE_PROBABILITY,
    OpportunityKind,
    ReviewStatus,
    RiskKind,
    RiskStatus,
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

#: Final stage of a demo opportunity and its weight.
FINAL_STAGES = [
    (Stage.NEEDS_DISCOVERY, 18),
    (Stage.SOLUTION_DESIGN, 18),
    (Stage.NEGOTIATION, 18),
    (Stage.WON, 16),
    (Stage.DELIVERED, 18),
    (Stage.LOST, 12),
]
PRODUCTS = [
    "Inventory platform",
    "Supply-chain visibility suite",
    "Digital warehouse",
    "Sales analytics",
    "Field service app",
    "Procurement portal",
]
REPEAT_KINDS = [OpportunityKind.UPGRADE, OpportunityKind.MAINTENANCE, OpportunityKind.CROSS_SELL]
LOST_REASONS = [
    "Competitor offered a lower price.",
    "Budget frozen for this year.",
    "Customer chose to build it in-house.",
    "Decision maker left the company.",
]
SPIN = [
    (
        "Three plants, stock counted by hand every month.",
        "Stock-outs and excess inventory at the same time.",
        "Rush freight and idle capital cost about 8% of revenue.",
        "Lower inventory cost and a faster supply-chain response.",
        "Real-time stock levels across plants.",
        "Purchasing wants fewer manual approvals.",
        "Lower inventory cost → slow supply-chain response → digital management tool.",
    ),
    (
        "Regional distributor with 40 delivery vans.",
        "Late deliveries; no view of where goods are.",
        "Key accounts threaten to move to competitors.",
        "On-time delivery above 95%.",
        "Live tracking for customers.",
        "Drivers want simpler paperwork.",
        "On-time delivery → no visibility → tracking and routing suite.",
    ),
]
SERVICE_MODELS = ["On-site implementation + 12 months support", "SaaS with remote onboarding"]
DIFFERENTIATORS = ["Local support team within 4 hours", "Pre-built connectors to the ERP in use"]
RISKS = [
    (
        RiskKind.PAYMENT_TERMS,
        "Customer asks for 90-day payment terms.",
        "Offer 60 days with 30% deposit.",
        False,
        True,
    ),
    (
        RiskKind.REQUIREMENT_CHANGE,
        "Scope keeps growing after every workshop.",
        "Freeze scope in the contract; changes as paid requests.",
        True,
        False,
    ),
    (
        RiskKind.OTHER,
        "Champion may change roles next quarter.",
        "Build relations with the COO as well.",
        False,
        False,
    ),
]


def _weighted_choice(rng, pairs):
    total = sum(weight for _, weight in pairs)
    pick = rng.uniform(0, total)
    for value, weight in pairs:
        pick -= weight
        if pick <= 0:
            return value
    return pairs[-1][0]


def _path_to(rng, final: str) -> list[str]:
    """Stages an opportunity passed through to reach ``final`` (lost: from an open stage)."""
    if final == Stage.LOST:
        return STAGE_ORDER[: rng.randint(1, 3)]
    return STAGE_ORDER[: STAGE_ORDER.index(final) + 1]


def build(rng, context: dict) -> list[str]:
    customers = context.get("customers") or []
    if not customers:
        context["opportunities"] = []
        return []
    now = timezone.now()
    managers_by_team = {m.team_id: m for m in context.get("managers", []) if m.team_id}
    reps_by_team: dict = {}
    for rep in context.get("reps", []):
        reps_by_team.setdefault(rep.team_id, []).append(rep)

    plans = []  # (opportunity, [(from, to, at, note)], final)
    for customer in customers:
        owner = customer.owner
        for index in range(rng.randint(1, 3)):
            final = _weighted_choice(rng, FINAL_STAGES)
            path = _path_to(rng, final)
            created = now - datetime.timedelta(days=rng.randint(20, 420), hours=rng.randint(0, 9))
            steps, at = [("", Stage.NEEDS_DISCOVERY, created, "")], created
            for previous, stage in zip(path, path[1:], strict=False):
                at = min(now, at + datetime.timedelta(days=rng.randint(4, 35)))
                steps.append((previous, stage, at, ""))
            lost_reason = ""
            if final == Stage.LOST:
                at = min(now, at + datetime.timedelta(days=rng.randint(4, 30)))
                lost_reason = rng.choice(LOST_REASONS)
                steps.append((path[-1], Stage.LOST, at, lost_reason))
            amount = Decimal(rng.randrange(50, 900) * 1000)
            reached = next((s[2] for s in steps if s[1] == Stage.NEGOTIATION), None)
            closed = next((s[2] for s in steps if s[1] in (Stage.WON, Stage.LOST)), None)
            opportunity = Opportunity(
                name=f"{customer.name.split(' Co.')[0]} – {rng.choice(PRODUCTS)}",
                customer=customer,
                owner=owner,
                lead_id=customer.lead_id if index == 0 else None,
                kind=OpportunityKind.NEW_BUSINESS if index == 0 else rng.choice(REPEAT_KINDS),
                stage=final,
                probability=STAGE_PROBABILITY[final],
                expected_amount=amount,
                expected_close_on=(created + datetime.timedelta(days=rng.randint(60, 200))).date(),
                needs_confirmed=final != Stage.NEEDS_DISCOVERY and rng.random() < 0.8,
                negotiation_reached_at=reached,
                negotiated_price=(
                    (amount * Decimal(rng.choice(["0.90", "0.95", "1.00"]))).quantize(
                        Decimal("0.01")
                    )
                    if reached
                    else None
                ),
                delivery_cycle_days=rng.choice([30, 45, 60, 90]) if reached else None,
                service_terms="12 months support, 4-hour response." if reached else "",
                lost_reason=lost_reason,
                closed_at=closed,
            )
            plans.append((opportunity, steps, created))

    opportunities = Opportunity.objects.bulk_create([plan[0] for plan in plans])
    for opportunity, _steps, created in plans:
        opportunity.created_at = created
    Opportunity.objects.bulk_update(opportunities, ["created_at"])

    changes, change_times, notes, proposals, risks, credits = [], [], [], [], [], []
    for opportunity, steps, _created in plans:
        for from_stage, to_stage, at, note in steps:
            changes.append(
                StageChange(
                    opportunity=opportunity,
                    from_stage=from_stage,
                    to_stage=to_stage,
                    changed_by=opportunity.owner,
                    note=note,
                )
            )
            change_times.append(at)
        passed = {to_stage for _f, to_stage, _a, _n in steps}
        if rng.random() < 0.7:
            spin = rng.choice(SPIN)
            notes.append(
                SpinNote(
                    opportunity=opportunity,
                    situation=spin[0],
                    problem=spin[1],
                    implication=spin[2],
                    need_payoff=spin[3],
                    explicit_needs=spin[4],
                    implicit_needs=spin[5],
                    need_pain_solution=spin[6],
                    author=opportunity.owner,
                )
            )
        if Stage.SOLUTION_DESIGN in passed:
            cost = (
                opportunity.expected_amount * Decimal(rng.choice(["0.6", "0.8", "1.0"]))
            ).quantize(Decimal("0.01"))
            gain = (cost * Decimal(rng.choice(["0.9", "1.3", "1.6", "2.2"]))).quantize(
                Decimal("0.01")
            )
            reviewer = managers_by_team.get(opportunity.owner.team_id)
            reviewed = Stage.NEGOTIATION in passed and reviewer is not None
            if reviewed:
                status = ReviewStatus.APPROVED
            else:
                status = rng.choice([ReviewStatus.NOT_SUBMITTED, ReviewStatus.PENDING])
            proposals.append(
                Proposal(
                    opportunity=opportunity,
                    title=f"{rng.choice(PRODUCTS)} proposal",
                    features="Dashboards, alerts, mobile app, ERP integration.",
                    service_model=rng.choice(SERVICE_MODELS),
                    cost_budget=cost,
                    expected_gain=gain,
                    differentiators=rng.choice(DIFFERENTIATORS),
                    review_status=status
                    if reviewed or status != ReviewStatus.APPROVED
                    else ReviewStatus.PENDING,
                    reviewed_by=reviewer if reviewed else None,
                    reviewed_at=opportunity.negotiation_reached_at if reviewed else None,
                    review_comment="Solid ROI; go ahead." if reviewed else "",
                    author=opportunity.owner,
                )
            )
        if Stage.NEGOTIATION in passed and rng.random() < 0.6:
            kind, description, mitigation, legal, finance = rng.choice(RISKS)
            risks.append(
                Risk(
                    opportunity=opportunity,
                    kind=kind,
                    description=description,
                    mitigation=mitigation,
                    involves_legal=legal,
                    involves_finance=finance,
                    status=RiskStatus.CLOSED
                    if opportunity.stage in (Stage.WON, Stage.DELIVERED)
                    else rng.choice([RiskStatus.OPEN, RiskStatus.MITIGATED]),
                )
            )
        teammates = [
            rep
            for rep in reps_by_team.get(opportunity.owner.team_id, [])
            if rep.pk != opportunity.owner_id
        ]
        if teammates and rng.random() < 0.1:
            partner = rng.choice(teammates)
            share = Decimal(rng.choice(["20.00", "30.00", "40.00", "50.00"]))
            credits.append(
                OpportunityCredit(
                    opportunity=opportunity, rep=opportunity.owner, percent=100 - share
                )
            )
            credits.append(OpportunityCredit(opportunity=opportunity, rep=partner, percent=share))

    created_changes = StageChange.objects.bulk_create(changes)
    for change, at in zip(created_changes, change_times, strict=True):
        change.changed_at = at
    StageChange.objects.bulk_update(created_changes, ["changed_at"])
    SpinNote.objects.bulk_create(notes)
    Proposal.objects.bulk_create(proposals)
    Risk.objects.bulk_create(risks)
    OpportunityCredit.objects.bulk_create(credits)

    context["opportunities"] = opportunities
    return []
