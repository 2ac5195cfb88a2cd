"""REST API: /api/v1/targets/, /targets/bulk/, /weight-schemes/, /period-settings/."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.performance.models import PeriodSetting, Target, WeightScheme
from apps.performance.services import ensure_default_schemes, weight_scheme_create_from_preset
from tests.factories import PeriodSettingFactory, RepFactory, TargetFactory
from tests.performance.conftest import alpha_rows

D = Decimal
pytestmark = pytest.mark.django_db

TARGETS = "/api/v1/targets/"
BULK = "/api/v1/targets/bulk/"
SCHEMES = "/api/v1/weight-schemes/"
SETTINGS = "/api/v1/period-settings/"


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


# -- targets: reading ---------------------------------------------------------------------------


def test_anonymous_gets_nothing(api_client):
    for url in (TARGETS, SCHEMES, SETTINGS):
        assert api_client.get(url).status_code in (401, 403)
    assert api_client.post(BULK, {}, format="json").status_code in (401, 403)


@pytest.mark.parametrize(
    ("who", "visible"),
    [
        ("rep_a", {"rep_a"}),
        ("manager_a", {"rep_a", "rep_a2"}),
        ("hr", {"rep_a", "rep_a2", "rep_b"}),
        ("admin", {"rep_a", "rep_a2", "rep_b"}),
    ],
)
def test_target_list_is_scoped_for_every_role(cast, api_as, who, visible):
    targets = {
        rep.username: TargetFactory(rep=rep) for rep in (cast.rep_a, cast.rep_a2, cast.rep_b)
    }
    response = api_as(getattr(cast, who)).get(TARGETS)
    assert ids(response) == {targets[name].pk for name in visible}


def test_target_fields_and_decimal_strings(cast, api_as):
    target = TargetFactory(rep=cast.rep_a, period_key="2026-10", repeat_sales_target=None)
    row = api_as(cast.rep_a).get(f"{TARGETS}{target.pk}/").json()
    assert row == {
        "id": target.pk,
        "rep": cast.rep_a.pk,
        "period": "2026-10",
        "sales_target": "100000.00",
        "new_customer_sales_target": None,
        "repeat_sales_target": None,
        "new_customers_target": "3.00",
        "collection_rate_target": "95.00",
        "version": 1,  # issue #9: the version besides the ETag
    }


def test_target_out_of_scope_is_404(cast, api_as):
    target = TargetFactory(rep=cast.rep_b)
    assert api_as(cast.rep_a).get(f"{TARGETS}{target.pk}/").status_code == 404
    assert api_as(cast.manager_a).get(f"{TARGETS}{target.pk}/").status_code == 404


def test_target_filters_period_rep_and_team(cast, api_as):
    oct_a = TargetFactory(rep=cast.rep_a, period_key="2026-10")
    q4_a = TargetFactory(rep=cast.rep_a, period_key="2026-Q4")
    q4_b = TargetFactory(rep=cast.rep_b, period_key="2026-Q4")
    api = api_as(cast.hr)
    assert ids(api.get(TARGETS, {"period": "2026-Q4"})) == {q4_a.pk, q4_b.pk}
    assert ids(api.get(TARGETS, {"rep": cast.rep_a.pk})) == {oct_a.pk, q4_a.pk}
    assert ids(api.get(TARGETS, {"team": cast.team_b.pk})) == {q4_b.pk}
    assert ids(api.get(TARGETS, {"period": "2026-10", "team": cast.team_a.pk})) == {oct_a.pk}
    bad = api.get(TARGETS, {"period": "2026-Q7"})
    assert bad.status_code == 400
    assert "not a valid quarter" in str(bad.json())


def test_target_list_query_count_does_not_grow_with_rows(cast, api_as):
    api = api_as(cast.manager_a)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert api.get(TARGETS).status_code == 200
        return len(queries)

    TargetFactory(rep=cast.rep_a, period_key="2026-01")
    few = count()
    for month in range(2, 5):
        for rep in (cast.rep_a, cast.rep_a2, RepFactory(team=cast.team_a)):
            TargetFactory(rep=rep, period_key=f"2026-{month:02d}")
    assert count() == few


# -- targets: writing ---------------------------------------------------------------------------


def test_manager_creates_a_team_members_target(cast, api_as):
    response = api_as(cast.manager_a).post(
        TARGETS,
        {"rep": cast.rep_a.pk, "period": "2026-q4", "sales_target": "90000.00"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["period"] == "2026-Q4"
    target = Target.objects.get()
    assert (target.rep, target.sales_target, target.set_by) == (
        cast.rep_a,
        D("90000"),
        cast.manager_a,
    )


def test_manager_may_not_create_another_teams_target(cast, api_as):
    response = api_as(cast.manager_a).post(
        TARGETS, {"rep": cast.rep_b.pk, "period": "2026-Q4", "sales_target": "1"}, format="json"
    )
    assert response.status_code == 400
    assert "rep" in response.json()
    assert not Target.objects.exists()


def test_creating_a_second_target_for_the_same_period_is_refused(cast, api_as):
    TargetFactory(rep=cast.rep_a, period_key="2026-Q4")
    response = api_as(cast.hr).post(
        TARGETS, {"rep": cast.rep_a.pk, "period": "2026-Q4", "sales_target": "1"}, format="json"
    )
    assert response.status_code == 400
    assert "already has a target for 2026-Q4" in response.json()["period"][0]
    assert Target.objects.get().sales_target == D("100000")


def test_bad_period_and_negative_value_are_400s_naming_the_field(cast, api_as):
    api = api_as(cast.hr)
    response = api.post(
        TARGETS, {"rep": cast.rep_a.pk, "period": "Q4-2026", "sales_target": "-5"}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert "not a period key" in body["period"][0]
    assert body["sales_target"] == ["sales target must not be negative."]
    assert not Target.objects.exists()


def test_manager_patches_a_team_target_and_hr_puts_one(cast, api_as):
    target = TargetFactory(rep=cast.rep_a2, period_key="2026-10")
    url = f"{TARGETS}{target.pk}/"
    response = api_as(cast.manager_a).patch(url, {"sales_target": "123.45"}, format="json")
    assert response.status_code == 200
    assert response.json()["sales_target"] == "123.45"
    assert response.json()["new_customers_target"] == "3.00"
    response = api_as(cast.hr).put(url, {"sales_target": "10"}, format="json")
    assert response.json()["new_customers_target"] is None  # PUT replaces every value


def test_rep_may_read_but_not_write_own_targets(cast, api_as):
    target = TargetFactory(rep=cast.rep_a)
    api = api_as(cast.rep_a)
    assert api.get(f"{TARGETS}{target.pk}/").status_code == 200
    assert (
        api.patch(f"{TARGETS}{target.pk}/", {"sales_target": "1"}, format="json").status_code == 403
    )
    payload = {"rep": cast.rep_a.pk, "period": "2026-11", "sales_target": "1"}
    assert api.post(TARGETS, payload, format="json").status_code == 403
    target.refresh_from_db()
    assert target.sales_target == D("100000")


def test_targets_are_never_deleted_through_the_api(cast, api_as):
    target = TargetFactory(rep=cast.rep_a)
    assert api_as(cast.admin).delete(f"{TARGETS}{target.pk}/").status_code == 405
    assert Target.objects.filter(pk=target.pk).exists()


# -- targets: bulk ------------------------------------------------------------------------------


def bulk_payload(cast, team=None, a="60000", a2="40000", total="100000"):
    return {
        "period": "2026-Q4",
        "team": (team or cast.team_a).pk,
        "team_sales_total": total,
        "targets": alpha_rows(cast, a=a, a2=a2),
    }


def test_manager_saves_the_team_in_bulk(cast, api_as):
    response = api_as(cast.manager_a).post(BULK, bulk_payload(cast), format="json")
    assert response.status_code == 200, response.content
    assert {row["period"] for row in response.json()} == {"2026-Q4"}
    assert Target.objects.count() == 2


def test_bulk_sum_mismatch_is_refused_with_the_difference_and_nothing_saved(cast, api_as):
    response = api_as(cast.manager_a).post(BULK, bulk_payload(cast, a="61000"), format="json")
    assert response.status_code == 400
    assert response.json()["team_sales_total"] == [
        "The reps' sales targets add up to 101000.00, 1000.00 more than the team total 100000.00."
    ]
    assert not Target.objects.exists()


def test_bulk_for_another_team_is_refused(cast, api_as):
    payload = bulk_payload(cast, team=cast.team_b)
    payload["targets"] = [{"rep": cast.rep_b.pk, "sales_target": "100000"}]
    response = api_as(cast.manager_a).post(BULK, payload, format="json")
    assert response.status_code in (400, 403)
    assert not Target.objects.exists()


def test_bulk_by_a_manager_who_is_only_a_member_of_the_team_is_403(cast, api_as):
    cast.manager_a.team = cast.team_b
    cast.manager_a.save()
    payload = bulk_payload(cast, team=cast.team_b)
    payload["targets"] = [{"rep": cast.rep_b.pk, "sales_target": "100000"}]
    response = api_as(cast.manager_a).post(BULK, payload, format="json")
    assert response.status_code == 403
    assert not Target.objects.exists()


def test_rep_bulk_is_403(cast, api_as):
    response = api_as(cast.rep_a).post(BULK, bulk_payload(cast), format="json")
    assert response.status_code == 403
    assert not Target.objects.exists()


def test_hr_bulk_for_any_team(cast, api_as):
    payload = bulk_payload(cast, team=cast.team_b, total="")
    payload.pop("team_sales_total")
    payload["targets"] = [{"rep": cast.rep_b.pk, "sales_target": "5"}]
    response = api_as(cast.hr).post(BULK, payload, format="json")
    assert response.status_code == 200, response.content
    assert Target.objects.get().rep == cast.rep_b


# -- weight schemes -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["rep_a", "manager_a", "hr", "admin"])
def test_everyone_reads_weight_schemes_with_items(cast, api_as, who):
    ensure_default_schemes()
    response = api_as(getattr(cast, who)).get(SCHEMES)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert {row["cycle"] for row in rows} == {"monthly", "quarterly", "annual"}
    monthly = next(row for row in rows if row["cycle"] == "monthly")
    assert {item["kpi"]: item["weight"] for item in monthly["items"]} == {
        "sales_achievement_rate": "40.00",
        "new_customers": "40.00",
        "collection_rate": "20.00",
    }


@pytest.mark.parametrize("who", ["rep_a", "manager_a", "hr", "admin"])
def test_every_role_retrieves_a_scheme_and_a_period_setting(cast, api_as, who):
    (scheme, *_rest) = ensure_default_schemes()
    setting = PeriodSettingFactory()
    api = api_as(getattr(cast, who))
    response = api.get(f"{SCHEMES}{scheme.pk}/")
    assert response.status_code == 200
    assert response.json()["items"]
    assert api.get(f"{SETTINGS}{setting.pk}/").json()["growth_target"] == "15.00"


def test_in_force_on_gives_the_version_in_force_per_cycle(cast, api_as):
    ensure_default_schemes()
    v2 = weight_scheme_create_from_preset(
        actor=cast.hr, cycle="monthly", preset="mature_market", effective_from=dt.date(2026, 10, 1)
    )
    api = api_as(cast.rep_a)
    before = api.get(SCHEMES, {"cycle": "monthly", "in_force_on": "2026-09-30"}).json()["results"]
    at = api.get(SCHEMES, {"cycle": "monthly", "in_force_on": "2026-10-01"}).json()["results"]
    assert [row["version"] for row in before] == [1]
    assert [row["id"] for row in at] == [v2.pk]
    every_cycle = api.get(SCHEMES, {"in_force_on": "2026-10-01"}).json()["results"]
    assert len(every_cycle) == 3


def test_weight_scheme_list_query_count_is_constant(cast, api_as):
    ensure_default_schemes()
    api = api_as(cast.hr)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert api.get(SCHEMES).status_code == 200
        return len(queries)

    few = count()
    for month in range(1, 5):
        weight_scheme_create_from_preset(
            actor=cast.hr,
            cycle="quarterly",
            preset="mature_market",
            effective_from=dt.date(2025, month, 1),
        )
    assert count() == few


def test_hr_creates_a_scheme_version_through_the_api(cast, api_as):
    payload = {
        "cycle": "monthly",
        "effective_from": "2026-01-01",
        "items": [
            {"kpi": "sales_achievement_rate", "weight": "50", "target": "100"},
            {"kpi": "collection_rate", "weight": "50", "target": "95", "cap": "110"},
        ],
    }
    response = api_as(cast.hr).post(SCHEMES, payload, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["version"] == 1
    assert len(response.json()["items"]) == 2


def test_hr_creates_a_scheme_from_a_preset_through_the_api(cast, api_as):
    payload = {"cycle": "annual", "effective_from": "2026-01-01", "preset": "mature_market"}
    response = api_as(cast.admin).post(SCHEMES, payload, format="json")
    assert response.status_code == 201, response.content
    assert len(response.json()["items"]) == 8


def test_api_scheme_weights_not_summing_to_100_are_a_400_naming_the_sum(cast, api_as):
    payload = {
        "cycle": "monthly",
        "effective_from": "2026-01-01",
        "items": [
            {"kpi": "sales_achievement_rate", "weight": "50", "target": "100"},
            {"kpi": "collection_rate", "weight": "49.99", "target": "95"},
        ],
    }
    response = api_as(cast.hr).post(SCHEMES, payload, format="json")
    assert response.status_code == 400
    assert response.json()["weights"] == ["The weights must sum to exactly 100; they sum to 99.99."]
    assert not WeightScheme.objects.exists()


@pytest.mark.parametrize("who", ["rep_a", "manager_a"])
def test_reps_and_managers_may_not_create_schemes_through_the_api(cast, api_as, who):
    payload = {"cycle": "annual", "effective_from": "2026-01-01", "preset": "mature_market"}
    assert api_as(getattr(cast, who)).post(SCHEMES, payload, format="json").status_code == 403
    assert not WeightScheme.objects.exists()


def test_schemes_cannot_be_edited_or_deleted_through_the_api(cast, api_as):
    (scheme, *_rest) = ensure_default_schemes()
    api = api_as(cast.admin)
    url = f"{SCHEMES}{scheme.pk}/"
    assert api.patch(url, {"name": "x"}, format="json").status_code == 405
    assert api.put(url, {"name": "x"}, format="json").status_code == 405
    assert api.delete(url).status_code == 405
    scheme.refresh_from_db()
    assert scheme.name != "x"


# -- period settings ----------------------------------------------------------------------------


def test_hr_creates_and_updates_a_period_setting(cast, api_as):
    api = api_as(cast.hr)
    response = api.post(
        SETTINGS, {"period": "2026-Q4", "industry_growth_rate": "10"}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["period"], body["challenge_margin"], body["growth_target"]) == (
        "2026-Q4",
        "5.00",
        "15.00",
    )
    response = api.patch(f"{SETTINGS}{body['id']}/", {"challenge_margin": "7"}, format="json")
    assert response.json()["growth_target"] == "17.00"
    assert PeriodSetting.objects.count() == 1


@pytest.mark.parametrize("who", ["rep_a", "manager_a"])
def test_period_settings_are_read_only_for_reps_and_managers_in_the_api(cast, api_as, who):
    setting = PeriodSettingFactory()
    api = api_as(getattr(cast, who))
    assert ids(api.get(SETTINGS)) == {setting.pk}
    assert api.get(f"{SETTINGS}{setting.pk}/").status_code == 200
    payload = {"period": "2026-Q3", "industry_growth_rate": "10"}
    assert api.post(SETTINGS, payload, format="json").status_code == 403
    assert (
        api.patch(f"{SETTINGS}{setting.pk}/", {"challenge_margin": "1"}, format="json").status_code
        == 403
    )
    assert PeriodSetting.objects.count() == 1


def test_period_setting_list_filters_by_period_and_query_count_is_constant(cast, api_as):
    api = api_as(cast.hr)
    PeriodSettingFactory(period_key="2026-Q1")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert api.get(SETTINGS).status_code == 200
        return len(queries)

    few = count()
    for key in ("2026-Q2", "2026-Q3", "2026", "2025"):
        PeriodSettingFactory(period_key=key)
    assert count() == few
    assert len(ids(api.get(SETTINGS, {"period": "2026"}))) == 1
