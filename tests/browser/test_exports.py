"""HR downloads the annual grades as XLSX from the export page and the file opens in a
spreadsheet library with the grades in it; a rep is refused the export page."""

from decimal import Decimal

import openpyxl
import pytest
from playwright.sync_api import expect

from apps.exports.models import ExportLog
from tests.browser.test_shell import sign_in
from tests.factories import AnnualGradeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_hr_downloads_the_grades_xlsx(page, live_server, cast, tmp_path):
    first = AnnualGradeFactory(person=cast.rep_a, grade="A", score=Decimal("93.5"))
    AnnualGradeFactory(cycle=first.cycle, person=cast.rep_b, grade="C", score=Decimal("-2"))
    sign_in(page, live_server, "hr")
    page.goto(f"{live_server.url}/exports/?dataset=grades")
    page.select_option("#id_grade", "A")
    page.select_option("#id_format", "xlsx")
    with page.expect_download() as info:
        page.click("form[action$='/exports/download/'] button[type=submit]")
    download = info.value
    assert download.suggested_filename.startswith("grades-")
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / "grades.xlsx"
    download.save_as(path)
    sheet = openpyxl.load_workbook(path).active
    assert [cell.value for cell in sheet[1]][:2] == ["Year", "Person"]
    assert [[cell.value for cell in row][1:] for row in sheet.iter_rows(min_row=2)] == [
        [str(cast.rep_a), "Alpha", "Company", None, 93.5, None, None, "B", "A", None, None, "No"]
    ]
    log = ExportLog.objects.get()
    assert (log.user_id, log.file_format, log.filters) == (cast.hr.pk, "xlsx", {"grade": "A"})

    page.goto(f"{live_server.url}/exports/")
    expect(page.locator("table.list")).to_contain_text("Grade: A")


def test_a_rep_is_refused_the_export_page(page, live_server, cast):
    sign_in(page, live_server, "rep_a")
    response = page.goto(f"{live_server.url}/exports/")
    assert response.status == 403
    response = page.goto(f"{live_server.url}/exports/download/?dataset=grades&format=xlsx")
    assert response.status == 403
    assert not ExportLog.objects.exists()
