"""Services of the sales app: every refusal names the field, says why and writes nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.core.models import AuditEntry
from apps.opportunities.choices import Stage
from apps.opportunities.models import StageChange
from apps.sales import services
from apps.sales.choices import DeliveryStatus
from apps.sales.models import Delivery, Order, OrderCredit, Payment, Receivable
from tests.factories import (
    CustomerFactory,
    DeliveryFactory,
    DeliveryQuestionFactory,
    OpportunityCreditFactory,
    OpportunityFactory,
    OrderFactory,
    PaymentFactory,
    RepFactory,
    TeamFactory,
)
from tests.sales.conftest import days_ago, today

pytestmark = pytest.mark.django_db

D = Decimal


def refused(call, field: str) -> str:
    """Run ``call``; it must raise a ValidationError on ``field``. Returns the message(s)."""
    with pytest.raises(ValidationError) as info:
        call()
    assert field in info.value.message_dict, info.value.message_dict
    return " ".join(info.value.message_dict[field])


def refused_all(call) -> dict:
    with pytest.raises(ValidationError) as info:
        call()
    return info.value.message_dict


def credits_of(order) -> list:
    return sorted(
        (credit.rep_id, credit.percent) for credit in OrderCredit.objects.filter(order=order)
    )


# --- order_create ----------------------------------------------------------------------------


def create_order(actor, customer, **overrides):
    kwargs = {
        "actor": actor,
        "customer": customer,
        "owner": None,
        "amount": D("50000.00"),
        "signed_on": days_ago(3),
    }
    kwargs.update(overrides)
    return services.order_create(**kwargs)


def test_order_gets_a_generated_number_and_the_owner_at_100_percent(cast, customer_a):
    order = create_order(cast.rep_a, customer_a)
    assert order.number == f"SO-{order.signed_on.year}-000001"
    assert credits_of(order) == [(cast.rep_a.pk, D("100.00"))]
    second = create_order(cast.rep_a, customer_a, signed_on=order.signed_on)
    assert second.number == f"SO-{order.signed_on.year}-000002"
    entry = AuditEntry.objects.for_object(order).get()
    assert entry.action == "order.create"
    assert entry.changes["amount"] == "50000.00"


def test_given_contract_number_is_kept(cast, customer_a):
    order = create_order(cast.rep_a, customer_a, number="HT-2026-A7")
    assert order.number == "HT-2026-A7"


def test_rep_always_owns_the_order_they_create(cast, customer_a):
    order = create_order(cast.rep_a, customer_a, owner=cast.rep_a2)
    assert order.owner == cast.rep_a


def test_manager_assigns_an_order_to_a_member_of_their_team(cast, customer_a):
    order = create_order(cast.manager_a, customer_a, owner=cast.rep_a2)
    assert order.owner == cast.rep_a2
    assert credits_of(order) == [(cast.rep_a2.pk, D("100.00"))]


def test_manager_cannot_assign_an_order_outside_their_teams_and_nothing_saved(
    cast, customer_a, nothing_written
):
    with nothing_written():
        message = refused(
            lambda: create_order(cast.manager_a, customer_a, owner=cast.rep_b), "owner"
        )
    assert "team you manage" in message


def test_admin_assigns_to_any_active_seller_but_not_to_hr(cast, nothing_written):
    customer = CustomerFactory(owner=cast.rep_b)
    order = create_order(cast.admin, customer, owner=cast.rep_b)
    assert order.owner == cast.rep_b
    with nothing_written():
        message = refused(lambda: create_order(cast.admin, customer, owner=cast.hr), "owner")
    assert "active rep or manager" in message


def test_hr_may_not_create_orders(cast, customer_a, nothing_written):
    with nothing_written(), pytest.raises(PermissionDenied):
        create_order(cast.hr, customer_a)


def test_order_for_a_customer_the_rep_cannot_see_is_refused_and_nothing_saved(
    cast, nothing_written
):
    other = CustomerFactory(owner=cast.rep_b)
    with nothing_written():
        message = refused(lambda: create_order(cast.rep_a, other), "customer")
    assert "cannot see this customer" in message


def test_order_for_a_lost_customer_is_refused_and_nothing_saved(cast, nothing_written):
    lost = CustomerFactory(owner=cast.rep_a, lost=True)
    with nothing_written():
        message = refused(lambda: create_order(cast.rep_a, lost), "customer")
    assert "lost" in message


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (D("0"), "more than 0"),
        (D("-5.00"), "more than 0"),
        (D("10.005"), "two decimal places"),
        ("abc", "must be a number"),
        (None, "required"),
    ],
)
def test_order_amount_must_be_positive_money_and_nothing_saved(
    cast, customer_a, nothing_written, amount, expected
):
    with nothing_written():
        message = refused(lambda: create_order(cast.rep_a, customer_a, amount=amount), "amount")
    assert expected in message


def test_order_signed_in_the_future_is_refused_and_nothing_saved(cast, customer_a, nothing_written):
    tomorrow = today() + datetime.timedelta(days=1)
    with nothing_written():
        message = refused(
            lambda: create_order(cast.rep_a, customer_a, signed_on=tomorrow), "signed_on"
        )
    assert "cannot be in the future" in message


def test_duplicate_contract_number_is_refused_and_nothing_saved(cast, customer_a, nothing_written):
    OrderFactory(owner=cast.rep_b, number="HT-1")
    with nothing_written():
        message = refused(lambda: create_order(cast.rep_a, customer_a, number="ht-1"), "number")
    assert "already used" in message


def test_opportunity_of_another_customer_is_refused_and_nothing_saved(
    cast, customer_a, nothing_written
):
    opportunity = OpportunityFactory(owner=cast.rep_a, stage=Stage.NEGOTIATION)
    with nothing_written():
        message = refused(
            lambda: create_order(cast.rep_a, customer_a, opportunity=opportunity), "opportunity"
        )
    assert "another customer" in message


def test_opportunity_the_rep_cannot_see_is_refused_and_nothing_saved(cast, nothing_written):
    opportunity = OpportunityFactory(owner=cast.rep_b, stage=Stage.NEGOTIATION)
    with nothing_written():
        errors = refused_all(
            lambda: create_order(cast.rep_a, opportunity.customer, opportunity=opportunity)
        )
    message = " ".join(errors["opportunity"])
    assert "cannot see this opportunity" in message


def test_order_on_a_negotiation_opportunity_moves_it_to_won(cast):
    opportunity = OpportunityFactory(owner=cast.rep_a, stage=Stage.NEGOTIATION)
    order = create_order(cast.rep_a, opportunity.customer, opportunity=opportunity)
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.WON
    change = StageChange.objects.filter(opportunity=opportunity).last()
    assert (change.from_stage, change.to_stage) == (Stage.NEGOTIATION, Stage.WON)
    assert order.number in change.note


def test_order_on_an_opportunity_that_cannot_move_to_won_is_refused_with_its_message(
    cast, nothing_written
):
    opportunity = OpportunityFactory(owner=cast.rep_a, stage=Stage.NEEDS_DISCOVERY)
    with nothing_written():
        message = refused(
            lambda: create_order(cast.rep_a, opportunity.customer, opportunity=opportunity),
            "opportunity",
        )
    assert "one stage at a time" in message
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.NEEDS_DISCOVERY


def test_order_on_a_won_opportunity_leaves_it_won(cast):
    opportunity = OpportunityFactory(owner=cast.rep_a, stage=Stage.WON)
    changes = StageChange.objects.count()
    create_order(cast.rep_a, opportunity.customer, opportunity=opportunity)
    assert StageChange.objects.count() == changes


def test_order_on_a_lost_opportunity_is_refused(cast, nothing_written):
    opportunity = OpportunityFactory(owner=cast.rep_a, stage=Stage.LOST)
    with nothing_written():
        message = refused(
            lambda: create_order(cast.rep_a, opportunity.customer, opportunity=opportunity),
            "opportunity",
        )
    assert "was lost" in message


def test_order_takes_the_split_of_a_shared_opportunity_by_default(cast):
    opportunity = OpportunityFactory(owner=cast.rep_a, stage=Stage.WON)
    OpportunityCreditFactory(opportunity=opportunity, rep=cast.rep_a, percent=D("60.00"))
    OpportunityCreditFactory(opportunity=opportunity, rep=cast.rep_a2, percent=D("40.00"))
    order = create_order(cast.rep_a, opportunity.customer, opportunity=opportunity)
    assert credits_of(order) == sorted([(cast.rep_a.pk, D("60.00")), (cast.rep_a2.pk, D("40.00"))])


# --- credits -------------------------------------------------------------------------------


def test_credits_totalling_99_99_are_refused_and_nothing_saved(cast, customer_a, nothing_written):
    credits = [
        {"rep": cast.rep_a.pk, "percent": "59.99"},
        {"rep": cast.rep_a2.pk, "percent": "40.00"},
    ]
    with nothing_written():
        message = refused(lambda: create_order(cast.rep_a, customer_a, credits=credits), "credits")
    assert "99.99" in message
    assert "exactly 100.00" in message


def test_credits_totalling_100_are_stored(cast, customer_a):
    credits = [
        {"rep": cast.rep_a.pk, "percent": "60.00"},
        {"rep": cast.rep_a2, "percent": D("40")},
    ]
    order = create_order(cast.rep_a, customer_a, credits=credits)
    assert credits_of(order) == sorted([(cast.rep_a.pk, D("60.00")), (cast.rep_a2.pk, D("40.00"))])


@pytest.mark.parametrize(
    ("credits", "expected"),
    [
        ([("a", "100.00"), ("a", "0.00")], "more than 0%"),
        ([("a", "50.00"), ("a", "50.00")], "more than once"),
        ([("a", "-10.00"), ("a2", "110.00")], "more than 0%"),
        ([("a", "33.333"), ("a2", "66.667")], "two decimal places"),
        ([("a", "x")], "not a number"),
        ([("b", "100.00")], "cannot receive credit"),
        ([(None, "100.00")], "choose a rep"),
    ],
)
def test_bad_credit_splits_are_refused_with_a_reason_and_nothing_saved(
    cast, customer_a, nothing_written, credits, expected
):
    people = {"a": cast.rep_a.pk, "a2": cast.rep_a2.pk, "b": cast.rep_b.pk, None: None}
    rows = [{"rep": people[who], "percent": percent} for who, percent in credits]
    with nothing_written():
        message = refused(lambda: create_order(cast.rep_a, customer_a, credits=rows), "credits")
    assert expected in message


def test_order_set_credits_replaces_the_split_and_is_audited(cast, order_a):
    services.order_set_credits(
        actor=cast.rep_a,
        order=order_a,
        credits=[{"rep": cast.rep_a.pk, "percent": "70"}, {"rep": cast.rep_a2.pk, "percent": "30"}],
    )
    assert credits_of(order_a) == sorted([(cast.rep_a.pk, D("70")), (cast.rep_a2.pk, D("30"))])
    entry = AuditEntry.objects.for_object(order_a).get(action="order.credits")
    assert entry.changes["credits"][0] == [[cast.rep_a.pk, "100.00"]]


def test_order_set_credits_refused_keeps_the_old_split(cast, order_a, nothing_written):
    with nothing_written():
        refused(
            lambda: services.order_set_credits(
                actor=cast.rep_a,
                order=order_a,
                credits=[{"rep": cast.rep_a.pk, "percent": "99.99"}],
            ),
            "credits",
        )
    assert credits_of(order_a) == [(cast.rep_a.pk, D("100.00"))]


def test_a_rep_holding_only_a_credit_may_not_change_the_order(cast, nothing_written):
    order = OrderFactory(
        owner=cast.rep_a2, credits=[(cast.rep_a2, D("60.00")), (cast.rep_a, D("40.00"))]
    )
    with nothing_written(), pytest.raises(PermissionDenied):
        services.order_update(actor=cast.rep_a, order=order, notes="mine now")


# --- order_update --------------------------------------------------------------------------


def test_order_amount_and_date_changes_are_audited(cast, order_a):
    services.order_update(
        actor=cast.rep_a, order=order_a, amount=D("12000.00"), signed_on=days_ago(61)
    )
    order_a.refresh_from_db()
    assert order_a.amount == D("12000.00")
    entry = AuditEntry.objects.for_object(order_a).get(action="order.update")
    assert entry.changes["amount"] == ["10000.00", "12000.00"]
    assert entry.changes["signed_on"] == [days_ago(60).isoformat(), days_ago(61).isoformat()]
    assert entry.actor == cast.rep_a


def test_order_amount_below_its_receivables_is_refused_and_nothing_saved(
    cast, order_a, receivable_a, nothing_written
):
    with nothing_written():
        message = refused(
            lambda: services.order_update(actor=cast.rep_a, order=order_a, amount=D("3999.99")),
            "amount",
        )
    assert "4,000.00" in message
    order_a.refresh_from_db()
    assert order_a.amount == D("10000.00")


def test_order_amount_may_go_down_to_its_receivables(cast, order_a, receivable_a):
    services.order_update(actor=cast.rep_a, order=order_a, amount=D("4000.00"))
    order_a.refresh_from_db()
    assert order_a.amount == D("4000.00")


def test_signing_date_after_a_receivable_was_issued_is_refused(
    cast, order_a, receivable_a, nothing_written
):
    with nothing_written():
        message = refused(
            lambda: services.order_update(actor=cast.rep_a, order=order_a, signed_on=days_ago(10)),
            "signed_on",
        )
    assert "issued on" in message


def test_changing_the_owner_of_an_unshared_order_moves_its_credit(cast, order_a):
    services.order_update(actor=cast.manager_a, order=order_a, owner=cast.rep_a2)
    assert credits_of(order_a) == [(cast.rep_a2.pk, D("100.00"))]


def test_rep_cannot_hand_an_order_to_someone_else(cast, order_a, nothing_written):
    with nothing_written():
        refused(
            lambda: services.order_update(actor=cast.rep_a, order=order_a, owner=cast.rep_a2),
            "owner",
        )


# --- receivables ---------------------------------------------------------------------------


def test_receivable_is_due_30_days_after_issue_by_default(cast, order_a):
    receivable = services.receivable_create(
        actor=cast.rep_a, order=order_a, amount=D("2500.00"), issued_on=days_ago(50)
    )
    assert receivable.credit_term_days == 30
    assert receivable.due_on == days_ago(20)
    entry = AuditEntry.objects.for_object(receivable).get()
    assert entry.action == "receivable.create"
    assert entry.subject_user == cast.rep_a


def test_receivable_due_date_follows_a_given_credit_term(cast, order_a):
    receivable = services.receivable_create(
        actor=cast.rep_a, order=order_a, amount=D("1"), issued_on=days_ago(50), credit_term_days=45
    )
    assert receivable.due_on == days_ago(5)


def test_receivable_with_an_explicit_due_date_stores_the_matching_term(cast, order_a):
    receivable = services.receivable_create(
        actor=cast.rep_a, order=order_a, amount=D("1"), issued_on=days_ago(50), due_on=days_ago(40)
    )
    assert (receivable.credit_term_days, receivable.due_on) == (10, days_ago(40))


def test_receivables_may_add_up_to_exactly_the_order_amount(cast, order_a, receivable_a):
    services.receivable_create(
        actor=cast.rep_a, order=order_a, amount=D("6000.00"), issued_on=days_ago(30)
    )
    assert sum(r.amount for r in Receivable.objects.filter(order=order_a)) == order_a.amount


def test_receivables_above_the_order_amount_are_refused_and_nothing_saved(
    cast, order_a, receivable_a, nothing_written
):
    with nothing_written():
        message = refused(
            lambda: services.receivable_create(
                actor=cast.rep_a, order=order_a, amount=D("6000.01"), issued_on=days_ago(30)
            ),
            "amount",
        )
    assert "10,000.01" in message
    assert "at most 6,000.00 can still be invoiced" in message


@pytest.mark.parametrize(
    ("overrides", "field", "expected"),
    [
        ({"amount": D("0")}, "amount", "more than 0"),
        ({"amount": D("-1")}, "amount", "more than 0"),
        ({"issued_on": days_ago(61)}, "issued_on", "before the order was signed"),
        ({"due_on": days_ago(51)}, "due_on", "before the issue date"),
        ({"credit_term_days": -1}, "credit_term_days", "cannot be negative"),
        ({"credit_term_days": "soon"}, "credit_term_days", "whole number"),
    ],
)
def test_bad_receivables_are_refused_naming_the_field_and_nothing_saved(
    cast, order_a, nothing_written, overrides, field, expected
):
    kwargs = {"actor": cast.rep_a, "order": order_a, "amount": D("100"), "issued_on": days_ago(50)}
    kwargs.update(overrides)
    with nothing_written():
        message = refused(lambda: services.receivable_create(**kwargs), field)
    assert expected in message


def test_hr_and_a_rep_of_another_team_may_not_issue_receivables(cast, order_a, nothing_written):
    for outsider in (cast.hr, cast.rep_b, cast.manager_b):
        with nothing_written(), pytest.raises(PermissionDenied):
            services.receivable_create(
                actor=outsider, order=order_a, amount=D("1"), issued_on=days_ago(1)
            )


# --- payments ------------------------------------------------------------------------------


def pay(actor, receivable, amount, paid_on=None, **extra):
    return services.payment_record(
        actor=actor, receivable=receivable, amount=amount, paid_on=paid_on or days_ago(1), **extra
    )


def test_payment_is_recorded_with_its_recorder_and_audited(cast, receivable_a):
    payment = pay(cast.rep_a, receivable_a, D("1500.00"), reference="BANK-1")
    assert payment.recorded_by == cast.rep_a
    entry = AuditEntry.objects.for_object(payment).get()
    assert entry.action == "payment.record"
    assert entry.changes["amount"] == "1500.00"
    assert entry.subject_user == cast.rep_a


def test_payment_above_open_amount_is_refused_and_nothing_saved(
    cast, receivable_a, nothing_written
):
    PaymentFactory(receivable=receivable_a, amount=D("2800.00"))
    with nothing_written():
        message = refused(lambda: pay(cast.rep_a, receivable_a, D("1200.01")), "amount")
    assert message == "Only 1,200.00 is still open on this receivable."


def test_payment_of_exactly_the_open_amount_closes_the_receivable(cast, receivable_a):
    PaymentFactory(receivable=receivable_a, amount=D("2800.00"))
    pay(cast.rep_a, receivable_a, D("1200.00"))
    assert sum(p.amount for p in Payment.objects.filter(receivable=receivable_a)) == D("4000.00")
    message = refused(lambda: pay(cast.rep_a, receivable_a, D("0.01")), "amount")
    assert "fully paid" in message


@pytest.mark.parametrize(
    ("amount", "paid_on", "field", "expected"),
    [
        (D("0"), None, "amount", "more than 0"),
        (D("-10"), None, "amount", "more than 0"),
        (D("10"), "tomorrow", "paid_on", "cannot be in the future"),
        (D("10"), "before_issue", "paid_on", "before the receivable was issued"),
    ],
)
def test_bad_payments_are_refused_naming_the_field_and_nothing_saved(
    cast, receivable_a, nothing_written, amount, paid_on, field, expected
):
    dates = {
        None: days_ago(1),
        "tomorrow": today() + datetime.timedelta(days=1),
        "before_issue": receivable_a.issued_on - datetime.timedelta(days=1),
    }
    with nothing_written():
        message = refused(lambda: pay(cast.rep_a, receivable_a, amount, dates[paid_on]), field)
    assert expected in message


def test_payment_on_the_issue_day_and_today_are_accepted(cast, receivable_a):
    pay(cast.rep_a, receivable_a, D("1"), receivable_a.issued_on)
    pay(cast.rep_a, receivable_a, D("1"), today())
    assert Payment.objects.filter(receivable=receivable_a).count() == 2


def test_hr_may_not_record_payments(cast, receivable_a, nothing_written):
    with nothing_written(), pytest.raises(PermissionDenied):
        pay(cast.hr, receivable_a, D("1"))


def test_manager_records_a_payment_for_their_teams_order(cast, receivable_a):
    assert pay(cast.manager_a, receivable_a, D("10")).recorded_by == cast.manager_a


def test_only_an_admin_reverses_a_payment_with_a_reason_and_it_is_audited(
    cast, receivable_a, nothing_written
):
    payment = PaymentFactory(receivable=receivable_a, amount=D("100.00"))
    for user in (cast.rep_a, cast.manager_a, cast.hr):
        with nothing_written(), pytest.raises(PermissionDenied):
            services.payment_reverse(actor=user, payment=payment, reason="typo")
    with nothing_written():
        refused(
            lambda: services.payment_reverse(actor=cast.admin, payment=payment, reason="  "),
            "reason",
        )
    services.payment_reverse(actor=cast.admin, payment=payment, reason="Booked twice")
    assert not Payment.objects.filter(pk=payment.pk).exists()
    entry = AuditEntry.objects.for_object(receivable_a).get(action="payment.reverse")
    assert entry.reason == "Booked twice"
    assert entry.changes["amount"] == "100.00"


# --- deliveries ----------------------------------------------------------------------------


def test_delivery_is_planned_then_marked_delivered(cast, order_a):
    delivery = services.delivery_create(
        actor=cast.rep_a, order=order_a, planned_on=today() + datetime.timedelta(days=5)
    )
    assert delivery.status == DeliveryStatus.PLANNED
    services.delivery_mark_delivered(actor=cast.rep_a, delivery=delivery, delivered_on=days_ago(1))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.delivered_on) == (DeliveryStatus.DELIVERED, days_ago(1))


@pytest.mark.parametrize(
    ("status", "delivered_on", "expected"),
    [
        (DeliveryStatus.DELIVERED, None, "needs its actual date"),
        (DeliveryStatus.DELIVERED, "tomorrow", "cannot be in the future"),
        (DeliveryStatus.DELIVERED, "before_signing", "before the order was signed"),
        (DeliveryStatus.PLANNED, "yesterday", "Only a delivered delivery"),
    ],
)
def test_bad_delivery_dates_are_refused_and_nothing_saved(
    cast, order_a, nothing_written, status, delivered_on, expected
):
    dates = {
        None: None,
        "tomorrow": today() + datetime.timedelta(days=1),
        "before_signing": order_a.signed_on - datetime.timedelta(days=1),
        "yesterday": days_ago(1),
    }
    with nothing_written():
        message = refused(
            lambda: services.delivery_create(
                actor=cast.rep_a,
                order=order_a,
                planned_on=days_ago(5),
                status=status,
                delivered_on=dates[delivered_on],
            ),
            "delivered_on",
        )
    assert expected in message


def test_marking_delivered_in_the_future_is_refused_and_nothing_changes(cast, order_a):
    delivery = DeliveryFactory(order=order_a)
    message = refused(
        lambda: services.delivery_mark_delivered(
            actor=cast.rep_a, delivery=delivery, delivered_on=today() + datetime.timedelta(days=1)
        ),
        "delivered_on",
    )
    assert "future" in message
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PLANNED


def test_delivery_question_is_logged_and_closed(cast, order_a):
    delivery = DeliveryFactory(order=order_a)
    question = services.delivery_question_create(
        actor=cast.rep_a, delivery=delivery, question="Which dock?", raised_on=days_ago(3)
    )
    assert question.is_open
    services.delivery_question_close(
        actor=cast.rep_a, question=question, answer="Dock 3", closed_on=days_ago(1)
    )
    question.refresh_from_db()
    assert (question.answer, question.closed_on) == ("Dock 3", days_ago(1))


def test_closing_a_question_before_it_was_raised_or_without_answer_is_refused(cast, order_a):
    question = DeliveryQuestionFactory(
        delivery=DeliveryFactory(order=order_a), raised_on=days_ago(3)
    )
    message = refused(
        lambda: services.delivery_question_close(
            actor=cast.rep_a, question=question, answer="x", closed_on=days_ago(4)
        ),
        "closed_on",
    )
    assert "before it was raised" in message
    refused(
        lambda: services.delivery_question_close(actor=cast.rep_a, question=question, answer=" "),
        "answer",
    )
    question.refresh_from_db()
    assert question.is_open


def test_empty_delivery_question_is_refused(cast, order_a, nothing_written):
    delivery = DeliveryFactory(order=order_a)
    with nothing_written():
        refused(
            lambda: services.delivery_question_create(
                actor=cast.rep_a, delivery=delivery, question="   "
            ),
            "question",
        )


def test_order_without_credit_input_created_by_the_service_always_has_credit_rows(cast):
    team = TeamFactory()
    rep = RepFactory(team=team)
    customer = CustomerFactory(owner=rep)
    order = create_order(rep, customer)
    assert Order.objects.filter(pk=order.pk, credits__percent=D("100.00")).exists()
    assert Delivery.objects.count() == 0
