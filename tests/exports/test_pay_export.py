"""The pay dataset: every input and component as columns, only HR and admins export it (page
and API), dangerous text neutralised, filtered by month."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from apps.exports import datasets
from apps.exports.models import ExportLog
from apps.pay import services
from tests.exports.conftest import read_csv, streamed
from tests.factories import RepFactory, ScorecardFactory, TeamFactory

pytestmark = pytest.mark.django_db

DOWNLOAD = reverse("exports:export-download")
API = "/api/v1/exports/pay/"
COMPONENTS = [
    "Base performance pay",
    "Performance bonus",
    "Capability bonus",
    "Satisfaction bonus",
    "Performance pay",
    "Adjustments",
    "Total",
]


def compute(run):
    for round_, number in services.pay_run_start(run_id=run.pk):
        services.pay_run_compute_chunk(run_id=run.pk, round=round_, number=number)
    run.refresh_from_db()
    return run


@pytest.fixture
def pay(cast):
    ScorecardFactory(
        rep=cast.rep_a,
        period_key="2026-10",
        period_kind="month",
        period_start=datetime.date(2026, 10, 1),
        period_end=datetime.date(2026, 11, 1),
        score=Decimal("83.33"),
    )
    september = compute(services.pay_run_open(actor=cast.hr, period_key="2026-09"))
    october = compute(services.pay_run_open(actor=cast.hr, period_key="2026-10"))
    return {"2026-09": september, "2026-10": october}


def _headers(rows):
    return rows[0]


def test_the_pay_dataset_is_registered_for_hr_and_admin_only(cast):
    dataset = datasets.get("pay")
    assert dataset is not None
    assert dataset.may_export(cast.hr) and dataset.may_export(cast.admin)
    assert not dataset.may_export(cast.rep_a) and not dataset.may_export(cast.manager_a)


def test_hr_downloads_a_month_of_pay_as_csv_with_every_component(client_as, cast, pay):
    response = client_as(cast.hr).get(
        DOWNLOAD, {"dataset": "pay", "format": "csv", "month": "2026-10"}
    )
    assert response.status_code == 200
    rows = read_csv(streamed(response))
    header = rows[0]
    for name in ("Month", "Person", "Team", "Monthly score", "Quarterly review score"):
        assert name in header
    for name in ("Customer satisfaction", "Missing inputs", "Policy version"):
        assert name in header
    for component in COMPONENTS:
        assert any(cell.startswith(component) for cell in header), component
    assert len(rows) == 1 + 5 and {row[0] for row in rows[1:]} == {"2026-10"}
    record = dict(zip(header, next(r for r in rows if r[4] == cast.rep_a.username), strict=True))
    # 50 % × 5,000 × 83.33 % = 2,083.25 exactly; 2,000 base; nothing else.
    performance = next(
        value for key, value in record.items() if key.startswith("Performance bonus")
    )
    total = next(value for key, value in record.items() if key.startswith("Total"))
    assert Decimal(performance) == Decimal("2083.25")
    assert Decimal(total) == Decimal("4083.25")
    log = ExportLog.objects.get()
    assert (log.dataset, log.filters, log.row_count) == ("pay", {"month": "2026-10"}, 5)


def test_exact_components_keep_their_decimals_without_trailing_zeros(client_as, cast, pay):
    rows = read_csv(streamed(client_as(cast.hr).get(DOWNLOAD, {"dataset": "pay", "format": "csv"})))
    header = rows[0]
    base = next(i for i, name in enumerate(header) if name.startswith("Base performance pay"))
    assert {row[base] for row in rows[1:]} == {"2000.00"}


def test_dangerous_text_is_neutralised(client_as, cast):
    team = TeamFactory(name='=HYPERLINK("http://x")')
    RepFactory(username="+cmd", first_name="@SUM(1)", last_name="", team=team)
    compute(services.pay_run_open(actor=cast.hr, period_key="2026-10"))
    rows = read_csv(streamed(client_as(cast.hr).get(DOWNLOAD, {"dataset": "pay", "format": "csv"})))
    cells = [cell for row in rows[1:] for cell in row]
    assert not any(cell[:1] in ("=", "+", "@") for cell in cells), cells
    assert any("HYPERLINK" in cell for cell in cells)


def test_the_pay_export_filters_by_team(client_as, cast, pay):
    response = client_as(cast.admin).get(
        DOWNLOAD, {"dataset": "pay", "format": "csv", "month": "2026-09", "team": cast.team_a.pk}
    )
    rows = read_csv(streamed(response))
    assert sorted(row[4] for row in rows[1:]) == ["rep_a", "rep_a2"]


def test_a_bad_month_is_refused_and_nothing_exported(client_as, api_as, cast, pay):
    response = client_as(cast.hr).get(
        DOWNLOAD, {"dataset": "pay", "format": "csv", "month": "soon"}
    )
    assert response.status_code == 400
    api = api_as(cast.hr).get(API, {"format": "csv", "month": "2026-Q4"})
    assert api.status_code == 400 and "month" in api.json()
    assert not ExportLog.objects.exists()


@pytest.mark.parametrize("role", ["rep", "manager"])
def test_reps_and_managers_may_not_export_pay(client_as, api_as, cast, pay, role):
    user = cast.by_role()[role]
    page = client_as(user).get(DOWNLOAD, {"dataset": "pay", "format": "csv"})
    assert page.status_code == 403
    for file_format in ("csv", "xlsx"):
        response = api_as(user).get(API, {"format": file_format})
        assert response.status_code == 403
    assert not ExportLog.objects.exists()


@pytest.mark.parametrize("role", ["hr", "admin"])
def test_hr_and_admin_download_pay_through_the_api(api_as, cast, pay, role):
    client = api_as(cast.by_role()[role])
    response = client.get(API, {"format": "xlsx", "month": "2026-10"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(streamed(response))).active
    header = [cell.value for cell in sheet[1]]
    assert header[:2] == ["Month", "Run status"]
    assert sheet.max_row == 6
    total = next(i for i, name in enumerate(header) if name.startswith("Total"))
    values = [row[total].value for row in sheet.iter_rows(min_row=2)]
    assert all(isinstance(value, int | float) for value in values)
    csv_response = client.get(API, {"format": "csv", "month": "2026-09"})
    assert csv_response.status_code == 200
    assert len(read_csv(streamed(csv_response))) == 6
    assert ExportLog.objects.filter(dataset="pay").count() == 2


def test_the_export_page_offers_pay_with_its_filters(client_as, cast):
    content = (
        client_as(cast.hr).get(reverse("exports:export-list"), {"dataset": "pay"}).content.decode()
    )
    assert 'value="pay"' in content
    for name in ("month", "team", "person"):
        assert f'name="{name}"' in content
