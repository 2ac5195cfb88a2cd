"""What a rep does every day, in a real browser: log a visit from the customer page, record a
payment on an order, and read their scorecard."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.activities.models import Activity
from apps.sales.models import Payment
from tests.browser.test_shell import sign_in
from tests.factories import CustomerFactory, OrderFactory, ReceivableFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_rep_logs_a_visit_from_the_customer_page_in_a_few_clicks(page, live_server, cast):
    customer = CustomerFactory(owner=cast.rep_a, name="Suzhou Precision Parts")
    sign_in(page, live_server, "rep_a")
    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    page.click("text=Log visit")
    page.fill("#id_subject", "Quarterly review with the plant manager")
    page.click("button[type=submit].primary")
    expect(page.locator("body")).to_contain_text("Quarterly review with the plant manager")
    activity = Activity.objects.get(customer=customer)
    assert (activity.kind, activity.owner) == ("visit", cast.rep_a)


def test_rep_records_a_payment_and_an_overpayment_is_refused(page, live_server, cast):
    signed = timezone.localdate() - datetime.timedelta(days=20)
    order = OrderFactory(owner=cast.rep_a, amount=Decimal("1000.00"), signed_on=signed)
    receivable = ReceivableFactory(
        order=order, amount=Decimal("1000.00"), issued_on=signed, due_on=signed
    )
    sign_in(page, live_server, "rep_a")
    page.goto(f"{live_server.url}/sales/payments/new/?receivable={receivable.pk}")
    page.fill("#id_amount", "1200.00")
    page.fill("#id_paid_on", timezone.localdate().isoformat())
    page.click("button[type=submit].primary")
    expect(page.locator("body")).to_contain_text("Only 1,000.00 is still open on this receivable.")
    assert not Payment.objects.exists()
    page.fill("#id_amount", "400.00")
    page.click("button[type=submit].primary")
    expect(page.locator("body")).to_contain_text("400.00")
    assert Payment.objects.get().amount == Decimal("400.00")


def test_rep_reads_their_scorecard_in_chinese(page, live_server, cast):
    from apps.performance.services import ensure_default_schemes
    from apps.scorecards.services import scorecards_recompute

    month = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    OrderFactory(owner=cast.rep_a, amount=Decimal("5000.00"), signed_on=month)
    ensure_default_schemes()
    scorecards_recompute(period_key=f"{month:%Y-%m}")
    sign_in(page, live_server, "rep_a")
    with page.expect_navigation():
        page.select_option("#language-select", "zh-hans")
    page.goto(f"{live_server.url}/scorecards/?period={month:%Y-%m}")
    table = page.locator("table.scorecards")
    expect(table).to_contain_text("¥5,000.00")
    expect(page.locator("h1")).to_contain_text("绩效记分卡")
    expect(table).not_to_contain_text("rep_b")
