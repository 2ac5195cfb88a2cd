"""REST API for people and teams: token auth, creation, bad input."""

from apps.accounts.models import Team, User


def test_token_endpoint_returns_a_token_that_authenticates(cast, api_client):
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "rep_a", "password": "test-pass-123"}
    )
    assert response.status_code == 200
    token = response.json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api_client.get("/api/v1/users/")
    assert me.status_code == 200
    assert [row["username"] for row in me.json()["results"]] == ["rep_a"]


def test_token_endpoint_refuses_a_wrong_password(cast, api_client):
    response = api_client.post("/api/v1/auth/token/", {"username": "rep_a", "password": "nope"})
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == [
        "Unable to sign in with the username and password given."
    ]


def test_hr_creates_a_user_with_role_and_team(cast, api_as):
    response = api_as(cast.hr).post(
        "/api/v1/users/",
        {"username": "newrep", "password": "Str0ng-pass!", "role": "rep", "team": cast.team_a.pk},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["username"], body["role"], body["team"]) == ("newrep", "rep", cast.team_a.pk)
    assert "password" not in body
    assert User.objects.get(username="newrep").check_password("Str0ng-pass!")


def test_duplicate_username_returns_400_naming_the_field(cast, api_as):
    before = User.objects.count()
    response = api_as(cast.admin).post(
        "/api/v1/users/", {"username": "rep_a", "password": "Str0ng-pass!", "role": "rep"}
    )
    assert response.status_code == 400
    assert response.json() == {"username": ["The username rep_a is already taken."]}
    assert User.objects.count() == before


def test_negative_salary_returns_400_naming_the_field(cast, api_as):
    before = User.objects.count()
    response = api_as(cast.admin).post(
        "/api/v1/users/",
        {"username": "n", "password": "Str0ng-pass!", "monthly_base_salary": "-100.00"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"monthly_base_salary": ["Must not be negative."]}
    assert User.objects.count() == before


def test_unknown_role_returns_400(cast, api_as):
    response = api_as(cast.admin).post(
        "/api/v1/users/", {"username": "n", "password": "Str0ng-pass!", "role": "boss"}
    )
    assert response.status_code == 400
    assert "role" in response.json()
    assert not User.objects.filter(username="n").exists()


def test_team_without_manager_returns_400_and_writes_nothing(cast, api_as):
    response = api_as(cast.hr).post("/api/v1/teams/", {"name": "Delta"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"managers": ["A team needs at least one manager."]}
    assert not Team.objects.filter(name="Delta").exists()


def test_admin_creates_a_team_with_managers(cast, api_as):
    response = api_as(cast.admin).post(
        "/api/v1/teams/", {"name": "Delta", "managers": [cast.manager_b.pk]}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["managers"] == [cast.manager_b.pk]


def test_hr_moves_a_rep_to_another_team(cast, api_as):
    response = api_as(cast.hr).patch(
        f"/api/v1/users/{cast.rep_a.pk}/", {"team": cast.team_b.pk}, format="json"
    )
    assert response.status_code == 200
    cast.rep_a.refresh_from_db()
    assert cast.rep_a.team == cast.team_b


def test_manager_cannot_change_a_user(cast, api_as):
    response = api_as(cast.manager_a).patch(
        f"/api/v1/users/{cast.rep_a.pk}/", {"role": "admin"}, format="json"
    )
    assert response.status_code == 403
    cast.rep_a.refresh_from_db()
    assert cast.rep_a.role == "rep"


def test_user_list_query_count_does_not_grow_with_rows(cast, api_as, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import RepFactory

    client = api_as(cast.hr)
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/users/")
    RepFactory.create_batch(15, team=cast.team_a)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/api/v1/users/").json()["count"] == 22
    assert len(many) == len(few)
