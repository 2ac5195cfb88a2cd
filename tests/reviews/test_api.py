"""Reviews API: scoping for every role, the steps as actions, 409 on a locked review, 412 on a
stale version, HR-only cycle writes."""

import datetime
from decimal import Decimal as D

import pytest

from apps.performance.choices import Kpi
from apps.reviews.choices import ReviewStatus
from apps.reviews.models import Review, ReviewCycle
from tests.factories import (
    AnnualSchemeFactory,
    QuarterReviewFactory,
    ReviewCycleFactory,
)

pytestmark = pytest.mark.django_db

KPIS = (
    Kpi.SALES_GROWTH_RATE,
    Kpi.RETENTION_RATE,
    Kpi.CUSTOMER_SATISFACTION,
    Kpi.TEAM_COLLABORATION,
)


def scores(value):
    return [{"kpi": kpi, "score": str(value), "comment": "fine"} for kpi in KPIS]


@pytest.fixture
def reviews(cast):
    cycle = ReviewCycleFactory()
    return {
        person.username: QuarterReviewFactory(cycle=cycle, person=person, manager=manager)
        for person, manager in [
            (cast.rep_a, cast.manager_a),
            (cast.rep_a2, cast.manager_a),
            (cast.rep_b, cast.manager_b),
        ]
    }


def url(review=None, step=None):
    if review is None:
        return "/api/v1/reviews/"
    return f"/api/v1/reviews/{review.pk}/" + (f"{step}/" if step else "")


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("rep", {"rep_a"}),
        ("manager", {"rep_a", "rep_a2"}),
        ("hr", {"rep_a", "rep_a2", "rep_b"}),
        ("admin", {"rep_a", "rep_a2", "rep_b"}),
    ],
)
def test_the_review_list_is_scoped_for_every_role(cast, api_as, reviews, role, expected):
    response = api_as(cast.by_role()[role]).get(url(), {"page_size": 100})
    assert response.status_code == 200
    names = {Review.objects.get(pk=row["id"]).person.username for row in response.json()["results"]}
    assert names == expected


def test_a_rep_cannot_see_another_reps_review(cast, api_as, reviews):
    client = api_as(cast.rep_a)
    assert client.get(url(reviews["rep_a2"])).status_code == 404
    assert client.get(url(reviews["rep_b"])).status_code == 404
    assert client.post(url(reviews["rep_b"], "save-self"), {}, format="json").status_code == 404
    own = client.get(url(reviews["rep_a"]))
    assert own.status_code == 200
    assert own["ETag"] == '"1"'
    assert len(own.json()["indicators"]) == 4


def test_a_manager_cannot_see_another_teams_review(cast, api_as, reviews):
    assert api_as(cast.manager_a).get(url(reviews["rep_b"])).status_code == 404


def test_the_rep_saves_and_submits_their_self_part(cast, api_as, reviews):
    review = reviews["rep_a"]
    client = api_as(cast.rep_a)
    response = client.post(
        url(review, "save-self"),
        {"summary": "5 % short", "scores": scores(80)},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 200, response.json()
    assert response["ETag"] == '"2"'
    response = client.post(url(review, "submit-self"), HTTP_IF_MATCH='"2"')
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["self_part"]) == (ReviewStatus.SELF_SUBMITTED, "80.00")


def test_a_score_out_of_range_is_a_400_naming_the_field_and_nothing_is_saved(cast, api_as, reviews):
    review = reviews["rep_a"]
    response = api_as(cast.rep_a).post(
        url(review, "save-self"),
        {"summary": "x", "scores": [{"kpi": Kpi.RETENTION_RATE, "score": "101"}]},
        format="json",
    )
    assert response.status_code == 400
    assert "scores" in response.json()
    assert Review.objects.get(pk=review.pk).version == 1


def test_a_rep_cannot_do_the_manager_part(cast, api_as, reviews):
    review = reviews["rep_a"]
    response = api_as(cast.rep_a).post(
        url(review, "save-manager"), {"summary": "me", "scores": scores(100)}, format="json"
    )
    assert response.status_code == 403
    assert (
        Review.objects.get(pk=review.pk).indicators.filter(manager_score__isnull=False).count() == 0
    )


def test_a_stale_if_match_is_a_412_and_nothing_is_written(cast, api_as, reviews):
    review = reviews["rep_a"]
    client = api_as(cast.rep_a)
    client.post(url(review, "save-self"), {"summary": "first"}, format="json", HTTP_IF_MATCH='"1"')
    response = client.post(
        url(review, "save-self"), {"summary": "second"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 412
    assert response.json()["current"]["self_summary"] == "first"
    assert Review.objects.get(pk=review.pk).self_summary == "first"


def finalise_through_the_api(cast, api_as, review):
    api_as(cast.rep_a).post(url(review, "save-self"), {"scores": scores(80)}, format="json")
    api_as(cast.rep_a).post(url(review, "submit-self"))
    api_as(cast.manager_a).post(url(review, "save-manager"), {"scores": scores(70)}, format="json")
    api_as(cast.manager_a).post(url(review, "submit-manager"))
    hr = api_as(cast.hr)
    missing = hr.post(url(review, "finalise"))
    assert missing.status_code == 400
    assert "customer part is missing" in missing.json()["part"][0]
    waived = hr.post(
        url(review, "waive"), {"part": "customer", "reason": "No answers"}, format="json"
    )
    assert waived.status_code == 200, waived.json()
    assert waived.json()["effective_weights"] == {"self": "37.50", "manager": "62.50"}
    response = hr.post(url(review, "finalise"))
    assert response.status_code == 200, response.json()
    return response.json()


def test_finalised_reviews_are_locked_409_until_hr_reopens_with_a_reason(cast, api_as, reviews):
    review = reviews["rep_a"]
    body = finalise_through_the_api(cast, api_as, review)
    assert body["locked"] is True
    assert body["score"] == "73.75"
    response = api_as(cast.manager_a).post(
        url(review, "save-manager"), {"summary": "late change"}, format="json"
    )
    assert response.status_code == 409
    assert "locked" in response.json()["detail"]
    hr = api_as(cast.hr)
    assert hr.post(url(review, "reopen"), {"reason": ""}, format="json").status_code == 400
    response = hr.post(url(review, "reopen"), {"reason": "Typo in a score"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == ReviewStatus.REOPENED
    response = api_as(cast.manager_a).post(
        url(review, "save-manager"), {"summary": "corrected"}, format="json"
    )
    assert response.status_code == 200


def test_only_hr_and_admins_open_cycles(cast, api_as):
    body = {"name": "Q3", "kind": "quarter", "period_key": "2026-Q3", "seed": "x"}
    for user in (cast.rep_a, cast.manager_a):
        assert api_as(user).post("/api/v1/review-cycles/", body, format="json").status_code == 403
    assert not ReviewCycle.objects.exists()
    response = api_as(cast.hr).post("/api/v1/review-cycles/", body, format="json")
    assert response.status_code == 201, response.json()
    cycle = ReviewCycle.objects.get()
    assert cycle.reviews.count() == 3
    assert response.json()["self_weight"] == "30.00"


def test_opening_a_cycle_with_bad_weights_names_the_field(cast, api_as):
    body = {
        "name": "Q3",
        "kind": "quarter",
        "period_key": "2026-Q3",
        "self_weight": "40",
    }
    response = api_as(cast.hr).post("/api/v1/review-cycles/", body, format="json")
    assert response.status_code == 400
    assert "self_weight" in response.json()
    assert not ReviewCycle.objects.exists()


def test_cycle_weights_and_deadlines_change_by_patch_and_close(cast, api_as):
    cycle = ReviewCycleFactory()
    hr = api_as(cast.hr)
    response = hr.patch(
        f"/api/v1/review-cycles/{cycle.pk}/",
        {"self_weight": "20", "manager_weight": "60", "self_due": "2026-10-10"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 200, response.json()
    cycle.refresh_from_db()
    assert (cycle.self_weight, cycle.self_due) == (D("20"), datetime.date(2026, 10, 10))
    assert hr.post(f"/api/v1/review-cycles/{cycle.pk}/close/").json()["status"] == "closed"


def test_everyone_reads_cycles_and_annual_schemes_but_only_hr_writes_schemes(cast, api_as):
    ReviewCycleFactory()
    AnnualSchemeFactory()
    for user in cast.by_role().values():
        client = api_as(user)
        assert client.get("/api/v1/review-cycles/").json()["count"] == 1
        assert client.get("/api/v1/annual-schemes/").json()["count"] == 1
    body = {
        "name": "2027",
        "effective_from": "2027-01-01",
        "quarterly_weight": "50",
        "growth_weight": "30",
        "capability_weight": "20",
    }
    assert (
        api_as(cast.manager_a).post("/api/v1/annual-schemes/", body, format="json").status_code
        == 403
    )
    response = api_as(cast.hr).post("/api/v1/annual-schemes/", body, format="json")
    assert response.status_code == 201, response.json()
    bad = dict(body, growth_weight="40")
    response = api_as(cast.hr).post("/api/v1/annual-schemes/", bad, format="json")
    assert response.status_code == 400
    assert "quarterly_weight" in response.json()
