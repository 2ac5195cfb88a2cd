"""OPTIONS on the pipeline settings (issue #9): the metadata of the one row, never a 500."""

import pytest

pytestmark = pytest.mark.django_db

URL = "/api/v1/pipeline-settings/"


@pytest.mark.parametrize("role", ["admin", "hr"])
def test_options_describes_the_writable_settings_to_who_may_write(cast, api_as, role):
    response = api_as(getattr(cast, role)).options(URL)
    assert response.status_code == 200
    body = response.json()
    assert set(body["actions"]) == {"PUT"}
    assert "solution_pre_review" in body["actions"]["PUT"]


@pytest.mark.parametrize("role", ["rep_a", "manager_a"])
def test_options_for_readers_answers_without_the_write_form(cast, api_as, role):
    response = api_as(getattr(cast, role)).options(URL)
    assert response.status_code == 200
    assert "actions" not in response.json()
