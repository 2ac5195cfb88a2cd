"""The customer page leads with what matters: status and owner, open balance, next step, open
deals, last contact and satisfaction; empty sections shrink to one line with their "add" action."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.opportunities.choices import Stage
from tests.factories import (
    ActivityFactory,
    ContactFactory,
    CustomerFactory,
    HealthReportFactory,
    OpportunityFactory,
    OrderFactory,
    PaymentFactory,
    ReceivableFactory,
)


def _today():
    return timezone.localdate()


def _days(n):
    return _today() + datetime.timedelta(days=n)


def _page(client_as, user, customer):
    return client_as(user).get(reverse("customers:customer-detail", args=[customer.pk]))


def _receivable(customer, amount, due_in_days, *, owner=None, paid=None):
    order = OrderFactory(customer=customer, owner=owner or customer.owner, amount=Decimal(amount))
    receivable = ReceivableFactory(order=order, amount=Decimal(amount), due_on=_days(due_in_days))
    if paid:
        PaymentFactory(receivable=receivable, amount=Decimal(paid), paid_on=_days(-1))
    return receivable


# --- open balance ------------------------------------------------------------------------------


def test_open_balance_sums_what_is_still_open_and_the_overdue_part(cast, client_as):
    customer = CustomerFactory(owner=cast.rep_a)
    _receivable(customer, "10000.00", -10, paid="4000.00")  # 6,000 open, overdue
    _receivable(customer, "5000.00", 20)  # 5,000 open, not yet due
    _receivable(customer, "3000.00", -30, paid="3000.00")  # paid in full
    _receivable(CustomerFactory(owner=cast.rep_a), "7777.00", -5)  # another customer

    response = _page(client_as, cast.rep_a, customer)

    balance = response.context["open_balance"]
    assert balance["open"] == Decimal("11000.00")
    assert balance["overdue"] == Decimal("6000.00")
    assert (balance["open_count"], balance["overdue_count"]) == (2, 1)
    html = response.content.decode()
    assert "¥11,000.00" in html
    assert "¥6,000.00" in html
    receivables = reverse("sales:receivable-list")
    assert f"{receivables}?customer={customer.pk}&amp;state=open" in html
    assert "2 open receivables" in html


def test_a_customer_who_owes_nothing_shows_a_zero_balance_without_overdue(cast, client_as):
    customer = CustomerFactory(owner=cast.rep_a)
    _receivable(customer, "3000.00", -30, paid="3000.00")

    response = _page(client_as, cast.rep_a, customer)

    assert response.context["open_balance"]["open"] == Decimal("0.00")
    html = response.content.decode()
    assert "Nothing open" in html
    assert 'class="badge state-overdue"' not in html


def test_open_balance_counts_only_the_receivables_the_reader_may_see(cast, client_as):
    customer = CustomerFactory(owner=cast.rep_a)
    _receivable(customer, "1000.00", 10)
    _receivable(customer, "2000.00", 10, owner=cast.rep_b)  # rep_b's order, no credit for rep_a

    assert _page(client_as, cast.rep_a, customer).context["open_balance"]["open"] == Decimal(
        "1000.00"
    )
    assert _page(client_as, cast.hr, customer).context["open_balance"]["open"] == Decimal("3000.00")


@pytest.mark.parametrize(("role", "status"), [("rep_b", 404), ("manager_b", 404), ("hr", 200)])
def test_the_page_stays_out_of_reach_of_other_teams(cast, client_as, role, status):
    customer = CustomerFactory(owner=cast.rep_a)
    assert _page(client_as, getattr(cast, role), customer).status_code == status


# --- next step ---------------------------------------------------------------------------------


def test_next_step_is_the_soonest_one_due_ahead(cast, client_as):
    customer = CustomerFactory(owner=cast.rep_a)
    ActivityFactory(customer=customer, next_step="Old promise", next_step_on=_days(-3))
    ActivityFactory(customer=customer, next_step="Send the contract", next_step_on=_days(2))
    ActivityFactory(customer=customer, next_step="Book the demo", next_step_on=_days(9))

    response = _page(client_as, cast.rep_a, customer)

    assert response.context["next_activity"].next_step == "Send the contract"
    assert "Send the contract" in response.content.decode()


def test_without_a_step_ahead_the_latest_one_shows_as_overdue(cast, client_as):
    customer = CustomerFactory(owner=cast.rep_a)
    now = timezone.now()
    ActivityFactory(
        customer=customer,
        occurred_at=now - datetime.timedelta(days=20),
        next_step="Older step",
        next_step_on=_days(-15),
    )
    ActivityFactory(
        customer=customer,
        occurred_at=now - datetime.timedelta(days=5),
        next_step="Call back the CFO",
        next_step_on=_days(-2),
    )

    response = _page(client_as, cast.rep_a, customer)

    assert response.context["next_activity"].next_step == "Call back the CFO"
    summary = response.content.decode().split('class="summary-card summary-next"')[1]
    summary = summary.split("</div>")[0]
    assert "Call back the CFO" in summary
    assert "Overdue" in summary


def test_without_planned_steps_the_most_urgent_open_deal_is_the_next_step(cast, client_as):
    customer = CustomerFactory(owner=cast.rep_a)
    ActivityFactory(customer=customer, next_step="")
    OpportunityFactory(
        customer=customer, owner=cast.rep_a, name="Later", expected_close_on=_days(40)
    )
    OpportunityFactory(
        customer=customer, owner=cast.rep_a, name="Urgent", expected_close_on=_days(3)
    )

    response = _page(client_as, cast.rep_a, customer)

    assert response.context["next_activity"] is None
    summary = response.content.decode().split('class="summary-card summary-next"')[1]
    summary = summary.split("</div>")[0]
    assert "Urgent" in summary
    assert "Later" not in summary


def test_next_step_ignores_activities_the_reader_cannot_see(cast, client_as):
    customer = CustomerFactory(owner=cast.rep_b)
    ActivityFactory(
        customer=customer, owner=cast.rep_b, next_step="Bravo plan", next_step_on=_days(1)
    )

    assert _page(client_as, cast.hr, customer).context["next_activity"].next_step == "Bravo plan"
    assert _page(client_as, cast.rep_a, customer).status_code == 404


# --- open deals --------------------------------------------------------------------------------


def test_open_deals_are_listed_most_urgent_first_and_flagged_past_close(cast, client_as):
    customer = CustomerFactory(owner=cast.rep_a)
    late = OpportunityFactory(
        customer=customer, owner=cast.rep_a, name="Late deal", expected_close_on=_days(-5)
    )
    future = OpportunityFactory(
        customer=customer,
        owner=cast.rep_a,
        name="Future deal",
        stage=Stage.NEGOTIATION,
        expected_close_on=_days(15),
    )
    undated = OpportunityFactory(customer=customer, owner=cast.rep_a, name="Undated deal")
    OpportunityFactory(
        customer=customer,
        owner=cast.rep_a,
        name="Won deal",
        stage=Stage.WON,
        expected_close_on=_days(-40),
    )
    OpportunityFactory(
        customer=customer,
        owner=cast.rep_a,
        name="Lost deal",
        stage=Stage.LOST,
        expected_close_on=_days(-40),
    )

    response = _page(client_as, cast.rep_a, customer)

    deals = response.context["open_deals"]
    assert [d.pk for d in deals] == [late.pk, future.pk, undated.pk]
    assert [d.is_past_close for d in deals] == [True, False, False]
    flagged = {o.name for o in response.context["opportunities"] if o.is_past_close}
    assert flagged == {"Late deal"}
    html = response.content.decode()
    open_deals = html.split('class="crm-section open-deals')[1].split("</section>")[0]
    assert "Late deal" in open_deals and "Won deal" not in open_deals
    assert open_deals.count('class="badge past-close"') == 1
    assert "Past close date" in open_deals
    assert "¥100,000.00" in open_deals


# --- last contact and satisfaction ---------------------------------------------------------


def test_summary_shows_the_last_contact_and_latest_satisfaction(cast, client_as):
    customer = CustomerFactory(owner=cast.rep_a, latest_satisfaction=Decimal("86.50"))
    HealthReportFactory(customer=customer, year=2025, quarter=4, satisfaction=Decimal("86.50"))
    HealthReportFactory(customer=customer, year=2025, quarter=3, satisfaction=Decimal("70"))
    when = timezone.now() - datetime.timedelta(days=3)
    ActivityFactory(customer=customer, occurred_at=when)
    ActivityFactory(customer=customer, occurred_at=when - datetime.timedelta(days=30))

    response = _page(client_as, cast.rep_a, customer)

    assert response.context["last_contact"] == when
    assert (response.context["latest_report"].year, response.context["latest_report"].quarter) == (
        2025,
        4,
    )
    summary = response.content.decode().split('class="summary-card summary-contact"')[1]
    assert "86.50" in summary.split("</div>")[0]
    assert "2025 Q4" in summary.split("</div>")[0]


# --- empty sections ----------------------------------------------------------------------------


def test_an_empty_customer_shows_one_line_per_section_with_its_add_action(cast, client_as):
    customer = CustomerFactory(owner=cast.rep_a)

    html = _page(client_as, cast.rep_a, customer).content.decode()

    assert "<table" not in html
    # contacts, activities, open deals, all opportunities, orders, health reports, feedback,
    # insights, referrals
    assert html.count(" is-empty") == 9
    for add in (
        reverse("customers:contact-create", args=[customer.pk]),
        reverse("customers:health-report-create", args=[customer.pk]),
        f"{reverse('sales:order-create')}?customer={customer.pk}",
        f"{reverse('opportunities:opportunity-create')}?customer={customer.pk}",
        f"{reverse('customers:feedback-create')}?customer={customer.pk}",
    ):
        assert add in html, add
    assert "Nothing planned yet." in html


def test_a_section_with_rows_is_not_collapsed(cast, client_as):
    customer = CustomerFactory(owner=cast.rep_a)
    ContactFactory(customer=customer, name="Li Na")

    html = _page(client_as, cast.rep_a, customer).content.decode()

    contacts = html.split(">Contacts")[0].rsplit("<section", 1)[1]
    assert "is-empty" not in contacts
    assert "Li Na" in html
    assert html.count(" is-empty") == 8


# --- query count -------------------------------------------------------------------------------


def _grow(customer, n, offset):
    for i in range(n):
        order = OrderFactory(customer=customer, owner=customer.owner)
        receivable = ReceivableFactory(order=order, due_on=_days(-5 + i))
        PaymentFactory(receivable=receivable, amount=Decimal("100.00"), paid_on=_days(-1))
        opportunity = OpportunityFactory(
            customer=customer, owner=customer.owner, expected_close_on=_days(i - 2)
        )
        ActivityFactory(
            customer=customer,
            opportunity=opportunity,
            next_step=f"Step {offset + i}",
            next_step_on=_days(i),
        )
        ContactFactory(customer=customer)
        HealthReportFactory(customer=customer, year=2000 + offset + i, quarter=1)


def _count_queries(client, customer):
    url = reverse("customers:customer-detail", args=[customer.pk])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["rep_a", "manager_a", "hr"])
def test_the_page_makes_as_many_queries_for_many_records_as_for_few(cast, client_as, role):
    customer = CustomerFactory(owner=cast.rep_a)
    client = client_as(getattr(cast, role))
    _grow(customer, 1, 0)
    _count_queries(client, customer)  # warm the session and the per-request caches
    few = _count_queries(client, customer)
    _grow(customer, 6, 10)
    many = _count_queries(client, customer)
    assert many == few
