"""Writes for orders (signed contracts), credits, deliveries, receivables and payments.

Each service checks permissions, validates everything first and writes nothing on bad input:
it raises ``PermissionDenied`` for a forbidden action and a ``ValidationError`` whose keys name
the offending fields. Money changes are audited. Receivable and payment caps are checked with
the parent row locked (``select_for_update``), so concurrent writes cannot overshoot.

``actor=None`` stands for the system (demo data, background jobs) and may write.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.credits import check_credit_split
from apps.core.dates import check_business_date
from apps.core.kpi_facts import kpi_facts_changed
from apps.core.ownership import OwnerMessages, resolve_owner
from apps.core.permissions import SELLING_ROLES, require
from apps.core.services import audit_record, audit_value
from apps.core.versions import check_version
from apps.customers.choices import CustomerStatus
from apps.customers.models import Customer
from apps.opportunities.choices import OPEN_STAGES, Stage
from apps.opportunities.models import Opportunity
from apps.opportunities.services import opportunity_credit_split, opportunity_move
from apps.sales import permissions, selectors
from apps.sales.choices import DEFAULT_CREDIT_TERM_DAYS, ORDER_NUMBER_PREFIX, DeliveryStatus
from apps.sales.models import (
    Delivery,
    DeliveryQuestion,
    Order,
    OrderCredit,
    Payment,
    Receivable,
)

HUNDRED = Decimal("100.00")
CENT = Decimal("0.01")
MAX_MONEY = Decimal("999999999999.99")  # 14 digits, 2 decimals
NUMBER_MAX_LENGTH = Order._meta.get_field("number").max_length
GENERATED_NUMBER = re.compile(rf"^{ORDER_NUMBER_PREFIX}-\d{{4}}-\d{{6}}$")


# --- helpers -------------------------------------------------------------------------------


def _today() -> datetime.date:
    return timezone.localdate()


def money_display(value: Decimal) -> str:
    """``1200`` -> ``"1,200.00"`` (grouped, two decimals) for messages."""
    return f"{Decimal(value).quantize(CENT):,.2f}"


def _write_check(actor) -> None:
    if actor is None:
        return
    require(
        permissions.can_write_crm(actor),
        _("You may read orders and collection data but not change them."),
    )


def _order_write_check(actor, order: Order) -> None:
    _write_check(actor)
    if actor is not None and not permissions.can_edit_order(actor, order):
        raise PermissionDenied(
            _("Only the owner of order %(number)s, their manager or an admin may change it.")
            % {"number": order.number}
        )


def _money(value, field: str, errors: dict, *, label: str) -> Decimal | None:
    """A positive amount with at most two decimals, or an error on ``field``."""
    if value is None or value == "":
        errors[field] = [_("%(label)s is required.") % {"label": label}]
        return None
    try:
        amount = Decimal(str(value))
        if not amount.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError, TypeError):
        errors[field] = [_("%(label)s must be a number.") % {"label": label}]
        return None
    if amount <= 0:
        errors[field] = [_("%(label)s must be more than 0.") % {"label": label}]
    elif amount != amount.quantize(CENT):
        errors[field] = [_("%(label)s may have at most two decimal places.") % {"label": label}]
    elif amount > MAX_MONEY:
        errors[field] = [_("%(label)s is too large.") % {"label": label}]
    return amount


def _date(value, field: str, errors: dict, *, label: str, allow_future: bool = False):
    if value is None or value == "":
        errors[field] = [_("%(label)s is required.") % {"label": label}]
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        try:
            value = datetime.date.fromisoformat(str(value))
        except ValueError:
            errors[field] = [_("%(label)s must be a date (YYYY-MM-DD).") % {"label": label}]
            return None
    if not allow_future and value > _today():
        errors[field] = [_("%(label)s cannot be in the future.") % {"label": label}]
    elif not check_business_date(value, field=field, label=label, errors=errors):
        return None
    return value


def _owner_messages() -> OwnerMessages:
    return OwnerMessages(
        required=_("Choose who owns this order."),
        not_in_team=_(
            "%(name)s is not an active member of a team you manage: you may assign "
            "orders only to yourself and your teams' members."
        ),
        cannot_own=_("%(name)s cannot own an order: choose an active rep or manager."),
        rep_hands_over=_("A rep cannot hand an order to someone else."),
    )


def _resolve_owner(*, actor, owner, errors: dict, current=None):
    """The owner an order gets (:func:`apps.core.ownership.resolve_owner`). A rep always owns
    what they create; a manager may pick themselves or a member of a team they manage; an
    admin any active rep or manager. A missing owner is the actor (checked like a chosen one)
    on create and the current owner on update."""
    return resolve_owner(
        actor=actor,
        owner=owner,
        errors=errors,
        messages=_owner_messages(),
        current=current,
        default_to_any_actor=True,
    )


def _check_customer(*, actor, customer, errors: dict) -> None:
    if customer is None:
        errors["customer"] = [_("Choose the customer who signed.")]
        return
    visible = Customer.objects.all() if actor is None else Customer.objects.visible_to(actor)
    found = visible.filter(pk=customer.pk).values_list("status", flat=True).first()
    if found is None:
        errors["customer"] = [_("You cannot see this customer, so you cannot record its orders.")]
    elif found != CustomerStatus.ACTIVE:
        errors["customer"] = [
            _("%(name)s is marked as lost: reactivate the customer before recording an order.")
            % {"name": customer}
        ]


def _check_opportunity(*, actor, opportunity, customer, errors: dict) -> None:
    if opportunity is None:
        return
    visible = Opportunity.objects.all() if actor is None else Opportunity.objects.visible_to(actor)
    if not visible.filter(pk=opportunity.pk).exists():
        errors["opportunity"] = [_("You cannot see this opportunity.")]
    elif customer is not None and opportunity.customer_id != customer.pk:
        errors["opportunity"] = [
            _("The opportunity %(name)s belongs to another customer than this order.")
            % {"name": opportunity}
        ]
    elif opportunity.stage == Stage.LOST:
        errors["opportunity"] = [
            _("The opportunity %(name)s was lost: an order cannot be signed on it.")
            % {"name": opportunity}
        ]


def _clean_number(number: str, errors: dict, *, instance: Order | None = None) -> str:
    number = (number or "").strip()
    if not number:
        return ""
    if len(number) > NUMBER_MAX_LENGTH:
        errors["number"] = [
            _("The contract number may be at most %(max)s characters.") % {"max": NUMBER_MAX_LENGTH}
        ]
        return number
    clash = Order.objects.filter(number__iexact=number)
    if instance is not None:
        clash = clash.exclude(pk=instance.pk)
    if clash.exists():
        errors["number"] = [
            _("The contract number %(number)s is already used by another order.")
            % {"number": number}
        ]
    return number


def _next_number(signed_on: datetime.date) -> str:
    prefix = f"{ORDER_NUMBER_PREFIX}-{signed_on.year}-"
    last = (
        Order.objects.filter(number__startswith=prefix, number__regex=GENERATED_NUMBER.pattern)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{sequence:06d}"


def clean_credits(*, actor, credits, owner=None, order: Order | None = None) -> list[tuple]:
    """Check a credit split and return ``[(User, Decimal percent), ...]``.

    Each rep must be an active rep or manager the actor may credit
    (:func:`apps.sales.permissions.creditable_people`, plus anyone already holding a credit on
    ``order``); the other rules are :func:`apps.core.credits.check_credit_split`'s.
    """
    if actor is None:
        allowed = set(
            User.objects.filter(is_active=True, role__in=SELLING_ROLES).values_list("pk", flat=True)
        )
    else:
        allowed = set(permissions.creditable_people(actor, owner).values_list("pk", flat=True))
    if order is not None and order.pk:
        allowed |= set(OrderCredit.objects.filter(order=order).values_list("rep_id", flat=True))
    return check_credit_split(credits, allowed_ids=allowed)


def _default_credits(*, owner, opportunity) -> list[tuple]:
    """The opportunity's split when it is shared by several reps, else the owner at 100."""
    if opportunity is not None:
        split = _opportunity_split(opportunity)
        if len(split) > 1 and sum(p for _rep, p in split) == HUNDRED:
            people = User.objects.in_bulk([rep_id for rep_id, _p in split])
            return [(people[rep_id], Decimal(p)) for rep_id, p in split]
    return [(owner, HUNDRED)]


def _opportunity_split(opportunity) -> list[tuple[int, Decimal]]:
    return list(opportunity_credit_split(opportunity))


def _credits_json(rows) -> list:
    return [[rep.pk if hasattr(rep, "pk") else rep, str(percent)] for rep, percent in rows]


def _facts_changed(order: Order, *dates, reps=(), customer_ids=()) -> None:
    """Tell the KPI layer (:mod:`apps.core.kpi_facts`) that this change of ``order`` changed
    the figures of its owner and credited reps in the periods containing each of ``dates``
    (their scorecards are marked stale and refreshed in the background)."""
    rep_ids = {order.owner_id, *reps}
    rep_ids.update(OrderCredit.objects.filter(order=order).values_list("rep_id", flat=True))
    for day in sorted({d for d in dates if d is not None}):
        kpi_facts_changed(rep_ids=rep_ids, on_date=day, customer_ids=customer_ids)


def _store_credits(order: Order, rows: list[tuple]) -> None:
    OrderCredit.objects.filter(order=order).delete()
    OrderCredit.objects.bulk_create(
        OrderCredit(order=order, rep=rep, percent=percent) for rep, percent in rows
    )
    if hasattr(order, "_prefetched_objects_cache"):
        order._prefetched_objects_cache.pop("credits", None)


def _move_opportunity_to_won(*, actor, opportunity, order: Order) -> None:
    """An order signed on an open opportunity wins it. A refused move refuses the order."""
    try:
        opportunity_move(
            actor=actor,
            opportunity=opportunity,
            to_stage=Stage.WON,
            note=_("Contract %(number)s signed.") % {"number": order.number},
        )
    except ValidationError as exc:
        raise ValidationError({"opportunity": exc.messages}) from exc
    except PermissionDenied as exc:
        message = str(exc) or _("You may not move this opportunity to won.")
        raise ValidationError({"opportunity": [message]}) from exc


# --- orders --------------------------------------------------------------------------------


@transaction.atomic
def order_create(
    *,
    actor,
    customer,
    owner,
    amount,
    signed_on,
    number: str = "",
    opportunity=None,
    credits: list[dict] | None = None,
    notes: str = "",
) -> Order:
    """Record a signed contract.

    ``owner``: see :func:`_resolve_owner` (a rep always owns what they create). ``number`` is
    generated (``SO-<year>-<sequence>``) when empty. ``credits`` (``[{"rep", "percent"}]``,
    total 100) defaults to the opportunity's split when it is shared, else the owner at 100;
    credit rows are always stored. An open opportunity moves to *won* (a refused move refuses
    the order). Audited.
    """
    _write_check(actor)
    errors: dict[str, list[str]] = {}
    owner = _resolve_owner(actor=actor, owner=owner, errors=errors)
    _check_customer(actor=actor, customer=customer, errors=errors)
    _check_opportunity(actor=actor, opportunity=opportunity, customer=customer, errors=errors)
    amount = _money(amount, "amount", errors, label=_("The amount"))
    signed_on = _date(signed_on, "signed_on", errors, label=_("The signing date"))
    number = _clean_number(number, errors)
    rows: list[tuple] = []
    if credits:
        try:
            rows = clean_credits(actor=actor, credits=credits, owner=owner)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    if not rows:
        rows = _default_credits(owner=owner, opportunity=opportunity)

    order = _insert_order(
        number=number,
        customer=customer,
        owner=owner,
        opportunity=opportunity,
        amount=amount,
        signed_on=signed_on,
        notes=notes or "",
    )
    _store_credits(order, rows)
    if opportunity is not None and opportunity.stage in OPEN_STAGES:
        _move_opportunity_to_won(actor=actor, opportunity=opportunity, order=order)
    _facts_changed(order, signed_on, customer_ids=[customer.pk])
    audit_record(
        actor=actor,
        action="order.create",
        target=order,
        subject_user=owner,
        changes={
            "number": order.number,
            "customer": customer.pk,
            "amount": str(amount),
            "signed_on": signed_on.isoformat(),
            "credits": _credits_json(rows),
        },
    )
    return order


def _insert_order(*, number: str, signed_on, **fields) -> Order:
    """Insert the order; a generated number that another writer took meanwhile is retried."""
    if number:
        return Order.objects.create(number=number, signed_on=signed_on, **fields)
    for _attempt in range(5):
        candidate = _next_number(signed_on)
        try:
            with transaction.atomic():
                return Order.objects.create(number=candidate, signed_on=signed_on, **fields)
        except IntegrityError:
            continue
    raise ValidationError({"number": [_("Could not generate a contract number; try again.")]})


@transaction.atomic
def order_update(
    *,
    actor,
    order: Order,
    amount=None,
    signed_on=None,
    owner=None,
    number: str | None = None,
    notes: str | None = None,
    expected_version=None,
) -> Order:
    """Change an order's amount, signing date, owner, number or notes (``None`` = keep).

    The amount cannot go below what is already invoiced; the signing date cannot be in the
    future nor after an invoice or a delivery of the order. When a non-shared order changes
    owner, its 100% credit follows. Changes are audited.
    """
    check_version(order, expected_version)
    _order_write_check(actor, order)
    order = Order.objects.select_for_update().get(pk=order.pk)
    errors: dict[str, list[str]] = {}
    new_owner = _resolve_owner(actor=actor, owner=owner, errors=errors, current=order.owner)
    new_amount = order.amount
    if amount is not None:
        new_amount = _money(amount, "amount", errors, label=_("The amount"))
        if "amount" not in errors:
            invoiced = selectors.order_receivable_total(order=order)
            if new_amount < invoiced:
                errors["amount"] = [
                    _(
                        "Receivables of %(invoiced)s are already issued on this order: its "
                        "amount cannot be lowered below that."
                    )
                    % {"invoiced": money_display(invoiced)}
                ]
    new_signed_on = order.signed_on
    if signed_on is not None:
        new_signed_on = _date(signed_on, "signed_on", errors, label=_("The signing date"))
        if "signed_on" not in errors:
            _check_signed_on_against_children(order, new_signed_on, errors)
    new_number = order.number
    if number is not None and number.strip() != order.number:
        new_number = _clean_number(number, errors, instance=order)
        if not new_number and "number" not in errors:
            errors["number"] = [_("An order needs a contract number.")]
    if errors:
        raise ValidationError(errors)

    changes = {}
    for field, value in (
        ("amount", new_amount),
        ("signed_on", new_signed_on),
        ("owner", new_owner),
        ("number", new_number),
        ("notes", notes if notes is not None else order.notes),
    ):
        old = getattr(order, field)
        if old != value:
            changes[field] = [audit_value(old), audit_value(value)]
            setattr(order, field, value)
    if not changes:
        return order
    old_owner_id, old_signed_on = (
        changes.get("owner", [order.owner_id])[0],
        changes.get("signed_on", [None])[0],
    )
    old_reps = set(OrderCredit.objects.filter(order=order).values_list("rep_id", flat=True))
    order.save()
    if "owner" in changes:
        credits = list(OrderCredit.objects.filter(order=order).values_list("rep_id", "percent"))
        if len(credits) == 1 and credits[0][0] == changes["owner"][0]:
            _store_credits(order, [(new_owner, HUNDRED)])
            changes["credits"] = [_credits_json(credits), _credits_json([(new_owner, HUNDRED)])]
    if changes.keys() & {"amount", "signed_on", "owner"}:
        _facts_changed(
            order,
            order.signed_on,
            datetime.date.fromisoformat(old_signed_on) if old_signed_on else None,
            reps={old_owner_id, *old_reps},
            customer_ids=[order.customer_id],
        )
    audit_record(
        actor=actor, action="order.update", target=order, subject_user=order.owner, changes=changes
    )
    return order


def _check_signed_on_against_children(order: Order, signed_on, errors: dict) -> None:
    first_issue = (
        Receivable.objects.filter(order=order)
        .order_by("issued_on")
        .values_list("issued_on", flat=True)
        .first()
    )
    first_delivery = (
        Delivery.objects.filter(order=order, delivered_on__isnull=False)
        .order_by("delivered_on")
        .values_list("delivered_on", flat=True)
        .first()
    )
    if first_issue is not None and signed_on > first_issue:
        errors["signed_on"] = [
            _(
                "A receivable of this order was issued on %(date)s: the signing date cannot be "
                "later."
            )
            % {"date": first_issue.isoformat()}
        ]
    elif first_delivery is not None and signed_on > first_delivery:
        errors["signed_on"] = [
            _("A delivery of this order was made on %(date)s: the signing date cannot be later.")
            % {"date": first_delivery.isoformat()}
        ]


@transaction.atomic
def order_set_credits(
    *, actor, order: Order, credits: list[dict], expected_version=None
) -> list[OrderCredit]:
    """Replace an order's credit split (``[{"rep": User | id, "percent"}]``, total exactly
    100.00, distinct reps, each above 0). Audited.

    The split is part of the order: ``expected_version`` is the order's version the split was
    read at (a stale one is refused, nothing written), and a changed split raises it.
    """
    check_version(order, expected_version)
    _order_write_check(actor, order)
    order = Order.objects.select_for_update().get(pk=order.pk)
    rows = clean_credits(actor=actor, credits=credits, owner=order.owner, order=order)
    old = list(OrderCredit.objects.filter(order=order).values_list("rep_id", "percent"))
    _store_credits(order, rows)
    new = _credits_json(rows)
    if _credits_json(old) != new:
        order.save(update_fields=["updated_at"])  # and its version
        # Sales, receivables and payments of the order count by these shares (SPEC §2.2).
        _facts_changed(
            order,
            order.signed_on,
            *order.receivables.values_list("due_on", flat=True),
            reps={rep_id for rep_id, _percent in old},
        )
        audit_record(
            actor=actor,
            action="order.credits",
            target=order,
            subject_user=order.owner,
            changes={"credits": [_credits_json(old), new]},
        )
    return list(OrderCredit.objects.filter(order=order).select_related("rep"))


# --- deliveries ----------------------------------------------------------------------------


def _check_delivery_state(*, order: Order, status: str, delivered_on, errors: dict):
    if status not in DeliveryStatus.values:
        errors["status"] = [_("Unknown delivery status %(value)s.") % {"value": status}]
        return delivered_on
    if status == DeliveryStatus.DELIVERED:
        if delivered_on in (None, ""):
            errors["delivered_on"] = [_("A delivered delivery needs its actual date.")]
            return None
        delivered_on = _date(delivered_on, "delivered_on", errors, label=_("The actual date"))
        if "delivered_on" not in errors and delivered_on < order.signed_on:
            errors["delivered_on"] = [
                _("The actual date cannot be before the order was signed (%(date)s).")
                % {"date": order.signed_on.isoformat()}
            ]
        return delivered_on
    if delivered_on not in (None, ""):
        errors["delivered_on"] = [
            _("Only a delivered delivery has an actual date: set the status to delivered.")
        ]
    return None


@transaction.atomic
def delivery_create(
    *,
    actor,
    order: Order,
    planned_on,
    description: str = "",
    status: str = DeliveryStatus.PLANNED,
    delivered_on=None,
) -> Delivery:
    """Plan a delivery of ``order`` (or record one already made: status delivered + date)."""
    _order_write_check(actor, order)
    errors: dict[str, list[str]] = {}
    planned_on = _date(
        planned_on, "planned_on", errors, label=_("The planned date"), allow_future=True
    )
    delivered_on = _check_delivery_state(
        order=order, status=status, delivered_on=delivered_on, errors=errors
    )
    description = (description or "").strip()
    if len(description) > 200:
        errors["description"] = [_("The description may be at most 200 characters.")]
    if errors:
        raise ValidationError(errors)
    return Delivery.objects.create(
        order=order,
        planned_on=planned_on,
        description=description,
        status=status,
        delivered_on=delivered_on,
    )


@transaction.atomic
def delivery_update(
    *,
    actor,
    delivery: Delivery,
    planned_on=None,
    description: str | None = None,
    status: str | None = None,
    delivered_on=None,
    expected_version=None,
) -> Delivery:
    """Change a delivery. ``None`` keeps a field, except ``delivered_on``, which is cleared
    unless the (new) status is delivered."""
    check_version(delivery, expected_version)
    order = delivery.order
    _order_write_check(actor, order)
    errors: dict[str, list[str]] = {}
    new_status = delivery.status if status is None else status
    if new_status == DeliveryStatus.DELIVERED and delivered_on is None:
        delivered_on = delivery.delivered_on
    new_delivered_on = _check_delivery_state(
        order=order, status=new_status, delivered_on=delivered_on, errors=errors
    )
    new_planned_on = delivery.planned_on
    if planned_on is not None:
        new_planned_on = _date(
            planned_on, "planned_on", errors, label=_("The planned date"), allow_future=True
        )
    new_description = delivery.description if description is None else description.strip()
    if len(new_description) > 200:
        errors["description"] = [_("The description may be at most 200 characters.")]
    if errors:
        raise ValidationError(errors)
    delivery.status = new_status
    delivery.delivered_on = new_delivered_on
    delivery.planned_on = new_planned_on
    delivery.description = new_description
    delivery.save()
    return delivery


def delivery_mark_delivered(*, actor, delivery: Delivery, delivered_on) -> Delivery:
    """Mark a delivery delivered on ``delivered_on`` (not in the future, not before signing)."""
    return delivery_update(
        actor=actor, delivery=delivery, status=DeliveryStatus.DELIVERED, delivered_on=delivered_on
    )


@transaction.atomic
def delivery_question_create(
    *, actor, delivery: Delivery, question: str, raised_on=None
) -> DeliveryQuestion:
    """Log a question raised during a delivery."""
    _order_write_check(actor, delivery.order)
    errors: dict[str, list[str]] = {}
    question = (question or "").strip()
    if not question:
        errors["question"] = [_("Write down the question.")]
    raised_on = _date(raised_on or _today(), "raised_on", errors, label=_("The date raised"))
    if errors:
        raise ValidationError(errors)
    return DeliveryQuestion.objects.create(
        delivery=delivery, question=question, raised_on=raised_on
    )


@transaction.atomic
def delivery_question_close(
    *, actor, question: DeliveryQuestion, answer: str, closed_on=None, expected_version=None
) -> DeliveryQuestion:
    """Close a delivery question with its answer (closed on or after the day it was raised).
    A question changed since ``expected_version`` is refused."""
    _order_write_check(actor, question.delivery.order)
    check_version(question, expected_version)
    errors: dict[str, list[str]] = {}
    if question.closed_on is not None:
        raise ValidationError(
            {
                "closed_on": [
                    _("This question was already closed on %(date)s.")
                    % {"date": question.closed_on.isoformat()}
                ]
            }
        )
    answer = (answer or "").strip()
    if not answer:
        errors["answer"] = [_("Write down the answer that closes the question.")]
    closed_on = _date(closed_on or _today(), "closed_on", errors, label=_("The closing date"))
    if "closed_on" not in errors and closed_on < question.raised_on:
        errors["closed_on"] = [
            _("A question cannot be closed before it was raised (%(date)s).")
            % {"date": question.raised_on.isoformat()}
        ]
    if errors:
        raise ValidationError(errors)
    question.answer = answer
    question.closed_on = closed_on
    question.save(update_fields=["answer", "closed_on", "updated_at"])
    return question


# --- receivables ---------------------------------------------------------------------------


@transaction.atomic
def receivable_create(
    *,
    actor,
    order: Order,
    amount,
    issued_on,
    due_on=None,
    credit_term_days: int = DEFAULT_CREDIT_TERM_DAYS,
) -> Receivable:
    """Issue a receivable on ``order``.

    ``due_on`` defaults to ``issued_on + credit_term_days``; when given, it must not be before
    ``issued_on`` and the stored credit term becomes the days between the two. The issue date
    cannot be before the order was signed, and the receivables of an order may not total more
    than its amount (checked with the order row locked). Audited.
    """
    _order_write_check(actor, order)
    order = Order.objects.select_for_update().get(pk=order.pk)
    errors: dict[str, list[str]] = {}
    amount = _money(amount, "amount", errors, label=_("The amount"))
    issued_on = _date(issued_on, "issued_on", errors, label=_("The issue date"), allow_future=True)
    if "issued_on" not in errors and issued_on < order.signed_on:
        errors["issued_on"] = [
            _("A receivable cannot be issued before the order was signed (%(date)s).")
            % {"date": order.signed_on.isoformat()}
        ]
    try:
        credit_term_days = int(credit_term_days)
    except (TypeError, ValueError):
        errors["credit_term_days"] = [_("The credit term must be a whole number of days.")]
    else:
        if credit_term_days < 0:
            errors["credit_term_days"] = [_("The credit term cannot be negative.")]
    if due_on not in (None, ""):
        due_on = _date(due_on, "due_on", errors, label=_("The due date"), allow_future=True)
        if "due_on" not in errors and "issued_on" not in errors and due_on < issued_on:
            errors["due_on"] = [_("The due date cannot be before the issue date.")]
    elif not errors.keys() & {"issued_on", "credit_term_days"}:
        # The due date the credit term gives must be a business date too (and computable).
        try:
            computed_due_on = issued_on + datetime.timedelta(days=credit_term_days)
        except OverflowError:
            computed_due_on = datetime.date.max
        check_business_date(
            computed_due_on, field="credit_term_days", label=_("The due date"), errors=errors
        )
    if "amount" not in errors:
        invoiced = selectors.order_receivable_total(order=order)
        room = order.amount - invoiced
        if amount > room:
            errors["amount"] = [
                _(
                    "The receivables of order %(number)s would total %(total)s, more than its "
                    "amount %(amount)s: at most %(room)s can still be invoiced."
                )
                % {
                    "number": order.number,
                    "total": money_display(invoiced + amount),
                    "amount": money_display(order.amount),
                    "room": money_display(max(room, Decimal("0"))),
                }
            ]
    if errors:
        raise ValidationError(errors)
    if due_on in (None, ""):
        due_on = issued_on + datetime.timedelta(days=credit_term_days)
    else:
        credit_term_days = (due_on - issued_on).days
    receivable = Receivable.objects.create(
        order=order,
        amount=amount,
        issued_on=issued_on,
        credit_term_days=credit_term_days,
        due_on=due_on,
    )
    _facts_changed(order, due_on)
    audit_record(
        actor=actor,
        action="receivable.create",
        target=receivable,
        subject_user=order.owner,
        changes={
            "order": order.pk,
            "amount": str(amount),
            "issued_on": issued_on.isoformat(),
            "due_on": due_on.isoformat(),
        },
    )
    return receivable


# --- payments ------------------------------------------------------------------------------


@transaction.atomic
def payment_record(
    *, actor, receivable: Receivable, amount, paid_on, reference: str = ""
) -> Payment:
    """Apply a payment to a receivable.

    Refused: amount zero, negative or above what is still open; ``paid_on`` in the future or
    before the receivable was issued. The receivable row is locked while the open amount is
    checked, so two concurrent payments cannot overpay. Audited.
    """
    _order_write_check(actor, receivable.order)
    receivable = (
        Receivable.objects.select_for_update(of=("self",))
        .select_related("order")
        .get(pk=receivable.pk)
    )
    errors: dict[str, list[str]] = {}
    amount = _money(amount, "amount", errors, label=_("The amount"))
    paid_on = _date(paid_on, "paid_on", errors, label=_("The payment date"))
    if "paid_on" not in errors and paid_on < receivable.issued_on:
        errors["paid_on"] = [
            _("A payment cannot be dated before the receivable was issued (%(date)s).")
            % {"date": receivable.issued_on.isoformat()}
        ]
    reference = (reference or "").strip()
    if len(reference) > 120:
        errors["reference"] = [_("The reference may be at most 120 characters.")]
    if "amount" not in errors:
        open_amount = selectors.receivable_open_amount(receivable=receivable)
        if open_amount <= 0:
            errors["amount"] = [_("This receivable is fully paid: nothing is open on it.")]
        elif amount > open_amount:
            errors["amount"] = [
                _("Only %(amount)s is still open on this receivable.")
                % {"amount": money_display(open_amount)}
            ]
    if errors:
        raise ValidationError(errors)
    payment = Payment.objects.create(
        receivable=receivable,
        amount=amount,
        paid_on=paid_on,
        reference=reference,
        recorded_by=actor if actor is not None and actor.is_authenticated else None,
    )
    _facts_changed(receivable.order, receivable.due_on)
    audit_record(
        actor=actor,
        action="payment.record",
        target=payment,
        subject_user=receivable.order.owner,
        changes={
            "receivable": receivable.pk,
            "amount": str(amount),
            "paid_on": paid_on.isoformat(),
            "reference": reference,
        },
    )
    return payment


@transaction.atomic
def payment_reverse(*, actor, payment: Payment, reason: str) -> None:
    """Delete a payment recorded by mistake. Admin only, with a reason; audited with the
    payment's details (the audit entry stays on the receivable)."""
    require(
        actor is not None and permissions.can_reverse_payment(actor, payment),
        _("Only an admin may reverse a payment."),
    )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the payment is reversed.")]})
    receivable = (
        Receivable.objects.select_for_update(of=("self",))
        .select_related("order")
        .get(pk=payment.receivable_id)
    )
    details = {
        "payment": payment.pk,
        "amount": str(payment.amount),
        "paid_on": payment.paid_on.isoformat(),
        "reference": payment.reference,
        "recorded_by": payment.recorded_by_id,
    }
    Payment.objects.filter(pk=payment.pk).delete()
    _facts_changed(receivable.order, receivable.due_on)
    audit_record(
        actor=actor,
        action="payment.reverse",
        target=receivable,
        subject_user=receivable.order.owner,
        changes=details,
        reason=reason,
    )
