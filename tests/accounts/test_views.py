"""Browser forms for people and teams."""

from django.urls import reverse

from apps.accounts.models import Team, User


def test_hr_adds_a_person_through_the_form(cast, client_as):
    response = client_as(cast.hr).post(
        reverse("accounts:user-create"),
        {
            "username": "formrep",
            "password": "Str0ng-pass!",
            "role": "rep",
            "team": cast.team_a.pk,
            "monthly_base_salary": "8800.00",
        },
    )
    user = User.objects.get(username="formrep")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user-detail", args=[user.pk])
    assert str(user.profile.monthly_base_salary) == "8800.00"


def test_form_shows_duplicate_username_on_the_field_and_saves_nothing(cast, client_as):
    before = User.objects.count()
    response = client_as(cast.hr).post(
        reverse("accounts:user-create"),
        {"username": "rep_a", "password": "Str0ng-pass!", "role": "rep"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["username"] == ["The username rep_a is already taken."]
    assert User.objects.count() == before


def test_form_refuses_negative_salary(cast, client_as):
    response = client_as(cast.admin).post(
        reverse("accounts:user-create"),
        {"username": "neg", "password": "Str0ng-pass!", "role": "rep", "monthly_base_salary": "-1"},
    )
    assert response.context["form"].errors["monthly_base_salary"] == ["Must not be negative."]
    assert not User.objects.filter(username="neg").exists()


def test_team_form_without_manager_shows_the_error(cast, client_as):
    response = client_as(cast.admin).post(reverse("accounts:team-create"), {"name": "Delta"})
    assert response.context["form"].errors["managers"] == ["A team needs at least one manager."]
    assert not Team.objects.filter(name="Delta").exists()


def test_admin_edits_a_team(cast, client_as):
    response = client_as(cast.admin).post(
        reverse("accounts:team-update", args=[cast.team_a.pk]),
        {"name": "Alpha North", "managers": [cast.manager_a.pk, cast.manager_b.pk]},
    )
    assert response.status_code == 302
    cast.team_a.refresh_from_db()
    assert cast.team_a.name == "Alpha North"
    assert set(cast.team_a.managers.all()) == {cast.manager_a, cast.manager_b}


def test_people_list_filters_by_role_and_search(cast, client_as):
    client = client_as(cast.hr)
    response = client.get(reverse("accounts:user-list"), {"role": "manager"})
    assert set(response.context["people"]) == {cast.manager_a, cast.manager_b}
    response = client.get(reverse("accounts:user-list"), {"q": "rep_a2"})
    assert list(response.context["people"]) == [cast.rep_a2]
