"""HR's export page and download in the browser: who may export, filters, the log."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from apps.core.models import AuditEntry
from apps.exports.models import ExportLog
from tests.exports.conftest import read_csv, streamed
from tests.factories import AnnualGradeFactory, ScorecardFactory

pytestmark = pytest.mark.django_db

DOWNLOAD = reverse("exports:export-download")


@pytest.fixture
def grades(cast):
    first = AnnualGradeFactory(
        person=cast.rep_a,
        grade="A",
        proposed_grade="B",
        score=Decimal("95.5"),
        rank=1,
        reason='=HYPERLINK("x")',
        calibrated_by=cast.hr,
        finalised=True,
    )
    AnnualGradeFactory(cycle=first.cycle, person=cast.rep_a2, grade="B", score=Decimal("80"))
    AnnualGradeFactory(cycle=first.cycle, person=cast.rep_b, grade="C", score=Decimal("-1"))
    return first


def test_hr_downloads_grades_as_csv_and_the_export_is_logged(client_as, cast, grades):
    response = client_as(cast.hr).get(DOWNLOAD, {"dataset": "grades", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    rows = read_csv(streamed(response))
    assert rows[0][:3] == ["Year", "Person", "Team"]
    assert len(rows) == 4
    rep_a = next(row for row in rows if row[1] == str(cast.rep_a))
    assert rep_a[2] == "Alpha"
    assert rep_a[5] == "95.50"
    assert rep_a[9] == "A" and rep_a[8] == "B"
    assert rep_a[11] == '\'=HYPERLINK("x")'
    assert rep_a[12] == "Yes"
    rep_b = next(row for row in rows if row[1] == str(cast.rep_b))
    assert rep_b[5] == "-1.00"  # a negative number is a number, not neutralised
    log = ExportLog.objects.get()
    assert (log.user, log.dataset, log.file_format, log.row_count) == (cast.hr, "grades", "csv", 3)
    assert log.filters == {}
    entry = AuditEntry.objects.get(action="export.download")
    assert entry.actor == cast.hr and entry.object_id == str(log.pk)


def test_admin_downloads_grades_as_xlsx(client_as, cast, grades):
    response = client_as(cast.admin).get(DOWNLOAD, {"dataset": "grades", "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="grades-' in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(streamed(response))).active
    assert sheet.max_row == 4
    scores = sorted(sheet.cell(row=r, column=6).value for r in range(2, 5))
    assert scores == [-1, 80, 95.5]
    assert ExportLog.objects.get().file_format == "xlsx"


@pytest.mark.parametrize("role", ["rep", "manager"])
@pytest.mark.parametrize("url", ["exports:export-list", "exports:export-log"])
def test_reps_and_managers_may_not_open_the_export_pages(client_as, cast, role, url):
    response = client_as(cast.by_role()[role]).get(reverse(url))
    assert response.status_code == 403


@pytest.mark.parametrize("role", ["rep", "manager"])
@pytest.mark.parametrize("dataset", ["grades", "scorecards"])
def test_reps_and_managers_may_not_download_and_nothing_is_logged(
    client_as, cast, grades, role, dataset
):
    response = client_as(cast.by_role()[role]).get(DOWNLOAD, {"dataset": dataset, "format": "csv"})
    assert response.status_code == 403
    assert not ExportLog.objects.exists()
    assert not AuditEntry.objects.filter(action="export.download").exists()


def test_grades_filtered_by_grade_and_team(client_as, cast, grades):
    client = client_as(cast.hr)
    rows = read_csv(
        streamed(client.get(DOWNLOAD, {"dataset": "grades", "format": "csv", "grade": "C"}))
    )
    assert [row[1] for row in rows[1:]] == [str(cast.rep_b)]
    rows = read_csv(
        streamed(
            client.get(DOWNLOAD, {"dataset": "grades", "format": "csv", "team": cast.team_a.pk})
        )
    )
    assert sorted(row[1] for row in rows[1:]) == sorted([str(cast.rep_a), str(cast.rep_a2)])
    logs = list(ExportLog.objects.order_by("pk"))
    assert logs[0].filters == {"grade": "C"} and logs[0].row_count == 1
    assert logs[1].filters == {"team": cast.team_a.pk} and logs[1].row_count == 2
    assert logs[1].summary == "Team: Alpha"


def test_scorecards_filtered_by_period_and_team(client_as, cast):
    ScorecardFactory(rep=cast.rep_a, period_key="2026-10", sales=Decimal("1500.25"))
    ScorecardFactory(rep=cast.rep_a, period_key="2026-09")
    ScorecardFactory(rep=cast.rep_b, period_key="2026-10")
    client = client_as(cast.hr)
    response = client.get(
        DOWNLOAD,
        {"dataset": "scorecards", "format": "csv", "period": "2026-10", "team": cast.team_a.pk},
    )
    rows = read_csv(streamed(response))
    assert rows[0][:5] == ["Person", "Team", "Period", "Sales (CNY)", "Sales target (CNY)"]
    assert "Sales achievement rate (%)" in rows[0]
    assert "Sales achievement rate: score" in rows[0]
    assert rows[0][-3:] == ["Total score", "Weight scheme", "Scheme version"]
    assert [(row[0], row[2], row[3]) for row in rows[1:]] == [
        (str(cast.rep_a), "2026-10", "1500.25")
    ]
    assert ExportLog.objects.get().filters == {"period": "2026-10", "team": cast.team_a.pk}


def test_a_bad_filter_names_the_field_and_exports_nothing(client_as, cast):
    response = client_as(cast.hr).get(
        DOWNLOAD, {"dataset": "scorecards", "format": "csv", "period": "last month"}
    )
    assert response.status_code == 400
    assert b"Use YYYY-MM for a month" in response.content
    assert b'id="id_period"' in response.content
    assert not ExportLog.objects.exists()


def test_an_unknown_format_is_refused(client_as, cast):
    response = client_as(cast.hr).get(DOWNLOAD, {"dataset": "grades", "format": "pdf"})
    assert response.status_code == 400
    assert b"Choose a file format" in response.content
    assert not ExportLog.objects.exists()


def test_an_unknown_dataset_is_not_found(client_as, cast):
    response = client_as(cast.hr).get(DOWNLOAD, {"dataset": "salaries", "format": "csv"})
    assert response.status_code == 404


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_export_page_shows_the_dataset_filters_and_recent_exports(
    client_as, cast, grades, language
):
    client = client_as(cast.hr)
    client.get(DOWNLOAD, {"dataset": "grades", "format": "csv", "grade": "A"})
    client.cookies["django_language"] = language
    page = client.get(reverse("exports:export-list"), {"dataset": "scorecards"})
    assert page.status_code == 200
    content = page.content.decode()
    assert f'lang="{language}"' in content
    assert 'name="period"' in content and 'name="format"' in content
    assert 'value="scorecards"' in content
    assert "Grade: A" in content
    log = client.get(reverse("exports:export-log"))
    assert log.status_code == 200
    assert "Grade: A" in log.content.decode()


def test_the_grades_form_offers_all_its_filters(client_as, cast):
    content = client_as(cast.hr).get(reverse("exports:export-list")).content.decode()
    for name in ("year", "team", "grade", "cycle"):
        assert f'name="{name}"' in content
