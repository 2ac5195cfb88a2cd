"""Pay API: runs for HR and admins only (403 otherwise), statements scoped and filtered (400
naming ``month``), 409 on a closed run, If-Match on the run's version, policies read by all."""

import datetime
from decimal import Decimal

import pytest

from apps.pay import services
from apps.pay.choices import PayRunStatus
from apps.pay.models import PayAdjustment, PayPolicy, PayRun
from apps.scorecards.models import Scorecard
from tests.factories import ScorecardFactory

RUNS = "/api/v1/pay-runs/"
STATEMENTS = "/api/v1/pay/"
POLICIES = "/api/v1/pay-policies/"


def compute(run):
    for round_, number in services.pay_run_start(run_id=run.pk):
        services.pay_run_compute_chunk(run_id=run.pk, round=round_, number=number)
    run.refresh_from_db()
    return run


def month_card(person, key, score):
    year, month = int(key[:4]), int(key[5:])
    return ScorecardFactory(
        rep=person,
        period_key=key,
        period_kind="month",
        period_start=datetime.date(year, month, 1),
        period_end=datetime.date(year + month // 12, month % 12 + 1, 1),
        score=Decimal(score),
    )


@pytest.fixture
def runs(cast):
    month_card(cast.rep_a, "2026-09", "80.00")
    september = compute(services.pay_run_open(actor=cast.hr, period_key="2026-09"))
    services.pay_run_close(actor=cast.hr, run=september)
    october = compute(services.pay_run_open(actor=cast.hr, period_key="2026-10"))
    september.refresh_from_db()
    return {"closed": september, "open": october}


# --- runs ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["rep", "manager"])
def test_reps_and_managers_get_403_on_runs(cast, runs, api_as, role):
    client = api_as(cast.by_role()[role])
    run = runs["open"]
    assert client.get(RUNS).status_code == 403
    response = client.get(f"{RUNS}{run.pk}/")
    assert response.status_code == 403
    assert response.json()["detail"] == "Only HR and admins run pay."
    assert client.post(RUNS, {"period_key": "2026-08"}, format="json").status_code == 403
    assert client.post(f"{RUNS}{run.pk}/close/").status_code == 403
    assert not PayRun.objects.filter(period_key="2026-08").exists()
    assert PayRun.objects.get(pk=run.pk).status == PayRunStatus.OPEN


@pytest.mark.parametrize("role", ["hr", "admin"])
def test_hr_and_admin_list_and_read_runs_with_figures(cast, runs, api_as, role):
    client = api_as(cast.by_role()[role])
    body = client.get(RUNS).json()
    assert [row["period_key"] for row in body["results"]] == ["2026-10", "2026-09"]
    october = body["results"][0]
    assert october["status"] == "open" and october["people"] == 5
    assert october["progress_percent"] == 100 and october["policy_version"] == 1
    assert Decimal(october["total"]) == sum(s.total for s in runs["open"].statements.all())
    response = client.get(f"{RUNS}{runs['open'].pk}/")
    assert response.status_code == 200 and response.headers["ETag"]


def test_open_a_run_through_the_api(cast, api_as):
    client = api_as(cast.hr)
    bad = client.post(RUNS, {"period_key": "2026-Q3"}, format="json")
    assert bad.status_code == 400 and "period_key" in bad.json()
    future = client.post(RUNS, {"period_key": "2099-01"}, format="json")
    assert future.status_code == 400 and "period_key" in future.json()
    assert not PayRun.objects.exists()
    response = client.post(RUNS, {"period_key": "2026-10"}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "queued"
    again = client.post(RUNS, {"period_key": "2026-10"}, format="json")
    assert again.status_code == 400 and "period_key" in again.json()


def test_a_closed_run_answers_409_to_recompute_and_close(cast, runs, api_as):
    client = api_as(cast.hr)
    closed = runs["closed"]
    for action in ("recompute", "close"):
        response = client.post(f"{RUNS}{closed.pk}/{action}/")
        assert response.status_code == 409, action
        assert "closed" in response.json()["detail"]
    run = PayRun.objects.get(pk=closed.pk)
    assert (run.status, run.version) == (PayRunStatus.CLOSED, closed.version)


def test_close_with_if_match_and_a_stale_version(cast, runs, api_as):
    client = api_as(cast.hr)
    run = runs["open"]
    stale = client.post(f"{RUNS}{run.pk}/close/", HTTP_IF_MATCH=f'"{run.version + 5}"')
    assert stale.status_code == 412
    assert PayRun.objects.get(pk=run.pk).status == PayRunStatus.OPEN
    response = client.post(f"{RUNS}{run.pk}/close/", HTTP_IF_MATCH=f'"{run.version}"')
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "closed" and response.json()["locked"] is True


def test_recompute_an_open_run(cast, runs, api_as):
    response = api_as(cast.admin).post(f"{RUNS}{runs['open'].pk}/recompute/")
    assert response.status_code == 200
    assert response.json()["status"] == "queued"


def test_correct_a_closed_run(cast, runs, api_as):
    client = api_as(cast.hr)
    closed = runs["closed"]
    no_reason = client.post(f"{RUNS}{closed.pk}/correct/", {"reason": ""}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    on_open = client.post(f"{RUNS}{runs['open'].pk}/correct/", {"reason": "x"}, format="json")
    assert on_open.status_code == 400
    Scorecard.objects.filter(rep=cast.rep_a, period_key="2026-09").update(score=Decimal("90"))
    response = client.post(f"{RUNS}{closed.pk}/correct/", {"reason": "Late payment"}, format="json")
    assert response.status_code == 200, response.json()
    [row] = response.json()
    assert row["person"] == cast.rep_a.pk and Decimal(row["amount"]) == Decimal("250.00")
    assert row["corrected_period_key"] == "2026-09" and row["period_key"] == "2026-10"
    again = client.post(f"{RUNS}{closed.pk}/correct/", {"reason": "Again"}, format="json")
    assert again.status_code == 200 and again.json() == []
    assert PayAdjustment.objects.count() == 1


# --- statements ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "people"),
    [
        ("rep", {"rep_a"}),
        ("manager", {"rep_a", "rep_a2", "manager_a"}),
        ("hr", {"rep_a", "rep_a2", "rep_b", "manager_a", "manager_b"}),
        ("admin", {"rep_a", "rep_a2", "rep_b", "manager_a", "manager_b"}),
    ],
)
def test_statements_are_scoped(cast, runs, api_as, role, people):
    response = api_as(cast.by_role()[role]).get(STATEMENTS, {"month": "2026-10"})
    assert response.status_code == 200
    assert {row["person"] for row in response.json()["results"]} == {
        getattr(cast, name).pk for name in people
    }


def test_statement_fields_and_filters(cast, runs, api_as):
    client = api_as(cast.hr)
    everything = client.get(STATEMENTS).json()
    assert everything["count"] == 10  # both months by default
    [row] = client.get(STATEMENTS, {"month": "2026-09", "person": cast.rep_a.pk}).json()["results"]
    assert row["month"] == "2026-09" and row["run_status"] == "closed"
    assert Decimal(row["performance_pay_standard"]) == Decimal("5000.00")
    assert Decimal(row["quantitative_score"]) == Decimal("80.00")
    assert Decimal(row["base_pay"]) == Decimal("2000")
    assert Decimal(row["performance_bonus"]) == Decimal("2000")
    assert Decimal(row["capability_bonus"]) == Decimal("0")
    assert Decimal(row["satisfaction_bonus"]) == Decimal("0")
    assert Decimal(row["total"]) == Decimal("4000.00")
    assert set(row["missing"]) == {"qualitative", "satisfaction"}
    team_b = client.get(STATEMENTS, {"team": cast.team_b.pk}).json()["results"]
    assert {r["person"] for r in team_b} == {cast.rep_b.pk}
    assert client.get(f"{STATEMENTS}{row['id']}/").status_code == 200


@pytest.mark.parametrize("month", ["2026-13", "October", "2026-Q4", "2026", "%s-%(x)s"])
def test_a_bad_month_is_a_400_naming_month(cast, runs, api_as, month):
    response = api_as(cast.hr).get(STATEMENTS, {"month": month})
    assert response.status_code == 400
    assert "month" in response.json()


def test_an_out_of_scope_statement_is_not_found(cast, runs, api_as):
    other = runs["open"].statements.get(person=cast.rep_b)
    assert api_as(cast.rep_a).get(f"{STATEMENTS}{other.pk}/").status_code == 404
    assert api_as(cast.manager_a).get(f"{STATEMENTS}{other.pk}/").status_code == 404
    assert api_as(cast.rep_b).get(f"{STATEMENTS}{other.pk}/").status_code == 200


def test_statements_are_read_only(cast, runs, api_as):
    other = runs["open"].statements.get(person=cast.rep_b)
    response = api_as(cast.hr).patch(f"{STATEMENTS}{other.pk}/", {"total": "1"}, format="json")
    assert response.status_code == 405


# --- policies --------------------------------------------------------------------------------


POLICY = {
    "effective_from": "2026-12-01",
    "base_share": "30",
    "performance_share": "60",
    "capability_share": "10",
    "score_cap": "120",
    "satisfaction_threshold": "90",
    "satisfaction_bonus_rate": "5",
}


def test_everyone_reads_policies_and_only_hr_and_admin_create(cast, api_as):
    services.ensure_default_policy()
    for user in cast.by_role().values():
        response = api_as(user).get(POLICIES)
        assert response.status_code == 200 and response.json()["count"] == 1
    for user in (cast.rep_a, cast.manager_a):
        assert api_as(user).post(POLICIES, POLICY, format="json").status_code == 403
    bad = api_as(cast.hr).post(POLICIES, {**POLICY, "base_share": "40"}, format="json")
    assert bad.status_code == 400
    assert PayPolicy.objects.count() == 1
    response = api_as(cast.hr).post(POLICIES, POLICY, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["version"] == 2
