"""Browser pages: targets, team target screen, weight schemes, period settings, PDCA notes."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.performance.models import PdcaNote, PeriodSetting, Target, WeightScheme
from apps.performance.services import ensure_default_schemes
from tests.factories import PdcaNoteFactory, RepFactory, TargetFactory
from tests.factories.performance import WeightSchemeFactory
from tests.performance.conftest import alpha_rows

D = Decimal
pytestmark = pytest.mark.django_db

TARGETS = reverse("performance:target-list")
TEAM = reverse("performance:target-team-edit")
SCHEMES = reverse("performance:scheme-list")
SCHEME_NEW = reverse("performance:scheme-create")
SETTINGS = reverse("performance:period-settings")
PDCA = reverse("performance:pdca-list")
PDCA_EDIT = reverse("performance:pdca-edit")


def team_post(cast, team, rows, period="2026-Q4", total="", **extra):
    data = {
        "team": team.pk,
        "period": period,
        "team_sales_total": total,
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": str(len(rows)),
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"form-{index}-{key}"] = value
    data.update(extra)
    return data


# -- target list and detail ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("rep_a", {"rep_a"}),
        ("manager_a", {"rep_a", "rep_a2"}),
        ("hr", {"rep_a", "rep_a2", "rep_b"}),
        ("admin", {"rep_a", "rep_a2", "rep_b"}),
    ],
)
def test_target_list_shows_each_role_its_scope(cast, client_as, who, expected):
    for rep in (cast.rep_a, cast.rep_a2, cast.rep_b):
        TargetFactory(rep=rep)
    response = client_as(getattr(cast, who)).get(TARGETS)
    assert response.status_code == 200
    assert {t.rep.username for t in response.context["targets"]} == expected


def test_anonymous_is_sent_to_sign_in(client):
    for url in (TARGETS, TEAM, SCHEMES, SETTINGS, PDCA, PDCA_EDIT, SCHEME_NEW):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_target_list_filters_by_period_and_shows_a_bad_key_as_a_form_error(cast, client_as):
    TargetFactory(rep=cast.rep_a, period_key="2026-10")
    TargetFactory(rep=cast.rep_a, period_key="2026-Q4")
    client = client_as(cast.manager_a)
    response = client.get(TARGETS, {"period": "2026-q4"})
    assert [t.period_key for t in response.context["targets"]] == ["2026-Q4"]
    response = client.get(TARGETS, {"period": "2026-13"})
    assert response.status_code == 200
    assert "not a valid month" in response.content.decode()


def test_target_list_query_count_does_not_grow_with_rows(cast, client_as):
    client = client_as(cast.manager_a)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(TARGETS).status_code == 200
        return len(queries)

    TargetFactory(rep=cast.rep_a, period_key="2026-01")
    few = count()
    for month in range(2, 8):
        TargetFactory(rep=cast.rep_a, period_key=f"2026-{month:02d}")
        TargetFactory(rep=cast.rep_a2, period_key=f"2026-{month:02d}")
    assert count() == few


def test_target_detail_is_404_outside_scope_and_shows_history(cast, client_as):
    target = TargetFactory(rep=cast.rep_b)
    assert client_as(cast.rep_a).get(target_url(target)).status_code == 404
    assert client_as(cast.manager_a).get(target_url(target)).status_code == 404
    assert client_as(cast.manager_b).get(target_url(target)).status_code == 200
    assert client_as(cast.rep_b).get(target_url(target)).status_code == 200


def target_url(target):
    return reverse("performance:target-detail", args=[target.pk])


# -- team target screen ---------------------------------------------------------------------------


def test_rep_may_not_open_or_post_the_team_target_screen(cast, client_as):
    client = client_as(cast.rep_a)
    assert client.get(TEAM).status_code == 403
    assert client.post(TEAM, team_post(cast, cast.team_a, alpha_rows(cast))).status_code == 403
    assert not Target.objects.exists()


def test_manager_sees_own_team_reps_with_existing_targets(cast, client_as):
    TargetFactory(rep=cast.rep_a, period_key="2026-Q4", sales_target=D("70000"))
    response = client_as(cast.manager_a).get(TEAM, {"team": cast.team_a.pk, "period": "2026-Q4"})
    assert response.status_code == 200
    reps = [rep for _form, rep in response.context["rows"]]
    assert set(reps) == {cast.rep_a, cast.rep_a2}
    assert response.context["total_form"].initial["team_sales_total"] == D("70000")
    assert list(response.context["chooser"].fields["team"].queryset) == [cast.team_a]


def test_manager_may_not_open_or_post_another_teams_targets(cast, client_as):
    client = client_as(cast.manager_a)
    response = client.get(TEAM, {"team": cast.team_b.pk, "period": "2026-Q4"})
    assert response.context["formset"] is None
    assert "Select a valid choice" in response.content.decode()
    rows = [{"rep": cast.rep_b.pk, "sales_target": "1"}]
    response = client.post(TEAM, team_post(cast, cast.team_b, rows))
    assert "Select a valid choice" in response.content.decode()
    assert not Target.objects.exists()


def test_manager_saves_team_targets_in_one_screen(cast, client_as):
    response = client_as(cast.manager_a).post(
        TEAM, team_post(cast, cast.team_a, alpha_rows(cast), total="100000")
    )
    assert response.status_code == 302
    assert response["Location"] == f"{TARGETS}?period=2026-Q4&team={cast.team_a.pk}"
    saved = {t.rep: t.sales_target for t in Target.objects.filter(period_key="2026-Q4")}
    assert saved == {cast.rep_a: D("60000"), cast.rep_a2: D("40000")}


def test_rows_not_matching_the_team_total_say_by_how_much_and_save_nothing(cast, client_as):
    response = client_as(cast.manager_a).post(
        TEAM, team_post(cast, cast.team_a, alpha_rows(cast, a2="30000"), total="100000")
    )
    assert response.status_code == 200
    errors = response.context["total_form"].errors["team_sales_total"]
    assert errors == [
        "The reps' sales targets add up to 90000.00, 10000.00 less than the team total 100000.00."
    ]
    assert not Target.objects.exists()


def test_split_evenly_fills_the_rows_without_saving(cast, client_as):
    response = client_as(cast.manager_a).post(
        TEAM,
        team_post(cast, cast.team_a, alpha_rows(cast, a="", a2=""), total="100000.01", split="1"),
    )
    assert response.status_code == 200
    shares = [form["sales_target"].value() for form, _rep in response.context["rows"]]
    assert shares == ["50000.01", "50000.00"]
    assert not Target.objects.exists()


def test_a_bad_row_shows_the_service_message_and_saves_nothing(cast, client_as):
    rows = alpha_rows(cast)
    rows[0]["new_customer_sales_target"] = "10"
    rows[0]["repeat_sales_target"] = "10"
    response = client_as(cast.hr).post(TEAM, team_post(cast, cast.team_a, rows))
    assert response.status_code == 200
    assert "must add up to the sales target" in " ".join(response.context["service_errors"])
    assert not Target.objects.exists()


def test_hr_chooses_any_team(cast, client_as):
    rows = [{"rep": cast.rep_b.pk, "sales_target": "5000"}]
    response = client_as(cast.hr).post(TEAM, team_post(cast, cast.team_b, rows, period="2026-10"))
    assert response.status_code == 302
    assert Target.objects.get().rep == cast.rep_b


# -- weight schemes -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["rep_a", "manager_a", "hr", "admin"])
def test_everyone_reads_the_schemes(cast, client_as, who):
    ensure_default_schemes()
    client = client_as(getattr(cast, who))
    response = client.get(SCHEMES)
    assert response.status_code == 200
    assert len(response.context["schemes"]) == 3
    scheme = WeightScheme.objects.get(cycle="monthly")
    detail = client.get(reverse("performance:scheme-detail", args=[scheme.pk]))
    assert detail.status_code == 200
    assert detail.context["in_force"] is True


def test_scheme_detail_shows_each_kpi_with_its_weight_bar_target_and_cap(cast, client_as):
    scheme = WeightSchemeFactory(
        items=[
            ("sales_achievement_rate", "50", "100"),
            ("new_customers", "30", "3"),
            ("collection_rate", "20", "95"),
        ]
    )
    body = client_as(cast.rep_a).get(reverse("performance:scheme-detail", args=[scheme.pk]))
    body = body.content.decode()
    table = body[body.index('<table class="list scheme-items">') :]
    table = table[: table.index("</table>")]
    rows = [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td.*?</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)
        if "<td" in row
    ]
    # Each target reads in its KPI's unit: rates in percent, the weighted count with 2 decimals.
    assert rows == [
        ["Sales achievement rate", "50.0", "100.0%", "120.0%"],
        ["New customers (grade-weighted)", "30.0", "3.00", "120.0%"],
        ["Collection rate", "20.0", "95.0%", "120.0%"],
    ]
    assert re.findall(r'<meter class="weight-bar"[^>]* value="([^"]+)"', table) == [
        "50.00",
        "30.00",
        "20.00",
    ]


def test_the_scheme_list_shows_each_target_in_its_kpis_unit(cast, client_as):
    WeightSchemeFactory(
        cycle="quarterly",
        effective_from=dt.date(2020, 1, 1),
        items=[
            ("sales_growth_rate", "40", "15"),
            ("retention_rate", "30", "80"),
            ("customer_satisfaction", "20", "90"),
            ("team_collaboration", "10", "85"),
        ],
    )
    body = client_as(cast.rep_a).get(SCHEMES).content.decode()
    table = body[body.index('<table class="list scheme-items">') :]
    table = table[: table.index("</table>")]
    targets = [
        re.sub(r"<[^>]+>", "", row[2]).strip()
        for row in (
            re.findall(r"<td.*?</td>", row, re.S)
            for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)
        )
        if row
    ]
    assert targets == ["15.0%", "80.0%", "90.0", "85.0"]


@pytest.mark.parametrize("who", ["rep_a", "manager_a"])
def test_reps_and_managers_may_not_create_schemes(cast, client_as, who):
    client = client_as(getattr(cast, who))
    assert client.get(SCHEME_NEW).status_code == 403
    assert client.post(SCHEME_NEW, scheme_post()).status_code == 403
    assert not WeightScheme.objects.exists()


def scheme_post(sales="40", new="40", collection="20", effective="2026-07-01", **extra):
    data = {
        "cycle": "monthly",
        "name": "Half-year review",
        "effective_from": effective,
        "notes": "",
        "preset": "",
        "weight_sales_achievement_rate": sales,
        "target_sales_achievement_rate": "100",
        "cap_sales_achievement_rate": "120",
        "weight_new_customers": new,
        "target_new_customers": "3",
        "cap_new_customers": "120",
        "weight_collection_rate": collection,
        "target_collection_rate": "95",
        "cap_collection_rate": "120",
    }
    data.update(extra)
    return data


def test_new_version_form_is_prefilled_from_the_version_in_force(cast, client_as):
    ensure_default_schemes()
    response = client_as(cast.hr).get(SCHEME_NEW, {"cycle": "monthly"})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["weight_new_customers"] == D("40")
    assert response.context["source"].version == 1


def test_new_version_form_is_prefilled_from_a_preset(cast, client_as):
    response = client_as(cast.admin).get(
        SCHEME_NEW, {"cycle": "quarterly", "preset": "mature_market"}
    )
    form = response.context["form"]
    assert form.initial["weight_retention_rate"] == D("40")
    assert form.initial["preset"] == "mature_market"


def test_hr_creates_a_new_version_in_the_browser(cast, client_as):
    ensure_default_schemes()
    response = client_as(cast.hr).post(SCHEME_NEW, scheme_post(new="20", collection="40"))
    scheme = WeightScheme.objects.get(cycle="monthly", version=2)
    assert response.status_code == 302
    assert response["Location"] == reverse("performance:scheme-detail", args=[scheme.pk])
    assert scheme.effective_from == dt.date(2026, 7, 1)
    assert {i.kpi: i.weight for i in scheme.items.all()}["collection_rate"] == D("40")


def test_weights_not_summing_to_100_are_shown_with_the_sum_and_nothing_saved(cast, client_as):
    response = client_as(cast.hr).post(SCHEME_NEW, scheme_post(collection="19.99"))
    assert response.status_code == 200
    assert "they sum to 99.99" in response.content.decode()
    assert not WeightScheme.objects.exists()


def test_a_kpi_left_blank_is_left_out(cast, client_as):
    response = client_as(cast.hr).post(SCHEME_NEW, scheme_post(sales="60", new="", collection="40"))
    assert response.status_code == 302
    assert sorted(WeightScheme.objects.get().items.values_list("kpi", flat=True)) == [
        "collection_rate",
        "sales_achievement_rate",
    ]


def test_unknown_cycle_is_404(cast, client_as):
    assert client_as(cast.hr).get(SCHEME_NEW, {"cycle": "weekly"}).status_code == 404


# -- period settings ----------------------------------------------------------------------------


def test_hr_sets_industry_growth_in_the_browser(cast, client_as):
    response = client_as(cast.hr).post(
        SETTINGS, {"period": "2026-q4", "industry_growth_rate": "10", "challenge_margin": "5"}
    )
    assert response.status_code == 302
    assert PeriodSetting.objects.get().growth_target == D("15")


@pytest.mark.parametrize("who", ["rep_a", "manager_a"])
def test_period_settings_are_read_only_for_reps_and_managers(cast, client_as, who):
    client = client_as(getattr(cast, who))
    response = client.get(SETTINGS)
    assert response.status_code == 200
    assert "form" not in response.context
    payload = {"period": "2026-Q4", "industry_growth_rate": "10", "challenge_margin": "5"}
    assert client.post(SETTINGS, payload).status_code == 403
    assert not PeriodSetting.objects.exists()


def test_period_setting_bad_period_is_a_form_error(cast, client_as):
    response = client_as(cast.admin).post(
        SETTINGS, {"period": "Q4", "industry_growth_rate": "10", "challenge_margin": "5"}
    )
    assert response.status_code == 400
    assert "not a period key" in response.content.decode()
    assert not PeriodSetting.objects.exists()


# -- PDCA -----------------------------------------------------------------------------------------


def test_rep_writes_and_edits_own_pdca_notes(cast, client_as):
    client = client_as(cast.rep_a)
    assert client.get(PDCA_EDIT, {"period": "2026-Q4"}).status_code == 200
    payload = {
        "period": "2026-Q4",
        "plan": "Ten A-lead visits",
        "do": "",
        "check_notes": "",
        "act": "",
    }
    response = client.post(PDCA_EDIT, payload)
    assert response.status_code == 302
    payload["act"] = "Book earlier"
    client.post(PDCA_EDIT, payload)
    note = PdcaNote.objects.get()
    assert (note.rep, note.act) == (cast.rep_a, "Book earlier")
    form = client.get(PDCA_EDIT, {"period": "2026-Q4"}).context["form"]
    assert form.initial["plan"] == "Ten A-lead visits"


@pytest.mark.parametrize("who", ["manager_a", "hr", "admin"])
def test_only_reps_edit_pdca_notes(cast, client_as, who):
    client = client_as(getattr(cast, who))
    assert client.get(PDCA_EDIT).status_code == 403
    assert client.post(PDCA_EDIT, {"period": "2026-Q4", "plan": "x"}).status_code == 403


def test_pdca_notes_need_a_quarter_in_the_browser(cast, client_as):
    response = client_as(cast.rep_a).post(PDCA_EDIT, {"period": "2026-10", "plan": "x"})
    assert response.status_code == 400
    assert "a quarter is needed here" in response.content.decode()
    assert not PdcaNote.objects.exists()


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("rep_a", {"rep_a"}),
        ("manager_a", {"rep_a", "rep_a2"}),
        ("manager_b", {"rep_b"}),
        ("hr", {"rep_a", "rep_a2", "rep_b"}),
    ],
)
def test_pdca_list_is_scoped(cast, client_as, who, expected):
    for rep in (cast.rep_a, cast.rep_a2, cast.rep_b):
        PdcaNoteFactory(rep=rep)
    response = client_as(getattr(cast, who)).get(PDCA)
    assert {n.rep.username for n in response.context["notes"]} == expected


def test_pages_render_in_chinese(cast, client_as, settings):
    ensure_default_schemes()
    TargetFactory(rep=RepFactory(team=cast.team_a))
    client = client_as(cast.hr)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    for url in (TARGETS, TEAM, SCHEMES, SETTINGS, PDCA, SCHEME_NEW):
        assert client.get(url).status_code == 200
