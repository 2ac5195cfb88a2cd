"""/api/v1/collaboration-ratings/, /api/v1/learning-log/, /api/v1/sales-cases/."""

import pytest
from django.utils import timezone

from apps.development import periods
from apps.development.models import CollaborationRating, LearningEntry, SalesCase
from tests.factories import RepFactory
from tests.factories.development import (
    CollaborationRatingFactory,
    LearningEntryFactory,
    SalesCaseFactory,
)

pytestmark = pytest.mark.django_db
RATINGS = "/api/v1/collaboration-ratings/"
LEARNING = "/api/v1/learning-log/"
CASES = "/api/v1/sales-cases/"


def _quarter():
    return periods.quarter_key(timezone.localdate())


def _ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


# --- ratings ---------------------------------------------------------------------------------


def test_a_rep_listing_ratings_never_gets_ratings_about_themself(cast, api_as):
    about_me = CollaborationRatingFactory(rated=cast.rep_a, rater=cast.rep_a2)
    given = CollaborationRatingFactory(rated=cast.rep_a2, rater=cast.rep_a)
    assert _ids(api_as(cast.rep_a).get(RATINGS)) == {given.pk}
    assert api_as(cast.rep_a).get(f"{RATINGS}{about_me.pk}/").status_code == 404
    # Themself is not among the people a rep may filter ratings by.
    assert api_as(cast.rep_a).get(RATINGS, {"rated": cast.rep_a.pk}).status_code == 400


@pytest.mark.parametrize(
    ("role", "expected"),
    [("manager", {"team_a"}), ("hr", {"team_a", "team_b"}), ("admin", {"team_a", "team_b"})],
)
def test_rating_lists_are_scoped_by_role(cast, api_as, role, expected):
    made = {
        "team_a": CollaborationRatingFactory(rated=cast.rep_a, rater=cast.rep_a2).pk,
        "team_b": CollaborationRatingFactory(
            rated=cast.rep_b, rater=RepFactory(team=cast.team_b)
        ).pk,
    }
    assert _ids(api_as(cast.by_role()[role]).get(RATINGS)) == {made[t] for t in expected}


def test_a_manager_does_not_see_ratings_about_themself(cast, api_as):
    CollaborationRatingFactory(rated=cast.manager_a, rater=cast.rep_a)
    assert _ids(api_as(cast.manager_a).get(RATINGS)) == set()


def test_creating_a_rating_takes_the_role_from_the_relationship(cast, api_as):
    response = api_as(cast.manager_a).post(
        RATINGS,
        {"rated": cast.rep_a.pk, "cross_department": 5, "knowledge_sharing": 4},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["rater_role"], body["period_key"], body["rating"]) == (
        "manager",
        _quarter(),
        "4.5",
    )


def test_the_rater_role_cannot_be_sent(cast, api_as):
    response = api_as(cast.rep_a).post(
        RATINGS,
        {
            "rated": cast.rep_a2.pk,
            "cross_department": 5,
            "knowledge_sharing": 4,
            "rater_role": "manager",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "rater_role" in response.json()
    assert not CollaborationRating.objects.exists()


@pytest.mark.parametrize("target", ["rep_a", "rep_b"])
def test_rating_oneself_or_an_outsider_is_a_400_naming_rated(cast, api_as, target):
    response = api_as(cast.rep_a).post(
        RATINGS,
        {"rated": getattr(cast, target).pk, "cross_department": 3, "knowledge_sharing": 3},
        format="json",
    )
    assert response.status_code == 400
    assert "rated" in response.json()
    assert not CollaborationRating.objects.exists()


def test_a_second_post_for_the_same_person_changes_the_rating(cast, api_as):
    client = api_as(cast.rep_a)
    body = {"rated": cast.rep_a2.pk, "cross_department": 2, "knowledge_sharing": 2}
    first = client.post(RATINGS, body, format="json").json()
    second = client.post(RATINGS, {**body, "cross_department": 5}, format="json")
    assert second.status_code == 201
    assert second.json()["id"] == first["id"]
    assert CollaborationRating.objects.get().cross_department == 5


def test_only_the_rater_changes_a_rating(cast, api_as):
    rating = CollaborationRatingFactory(rated=cast.rep_a2, rater=cast.rep_a, period_key=_quarter())
    url = f"{RATINGS}{rating.pk}/"
    response = api_as(cast.manager_a).patch(url, {"cross_department": 1}, format="json")
    assert response.status_code == 403
    response = api_as(cast.rep_a).patch(url, {"cross_department": 1}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["cross_department"] == 1


def test_a_stale_if_match_on_a_rating_is_412(cast, api_as):
    rating = CollaborationRatingFactory(rated=cast.rep_a2, rater=cast.rep_a, period_key=_quarter())
    CollaborationRating.objects.filter(pk=rating.pk).update(version=rating.version + 1)
    response = api_as(cast.rep_a).patch(
        f"{RATINGS}{rating.pk}/",
        {"cross_department": 1},
        format="json",
        headers={"If-Match": f'"{rating.version}"'},
    )
    assert response.status_code == 412
    rating.refresh_from_db()
    assert rating.cross_department == 4


def test_hr_cannot_create_ratings(cast, api_as):
    response = api_as(cast.hr).post(
        RATINGS, {"rated": cast.rep_a.pk, "cross_department": 3, "knowledge_sharing": 3}
    )
    assert response.status_code == 403


# --- learning log ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "seen"),
    [("rep", {"rep_a"}), ("manager", {"rep_a", "rep_a2"}), ("hr", {"rep_a", "rep_a2", "rep_b"})],
)
def test_learning_log_api_is_scoped_by_role(cast, api_as, role, seen):
    entries = {name: LearningEntryFactory(rep=getattr(cast, name)).pk for name in seen | {"rep_b"}}
    assert _ids(api_as(cast.by_role()[role]).get(LEARNING)) == {entries[n] for n in seen}


def test_learning_api_refuses_a_score_on_a_course_naming_the_field(cast, api_as):
    response = api_as(cast.rep_a).post(
        LEARNING,
        {
            "kind": "course",
            "title": "SPIN",
            "on": "2026-01-05",
            "evidence": "Record",
            "score": "80",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "score" in response.json()
    assert not LearningEntry.objects.exists()


def test_learning_api_creates_an_exam_and_its_owner_deletes_it(cast, api_as):
    client = api_as(cast.rep_a)
    response = client.post(
        LEARNING,
        {
            "kind": "exam",
            "skill": "negotiation",
            "title": "Negotiation test",
            "on": "2026-01-05",
            "evidence": "Transcript",
            "score": "91.5",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    entry_id = response.json()["id"]
    assert response.json()["rep"] == cast.rep_a.pk
    assert api_as(cast.manager_a).delete(f"{LEARNING}{entry_id}/").status_code == 403
    assert api_as(cast.rep_a).delete(f"{LEARNING}{entry_id}/").status_code == 204
    assert not LearningEntry.objects.exists()


# --- case library ----------------------------------------------------------------------------


def test_everyone_lists_every_case_and_searches_it(cast, api_as):
    case = SalesCaseFactory(author=cast.rep_b, team=cast.team_b, tags="roi,negotiation")
    for user in cast.by_role().values():
        assert _ids(api_as(user).get(CASES)) == {case.pk}
    assert _ids(api_as(cast.rep_a).get(CASES, {"tag": "roi"})) == {case.pk}
    assert _ids(api_as(cast.rep_a).get(CASES, {"q": "nothing like this"})) == set()
    assert api_as(cast.rep_a).get(f"{CASES}{case.pk}/").json()["tag_list"] == [
        "roi",
        "negotiation",
    ]


def test_only_the_author_their_manager_or_hr_change_a_case(cast, api_as):
    case = SalesCaseFactory(author=cast.rep_a, team=cast.team_a)
    url = f"{CASES}{case.pk}/"
    assert api_as(cast.rep_b).patch(url, {"title": "X"}, format="json").status_code == 403
    assert api_as(cast.manager_b).patch(url, {"title": "X"}, format="json").status_code == 403
    response = api_as(cast.manager_a).patch(url, {"tags": "A, b"}, format="json")
    assert response.status_code == 200
    assert response.json()["tags"] == "a,b"
    assert api_as(cast.hr).delete(url).status_code == 204
    assert not SalesCase.objects.exists()


def test_sharing_a_case_through_the_api(cast, api_as):
    response = api_as(cast.rep_a).post(
        CASES,
        {
            "kind": "failure",
            "title": "Lost on delivery",
            "summary": "Go-live slipped.",
            "lessons": "Follow the milestones.",
            "tags": "Delivery",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["author"] == cast.rep_a.pk
    assert response.json()["team"] == cast.team_a.pk


def test_a_rep_filters_the_ratings_they_gave_by_teammate(cast, api_as):
    given = CollaborationRatingFactory(rated=cast.rep_a2, rater=cast.rep_a)
    assert _ids(api_as(cast.rep_a).get(RATINGS, {"rated": cast.rep_a2.pk})) == {given.pk}
