"""Ids and numbers in list filters: a value no database column holds is a 400 naming the
filter, never a server error (an id past the bigint range used to crash SQLite)."""

import pytest

pytestmark = pytest.mark.django_db

HUGE = "-633626025626868439022510800896"


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/payments/?order=", "order"),
        ("/api/v1/payments/?receivable=", "receivable"),
        ("/api/v1/receivables/?order=", "order"),
        ("/api/v1/deliveries/?order=", "order"),
        ("/api/v1/delivery-questions/?delivery=", "delivery"),
    ],
)
@pytest.mark.parametrize("value", [HUGE, str(2**63), "0", "1.5"])
def test_an_id_filter_outside_the_id_range_is_a_400_naming_it(cast, api_as, url, field, value):
    response = api_as(cast.rep_a).get(url + value)
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_an_id_filter_in_range_filters(cast, api_as):
    response = api_as(cast.rep_a).get("/api/v1/payments/?order=1")
    assert response.status_code == 200
    assert response.json()["results"] == []


@pytest.mark.parametrize(("query", "field"), [("year=" + HUGE, "year"), ("quarter=5", "quarter")])
def test_health_report_year_and_quarter_filters_refuse_impossible_values(
    cast, api_as, query, field
):
    response = api_as(cast.rep_a).get("/api/v1/health-reports/?" + query)
    assert response.status_code == 400, response.content
    assert field in response.json()
