"""Writes for the sales pipeline (SPEC §1.2). Each service checks permissions, validates
everything first and writes nothing on bad input: it raises ``PermissionDenied`` for a
forbidden action and a ``ValidationError`` whose keys name the offending fields."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.credits import check_credit_split
from apps.core.dates import check_business_date
from apps.core.kpi_facts import kpi_facts_changed
from apps.core.ownership import OwnerMessages, resolve_owner
from apps.core.permissions import SELLING_ROLES, is_rep, require
from apps.core.services import audit_record, audit_value, require_known_fields
from apps.core.versions import check_version
from apps.customers.models import Customer
from apps.opportunities import permissions, selectors
from apps.opportunities.choices import (
    OPEN_STAGES,
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
    PipelineSettings,
    Proposal,
    Risk,
    SpinNote,
    StageChange,
)

HUNDRED = Decimal("100.00")


# --- helpers -----------------------------------------------------------------------------------


def creditable_reps(actor, opportunity: Opportunity | None = None):
    """The people ``actor`` may give a credit share to: active reps and managers they can see,
    plus those who already hold a credit on ``opportunity`` (so an owner can re-split)."""
    people = User.objects.visible_to(actor).filter(is_active=True, role__in=SELLING_ROLES)
    if opportunity is not None and opportunity.pk:
        holders = OpportunityCredit.objects.filter(opportunity=opportunity, rep__is_active=True)
        # One filter, no queryset union (an OR of querysets breaks when either is DISTINCT).
        people = User.objects.filter(
            Q(pk__in=people.values("pk")) | Q(pk__in=holders.values("rep"))
        )
    return people


def _owner_messages() -> OwnerMessages:
    return OwnerMessages(
        required=_("An opportunity needs an owner."),
        not_in_team=_(
            "%(name)s is not an active rep or manager in a team you manage: you may assign "
            "opportunities only to yourself and your teams' members."
        ),
        cannot_own=_("%(name)s cannot own an opportunity: choose an active rep or manager."),
        rep_hands_over=_("Only a manager or an admin may hand an opportunity over."),
    )


def _check_customer(*, actor, customer, errors: dict) -> None:
    if customer is None:
        errors["customer"] = [_("Choose the customer.")]
    elif not Customer.objects.visible_to(actor).filter(pk=customer.pk).exists():
        errors["customer"] = [_("You cannot see this customer, so you cannot sell to it here.")]


def _check_lead(*, actor, lead, customer, errors: dict) -> None:
    if lead is None:
        return
    if not selectors.visible_leads(user=actor).filter(pk=lead.pk).exists():
        errors["lead"] = [_("You cannot see this lead.")]


def _check_money(value, field: str, errors: dict, *, label: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors[field] = [_("%(label)s must be a number.") % {"label": label}]
        return None
    if not amount.is_finite():
        errors[field] = [_("%(label)s must be a number.") % {"label": label}]
    elif amount < 0:
        errors[field] = [_("%(label)s must not be negative.") % {"label": label}]
    return amount


def validate_credits(*, actor, credits, opportunity: Opportunity | None = None) -> list[tuple]:
    """Check a credit split and return it as ``[(rep, Decimal percent), ...]``.

    Each rep must be an active rep or manager the actor may credit (see
    :func:`creditable_reps`); the other rules are :func:`apps.core.credits.check_credit_split`'s.
    """
    allowed = set(creditable_reps(actor, opportunity).values_list("pk", flat=True))
    return check_credit_split(credits, allowed_ids=allowed)


def _record_stage(*, opportunity, from_stage: str, to_stage: str, actor, note: str = ""):
    return StageChange.objects.create(
        opportunity=opportunity,
        from_stage=from_stage,
        to_stage=to_stage,
        changed_by=actor if actor is not None and actor.is_authenticated else None,
        note=note,
    )


# --- opportunities -----------------------------------------------------------------------------


@transaction.atomic
def opportunity_create(
    *,
    actor,
    customer,
    owner,
    name: str,
    lead=None,
    kind: str = OpportunityKind.NEW_BUSINESS,
    expected_amount=None,
    expected_close_on=None,
    needs_confirmed: bool = False,
    credits: list[dict] | None = None,
) -> Opportunity:
    """Open an opportunity in *needs discovery* and record that first stage.

    A rep always owns what they create (``owner`` is forced to the rep); a manager may assign it
    to a member of a team they manage; an admin to any active rep or manager. HR may not create.
    ``credits`` is an optional split ``[{"rep": User, "percent": Decimal}, ...]`` totalling 100;
    without it the owner holds 100% (nothing stored).
    """
    require(permissions.can_create_opportunity(actor), _("You may not create opportunities."))
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("Give the opportunity a name.")]
    elif len(name) > 200:
        errors["name"] = [_("The name may be at most 200 characters.")]
    # A rep owns what they create whatever is passed; a manager or an admin must name someone.
    owner = resolve_owner(
        actor=actor,
        owner=owner,
        errors=errors,
        messages=_owner_messages(),
        default_to_actor=is_rep(actor),
    )
    _check_customer(actor=actor, customer=customer, errors=errors)
    _check_lead(actor=actor, lead=lead, customer=customer, errors=errors)
    if kind not in OpportunityKind.values:
        errors["kind"] = [_("Unknown kind %(value)s.") % {"value": kind}]
    amount = _check_money(
        expected_amount, "expected_amount", errors, label=_("The expected amount")
    )
    check_business_date(
        expected_close_on,
        field="expected_close_on",
        label=_("The expected close date"),
        errors=errors,
    )
    rows: list[tuple] = []
    if credits:
        try:
            rows = validate_credits(actor=actor, credits=credits)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)

    stage = Stage.NEEDS_DISCOVERY
    opportunity = Opportunity.objects.create(
        name=name,
        customer=customer,
        owner=owner,
        lead=lead,
        kind=kind,
        stage=stage,
        probability=STAGE_PROBABILITY[stage],
        expected_amount=amount,
        expected_close_on=expected_close_on,
        needs_confirmed=bool(needs_confirmed),
    )
    _record_stage(opportunity=opportunity, from_stage="", to_stage=stage, actor=actor)
    if rows:
        OpportunityCredit.objects.bulk_create(
            OpportunityCredit(opportunity=opportunity, rep=rep, percent=percent)
            for rep, percent in rows
        )
        audit_record(
            actor=actor,
            action="opportunity.credits",
            target=opportunity,
            subject_user=owner,
            changes={"credits": [[None, None], [[r.pk, str(p)] for r, p in rows]]},
        )
    return opportunity


def opportunity_credit_split(opportunity: Opportunity) -> list[tuple[int, Decimal]]:
    """``[(user_id, percent), ...]`` of an opportunity: its stored shares, or the owner at 100.

    Uses ``opportunity.credits.all()`` so a ``prefetch_related("credits")`` avoids queries.
    """
    stored = [(credit.rep_id, credit.percent) for credit in opportunity.credits.all()]
    if not stored:
        return [(opportunity.owner_id, HUNDRED)]
    return sorted(stored, key=lambda row: (-row[1], row[0]))


@transaction.atomic
def opportunity_set_credits(
    *, actor, opportunity: Opportunity, credits: list[dict], expected_version=None
):
    """Replace the credit split. The owner, the owner's manager and admin may change it.

    The split is part of the opportunity: ``expected_version`` is the opportunity's version the
    split was read at (a stale one is refused, nothing written), and a changed split raises it.
    """
    check_version(opportunity, expected_version)
    require(
        permissions.can_change_opportunity(actor, opportunity),
        _("You may not change the credit split of this opportunity."),
    )
    rows = validate_credits(actor=actor, credits=credits, opportunity=opportunity)
    old = [[rep_id, str(p)] for rep_id, p in opportunity_credit_split(opportunity)]
    OpportunityCredit.objects.filter(opportunity=opportunity).delete()
    OpportunityCredit.objects.bulk_create(
        OpportunityCredit(opportunity=opportunity, rep=rep, percent=percent)
        for rep, percent in rows
    )
    new = [[rep.pk, str(percent)] for rep, percent in rows]
    if _split_key(old) != _split_key(new):
        opportunity.save(update_fields=["updated_at"])  # and its version
    audit_record(
        actor=actor,
        action="opportunity.credits",
        target=opportunity,
        subject_user=opportunity.owner,
        changes={"credits": [old, new]},
    )
    if hasattr(opportunity, "_prefetched_objects_cache"):
        opportunity._prefetched_objects_cache.pop("credits", None)
    return opportunity


def _split_key(rows) -> list[tuple[int, Decimal]]:
    """A split (``[[rep_id, percent], …]``) in a form two splits compare by: ``"50"`` and
    ``"50.00"`` are the same share, the order of the rows does not matter."""
    return sorted((int(rep_id), Decimal(str(percent))) for rep_id, percent in rows)


OPPORTUNITY_FIELDS = (
    "name",
    "customer",
    "owner",
    "lead",
    "kind",
    "expected_amount",
    "expected_close_on",
    "needs_confirmed",
)
TERMS_FIELDS = ("negotiated_price", "delivery_cycle_days", "service_terms")
AUDITED_FIELDS = ("owner", "customer", "expected_amount", "negotiated_price")


@transaction.atomic
def opportunity_update(
    *, actor, opportunity: Opportunity, expected_version=None, **fields
) -> Opportunity:
    """Change an opportunity's facts. Negotiation terms (price, delivery cycle, service terms)
    may only be changed while it is in negotiation. Owner, customer and money are audited."""
    check_version(opportunity, expected_version)
    require(
        permissions.can_change_opportunity(actor, opportunity),
        _("You may not change this opportunity."),
    )
    require_known_fields(fields, OPPORTUNITY_FIELDS, TERMS_FIELDS)
    errors: dict[str, list[str]] = {}
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()
        if not fields["name"]:
            errors["name"] = [_("Give the opportunity a name.")]
    if "owner" in fields and fields["owner"] != opportunity.owner:
        fields["owner"] = resolve_owner(
            actor=actor,
            owner=fields["owner"],
            current=opportunity.owner,
            errors=errors,
            messages=_owner_messages(),
        )
    if "customer" in fields and fields["customer"] != opportunity.customer:
        _check_customer(actor=actor, customer=fields["customer"], errors=errors)
    if "lead" in fields and fields["lead"] != opportunity.lead:
        _check_lead(actor=actor, lead=fields["lead"], customer=None, errors=errors)
    if "kind" in fields and fields["kind"] not in OpportunityKind.values:
        errors["kind"] = [_("Unknown kind %(value)s.") % {"value": fields["kind"]}]
    if "expected_amount" in fields:
        fields["expected_amount"] = _check_money(
            fields["expected_amount"], "expected_amount", errors, label=_("The expected amount")
        )
    if fields.get("expected_close_on") not in (None, opportunity.expected_close_on):
        check_business_date(
            fields["expected_close_on"],
            field="expected_close_on",
            label=_("The expected close date"),
            errors=errors,
        )
    if "negotiated_price" in fields:
        fields["negotiated_price"] = _check_money(
            fields["negotiated_price"], "negotiated_price", errors, label=_("The price")
        )
    if "delivery_cycle_days" in fields and fields["delivery_cycle_days"] is not None:
        days = fields["delivery_cycle_days"]
        if not isinstance(days, int) or days < 0:
            errors["delivery_cycle_days"] = [
                _("Give the delivery cycle in whole days (0 or more).")
            ]
    if "service_terms" in fields:
        fields["service_terms"] = fields["service_terms"] or ""
    terms_changed = [
        name
        for name in TERMS_FIELDS
        if name in fields and fields[name] != getattr(opportunity, name)
    ]
    if terms_changed and opportunity.stage != Stage.NEGOTIATION:
        for name in terms_changed:
            errors[name] = [
                _("Negotiation terms can only be changed while the opportunity is in negotiation.")
            ]
    if errors:
        raise ValidationError(errors)

    changes = {}
    old_customer = opportunity.customer
    confirmation_changed = (
        "needs_confirmed" in fields and fields["needs_confirmed"] != opportunity.needs_confirmed
    )
    for name, value in fields.items():
        old = getattr(opportunity, name)
        if old != value:
            if name in AUDITED_FIELDS:
                changes[name] = [audit_value(old), audit_value(value)]
            setattr(opportunity, name, value)
    opportunity.save()
    if opportunity.negotiation_reached_at and (confirmation_changed or "customer" in changes):
        _mark_development_stale(opportunity, extra_customers=[old_customer])
    if changes:
        audit_record(
            actor=actor,
            action="opportunity.update",
            target=opportunity,
            subject_user=opportunity.owner,
            changes=changes,
        )
    return opportunity


def _mark_development_stale(opportunity: Opportunity, *, extra_customers=()) -> None:
    """Reaching negotiation with needs confirmed can make the customer a new customer of its
    owner (SPEC §2.2 customer development): tell the KPI layer those owners' figures changed."""
    owners = {opportunity.customer.owner_id, *(c.owner_id for c in extra_customers)}
    kpi_facts_changed(rep_ids=owners, on_date=opportunity.negotiation_reached_at)


def _stage_index(stage: str) -> int | None:
    try:
        return STAGE_ORDER.index(stage)
    except ValueError:
        return None


def allowed_moves(user, opportunity: Opportunity) -> list[str]:
    """The stages ``user`` may move ``opportunity`` to from where it stands.

    - one step forward along needs discovery → solution design → negotiation → won → delivered;
    - to lost from any open stage (a reason is required);
    - back to an earlier open stage, from an open stage, for the owner's manager and admin
      (a note is required); won, delivered and lost opportunities stay closed.
    """
    if not permissions.can_change_opportunity(user, opportunity):
        return []
    index = _stage_index(opportunity.stage)
    moves: list[str] = []
    if index is not None and index + 1 < len(STAGE_ORDER):
        moves.append(STAGE_ORDER[index + 1])
    if opportunity.stage in OPEN_STAGES:
        moves.append(Stage.LOST)
        if permissions.can_move_back(user, opportunity):
            moves.extend(STAGE_ORDER[:index])
    return moves


def pre_review_blocks(opportunity: Opportunity) -> bool:
    """Solution pre-review is on and the opportunity has no approved proposal."""
    if not PipelineSettings.current().solution_pre_review:
        return False
    return not opportunity.proposals.filter(review_status=ReviewStatus.APPROVED).exists()


@transaction.atomic
def opportunity_move(
    *,
    actor,
    opportunity: Opportunity,
    to_stage: str,
    note: str = "",
    lost_reason: str = "",
    expected_version=None,
) -> Opportunity:
    """Move an opportunity to another stage, set its probability and record the change.

    See :func:`allowed_moves` for the rules. Entering negotiation while solution pre-review is
    switched on needs an approved proposal. ``negotiation_reached_at`` is set the first time it
    enters negotiation; ``closed_at`` when it is won or lost.
    """
    require(
        permissions.can_change_opportunity(actor, opportunity),
        _("You may not move this opportunity."),
    )
    check_version(opportunity, expected_version)
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    note = (note or "").strip()
    lost_reason = (lost_reason or "").strip()
    current = opportunity.stage
    errors: dict[str, list[str]] = {}
    if to_stage not in Stage.values:
        raise ValidationError({"stage": [_("Unknown stage %(value)s.") % {"value": to_stage}]})
    labels = {"from": Stage(current).label, "to": Stage(to_stage).label}
    if to_stage == current:
        errors["stage"] = [_("The opportunity is already in %(to)s.") % labels]
    elif current not in OPEN_STAGES and current != Stage.WON:
        errors["stage"] = [_("A %(from)s opportunity is closed and cannot move.") % labels]
    elif to_stage == Stage.LOST:
        if current not in OPEN_STAGES:
            errors["stage"] = [_("A %(from)s opportunity cannot be marked lost.") % labels]
        elif not lost_reason:
            errors["lost_reason"] = [_("Say why the opportunity was lost.")]
    else:
        here, there = _stage_index(current), _stage_index(to_stage)
        if there > here + 1:
            errors["stage"] = [
                _("Move one stage at a time: from %(from)s the next stage is %(next)s.")
                % {**labels, "next": Stage(STAGE_ORDER[here + 1]).label}
            ]
        elif there < here:
            if current not in OPEN_STAGES:
                errors["stage"] = [_("A %(from)s opportunity cannot move back to %(to)s.") % labels]
            elif not permissions.can_move_back(actor, opportunity):
                raise PermissionDenied(
                    _("Only the owner's manager or an admin may move an opportunity back.")
                )
            elif not note:
                errors["note"] = [
                    _("Say why the opportunity moves back from %(from)s to %(to)s.") % labels
                ]
        elif to_stage == Stage.NEGOTIATION and pre_review_blocks(opportunity):
            errors["stage"] = [
                _(
                    "Solution pre-review is switched on: a proposal must be approved before "
                    "the opportunity may enter negotiation."
                )
            ]
    if errors:
        raise ValidationError(errors)

    now = timezone.now()
    opportunity.stage = to_stage
    opportunity.probability = STAGE_PROBABILITY[to_stage]
    reaches_negotiation = (
        to_stage == Stage.NEGOTIATION and opportunity.negotiation_reached_at is None
    )
    if reaches_negotiation:
        opportunity.negotiation_reached_at = now
    if to_stage in (Stage.WON, Stage.LOST):
        opportunity.closed_at = now
    if to_stage == Stage.LOST:
        opportunity.lost_reason = lost_reason
    opportunity.save()
    if reaches_negotiation and opportunity.needs_confirmed:
        _mark_development_stale(opportunity)
    _record_stage(
        opportunity=opportunity,
        from_stage=current,
        to_stage=to_stage,
        actor=actor,
        note=note or lost_reason,
    )
    return opportunity


# --- SPIN notes, proposals, risks --------------------------------------------------------------

SPIN_FIELDS = (
    "situation",
    "problem",
    "implication",
    "need_payoff",
    "explicit_needs",
    "implicit_needs",
    "need_pain_solution",
)


@transaction.atomic
def spin_note_create(*, actor, opportunity: Opportunity, **fields) -> SpinNote:
    require(
        permissions.can_change_opportunity(actor, opportunity),
        _("You may not add notes to this opportunity."),
    )
    unknown = set(fields) - set(SPIN_FIELDS)
    if unknown:
        raise ValidationError({name: [_("Unknown field.")] for name in unknown})
    values = {name: (fields.get(name) or "").strip() for name in SPIN_FIELDS}
    if not any(values.values()):
        raise ValidationError({"situation": [_("Write at least one part of the SPIN note.")]})
    return SpinNote.objects.create(opportunity=opportunity, author=actor, **values)


@transaction.atomic
def spin_note_update(*, actor, note: SpinNote, expected_version=None, **fields) -> SpinNote:
    check_version(note, expected_version)
    require(
        permissions.can_change_part(actor, note), _("You may not change notes of this opportunity.")
    )
    unknown = set(fields) - set(SPIN_FIELDS)
    if unknown:
        raise ValidationError({name: [_("Unknown field.")] for name in unknown})
    values = {name: (fields.get(name, getattr(note, name)) or "").strip() for name in SPIN_FIELDS}
    if not any(values.values()):
        raise ValidationError({"situation": [_("Write at least one part of the SPIN note.")]})
    for name, value in values.items():
        setattr(note, name, value)
    note.save()
    return note


ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
#: Allowed attachment types: extension -> the file signatures (magic bytes) it may start with.
ATTACHMENT_TYPES = {
    "pdf": (b"%PDF",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "pptx": (b"PK\x03\x04",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
}


def attachment_errors(upload) -> list[str]:
    """Why an uploaded file may not be attached (empty when it may): at most 10 MB, and a
    PDF, Word, Excel, PowerPoint, PNG or JPEG file whose content matches its extension."""
    if upload is None:
        return []
    problems = []
    name = getattr(upload, "name", "") or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if upload.size > ATTACHMENT_MAX_BYTES:
        problems.append(
            _("The file is %(size)s MB; attachments may be at most 10 MB.")
            % {"size": f"{upload.size / 1024 / 1024:.1f}"}
        )
    signatures = ATTACHMENT_TYPES.get(extension)
    if signatures is None:
        problems.append(
            _("%(name)s is not an allowed type: attach a pdf, docx, xlsx, pptx, png or jpg file.")
            % {"name": name}
        )
    else:
        position = upload.tell() if hasattr(upload, "tell") else 0
        upload.seek(0)
        head = upload.read(8)
        upload.seek(position)
        if not any(head.startswith(signature) for signature in signatures):
            problems.append(
                _("%(name)s does not look like a %(ext)s file.") % {"name": name, "ext": extension}
            )
    return problems


@transaction.atomic
def proposal_create(
    *,
    actor,
    opportunity: Opportunity,
    title: str,
    cost_budget,
    expected_gain,
    features: str = "",
    service_model: str = "",
    differentiators: str = "",
    attachment=None,
) -> Proposal:
    require(
        permissions.can_change_opportunity(actor, opportunity),
        _("You may not add proposals to this opportunity."),
    )
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = [_("Give the proposal a title.")]
    if opportunity.stage not in OPEN_STAGES:
        errors["opportunity"] = [_("Proposals can only be added to an open opportunity.")]
    if cost_budget in (None, ""):
        errors["cost_budget"] = [_("Give the cost budget (0 or more).")]
    else:
        cost_budget = _check_money(cost_budget, "cost_budget", errors, label=_("The cost budget"))
    if expected_gain in (None, ""):
        errors["expected_gain"] = [_("Give the expected gain (0 or more).")]
    else:
        expected_gain = _check_money(
            expected_gain, "expected_gain", errors, label=_("The expected gain")
        )
    problems = attachment_errors(attachment)
    if problems:
        errors["attachment"] = problems
    if errors:
        raise ValidationError(errors)
    proposal = Proposal(
        opportunity=opportunity,
        title=title,
        features=features or "",
        service_model=service_model or "",
        cost_budget=cost_budget,
        expected_gain=expected_gain,
        differentiators=differentiators or "",
        author=actor,
    )
    if attachment is not None:
        proposal.attachment = attachment
    proposal.save()
    return proposal


@transaction.atomic
def proposal_submit(*, actor, proposal: Proposal, expected_version=None) -> Proposal:
    """The owner's side sends a proposal for pre-review (not submitted or rejected → pending).
    A proposal changed since ``expected_version`` is refused."""
    require(permissions.can_change_part(actor, proposal), _("You may not submit this proposal."))
    check_version(proposal, expected_version)
    if proposal.review_status not in (ReviewStatus.NOT_SUBMITTED, ReviewStatus.REJECTED):
        raise ValidationError(
            {
                "review_status": [
                    _("This proposal is %(status)s and cannot be submitted again.")
                    % {"status": proposal.get_review_status_display().lower()}
                ]
            }
        )
    proposal.review_status = ReviewStatus.PENDING
    proposal.save(update_fields=["review_status", "updated_at"])
    audit_record(
        actor=actor,
        action="proposal.submit",
        target=proposal,
        subject_user=proposal.opportunity.owner,
    )
    return proposal


REVIEW_DECISIONS = {"approve": ReviewStatus.APPROVED, "reject": ReviewStatus.REJECTED}


@transaction.atomic
def proposal_review(
    *, actor, proposal: Proposal, decision: str, comment: str = "", expected_version=None
) -> Proposal:
    """A manager of the owner's team or an admin approves or rejects a pending proposal.
    A rejection needs a comment. Audited. A proposal changed since ``expected_version`` is
    refused."""
    require(
        permissions.can_review_proposal(actor, proposal),
        _("Only a manager of the owner's team or an admin may review this proposal."),
    )
    check_version(proposal, expected_version)
    comment = (comment or "").strip()
    errors: dict[str, list[str]] = {}
    if proposal.review_status != ReviewStatus.PENDING:
        errors["review_status"] = [_("Only a proposal waiting for review can be reviewed.")]
    if decision not in REVIEW_DECISIONS:
        errors["decision"] = [_("Choose approve or reject.")]
    elif decision == "reject" and not comment:
        errors["comment"] = [_("Say why the proposal is rejected.")]
    if errors:
        raise ValidationError(errors)
    old = proposal.review_status
    proposal.review_status = REVIEW_DECISIONS[decision]
    proposal.review_comment = comment
    proposal.reviewed_by = actor
    proposal.reviewed_at = timezone.now()
    proposal.save()
    audit_record(
        actor=actor,
        action=f"proposal.{decision}",
        target=proposal,
        subject_user=proposal.opportunity.owner,
        changes={"review_status": [old, proposal.review_status]},
        reason=comment,
    )
    return proposal


RISK_FIELDS = ("kind", "description", "mitigation", "involves_legal", "involves_finance", "status")


def _validate_risk(values: dict, errors: dict) -> None:
    if values.get("kind") not in RiskKind.values:
        errors["kind"] = [_("Choose the kind of risk.")]
    if not (values.get("description") or "").strip():
        errors["description"] = [_("Describe the risk.")]
    if values.get("status") not in RiskStatus.values:
        errors["status"] = [_("Unknown status.")]


@transaction.atomic
def risk_create(
    *,
    actor,
    opportunity: Opportunity,
    kind: str,
    description: str,
    mitigation: str = "",
    involves_legal: bool = False,
    involves_finance: bool = False,
    status: str = RiskStatus.OPEN,
) -> Risk:
    require(
        permissions.can_change_opportunity(actor, opportunity),
        _("You may not add risks to this opportunity."),
    )
    values = {
        "kind": kind,
        "description": (description or "").strip(),
        "mitigation": (mitigation or "").strip(),
        "involves_legal": bool(involves_legal),
        "involves_finance": bool(involves_finance),
        "status": status,
    }
    errors: dict[str, list[str]] = {}
    _validate_risk(values, errors)
    if errors:
        raise ValidationError(errors)
    return Risk.objects.create(opportunity=opportunity, **values)


@transaction.atomic
def risk_update(*, actor, risk: Risk, expected_version=None, **fields) -> Risk:
    check_version(risk, expected_version)
    require(
        permissions.can_change_part(actor, risk), _("You may not change risks of this opportunity.")
    )
    require_known_fields(fields, RISK_FIELDS)
    values = {name: fields.get(name, getattr(risk, name)) for name in RISK_FIELDS}
    values["description"] = (values["description"] or "").strip()
    values["mitigation"] = (values["mitigation"] or "").strip()
    errors: dict[str, list[str]] = {}
    _validate_risk(values, errors)
    if errors:
        raise ValidationError(errors)
    for name, value in values.items():
        setattr(risk, name, value)
    risk.save()
    return risk


# --- settings ----------------------------------------------------------------------------------


@transaction.atomic
def pipeline_settings_update(
    *, actor, solution_pre_review: bool, expected_version=None
) -> PipelineSettings:
    """Switch solution pre-review on or off (admin and HR). Audited. Settings changed since
    ``expected_version`` are refused and nothing is written."""
    require(
        permissions.can_edit_pipeline_settings(actor),
        _("Only HR or an admin may change the pipeline settings."),
    )
    settings_row = PipelineSettings.current()
    check_version(settings_row, expected_version)
    old = settings_row.solution_pre_review
    settings_row.solution_pre_review = bool(solution_pre_review)
    settings_row.save()
    if old != settings_row.solution_pre_review:
        audit_record(
            actor=actor,
            action="pipeline_settings.update",
            target=settings_row,
            changes={"solution_pre_review": [old, settings_row.solution_pre_review]},
        )
    return settings_row
