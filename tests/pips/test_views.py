import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from apps.pips.choices import PipStatus, SessionStatus
from apps.pips.models import Pip
from tests.factories import ActivePipFactory, CoachingSessionFactory, PipFactory

D = datetime.date


def _listed(client):
    return {pip.person for pip in client.get(reverse("pips:pip-list")).context["pips"]}


@pytest.fixture
def plans(cast):
    return {
        "a": ActivePipFactory(person=cast.rep_a, manager=cast.manager_a),
        "a2_proposed": PipFactory(person=cast.rep_a2, manager=cast.manager_a),
        "b": ActivePipFactory(person=cast.rep_b, manager=cast.manager_b),
    }


def test_hr_and_admin_see_every_plan(cast, plans, client_as):
    assert _listed(client_as(cast.hr)) == {cast.rep_a, cast.rep_a2, cast.rep_b}
    assert _listed(client_as(cast.admin)) == {cast.rep_a, cast.rep_a2, cast.rep_b}


def test_a_manager_sees_their_teams_plans(cast, plans, client_as):
    client = client_as(cast.manager_a)
    assert _listed(client) == {cast.rep_a, cast.rep_a2}
    assert client.get(reverse("pips:pip-detail", args=[plans["b"].pk])).status_code == 404


def test_a_rep_sees_only_their_own_running_plan_read_only(cast, plans, client_as):
    client = client_as(cast.rep_a)
    assert _listed(client) == {cast.rep_a}
    response = client.get(reverse("pips:pip-detail", args=[plans["a"].pk]))
    assert response.status_code == 200
    assert not response.context["can_manage"]
    assert reverse("pips:pip-outcome", args=[plans["a"].pk]) not in response.content.decode()
    assert client.get(reverse("pips:pip-detail", args=[plans["b"].pk])).status_code == 404
    # A proposal is the manager's work in progress: rep_a2 does not see theirs yet.
    assert client.get(reverse("pips:pip-outcome", args=[plans["a"].pk])).status_code == 403
    assert _listed(client_as(cast.rep_a2)) == set()


def test_the_list_filters_by_status_and_team(cast, plans, client_as):
    client = client_as(cast.hr)
    response = client.get(reverse("pips:pip-list"), {"status": PipStatus.PROPOSED})
    assert [pip.person for pip in response.context["pips"]] == [cast.rep_a2]
    response = client.get(reverse("pips:pip-list"), {"team": cast.team_b.pk})
    assert [pip.person for pip in response.context["pips"]] == [cast.rep_b]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_page_renders_for_every_role_in_both_languages(cast, plans, client_as, language):
    session = CoachingSessionFactory(pip=plans["a"], number=1, scheduled_on=D(2026, 9, 7))
    with translation.override(language):
        for role, user in cast.by_role().items():
            client = client_as(user)
            client.cookies["django_language"] = language
            urls = [reverse("pips:pip-list"), reverse("pips:pip-detail", args=[plans["a"].pk])]
            if role != "rep":
                urls += [
                    reverse("pips:pip-open"),
                    reverse("pips:pip-complete", args=[plans["a2_proposed"].pk]),
                    reverse("pips:pip-outcome", args=[plans["a"].pk]),
                    reverse("pips:session-log", args=[session.pk]),
                    reverse("pips:session-missed", args=[session.pk]),
                ]
            for url in urls:
                assert client.get(url).status_code == 200, (role, url)


def test_the_manager_completes_a_proposal_in_the_browser(cast, plans, client_as):
    pip = plans["a2_proposed"]
    url = reverse("pips:pip-complete", args=[pip.pk])
    client = client_as(cast.manager_a)
    assert "Collection rate" in client.get(url).content.decode()  # goals pre-filled
    bad = client.post(
        url, {"goals": "", "support": "s", "start_date": "2026-10-01", "record_version": 1}
    )
    assert bad.status_code == 200
    assert set(bad.context["form"].errors) >= {"goals", "start_date"}
    response = client.post(
        url,
        {"goals": "g", "support": "s", "start_date": "2026-09-07", "record_version": pip.version},
    )
    assert response.status_code == 302
    pip.refresh_from_db()
    assert pip.status == PipStatus.ACTIVE and pip.sessions.count() == 13


def test_logging_a_session_in_the_browser(cast, plans, client_as):
    session = CoachingSessionFactory(pip=plans["a"], number=1, scheduled_on=D(2026, 9, 7))
    client = client_as(cast.manager_a)
    url = reverse("pips:session-log", args=[session.pk])
    response = client.post(
        url,
        {
            "held_on": "2026-09-07",
            "notes": "Reviewed the pipeline",
            "agreed_actions": "Two demos a week",
            "record_version": session.version,
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == SessionStatus.HELD
    detail = client.get(reverse("pips:pip-detail", args=[plans["a"].pk])).content.decode()
    assert "Two demos a week" in detail and "Coaching session logged" in detail


def test_hr_opens_a_plan_by_hand(cast, client_as):
    response = client_as(cast.hr).post(
        reverse("pips:pip-open"), {"person": cast.rep_b.pk, "reason": "Two weak quarters"}
    )
    assert response.status_code == 302
    assert Pip.objects.get(person=cast.rep_b).status == PipStatus.PROPOSED
    assert client_as(cast.rep_a).get(reverse("pips:pip-open")).status_code == 403
