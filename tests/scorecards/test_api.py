"""Scorecards API: field names, null rendering, scoping, filters, recompute and job status."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.scorecards.models import RecomputeJob, Scorecard
from apps.scorecards.services import scorecards_recompute
from tests.factories import CustomerFactory, RepFactory, ScorecardFactory
from tests.scorecards.helpers import order

pytestmark = pytest.mark.django_db
URL = "/api/v1/scorecards/"
FIELDS = {
    "id",
    "rep",
    "period",
    "sales",
    "new_customer_sales",
    "repeat_sales",
    "sales_achievement_rate",
    "sales_growth_rate",
    "new_customers",
    "new_customers_weighted",
    "retention_rate",
    "collection_rate",
    "score",
    "weight_scheme_version",
    "computed_at",
    "kpi_scores",
    "receivable_due",
    "collected",
    "customers_at_start",
    "customers_lost",
    "sales_last_year",
    "sales_target",
}


def test_fields_are_named_as_documented_with_decimal_strings_and_nulls(api_as, cast):
    order(cast.rep_a, CustomerFactory(owner=cast.rep_a), "1234.50", "2026-10-02")
    scorecards_recompute(period_key="2026-10")
    response = api_as(cast.rep_a).get(URL, {"period": "2026-10"})
    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert row.keys() >= FIELDS
    assert row["rep"] == cast.rep_a.pk
    assert row["period"] == "2026-10"
    assert row["sales"] == "1234.50"
    assert row["new_customer_sales"] == "1234.50"
    assert row["repeat_sales"] == "0.00"
    assert row["new_customers"] == 1
    assert row["new_customers_weighted"] == "1.00"
    for undefined in (
        "sales_achievement_rate",
        "sales_growth_rate",
        "retention_rate",
        "collection_rate",
        "score",
        "weight_scheme_version",
    ):
        assert row[undefined] is None, undefined


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        ("rep_a", {"rep_a"}),
        ("manager_a", {"rep_a", "rep_a2"}),
        ("hr", {"rep_a", "rep_a2", "rep_b"}),
        ("admin", {"rep_a", "rep_a2", "rep_b"}),
    ],
)
def test_list_is_scoped_per_role(api_as, cast, role, visible):
    for name in ("rep_a", "rep_a2", "rep_b"):
        ScorecardFactory(rep=getattr(cast, name))
    rows = api_as(getattr(cast, role)).get(URL).json()["results"]
    usernames = {Scorecard.objects.get(pk=r["id"]).rep.username for r in rows}
    assert usernames == visible


def test_anonymous_gets_401_or_403(api_client):
    assert api_client.get(URL).status_code in (401, 403)


def test_filters_by_period_rep_and_team(api_as, cast):
    ScorecardFactory(rep=cast.rep_a, period_key="2026-10")
    ScorecardFactory(rep=cast.rep_a, period_key="2026-09")
    ScorecardFactory(rep=cast.rep_b, period_key="2026-10")
    client = api_as(cast.hr)
    assert len(client.get(URL, {"period": "2026-10"}).json()["results"]) == 2
    assert len(client.get(URL, {"period": "2026-10", "rep": cast.rep_b.pk}).json()["results"]) == 1
    team = client.get(URL, {"team": cast.team_a.pk}).json()["results"]
    assert {r["period"] for r in team} == {"2026-10", "2026-09"}
    bad = client.get(URL, {"period": "2026-13"})
    assert bad.status_code == 400
    assert "period" in bad.json()


def test_detail_of_another_teams_scorecard_is_404(api_as, cast):
    other = ScorecardFactory(rep=cast.rep_b)
    assert api_as(cast.manager_a).get(f"{URL}{other.pk}/").status_code == 404
    assert api_as(cast.hr).get(f"{URL}{other.pk}/").status_code == 200


def test_list_query_count_does_not_grow_with_rows(api_as, cast):
    client = api_as(cast.hr)
    ScorecardFactory.create_batch(3)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    ScorecardFactory.create_batch(9)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(URL).json()["results"]) == 12
    assert len(few) == len(many)


def test_recompute_returns_202_with_the_job_and_its_status(
    api_as, cast, django_capture_on_commit_callbacks
):
    client = api_as(cast.hr)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(f"{URL}recompute/", {"period": "2026-10"}, format="json")
    assert response.status_code == 202
    job = RecomputeJob.objects.get()
    assert response.json() == {"job": job.pk, "status_url": f"/api/v1/jobs/{job.pk}/"}
    status = client.get(f"/api/v1/jobs/{job.pk}/").json()
    assert {
        "id",
        "period",
        "status",
        "total_chunks",
        "done_chunks",
        "progress_percent",
        "error",
        "created_at",
        "finished_at",
    } <= status.keys()
    assert (status["period"], status["status"], status["progress_percent"]) == (
        "2026-10",
        "queued",
        0,
    )


def test_recompute_runs_to_done_with_an_eager_worker(
    api_as, cast, django_capture_on_commit_callbacks
):
    from salesperf.celery import app

    RepFactory()
    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = api_as(cast.hr).post(
                f"{URL}recompute/", {"period": "2026-Q4"}, format="json"
            )
    finally:
        app.conf.task_always_eager = False
    assert response.status_code == 202
    status = api_as(cast.hr).get(response.json()["status_url"]).json()
    assert (status["status"], status["progress_percent"]) == ("done", 100)
    assert Scorecard.objects.filter(period_key="2026-Q4").count() >= 4


def test_recompute_with_a_bad_period_is_400_naming_period(api_as, cast):
    response = api_as(cast.hr).post(f"{URL}recompute/", {"period": "2026-Q5"}, format="json")
    assert response.status_code == 400
    assert "period" in response.json()
    assert not RecomputeJob.objects.exists()


def test_rep_may_not_recompute(api_as, cast):
    response = api_as(cast.rep_a).post(f"{URL}recompute/", {"period": "2026-10"}, format="json")
    assert response.status_code == 403
    assert not RecomputeJob.objects.exists()
