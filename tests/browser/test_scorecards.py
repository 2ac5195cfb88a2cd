"""The scorecard list fits a 1366 px screen, in English and Chinese, with its Score column."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from apps.performance.periods import MONTH, period_containing
from tests.browser.test_shell import sign_in
from tests.factories import ScorecardFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_scorecard_list_fits_1366_pixels(page, live_server, cast, language):
    from django.utils import timezone

    key = period_containing(MONTH, timezone.localdate()).key
    for rep in (cast.rep_a, cast.rep_a2, cast.rep_b, cast.manager_a):
        ScorecardFactory(
            rep=rep,
            period_key=key,
            sales=Decimal("123456789.00"),
            sales_target=Decimal("150000000.00"),
            sales_achievement_rate=Decimal("82.30"),
            sales_growth_rate=Decimal("-12.50"),
            new_customers_weighted=Decimal("12.50"),
            retention_rate=Decimal("95.00"),
            collection_rate=Decimal("101.20"),
            score=Decimal("88.88"),
            stale=rep == cast.rep_a,
        )
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, live_server, "hr")
    if language != "en":
        page.select_option("#language-select", language)
        expect(page.locator("html")).to_have_attribute("lang", language)
    page.goto(f"{live_server.url}/scorecards/")
    table = page.locator("table.scorecards")
    expect(table).to_be_visible()
    box = table.bounding_box()
    assert box["x"] + box["width"] <= 1366
    score = page.locator("table.scorecards thead th").last
    score_box = score.bounding_box()
    assert score_box["x"] + score_box["width"] <= 1366
    score.locator("a").click()
    expect(page.locator("table.scorecards thead th").last).to_have_attribute(
        "aria-sort", "ascending"
    )
