"""Shared fixtures: the standard cast (two teams, their managers and reps, HR, admin)."""

import os
from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from tests.factories import AdminFactory, HRFactory, ManagerFactory, RepFactory, TeamFactory

pytest_plugins = ("celery.contrib.pytest",)

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_service(available: bool, what: str) -> None:
    """Skip on a developer machine without the service; fail under CI, where it must be there."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required under CI but is not reachable.")
    pytest.skip(f"{what} is not reachable here.")


@dataclass
class Cast:
    team_a: object
    team_b: object
    manager_a: object
    manager_b: object
    rep_a: object
    rep_a2: object
    rep_b: object
    hr: object
    admin: object

    def by_role(self) -> dict:
        return {
            "rep": self.rep_a,
            "manager": self.manager_a,
            "hr": self.hr,
            "admin": self.admin,
        }


@pytest.fixture
def cast(db) -> Cast:
    team_a = TeamFactory(name="Alpha")
    team_b = TeamFactory(name="Bravo")
    manager_a = ManagerFactory(username="manager_a", manages=[team_a])
    manager_b = ManagerFactory(username="manager_b", manages=[team_b])
    return Cast(
        team_a=team_a,
        team_b=team_b,
        manager_a=manager_a,
        manager_b=manager_b,
        rep_a=RepFactory(username="rep_a", team=team_a),
        rep_a2=RepFactory(username="rep_a2", team=team_a),
        rep_b=RepFactory(username="rep_b", team=team_b),
        hr=HRFactory(username="hr"),
        admin=AdminFactory(username="admin"),
    )


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A test that renders a page in Chinese (the locale middleware activates the language in
    the test's thread) must not leave the next test speaking Chinese."""
    yield
    from django.utils import translation

    translation.activate("en")


@pytest.fixture(autouse=True)
def _project_celery_app_after_each_test():
    """Celery's test worker (``celery.contrib.testing``) makes its own app the current and
    default one; shared tasks queued by a later test would then go to that app (closed, on
    another broker, without our tasks registered). Each test leaves the project's app current."""
    yield
    from salesperf.celery import app

    app.set_current()
    app.set_default()


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def api_as(api_client):
    """``api_as(user)`` returns an APIClient authenticated as ``user``."""

    def login(user):
        api_client.force_authenticate(user=user)
        return api_client

    return login


@pytest.fixture
def client_as(client):
    def login(user):
        client.force_login(user)
        return client

    return login
