"""Who sees which people and teams, in the browser and in the API (SPEC §0)."""

import pytest
from django.urls import reverse


def api_ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def page_people(response):
    assert response.status_code == 200
    return set(response.context["people"])


class TestPeopleInTheBrowser:
    def test_rep_lists_only_themselves(self, cast, client_as):
        response = client_as(cast.rep_a).get(reverse("accounts:user-list"))
        assert page_people(response) == {cast.rep_a}

    def test_rep_cannot_read_a_teammate_or_another_team(self, cast, client_as):
        client = client_as(cast.rep_a)
        for other in (cast.rep_a2, cast.rep_b, cast.manager_a):
            response = client.get(reverse("accounts:user-detail", args=[other.pk]))
            assert response.status_code == 404

    def test_manager_sees_own_team_and_self_only(self, cast, client_as):
        response = client_as(cast.manager_a).get(reverse("accounts:user-list"))
        assert page_people(response) == {cast.manager_a, cast.rep_a, cast.rep_a2}
        other = client_as(cast.manager_a).get(reverse("accounts:user-detail", args=[cast.rep_b.pk]))
        assert other.status_code == 404

    @pytest.mark.parametrize("role", ["hr", "admin"])
    def test_hr_and_admin_see_everyone(self, cast, client_as, role):
        user = getattr(cast, role)
        response = client_as(user).get(reverse("accounts:user-list"), {"page": 1})
        everyone = {
            cast.rep_a,
            cast.rep_a2,
            cast.rep_b,
            cast.manager_a,
            cast.manager_b,
            cast.hr,
            cast.admin,
        }
        assert page_people(response) == everyone

    def test_anonymous_is_sent_to_login(self, client):
        response = client.get(reverse("accounts:user-list"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_pay_is_hidden_from_a_manager_but_shown_to_hr_and_self(self, cast, client_as):
        url = reverse("accounts:user-detail", args=[cast.rep_a.pk])
        salary = "¥10,000.00"
        manager_page = client_as(cast.manager_a).get(url).content.decode()
        assert salary not in manager_page
        assert "10000" not in manager_page and "10,000" not in manager_page
        assert salary in client_as(cast.hr).get(url).content.decode()
        assert salary in client_as(cast.rep_a).get(url).content.decode()


class TestPeopleInTheApi:
    def test_rep_lists_only_themselves(self, cast, api_as):
        assert api_ids(api_as(cast.rep_a).get("/api/v1/users/")) == {cast.rep_a.pk}

    def test_rep_cannot_read_another_rep(self, cast, api_as):
        client = api_as(cast.rep_a)
        assert client.get(f"/api/v1/users/{cast.rep_b.pk}/").status_code == 404
        assert client.get(f"/api/v1/users/{cast.rep_a2.pk}/").status_code == 404

    def test_manager_sees_their_team(self, cast, api_as):
        ids = api_ids(api_as(cast.manager_a).get("/api/v1/users/"))
        assert ids == {cast.manager_a.pk, cast.rep_a.pk, cast.rep_a2.pk}

    @pytest.mark.parametrize("role", ["hr", "admin"])
    def test_hr_and_admin_see_all(self, cast, api_as, role):
        ids = api_ids(api_as(getattr(cast, role)).get("/api/v1/users/"))
        assert {cast.rep_b.pk, cast.manager_b.pk, cast.rep_a.pk} <= ids
        assert len(ids) == 7

    def test_anonymous_gets_401(self, cast, api_client):
        assert api_client.get("/api/v1/users/").status_code == 401

    def test_manager_does_not_see_salaries_of_reps(self, cast, api_as):
        row = api_as(cast.manager_a).get(f"/api/v1/users/{cast.rep_a.pk}/").json()
        assert "monthly_base_salary" not in row["profile"]
        own = api_as(cast.rep_a).get(f"/api/v1/users/{cast.rep_a.pk}/").json()
        assert own["profile"]["monthly_base_salary"] == "10000.00"

    def test_rep_and_manager_cannot_create_users(self, cast, api_as):
        for user in (cast.rep_a, cast.manager_a):
            response = api_as(user).post(
                "/api/v1/users/", {"username": "x1", "password": "Str0ng-pass!", "role": "rep"}
            )
            assert response.status_code == 403


class TestTeams:
    def test_rep_sees_only_own_team(self, cast, api_as, client_as):
        assert api_ids(api_as(cast.rep_a).get("/api/v1/teams/")) == {cast.team_a.pk}
        response = client_as(cast.rep_a).get(reverse("accounts:team-list"))
        assert set(response.context["teams"]) == {cast.team_a}

    def test_manager_sees_only_teams_they_manage(self, cast, api_as):
        assert api_ids(api_as(cast.manager_b).get("/api/v1/teams/")) == {cast.team_b.pk}
        response = api_as(cast.manager_b).get(f"/api/v1/teams/{cast.team_a.pk}/")
        assert response.status_code == 404

    @pytest.mark.parametrize("role", ["hr", "admin"])
    def test_hr_and_admin_see_all_teams(self, cast, api_as, role):
        ids = api_ids(api_as(getattr(cast, role)).get("/api/v1/teams/"))
        assert ids == {cast.team_a.pk, cast.team_b.pk}

    def test_team_detail_in_browser_is_404_outside_scope(self, cast, client_as):
        url = reverse("accounts:team-detail", args=[cast.team_b.pk])
        assert client_as(cast.rep_a).get(url).status_code == 404
        assert client_as(cast.hr).get(url).status_code == 200

    def test_team_page_lists_only_members_the_viewer_may_see(self, cast, client_as):
        url = reverse("accounts:team-detail", args=[cast.team_a.pk])
        members = set(client_as(cast.rep_a).get(url).context["members"])
        assert members == {cast.rep_a}

    def test_rep_cannot_open_create_forms(self, cast, client_as):
        client = client_as(cast.rep_a)
        assert client.get(reverse("accounts:user-create")).status_code == 403
        assert client.get(reverse("accounts:team-create")).status_code == 403
