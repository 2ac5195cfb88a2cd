"""Each rule fires on its default from SPEC and closes itself when its condition is gone."""

import datetime
from decimal import Decimal

from django.core import mail

from apps.leads.choices import LeadStatus
from apps.leads.models import Lead
from apps.reminders.choices import LEVEL_MANAGER, LEVEL_OWNER, ReminderStatus
from apps.reminders.rules import registry
from apps.reminders.rules.leads import add_months
from tests.factories import (
    ActivityFactory,
    CustomerFactory,
    DeliveryFactory,
    HealthReportFactory,
    LeadFactory,
    NurtureTouchFactory,
    OrderFactory,
    PaymentFactory,
    ReceivableFactory,
)
from tests.reminders.conftest import at, reminders_of

D = datetime.date
FRIDAY = D(2026, 3, 6)
MID_JANUARY = D(2026, 1, 15)
JAN_10 = D(2026, 1, 10)


def test_every_rule_has_defaults_for_every_parameter_and_a_valid_default():
    for code, rule in registry.items():
        assert set(rule.params) == set(rule.defaults), code
        cleaned, errors = rule.clean_params(rule.defaults)
        assert errors == {}, code


def test_add_months_clamps_to_the_end_of_the_month():
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2026, 12, 15), 1) == D(2027, 1, 15)


# --- First visit after delivery --------------------------------------------------------------
def _delivery(cast, day=FRIDAY):
    order = OrderFactory(owner=cast.rep_a)
    return DeliveryFactory(order=order, delivered=True, planned_on=day)


def test_first_visit_is_due_three_working_days_after_delivery(cast, run):
    delivery = _delivery(cast)  # Friday
    result = run("first_visit", D(2026, 3, 6))
    reminder = reminders_of("first_visit").get()
    assert (reminder.recipient, reminder.object_id, reminder.level) == (
        cast.rep_a,
        delivery.pk,
        LEVEL_OWNER,
    )
    assert reminder.due_on == D(2026, 3, 11)  # Mon, Tue, Wed
    assert reminder.link == f"/customers/{delivery.order.customer_id}/"
    assert delivery.order.customer.name in reminder.title
    assert result.created == 1


def test_first_visit_after_a_delivery_before_spring_festival_skips_the_holiday(cast, run):
    _delivery(cast, D(2026, 2, 13))
    run("first_visit", D(2026, 2, 13))
    # 14 Feb (make-up Saturday), then 24 and 25 Feb after the festival.
    assert reminders_of("first_visit").get().due_on == D(2026, 2, 25)


def test_planned_deliveries_make_no_reminder(cast, run):
    DeliveryFactory(order=OrderFactory(owner=cast.rep_a), planned_on=D(2026, 3, 6))
    run("first_visit", D(2026, 3, 6))
    assert not reminders_of("first_visit").exists()


def test_an_overdue_first_visit_escalates_to_the_owners_managers(cast, run):
    _delivery(cast)
    run("first_visit", D(2026, 3, 11))
    assert reminders_of("first_visit").count() == 1  # due today: not overdue yet
    result = run("first_visit", D(2026, 3, 12))
    escalation = reminders_of("first_visit", level=LEVEL_MANAGER).get()
    assert escalation.recipient == cast.manager_a
    assert escalation.due_on == D(2026, 3, 11)
    assert "Overdue" in escalation.title
    assert result.created == 1


def test_escalation_can_be_switched_off(cast, run):
    from apps.reminders.models import ReminderRule
    from apps.reminders.services import rules_ensure

    rules_ensure()
    ReminderRule.objects.filter(code="first_visit").update(params={"escalate": 0})
    _delivery(cast)
    run("first_visit", D(2026, 3, 20))
    assert list(reminders_of("first_visit").values_list("level", flat=True)) == [LEVEL_OWNER]


def test_a_logged_visit_closes_the_first_visit_reminder_and_its_escalation(cast, run):
    delivery = _delivery(cast)
    run("first_visit", D(2026, 3, 12))
    assert reminders_of("first_visit", status=ReminderStatus.OPEN).count() == 2
    ActivityFactory(customer=delivery.order.customer, occurred_at=at(D(2026, 3, 12)))
    result = run("first_visit", D(2026, 3, 13))
    assert result.closed == 2
    assert set(reminders_of("first_visit").values_list("status", flat=True)) == {
        ReminderStatus.CLOSED_AUTO
    }
    assert result.created == 0


def test_a_visit_before_the_delivery_does_not_count(cast, run):
    delivery = _delivery(cast)
    ActivityFactory(customer=delivery.order.customer, occurred_at=at(D(2026, 3, 2)))
    run("first_visit", D(2026, 3, 6))
    assert reminders_of("first_visit").count() == 1


def test_a_call_is_not_a_visit(cast, run):
    delivery = _delivery(cast)
    ActivityFactory(customer=delivery.order.customer, kind="call", occurred_at=at(D(2026, 3, 9)))
    run("first_visit", D(2026, 3, 9))
    assert reminders_of("first_visit", status=ReminderStatus.OPEN).count() == 1


# --- A lead first contact -------------------------------------------------------------------
def _a_lead(cast, created=FRIDAY):
    lead = LeadFactory(grade_a=True, owner=cast.rep_a)
    Lead.objects.filter(pk=lead.pk).update(created_at=at(created))
    return lead


def test_an_a_lead_not_contacted_within_one_working_day_raises_a_reminder(cast, run):
    lead = _a_lead(cast)  # Friday
    run("a_lead_contact", D(2026, 3, 8))
    assert not reminders_of("a_lead_contact").exists()
    run("a_lead_contact", D(2026, 3, 9))
    reminder = reminders_of("a_lead_contact").get()
    assert (reminder.object_id, reminder.recipient, reminder.due_on) == (
        lead.pk,
        cast.rep_a,
        D(2026, 3, 9),
    )
    assert reminder.link == f"/leads/{lead.pk}/"


def test_b_leads_raise_no_contact_reminder(cast, run):
    lead = LeadFactory(owner=cast.rep_a)
    Lead.objects.filter(pk=lead.pk).update(created_at=at(D(2026, 3, 6)))
    run("a_lead_contact", D(2026, 3, 20))
    assert not reminders_of("a_lead_contact").exists()


def test_contacting_the_a_lead_closes_the_reminder(cast, run):
    lead = _a_lead(cast)
    run("a_lead_contact", D(2026, 3, 9))
    Lead.objects.filter(pk=lead.pk).update(
        status=LeadStatus.CONTACTED, first_contacted_at=at(D(2026, 3, 9), 15)
    )
    assert run("a_lead_contact", D(2026, 3, 10)).closed == 1
    assert reminders_of("a_lead_contact").get().status == ReminderStatus.CLOSED_AUTO


# --- C lead nurture -------------------------------------------------------------------------
def _c_lead(cast, created=MID_JANUARY):
    lead = LeadFactory(grade_c=True, owner=cast.rep_a)
    Lead.objects.filter(pk=lead.pk).update(created_at=at(created))
    return lead


def test_a_c_lead_touch_is_due_a_month_later_on_a_working_day(cast, run):
    _c_lead(cast)  # 15 Jan -> 15 Feb is a festival Sunday -> 24 Feb
    run("c_lead_nurture", D(2026, 2, 23))
    assert not reminders_of("c_lead_nurture").exists()
    run("c_lead_nurture", D(2026, 2, 24))
    assert reminders_of("c_lead_nurture").get().due_on == D(2026, 2, 24)


def test_logging_a_touch_closes_the_nurture_reminder_and_the_next_one_comes_a_month_later(
    cast, run
):
    lead = _c_lead(cast)
    run("c_lead_nurture", D(2026, 2, 24))
    NurtureTouchFactory(lead=lead, touched_on=D(2026, 2, 25))
    assert run("c_lead_nurture", D(2026, 2, 25)).closed == 1
    run("c_lead_nurture", D(2026, 3, 24))
    assert not reminders_of("c_lead_nurture", status=ReminderStatus.OPEN).exists()
    run("c_lead_nurture", D(2026, 3, 25))
    assert reminders_of("c_lead_nurture", status=ReminderStatus.OPEN).get().due_on == D(2026, 3, 25)


def test_a_disqualified_c_lead_gets_no_nurture_reminder(cast, run):
    lead = _c_lead(cast)
    run("c_lead_nurture", D(2026, 2, 24))
    Lead.objects.filter(pk=lead.pk).update(status=LeadStatus.DISQUALIFIED, disqualified_reason="x")
    assert run("c_lead_nurture", D(2026, 2, 25)).closed == 1


# --- Quarterly health report ----------------------------------------------------------------
def test_the_health_report_reminder_comes_two_weeks_before_the_quarters_last_working_day(cast, run):
    customer = CustomerFactory(owner=cast.rep_a)
    CustomerFactory(owner=cast.rep_a, lost=True)
    run("health_report", D(2026, 3, 16))
    assert not reminders_of("health_report").exists()
    run("health_report", D(2026, 3, 17))
    reminder = reminders_of("health_report").get()
    assert (reminder.object_id, reminder.due_on) == (customer.pk, D(2026, 3, 31))
    assert "2026-Q1" in reminder.title


def test_filing_the_quarters_report_closes_the_reminder(cast, run):
    customer = CustomerFactory(owner=cast.rep_a)
    run("health_report", D(2026, 3, 20))
    HealthReportFactory(customer=customer, year=2026, quarter=1)
    assert run("health_report", D(2026, 3, 21)).closed == 1


def test_a_report_for_another_quarter_does_not_close_it_and_the_reminder_outlives_its_quarter(
    cast, run
):
    customer = CustomerFactory(owner=cast.rep_a)
    run("health_report", D(2026, 3, 20))
    HealthReportFactory(customer=customer, year=2025, quarter=4)
    run("health_report", D(2026, 4, 2))
    assert reminders_of("health_report", status=ReminderStatus.OPEN).count() == 1


def test_a_quarter_ending_on_a_holiday_is_due_on_the_working_day_before(cast, run):
    CustomerFactory(owner=cast.rep_a)
    # 2026 Q3 ends Wed 30 Sep (a working day); Q4 2026 ends Thu 31 Dec.
    run("health_report", D(2026, 12, 20))
    assert reminders_of("health_report").get().due_on == D(2026, 12, 31)


# --- Satisfaction ---------------------------------------------------------------------------
def _customer_with_satisfaction(cast, value):
    customer = CustomerFactory(owner=cast.rep_a, latest_satisfaction=Decimal(value))
    HealthReportFactory(customer=customer, year=2026, quarter=1, satisfaction=Decimal(value))
    return customer


def test_satisfaction_below_80_makes_a_retention_task_for_owner_and_manager(cast, run):
    customer = _customer_with_satisfaction(cast, "79.99")
    _customer_with_satisfaction(cast, "80")
    run("retention_plan", D(2026, 4, 10))
    rows = list(reminders_of("retention_plan"))
    assert [(r.recipient, r.level, r.object_id) for r in rows] == [
        (cast.rep_a, LEVEL_OWNER, customer.pk),
        (cast.manager_a, LEVEL_MANAGER, customer.pk),
    ]
    assert "79.99" in rows[0].title


def test_recovered_satisfaction_closes_the_retention_task(cast, run):
    customer = _customer_with_satisfaction(cast, "70")
    run("retention_plan", D(2026, 4, 10))
    customer.latest_satisfaction = Decimal("85")
    customer.save()
    assert run("retention_plan", D(2026, 4, 11)).closed == 2


def test_satisfaction_of_90_or_more_makes_an_invitation_task_for_the_owner(cast, run):
    customer = _customer_with_satisfaction(cast, "90")
    _customer_with_satisfaction(cast, "89.99")
    run("referral_invitation", D(2026, 4, 10))
    reminder = reminders_of("referral_invitation").get()
    assert (reminder.recipient, reminder.object_id) == (cast.rep_a, customer.pk)
    customer.latest_satisfaction = Decimal("88")
    customer.save()
    assert run("referral_invitation", D(2026, 4, 11)).closed == 1


def test_a_customer_without_satisfaction_gets_neither_task(cast, run):
    CustomerFactory(owner=cast.rep_a)
    run("retention_plan", D(2026, 4, 10))
    run("referral_invitation", D(2026, 4, 10))
    assert not reminders_of("retention_plan").exists()
    assert not reminders_of("referral_invitation").exists()


def test_the_satisfaction_threshold_is_a_parameter(cast, run):
    from apps.reminders.models import ReminderRule
    from apps.reminders.services import rules_ensure

    rules_ensure()
    ReminderRule.objects.filter(code="retention_plan").update(params={"threshold": "86"})
    _customer_with_satisfaction(cast, "85")
    run("retention_plan", D(2026, 4, 10))
    assert reminders_of("retention_plan").count() == 2


# --- Receivables ----------------------------------------------------------------------------
def _receivable(cast, due=JAN_10):
    order = OrderFactory(owner=cast.rep_a)
    return ReceivableFactory(order=order, issued_on=due - datetime.timedelta(days=30), due_on=due)


def test_an_overdue_receivable_reminds_the_owner_the_day_after_its_due_date(cast, run):
    receivable = _receivable(cast)
    run("receivable_overdue", D(2026, 1, 10))
    assert not reminders_of("receivable_overdue").exists()
    run("receivable_overdue", D(2026, 1, 11))
    reminder = reminders_of("receivable_overdue").get()
    assert (reminder.recipient, reminder.due_on, reminder.object_id) == (
        cast.rep_a,
        D(2026, 1, 10),
        receivable.pk,
    )
    assert reminder.link == f"/sales/receivables/{receivable.pk}/"


def test_the_receivable_reminds_again_at_30_60_and_90_days_and_managers_from_60(cast, run):
    _receivable(cast)
    for day in (D(2026, 1, 11), D(2026, 2, 9), D(2026, 3, 11), D(2026, 4, 10), D(2026, 4, 11)):
        run("receivable_overdue", day)
    owner = reminders_of("receivable_overdue", recipient=cast.rep_a)
    assert [r.due_on for r in owner.order_by("due_on")] == [
        D(2026, 1, 10),
        D(2026, 2, 9),
        D(2026, 3, 11),
        D(2026, 4, 10),
    ]
    managers = reminders_of("receivable_overdue", recipient=cast.manager_a)
    assert [r.due_on for r in managers.order_by("due_on")] == [D(2026, 3, 11), D(2026, 4, 10)]
    assert "90 days overdue" in managers.order_by("due_on").last().title


def test_a_receivable_found_late_gets_only_the_stage_it_reached(cast, run):
    _receivable(cast)
    run("receivable_overdue", D(2026, 2, 20))
    assert list(reminders_of("receivable_overdue").values_list("due_on", flat=True)) == [
        D(2026, 2, 9)
    ]


def test_a_partly_paid_receivable_stays_open_and_full_payment_closes_every_stage(cast, run):
    receivable = _receivable(cast)
    run("receivable_overdue", D(2026, 1, 11))
    run("receivable_overdue", D(2026, 3, 11))
    PaymentFactory(receivable=receivable, amount=Decimal("4000.00"), paid_on=D(2026, 3, 12))
    assert run("receivable_overdue", D(2026, 3, 12)).closed == 0
    assert reminders_of("receivable_overdue", status=ReminderStatus.OPEN).count() == 3
    run("receivable_overdue", D(2026, 4, 10))
    latest = reminders_of("receivable_overdue", due_on=D(2026, 4, 10)).first()
    assert "6000.00 open" in latest.title
    PaymentFactory(receivable=receivable, amount=Decimal("6000.00"), paid_on=D(2026, 3, 13))
    assert run("receivable_overdue", D(2026, 4, 11)).closed == 5
    assert not reminders_of("receivable_overdue", status=ReminderStatus.OPEN).exists()


def test_a_paid_receivable_raises_nothing(cast, run):
    receivable = _receivable(cast)
    PaymentFactory(receivable=receivable, paid_on=D(2026, 1, 5))
    run("receivable_overdue", D(2026, 3, 1))
    assert not reminders_of("receivable_overdue").exists()
    assert mail.outbox == []


# --- A calendar edit moves due dates but repeats nothing ------------------------------------
def test_a_holiday_added_after_the_reminder_does_not_raise_the_first_visit_again(cast, run):
    from apps.reminders.choices import ExceptionKind
    from tests.factories import CalendarExceptionFactory

    _delivery(cast)
    run("first_visit", D(2026, 3, 6))
    CalendarExceptionFactory(date=D(2026, 3, 9), kind=ExceptionKind.HOLIDAY)
    assert run("first_visit", D(2026, 3, 9)).created == 0
    assert reminders_of("first_visit").get().due_on == D(2026, 3, 11)


def test_a_make_up_day_added_after_the_reminder_does_not_repeat_the_health_report(cast, run):
    from apps.reminders.choices import ExceptionKind
    from tests.factories import CalendarExceptionFactory

    CustomerFactory(owner=cast.rep_a)
    run("health_report", D(2026, 12, 20))
    CalendarExceptionFactory(date=D(2026, 12, 31), kind=ExceptionKind.HOLIDAY)
    assert run("health_report", D(2026, 12, 21)).created == 0
    assert reminders_of("health_report").count() == 1
