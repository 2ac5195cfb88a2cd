"""The rep, team and company dashboards in a real browser, in English and Chinese: no
horizontal overflow on a laptop (1366×768) or a phone (390×844), SVG charts with their data
tables. Screenshots go to test-artifacts/screenshots/."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from apps.opportunities.choices import Stage
from apps.performance.periods import MONTH, period_containing
from tests.factories import LeadFactory, OpportunityFactory
from tests.factories.accounts import PASSWORD
from tests.factories.scorecards import MonthScorecardFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
VIEWPORTS = {"laptop": (1366, 768), "phone": (390, 844)}
OVERFLOW = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


@pytest.fixture
def figures(cast):
    """A small month: scorecards for team Alpha and Bravo, last month's for rep_a, and a few
    deals and leads for rep_a."""
    month = period_containing(MONTH, timezone.localdate())
    for index, name in enumerate(("rep_a", "rep_a2", "manager_a", "rep_b")):
        MonthScorecardFactory(rep=getattr(cast, name), score=Decimal(55 + 12 * index))
    MonthScorecardFactory(rep=cast.rep_a, period_key=month.previous().key, score=Decimal(61))
    today = timezone.localdate()
    for stage in (Stage.NEEDS_DISCOVERY, Stage.NEGOTIATION):
        OpportunityFactory(
            owner=cast.rep_a, stage=stage, expected_close_on=today - datetime.timedelta(days=2)
        )
    for grade in ("grade_a", "grade_c"):
        LeadFactory(owner=cast.rep_a, **{grade: True})
    LeadFactory(owner=cast.rep_a, grade_a=True, status="converted")
    return cast


def open_dashboard(page, live_server, username, language):
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize(
    ("username", "page_class"),
    [("rep_a", "rep"), ("manager_a", "team"), ("hr", "company")],
)
def test_dashboard_fits_the_screen_and_shows_charts_with_tables(
    page, live_server, figures, username, page_class, language
):
    open_dashboard(page, live_server, username, language)
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("svg.chart-svg").count() >= 1
    assert page.locator("figure.chart details.chart-data table").count() >= 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, (width, height) in VIEWPORTS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(100)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        page.screenshot(
            path=str(SCREENSHOTS / f"dashboard-{page_class}-{language}-{name}.png"),
            full_page=True,
        )
        assert page.evaluate(OVERFLOW), f"{name}: the page is {overflow}px wider than the screen"


def test_data_table_of_a_chart_opens(page, live_server, figures):
    open_dashboard(page, live_server, "rep_a", "en")
    details = page.locator("figure.chart details.chart-data").first
    details.locator("summary").click()
    assert details.locator("table").is_visible()
