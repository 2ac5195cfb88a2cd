"""Exports through the API: HR and admin tokens download; everyone else gets 403."""

import io
from decimal import Decimal

import openpyxl
import pytest

from apps.exports.models import ExportLog
from tests.exports.conftest import read_csv, streamed
from tests.factories import AnnualGradeFactory, ScorecardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def grades(cast):
    first = AnnualGradeFactory(person=cast.rep_a, grade="A", score=Decimal("91"))
    AnnualGradeFactory(cycle=first.cycle, person=cast.rep_b, grade="C", score=Decimal("40"))
    return first


def test_hr_downloads_grades_as_xlsx_with_format(api_as, cast, grades):
    response = api_as(cast.hr).get("/api/v1/exports/grades/", {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(streamed(response))).active
    assert [cell.value for cell in sheet[1]][:2] == ["Year", "Person"]
    assert sheet.max_row == 3
    log = ExportLog.objects.get()
    assert (log.user, log.dataset, log.file_format, log.row_count) == (cast.hr, "grades", "xlsx", 2)


def test_admin_downloads_filtered_grades_as_csv_with_file_format(api_as, cast, grades):
    response = api_as(cast.admin).get(
        "/api/v1/exports/grades/", {"file_format": "csv", "grade": "C"}
    )
    assert response.status_code == 200
    rows = read_csv(streamed(response))
    assert [row[1] for row in rows[1:]] == [str(cast.rep_b)]
    assert ExportLog.objects.get().filters == {"grade": "C"}


def test_scorecards_by_period(api_as, cast):
    ScorecardFactory(rep=cast.rep_a, period_key="2026-10")
    ScorecardFactory(rep=cast.rep_a, period_key="2026-09")
    response = api_as(cast.hr).get(
        "/api/v1/exports/scorecards/", {"format": "csv", "period": "2026-09"}
    )
    rows = read_csv(streamed(response))
    assert [row[2] for row in rows[1:]] == ["2026-09"]


@pytest.mark.parametrize("role", ["rep", "manager"])
@pytest.mark.parametrize("dataset", ["grades", "scorecards"])
def test_reps_and_managers_get_403_and_nothing_is_logged(api_as, cast, grades, role, dataset):
    response = api_as(cast.by_role()[role]).get(f"/api/v1/exports/{dataset}/", {"format": "csv"})
    assert response.status_code == 403
    assert response.json()["detail"] == "Only HR and admins may export data."
    assert not ExportLog.objects.exists()


def test_anonymous_gets_401(api_client, cast):
    assert api_client.get("/api/v1/exports/grades/", {"format": "csv"}).status_code == 401


def test_a_bad_period_or_format_is_a_400_naming_the_field(api_as, cast):
    client = api_as(cast.hr)
    response = client.get("/api/v1/exports/scorecards/", {"format": "csv", "period": "soon"})
    assert response.status_code == 400
    assert "period" in response.json()
    response = client.get("/api/v1/exports/grades/", {"format": "pdf"})
    assert response.status_code == 400
    assert "format" in response.json()
    response = client.get("/api/v1/exports/grades/")
    assert response.status_code == 400
    assert not ExportLog.objects.exists()


def test_the_export_log_is_for_hr_and_admins(api_as, cast, grades):
    api_as(cast.hr).get("/api/v1/exports/grades/", {"format": "csv", "grade": "A"})
    body = api_as(cast.admin).get("/api/v1/export-log/").json()
    [entry] = body["results"]
    assert entry["user"] == cast.hr.pk and entry["dataset"] == "grades"
    assert entry["filters"] == {"grade": "A"} and entry["row_count"] == 1
    for role in ("rep", "manager"):
        assert api_as(cast.by_role()[role]).get("/api/v1/export-log/").status_code == 403


def test_the_schema_documents_binary_downloads_and_their_filters():
    import json

    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    generated = SchemaGenerator().get_schema(request=None, public=True)
    schema = json.loads(OpenApiJsonRenderer().render(generated, renderer_context={}))
    operation = schema["paths"]["/api/v1/exports/grades/"]["get"]
    assert set(operation["responses"]["200"]["content"]) == {
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"format", "year", "team", "grade"} <= names
    names = {p["name"] for p in schema["paths"]["/api/v1/exports/scorecards/"]["get"]["parameters"]}
    assert {"format", "period", "team"} <= names
    assert "/api/v1/export-log/" in schema["paths"]
