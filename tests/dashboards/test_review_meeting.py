"""The quarterly review-meeting view (SPEC §2.7): each KPI of the quarter's weight scheme side by
side with the team's distribution, flagged when it no longer separates people; scoping per
role, the flag at its boundary, a fixed number of queries, both languages."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.dashboards.views import SEPARATION_MIN_SPREAD, separation_flag, spread_summary
from apps.performance.choices import Cycle
from apps.performance.periods import parse_period
from tests.factories import RepFactory, ScorecardFactory
from tests.factories.performance import WeightSchemeFactory

pytestmark = pytest.mark.django_db

URL = reverse("dashboards:review-meeting")
QUARTER = "2026-Q3"


@pytest.fixture
def scheme():
    return WeightSchemeFactory(
        name="Quarterly honest scheme",
        cycle=Cycle.QUARTERLY,
        items=[
            ("sales_achievement_rate", "60", "100"),
            ("customer_satisfaction", "40", "90"),
        ],
    )


def quarter_card(rep, scheme, *, sales_score, satisfaction_score, key=QUARTER):
    period = parse_period(key, business_range=False)
    return ScorecardFactory(
        rep=rep,
        period_key=key,
        period_kind="quarter",
        period_start=period.start,
        period_end=period.end,
        weight_scheme=scheme,
        weight_scheme_version=scheme.version,
        kpi_scores={
            "sales_achievement_rate": {
                "value": str(sales_score),
                "target": "100",
                "score": str(sales_score),
                "weight": "60",
            },
            "customer_satisfaction": {
                "value": str(satisfaction_score * Decimal("0.9")),
                "target": "90",
                "score": str(satisfaction_score),
                "weight": "40",
            },
        },
    )


@pytest.fixture
def cards(cast, scheme):
    return [
        quarter_card(cast.rep_a, scheme, sales_score=Decimal("70"), satisfaction_score=120),
        quarter_card(cast.rep_a2, scheme, sales_score=Decimal("95"), satisfaction_score=120),
        quarter_card(cast.rep_b, scheme, sales_score=Decimal("33.33"), satisfaction_score=50),
    ]


def page(client_as, user, **params):
    return client_as(user).get(URL, {"quarter": QUARTER, **params})


# --- The flag rule ----------------------------------------------------------------------------


def test_a_score_spread_just_under_the_minimum_is_flagged_as_narrow():
    below = SEPARATION_MIN_SPREAD - Decimal("0.01")
    assert separation_flag([Decimal("80"), Decimal("80") + below], 120) == "narrow"


def test_a_score_spread_at_the_minimum_still_separates_people():
    assert separation_flag([Decimal("80"), Decimal("80") + SEPARATION_MIN_SPREAD], 120) == ""


def test_everyone_at_the_cap_is_flagged_as_at_cap():
    assert separation_flag(["120", "120.00", "120"], Decimal("120")) == "at_cap"
    assert separation_flag(["120", "119.99"], Decimal("120")) == "narrow"


def test_fewer_than_two_scored_people_are_not_flagged():
    assert separation_flag(["80", None], 120) == ""
    assert separation_flag([], 120) == ""


def test_spread_summary_gives_min_median_max_and_spread_ignoring_missing():
    summary = spread_summary(["70", None, "95", "80"])
    assert summary == {
        "count": 3,
        "min": Decimal("70"),
        "median": Decimal("80.00"),
        "max": Decimal("95"),
        "spread": Decimal("25"),
    }
    assert spread_summary([None])["median"] is None


# --- Scoping ----------------------------------------------------------------------------------


def test_a_rep_is_refused(client_as, cast, cards):
    assert page(client_as, cast.rep_a).status_code == 403


def test_signed_out_people_are_sent_to_sign_in(client, cards):
    response = client.get(URL)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_manager_sees_their_team_only(client_as, cast, cards):
    response = page(client_as, cast.manager_a)
    assert response.status_code == 200
    assert response.context["team"] == cast.team_a
    assert {card.rep for card in response.context["cards"]} == {cast.rep_a, cast.rep_a2}
    assert page(client_as, cast.manager_a, team=cast.team_b.pk).status_code == 404


@pytest.mark.parametrize("role", ["hr", "admin"])
def test_hr_and_admin_may_open_any_team(client_as, cast, cards, role):
    response = page(client_as, getattr(cast, role), team=cast.team_b.pk)
    assert response.status_code == 200
    assert [card.rep for card in response.context["cards"]] == [cast.rep_b]


# --- What the page shows ----------------------------------------------------------------------


def test_the_page_shows_each_kpi_of_the_scheme_with_its_distribution_and_flag(
    client_as, cast, cards, scheme
):
    response = page(client_as, cast.manager_a)
    columns = {column["kpi"]: column for column in response.context["kpis"]}
    assert list(columns) == ["sales_achievement_rate", "customer_satisfaction"]
    sales = columns["sales_achievement_rate"]
    assert sales["flag"] == ""
    assert sales["scores"] == {"min": "70.0", "median": "82.5", "max": "95.0", "spread": "25.0"}
    assert columns["customer_satisfaction"]["flag"] == "at_cap"
    body = response.content.decode()
    assert "Quarterly honest scheme" in body
    assert "No: everyone is at the cap" in body
    assert reverse("performance:scheme-list") in body
    assert response.context["scheme"] == scheme


def scheme_rows(body):
    """The cell texts of each row of the weight scheme table (``_scheme_items.html``)."""
    table = body[body.index('<table class="list scheme-items">') :]
    table = table[: table.index("</table>")]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td.*?</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)
        if "<td" in row
    ]


def test_the_scheme_in_force_shows_each_target_in_its_kpis_unit(client_as, cast, cards):
    body = page(client_as, cast.manager_a).content.decode()
    assert scheme_rows(body) == [
        ["Sales achievement rate", "60.0", "100.0%", "120.0%"],
        ["Customer satisfaction", "40.0", "90.0", "120.0%"],
    ]


def test_a_narrow_kpi_is_flagged_on_the_page(client_as, cast, scheme):
    quarter_card(cast.rep_a, scheme, sales_score=Decimal("80"), satisfaction_score=60)
    quarter_card(cast.rep_a2, scheme, sales_score=Decimal("89.99"), satisfaction_score=100)
    response = page(client_as, cast.manager_a)
    columns = {column["kpi"]: column for column in response.context["kpis"]}
    assert columns["sales_achievement_rate"]["flag"] == "narrow"
    assert columns["customer_satisfaction"]["flag"] == ""
    assert "No: scores too close together" in response.content.decode()


def test_a_quarter_without_scorecards_shows_the_scheme_in_force_and_an_empty_state(
    client_as, cast, scheme
):
    response = page(client_as, cast.hr, team=cast.team_a.pk)
    assert response.status_code == 200
    assert response.context["scheme"] == scheme
    assert "No quarter scorecards for 2026-Q3" in response.content.decode()


def test_a_month_instead_of_a_quarter_is_reported_and_the_last_quarter_shown(
    client_as, cast, cards
):
    response = client_as(cast.manager_a).get(URL, {"quarter": "2026-07"})
    assert response.status_code == 200
    assert response.context["quarter"].kind == "quarter"
    assert "Choose a quarter" in response.content.decode()


def test_the_team_dashboard_links_to_the_review_meeting(client_as, cast):
    body = client_as(cast.manager_a).get(reverse("dashboards:team")).content.decode()
    assert f"{URL}?team={cast.team_a.pk}" in body


def test_the_number_of_queries_does_not_grow_with_the_team(client_as, cast, scheme):
    client = client_as(cast.manager_a)

    def count_with(people):
        for index in range(people):
            rep = RepFactory(team=cast.team_a)
            quarter_card(rep, scheme, sales_score=Decimal(60 + index), satisfaction_score=90)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, {"quarter": QUARTER}).status_code == 200
        return len(captured)

    assert count_with(2) == count_with(8)


# --- Both languages ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["manager_a", "hr", "admin"])
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_page_renders_in_both_languages(client_as, cast, cards, role, language):
    response = client_as(getattr(cast, role)).get(
        URL, {"quarter": QUARTER}, HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    assert f'lang="{language}"' in response.content.decode()
