"""HR reviews the open pay run of last month (a closed month before it, an adjustment carried
from it), closes it after the confirmation step and downloads the run's XLSX, which opens in a
spreadsheet library with everyone's pay; a rep sees their own statement and is refused the run."""

import datetime
from decimal import Decimal

import openpyxl
import pytest
from playwright.sync_api import expect

from apps.pay import services
from apps.pay.choices import PayRunStatus
from apps.pay.models import PayRun
from apps.scorecards.models import Scorecard
from tests.browser.test_shell import sign_in
from tests.factories import ScorecardFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def compute(run):
    for round_, number in services.pay_run_start(run_id=run.pk):
        services.pay_run_compute_chunk(run_id=run.pk, round=round_, number=number)
    run.refresh_from_db()
    return run


def _card(person, start, score):
    end = datetime.date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return ScorecardFactory(
        rep=person,
        period_key=f"{start:%Y-%m}",
        period_kind="month",
        period_start=start,
        period_end=end,
        score=Decimal(score),
    )


def demo_like_runs(cast):
    """Like the demo: the month before last closed, last month open with an adjustment."""
    september, october = datetime.date(2026, 9, 1), datetime.date(2026, 10, 1)
    card = _card(cast.rep_a, september, "80.00")
    _card(cast.rep_a, october, "100.00")
    _card(cast.rep_b, october, "90.00")
    closed = compute(services.pay_run_open(actor=cast.hr, period_key="2026-09"))
    services.pay_run_close(actor=cast.hr, run=closed)
    open_run = compute(services.pay_run_open(actor=cast.hr, period_key="2026-10"))
    Scorecard.objects.filter(pk=card.pk).update(score=Decimal("90.00"))
    services.pay_run_correct(actor=cast.hr, run=closed, reason="Late payment recorded")
    return closed, open_run


def test_hr_closes_the_open_run_and_downloads_its_xlsx(page, live_server, cast, tmp_path):
    _closed, run = demo_like_runs(cast)
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, live_server, "hr")
    page.goto(f"{live_server.url}/pay/")
    expect(page.locator(f"#run-{run.pk}")).to_contain_text("Open for review")
    page.locator(f"#run-{run.pk} a[href='/pay/runs/{run.pk}/']").click()
    expect(page.locator("h1")).to_contain_text("Pay run of 2026-10")
    expect(page.locator("table.pay-adjustments")).to_contain_text("Late payment recorded")
    expect(page.locator("table.pay-statements tbody tr")).to_have_count(5)

    # Closing asks first; cancelling changes nothing.
    page.click(f"a[href='/pay/runs/{run.pk}/close/']")
    expect(page.locator("h1")).to_contain_text("Close the pay run of 2026-10")
    page.click("text=Cancel")
    assert PayRun.objects.get(pk=run.pk).status == PayRunStatus.OPEN
    page.click(f"a[href='/pay/runs/{run.pk}/close/']")
    page.click("form button[type=submit].primary")
    expect(page.locator(".pagehead + p.lead")).to_contain_text("Closed — locked")
    assert PayRun.objects.get(pk=run.pk).status == PayRunStatus.CLOSED
    assert page.locator(f"a[href='/pay/runs/{run.pk}/close/']").count() == 0

    with page.expect_download() as info:
        page.click("a[href*='dataset=pay'][href*='format=xlsx']")
    download = info.value
    assert download.suggested_filename.startswith("pay-")
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / "pay.xlsx"
    download.save_as(path)
    sheet = openpyxl.load_workbook(path).active
    header = [cell.value for cell in sheet[1]]
    assert header[:4] == ["Month", "Run status", "Policy version", "Person"]
    rows = [
        dict(zip(header, [c.value for c in row], strict=True)) for row in sheet.iter_rows(min_row=2)
    ]
    assert len(rows) == 5 and {row["Month"] for row in rows} == {"2026-10"}
    assert {row["Run status"] for row in rows} == {"Closed"}
    total = next(name for name in header if name.startswith("Total"))
    adjustments = next(name for name in header if name.startswith("Adjustments"))
    rep_a = next(row for row in rows if row["Username"] == "rep_a")
    # 2,000 base + 2,500 at a score of 100, and the September correction (80 → 90): +250.
    assert Decimal(str(rep_a[adjustments])) == Decimal("250")
    assert Decimal(str(rep_a[total])) == Decimal("4750")


def test_a_rep_sees_their_statement_and_is_refused_the_run(page, live_server, cast):
    _closed, run = demo_like_runs(cast)
    page.set_viewport_size({"width": 390, "height": 800})
    sign_in(page, live_server, "rep_a")
    page.goto(f"{live_server.url}/pay/mine/")
    expect(page.locator("table.pay-mine tbody tr")).to_have_count(2)
    page.click("table.pay-mine a >> text=2026-10")
    expect(page.locator("#statement-total")).to_contain_text("4,750.00")
    expect(page.locator("table.pay-steps")).to_contain_text("Performance bonus")
    assert page.evaluate(OVERFLOW) <= 0
    response = page.goto(f"{live_server.url}/pay/runs/{run.pk}/")
    assert response.status == 403
    expect(page.locator("main")).to_contain_text("Only HR and admins run pay.")
