"""The scorecard list: sorting (browser and API share ``?ordering=``) and people with no
figures left out unless asked for."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import ScorecardFactory

D = Decimal
pytestmark = pytest.mark.django_db
LIST = reverse("scorecards:scorecard-list")
API = "/api/v1/scorecards/"
EMPTY = {
    "sales": D(0),
    "new_customer_sales": D(0),
    "repeat_sales": D(0),
    "sales_last_year": D(0),
    "receivable_due": D(0),
    "collected": D(0),
}


@pytest.fixture
def cards(cast):
    """Team Alpha's October: three reps with scores 80, none (undefined) and 60, and a
    manager who does not sell."""
    return {
        "rep_a": ScorecardFactory(rep=cast.rep_a, score=D(80), sales=D(500)),
        "rep_a2": ScorecardFactory(rep=cast.rep_a2, score=None, sales=D(900)),
        "rep_b": ScorecardFactory(rep=cast.rep_b, score=D(60), sales=D(100)),
        "manager_a": ScorecardFactory(rep=cast.manager_a, score=None, **EMPTY),
    }


def browser(client_as, cast, **params):
    response = client_as(cast.hr).get(LIST, {"period": "2026-10", **params})
    assert response.status_code == 200
    return [card.rep.username for card in response.context["scorecards"]], response


def api(api_as, cast, **params):
    response = api_as(cast.hr).get(API, {"period": "2026-10", **params})
    assert response.status_code == 200
    people = (cast.rep_a, cast.rep_a2, cast.rep_b, cast.manager_a, cast.manager_b)
    names = {user.pk: user.username for user in people}
    return [names[row["rep"]] for row in response.json()["results"]]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("score", ["rep_b", "rep_a", "rep_a2"]),
        ("-score", ["rep_a", "rep_b", "rep_a2"]),  # undefined last both ways
        ("sales", ["rep_b", "rep_a", "rep_a2"]),
        ("-sales", ["rep_a2", "rep_a", "rep_b"]),
        ("-team", ["rep_b", "rep_a", "rep_a2"]),
    ],
)
def test_browser_and_api_sort_alike(client_as, api_as, cast, cards, ordering, expected):
    assert browser(client_as, cast, ordering=ordering)[0] == expected
    assert api(api_as, cast, ordering=ordering) == expected


def test_rep_column_sorts_by_the_name_shown(client_as, api_as, cast, cards):
    by_name = sorted((cast.rep_a, cast.rep_a2, cast.rep_b), key=str)
    expected = [user.username for user in by_name]
    assert browser(client_as, cast, ordering="rep")[0] == expected
    assert api(api_as, cast, ordering="-rep") == expected[::-1]


@pytest.mark.parametrize(
    "key",
    [
        "sales_achievement_rate",
        "sales_growth_rate",
        "new_customers",
        "retention_rate",
        "collection_rate",
    ],
)
def test_every_kpi_column_sorts_both_ways_with_undefined_last(client_as, cast, key):
    field = "new_customers_weighted" if key == "new_customers" else key
    ScorecardFactory(rep=cast.rep_a, **{field: D(10)})
    ScorecardFactory(rep=cast.rep_a2, **{field: D(20)})
    if key != "new_customers":  # a count is never undefined
        ScorecardFactory(rep=cast.rep_b, **{field: None})
    tail = [] if key == "new_customers" else ["rep_b"]
    assert browser(client_as, cast, ordering=key)[0] == ["rep_a", "rep_a2", *tail]
    assert browser(client_as, cast, ordering=f"-{key}")[0] == ["rep_a2", "rep_a", *tail]


def test_headers_are_sort_links_with_arrow_and_aria_sort(client_as, cast, cards):
    _names, response = browser(client_as, cast, ordering="-score")
    html = response.content.decode()
    assert 'aria-sort="descending"' in html
    assert "▼" in html
    assert "ordering=score" in html  # clicking the sorted column turns it around
    assert "ordering=-score" not in html.split('aria-sort="descending"')[1].split("</th>")[0]
    assert html.count('aria-sort="none"') == 8


def test_unknown_ordering_is_a_400_naming_it_in_the_api(api_as, cast, cards):
    response = api_as(cast.hr).get(API, {"ordering": "password"})
    assert response.status_code == 400
    assert "ordering" in response.json()


def test_people_with_no_figures_are_hidden_until_asked_for(client_as, api_as, cast, cards):
    assert "manager_a" not in browser(client_as, cast)[0]
    assert "manager_a" not in api(api_as, cast)
    assert "manager_a" in browser(client_as, cast, include_empty="on")[0]
    assert "manager_a" in api(api_as, cast, include_empty="true")
    assert api(api_as, cast, rep=cast.manager_a.pk) == ["manager_a"]


def test_a_selling_manager_stays_listed(client_as, cast, cards):
    ScorecardFactory(rep=cast.manager_b, **{**EMPTY, "sales_target": D(1000)})
    assert "manager_b" in browser(client_as, cast)[0]


def test_a_hidden_scorecard_still_opens_by_id(api_as, cast, cards):
    response = api_as(cast.hr).get(f"{API}{cards['manager_a'].pk}/")
    assert response.status_code == 200


def test_list_shows_money_and_rates_formatted_without_the_period_column(client_as, cast):
    ScorecardFactory(
        rep=cast.rep_a, sales=D("1222550.00"), collection_rate=D("85.24"), weight_scheme_version=3
    )
    _names, response = browser(client_as, cast)
    html = response.content.decode()
    assert "¥1,222,550.00" in html
    assert "85.2%" in html
    header = html.split("<thead>")[1].split("</thead>")[0]
    assert "Period" not in header and "Scheme" not in header
    assert 'href="/dashboard/"' in html
