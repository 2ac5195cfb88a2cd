"""Writes for the sales pipeline (SPEC §1.2). Each service checks permissions, validates
everything first and writes nothing on bad input: it raises ``PermissionDenied`` for a
forbidden action and a ``ValidationError`` whose keys name the offending fields."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.choices import Role
from apps.core.services import audit_record
from apps.customers.models import Customer
from apps.leads.models import Lead
from apps.opportunities import permissions
from apps.opportunities.choices import STAGE_PROBABILITY, OpportunityKind, Stage
from apps.opportunities.models import Opportunity, OpportunityCredit, StageChange

HUNDRED = Decimal("100.00")
CREDIT_ROLES = (Role.REP, Role.MANAGER)


# --- helpers -----------------------------------------------------------------------------------


def _jsonable(value):
    if hasattr(value, "pk"):
        return value.pk
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def assignable_owners(actor):
    """The people ``actor`` may make the owner of an opportunity.

    Rep: only themselves. Manager: themselves and the members of the teams they manage.
    Admin: every active rep or manager. HR: nobody.
    """
    if not permissions.can_create_opportunity(actor):
        return User.objects.none()
    if actor.role == Role.REP and not permissions.is_admin(actor):
        return User.objects.filter(pk=actor.pk)
    return User.objects.visible_to(actor).filter(is_active=True, role__in=CREDIT_ROLES)


def creditable_reps(actor, opportunity: Opportunity | None = None):
    """The people ``actor`` may give a credit share to: active reps and managers they can see,
    plus those who already hold a credit on ``opportunity`` (so an owner can re-split)."""
    people = User.objects.visible_to(actor).filter(is_active=True, role__in=CREDIT_ROLES)
    if opportunity is not None and opportunity.pk:
        people = people | User.objects.filter(
            pk__in=OpportunityCredit.objects.filter(opportunity=opportunity).values("rep"),
            is_active=True,
        )
    return people.distinct()


def _check_owner(*, actor, owner, errors: dict) -> None:
    if owner is None:
        errors["owner"] = [_("An opportunity needs an owner.")]
    elif not assignable_owners(actor).filter(pk=owner.pk).exists():
        if actor.role == Role.MANAGER:
            message = _(
                "%(name)s is not an active rep or manager in a team you manage: you may assign "
                "opportunities only to yourself and your teams' members."
            )
        else:
            message = _("%(name)s cannot own an opportunity: choose an active rep or manager.")
        errors["owner"] = [message % {"name": owner}]


def _check_customer(*, actor, customer, errors: dict) -> None:
    if customer is None:
        errors["customer"] = [_("Choose the customer.")]
    elif not Customer.objects.visible_to(actor).filter(pk=customer.pk).exists():
        errors["customer"] = [_("You cannot see this customer, so you cannot sell to it here.")]


def _check_lead(*, actor, lead, customer, errors: dict) -> None:
    if lead is None:
        return
    if not Lead.objects.visible_to(actor).filter(pk=lead.pk).exists():
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

    Rules: at least one share; each share above 0; reps distinct; each rep an active rep or
    manager the actor may credit (see :func:`creditable_reps`); total exactly 100.00.
    Raises ``ValidationError({"credits": [...]})`` listing every problem.
    """
    problems: list[str] = []
    rows: list[tuple] = []
    if not credits:
        raise ValidationError({"credits": [_("Give at least one rep a share of the credit.")]})
    seen: set[int] = set()
    allowed = set(creditable_reps(actor, opportunity).values_list("pk", flat=True))
    total = Decimal("0")
    for index, entry in enumerate(credits, start=1):
        rep = entry.get("rep")
        raw = entry.get("percent")
        try:
            percent = Decimal(str(raw))
            if not percent.is_finite():
                raise InvalidOperation
        except (InvalidOperation, ValueError, TypeError):
            problems.append(
                _("Line %(line)s: the share %(value)s is not a number.")
                % {"line": index, "value": raw}
            )
            continue
        if rep is None:
            problems.append(_("Line %(line)s: choose a rep.") % {"line": index})
            continue
        if percent <= 0:
            problems.append(
                _("Line %(line)s: %(rep)s's share must be more than 0%%.")
                % {"line": index, "rep": rep}
            )
        elif percent > 100:
            problems.append(
                _("Line %(line)s: %(rep)s's share cannot exceed 100%%.")
                % {"line": index, "rep": rep}
            )
        if percent != percent.quantize(Decimal("0.01")):
            problems.append(
                _("Line %(line)s: use at most two decimal places (%(value)s).")
                % {"line": index, "value": raw}
            )
        if rep.pk in seen:
            problems.append(
                _("%(rep)s appears more than once: give each rep one share.") % {"rep": rep}
            )
        seen.add(rep.pk)
        if rep.pk not in allowed:
            problems.append(
                _(
                    "%(rep)s cannot receive credit here: choose an active rep or manager "
                    "you work with."
                )
                % {"rep": rep}
            )
        total += percent
        rows.append((rep, percent))
    if not problems and total != HUNDRED:
        problems.append(
            _("The shares add up to %(total)s%%; they must total exactly 100.00%%.")
            % {"total": f"{total:.2f}"}
        )
    if problems:
        raise ValidationError({"credits": problems})
    return rows


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
    if not permissions.can_create_opportunity(actor):
        raise PermissionDenied(_("You may not create opportunities."))
    if actor.role == Role.REP and not permissions.is_admin(actor):
        owner = actor
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("Give the opportunity a name.")]
    elif len(name) > 200:
        errors["name"] = [_("The name may be at most 200 characters.")]
    _check_owner(actor=actor, owner=owner, errors=errors)
    _check_customer(actor=actor, customer=customer, errors=errors)
    _check_lead(actor=actor, lead=lead, customer=customer, errors=errors)
    if kind not in OpportunityKind.values:
        errors["kind"] = [_("Unknown kind %(value)s.") % {"value": kind}]
    amount = _check_money(
        expected_amount, "expected_amount", errors, label=_("The expected amount")
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
def opportunity_set_credits(*, actor, opportunity: Opportunity, credits: list[dict]):
    """Replace the credit split. The owner, the owner's manager and admin may change it."""
    if not permissions.can_change_opportunity(actor, opportunity):
        raise PermissionDenied(_("You may not change the credit split of this opportunity."))
    rows = validate_credits(actor=actor, credits=credits, opportunity=opportunity)
    old = [[rep_id, str(p)] for rep_id, p in opportunity_credit_split(opportunity)]
    OpportunityCredit.objects.filter(opportunity=opportunity).delete()
    OpportunityCredit.objects.bulk_create(
        OpportunityCredit(opportunity=opportunity, rep=rep, percent=percent)
        for rep, percent in rows
    )
    new = [[rep.pk, str(percent)] for rep, percent in rows]
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


def _now():
    return timezone.now()
