"""A person's page links to their dashboard, scorecards and targets, for those who may see the
person (the page itself is scoped: out of scope is a 404, so no links leak)."""

import contextlib

import pytest
from django.urls import NoReverseMatch, reverse

pytestmark = pytest.mark.django_db


def _page(client_as, viewer, person):
    return client_as(viewer).get(reverse("accounts:user-detail", args=[person.pk]))


def _links(person, *, targets=True):
    links = {
        "Scorecards": f"{reverse('scorecards:scorecard-list')}?rep={person.pk}",
    }
    if targets:
        links["Targets"] = f"{reverse('performance:target-list')}?rep={person.pk}"
    with contextlib.suppress(NoReverseMatch):  # the dashboards app may not be there
        links["Dashboard"] = reverse("dashboards:rep", kwargs={"rep_id": person.pk})
    return links


@pytest.mark.parametrize("viewer", ["hr", "admin", "manager_a", "rep_a"])
def test_a_reps_page_links_to_their_dashboard_scorecards_and_targets(cast, client_as, viewer):
    response = _page(client_as, getattr(cast, viewer), cast.rep_a)
    assert response.status_code == 200
    expected = _links(cast.rep_a)
    assert dict(response.context["performance_links"]) == expected
    html = response.content.decode()
    for url in expected.values():
        assert f'href="{url}"' in html


def test_the_links_open_pages_filtered_to_that_person(cast, client_as):
    client = client_as(cast.manager_a)
    for label, url in _page(client_as, cast.manager_a, cast.rep_a2).context["performance_links"]:
        assert client.get(url).status_code == 200, label
    targets = client.get(f"{reverse('performance:target-list')}?rep={cast.rep_a2.pk}")
    assert targets.context["filterset"].form.cleaned_data["rep"] == cast.rep_a2


def test_a_selling_manager_gets_dashboard_and_scorecards_but_no_targets(cast, client_as):
    response = _page(client_as, cast.hr, cast.manager_a)
    assert dict(response.context["performance_links"]) == _links(cast.manager_a, targets=False)


@pytest.mark.parametrize("person", ["hr", "admin"])
def test_hr_and_admin_pages_have_no_performance_links(cast, client_as, person):
    response = _page(client_as, cast.admin, getattr(cast, person))
    assert response.context["performance_links"] == []
    assert "?rep=" not in response.content.decode()


@pytest.mark.parametrize(
    ("viewer", "person"),
    [("rep_a", "rep_a2"), ("rep_a", "rep_b"), ("manager_a", "rep_b"), ("rep_a", "manager_a")],
)
def test_no_links_to_a_person_out_of_the_viewers_scope(cast, client_as, viewer, person):
    response = _page(client_as, getattr(cast, viewer), getattr(cast, person))
    assert response.status_code == 404
    assert f"?rep={getattr(cast, person).pk}" not in response.content.decode()
