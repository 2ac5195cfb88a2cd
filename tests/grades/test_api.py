"""Grades API: scoped like the list page; HR's propose, calibrate (If-Match), finalise,
reopen; a locked grade is a 409."""

import pytest

from apps.grades import services
from apps.grades.models import AnnualGrade
from tests.grades.conftest import add_reviews

pytestmark = pytest.mark.django_db

URL = "/api/v1/grades/"


@pytest.fixture
def graded(cast, annual_cycle):
    add_reviews(annual_cycle, [95, 80, 50], people=[cast.rep_a, cast.rep_a2, cast.rep_b])
    add_reviews(annual_cycle, [85, 84, 83, 82, 81, 79, 78], team=cast.team_b)
    services.grades_propose(cycle=annual_cycle, actor=cast.hr)
    return annual_cycle


def _people(response):
    assert response.status_code == 200
    return {row["rep"] for row in response.json()["results"]}


def test_the_list_has_the_documented_fields(cast, graded, api_as):
    response = api_as(cast.hr).get(URL, {"year": 2026, "grade": "A"})
    (row,) = response.json()["results"]
    assert row["rep"] == cast.rep_a.pk
    assert {
        "rep",
        "year",
        "group",
        "score",
        "proposed_grade",
        "grade",
        "calibrated_by",
        "reason",
        "finalised",
        "id",
        "rank",
        "group_size",
        "quantitative_score",
        "qualitative_score",
        "version",
    } <= set(row)
    assert (row["year"], row["group"], row["score"], row["rank"]) == (2026, "company", "95.00", 1)
    assert api_as(cast.hr).get(URL, {"year": 2025}).json()["results"] == []


def test_scoping_for_every_role(cast, graded, api_as):
    assert _people(api_as(cast.rep_a).get(URL)) == set()
    assert _people(api_as(cast.manager_a).get(URL)) == set()
    services.grades_finalise(actor=cast.hr, cycle=graded)
    assert _people(api_as(cast.rep_a).get(URL)) == {cast.rep_a.pk}
    assert _people(api_as(cast.manager_a).get(URL)) == {cast.rep_a.pk, cast.rep_a2.pk}
    assert len(_people(api_as(cast.hr).get(URL))) == 10
    other = AnnualGrade.objects.get(person=cast.rep_b)
    assert api_as(cast.rep_a).get(f"{URL}{other.pk}/").status_code == 404
    assert api_as(cast.manager_a).get(f"{URL}{other.pk}/").status_code == 404


def test_hr_calibrates_with_if_match_and_a_stale_tag_is_412(cast, graded, api_as):
    grade = AnnualGrade.objects.get(person=cast.rep_a2)
    client = api_as(cast.hr)
    detail = client.get(f"{URL}{grade.pk}/")
    etag = detail["ETag"]
    body = {"grade": "A", "reason": "Led the rollout"}
    response = client.post(f"{URL}{grade.pk}/calibrate/", body, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.json()
    assert (response.json()["grade"], response.json()["calibrated_by"]) == ("A", cast.hr.pk)
    again = client.post(
        f"{URL}{grade.pk}/calibrate/",
        {"grade": "C", "reason": "x"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert again.status_code == 412
    assert AnnualGrade.objects.get(pk=grade.pk).grade == "A"


def test_calibrate_without_a_reason_is_a_400_naming_it(cast, graded, api_as):
    grade = AnnualGrade.objects.get(person=cast.rep_a2)
    response = api_as(cast.hr).post(
        f"{URL}{grade.pk}/calibrate/", {"grade": "A", "reason": ""}, format="json"
    )
    assert response.status_code == 400
    assert "reason" in response.json()
    assert AnnualGrade.objects.get(pk=grade.pk).grade == "B"


def test_reps_and_managers_cannot_write(cast, graded, api_as):
    grade = AnnualGrade.objects.get(person=cast.rep_a2)
    for user in (cast.rep_a, cast.manager_a):
        client = api_as(user)
        assert client.post(f"{URL}propose/", {"cycle": graded.pk}, format="json").status_code == 403
        assert (
            client.post(f"{URL}finalise/", {"cycle": graded.pk}, format="json").status_code == 403
        )
        response = client.post(
            f"{URL}{grade.pk}/calibrate/", {"grade": "A", "reason": "x"}, format="json"
        )
        assert response.status_code in (403, 404)
    assert not AnnualGrade.objects.filter(finalised=True).exists()


def test_finalised_grades_are_a_409_until_reopened(cast, graded, api_as):
    client = api_as(cast.hr)
    response = client.post(f"{URL}finalise/", {"cycle": graded.pk}, format="json")
    assert response.json() == {"cycle": graded.pk, "changed": 10, "grades": 10, "finalised": True}
    grade = AnnualGrade.objects.get(person=cast.rep_a2)
    locked = client.post(
        f"{URL}{grade.pk}/calibrate/", {"grade": "A", "reason": "x"}, format="json"
    )
    assert locked.status_code == 409
    assert "reopen" in locked.json()["detail"]
    assert client.post(f"{URL}propose/", {"cycle": graded.pk}, format="json").status_code == 409
    no_reason = client.post(f"{URL}reopen/", {"cycle": graded.pk, "reason": ""}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    reopened = client.post(f"{URL}reopen/", {"cycle": graded.pk, "reason": "Appeal"}, format="json")
    assert reopened.json()["finalised"] is False
    moved = client.post(f"{URL}{grade.pk}/calibrate/", {"grade": "A", "reason": "x"}, format="json")
    assert moved.status_code == 200


def test_propose_answers_how_many_changed(cast, annual_cycle, api_as):
    add_reviews(annual_cycle, [90, 80, 70])
    client = api_as(cast.admin)
    first = client.post(f"{URL}propose/", {"cycle": annual_cycle.pk}, format="json").json()
    assert first == {"cycle": annual_cycle.pk, "changed": 3, "grades": 3, "finalised": False}
    second = client.post(f"{URL}propose/", {"cycle": annual_cycle.pk}, format="json").json()
    assert second["changed"] == 0


def test_an_unknown_body_key_is_refused_naming_it(cast, graded, api_as):
    grade = AnnualGrade.objects.get(person=cast.rep_a2)
    response = api_as(cast.hr).post(
        f"{URL}{grade.pk}/calibrate/",
        {"grade": "A", "reason": "x", "finalised": True},
        format="json",
    )
    assert response.status_code == 400
    assert "finalised" in response.json()
