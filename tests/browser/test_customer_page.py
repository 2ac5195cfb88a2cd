"""The customer page in a real browser: the summary (open balance, next step, open deals) shows
above the fold and nothing scrolls sideways, on a laptop and a phone, in English and Chinese."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from apps.opportunities.choices import Stage
from tests.browser.test_shell import sign_in
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

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"laptop": (1366, 768), "phone": (390, 844)}


def _days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def customer(cast):
    customer = CustomerFactory(
        owner=cast.rep_a,
        name="Hangzhou Precision Instruments Co., Ltd.",
        latest_satisfaction=Decimal("78.50"),
        notes="Three plants; procurement decides in March. " * 4,
    )
    order = OrderFactory(customer=customer, owner=cast.rep_a, amount=Decimal("1222550.00"))
    receivable = ReceivableFactory(order=order, due_on=_days(-12))
    PaymentFactory(receivable=receivable, amount=Decimal("222550.00"), paid_on=_days(-3))
    for i, stage in enumerate([Stage.NEEDS_DISCOVERY, Stage.NEGOTIATION, Stage.SOLUTION_DESIGN]):
        OpportunityFactory(
            customer=customer,
            owner=cast.rep_a,
            stage=stage,
            name=f"Warehouse automation phase {i + 1}",
            expected_amount=Decimal("880000.00"),
            expected_close_on=_days(-5 + 20 * i),
        )
    ActivityFactory(
        customer=customer,
        next_step="Send the revised quote with the three-year service package",
        next_step_on=_days(2),
    )
    ContactFactory(customer=customer, name="Zhang Wei")
    HealthReportFactory(customer=customer, year=2026, quarter=3, satisfaction=Decimal("78.50"))
    return customer


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_summary_is_above_the_fold_without_sideways_scrolling(
    page, live_server, cast, customer, size, language
):
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    sign_in(page, live_server, "rep_a")
    page.goto(live_server.url + reverse("customers:customer-detail", args=[customer.pk]))

    expect(page.locator("html")).to_have_attribute("lang", language)
    summary = page.locator(".customer-summary")
    expect(summary).to_be_visible()
    expect(page.locator(".summary-balance")).to_contain_text("¥1,000,000.00")
    expect(page.locator(".summary-next")).to_contain_text("Send the revised quote")
    expect(page.locator(".open-deals .badge.past-close")).to_have_count(1)
    top = summary.bounding_box()["y"]
    assert top < height * 0.6, f"summary starts at {top}px of {height}px"
    for card in (".summary-balance", ".summary-next"):
        box = page.locator(card).bounding_box()
        assert box["y"] + box["height"] <= height, f"{card} ends below the fold"
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page scrolls {overflow}px sideways"
