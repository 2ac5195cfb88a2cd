import datetime

import pytest

from apps.pips.choices import PipStatus, SessionStatus
from tests.factories import ActivePipFactory, CoachingSessionFactory, PipFactory

URL = "/api/v1/pips/"


@pytest.fixture
def plans(cast):
    a = ActivePipFactory(person=cast.rep_a, manager=cast.manager_a)
    CoachingSessionFactory(pip=a, number=1, scheduled_on=datetime.date(2026, 9, 7))
    return {
        "a": a,
        "a2": PipFactory(person=cast.rep_a2, manager=cast.manager_a),
        "b": ActivePipFactory(person=cast.rep_b, manager=cast.manager_b),
    }


def _people(response):
    return {row["person"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("rep", {"rep_a"}),
        ("manager", {"rep_a", "rep_a2"}),
        ("hr", {"rep_a", "rep_a2", "rep_b"}),
        ("admin", {"rep_a", "rep_a2", "rep_b"}),
    ],
)
def test_the_list_is_scoped_for_every_role(cast, plans, api_as, role, expected):
    response = api_as(cast.by_role()[role]).get(URL)
    assert response.status_code == 200
    names = {getattr(cast, name).pk for name in expected}
    assert _people(response) == names


def test_out_of_scope_plans_are_not_found(cast, plans, api_as):
    assert api_as(cast.rep_a).get(f"{URL}{plans['b'].pk}/").status_code == 404
    assert api_as(cast.manager_a).get(f"{URL}{plans['b'].pk}/").status_code == 404
    response = api_as(cast.hr).get(f"{URL}{plans['b'].pk}/")
    assert response.status_code == 200 and response.headers["ETag"]


def test_a_rep_cannot_write(cast, plans, api_as):
    client = api_as(cast.rep_a)
    response = client.post(
        f"{URL}{plans['a'].pk}/log-session/",
        {"session": 1, "held_on": "2026-09-07", "notes": "n", "agreed_actions": "a"},
        format="json",
    )
    assert response.status_code == 403


def test_complete_log_miss_and_outcome_through_the_api(cast, plans, api_as, monkeypatch):
    # A fixed "today" inside the plan, so the early outcome stays early whatever the date.
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args: datetime.date(2026, 10, 15))
    client = api_as(cast.manager_a)
    pip = plans["a2"]
    bad = client.post(
        f"{URL}{pip.pk}/complete/",
        {"goals": "g", "support": "s", "start_date": "2026-10-01"},
        format="json",
    )
    assert bad.status_code == 400 and "start_date" in bad.json()
    ok = client.post(
        f"{URL}{pip.pk}/complete/",
        {"goals": "g", "support": "s", "start_date": "2026-09-07"},
        format="json",
        HTTP_IF_MATCH=f'"{pip.version}"',
    )
    assert ok.status_code == 200, ok.json()
    body = ok.json()
    assert body["status"] == PipStatus.ACTIVE and len(body["sessions"]) == 13
    logged = client.post(
        f"{URL}{pip.pk}/log-session/",
        {"session": 1, "held_on": "2026-09-07", "notes": "n", "agreed_actions": "a"},
        format="json",
    )
    assert logged.status_code == 200
    assert logged.json()["sessions"][0]["status"] == SessionStatus.HELD
    missed = client.post(
        f"{URL}{pip.pk}/mark-missed/", {"session": 2, "reason": "Sick"}, format="json"
    )
    assert missed.json()["sessions"][1]["status"] == SessionStatus.MISSED
    unknown = client.post(f"{URL}{pip.pk}/mark-missed/", {"session": 99}, format="json")
    assert unknown.status_code == 400 and "session" in unknown.json()
    early = client.post(f"{URL}{pip.pk}/outcome/", {"outcome": "passed"}, format="json")
    assert early.status_code == 400 and "outcome" in early.json()


def test_a_closed_plan_answers_409(cast, plans, api_as):
    pip = plans["a"]
    pip.status = PipStatus.CLOSED
    pip.outcome = "passed"
    pip.save()
    response = api_as(cast.manager_a).post(
        f"{URL}{pip.pk}/outcome/", {"outcome": "failed"}, format="json"
    )
    assert response.status_code == 409
    assert "closed" in response.json()["detail"]


def test_a_stale_if_match_is_refused(cast, plans, api_as):
    pip = plans["a2"]
    response = api_as(cast.manager_a).post(
        f"{URL}{pip.pk}/complete/",
        {"goals": "g", "support": "s", "start_date": "2026-09-07"},
        format="json",
        HTTP_IF_MATCH=f'"{pip.version + 5}"',
    )
    assert response.status_code == 412
    pip.refresh_from_db()
    assert pip.status == PipStatus.PROPOSED


def test_a_manager_opens_a_plan_for_their_team_only(cast, api_as):
    client = api_as(cast.manager_a)
    assert client.post(URL, {"person": cast.rep_a2.pk}, format="json").status_code == 201
    assert client.post(URL, {"person": cast.rep_b.pk}, format="json").status_code == 403
