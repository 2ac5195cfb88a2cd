"""The staff pages and the API for every role: who sees which survey, who may send a link,
record an interview or cancel, and a rep never sees a link or a waiting survey."""

import pytest
from django.urls import reverse

from apps.surveys.models import Survey
from tests.factories import AnsweredSurveyFactory, SurveyFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/surveys/"


@pytest.fixture
def surveys(cast):
    return {
        "a_pending": SurveyFactory(rep=cast.rep_a),
        "a_answered": AnsweredSurveyFactory(rep=cast.rep_a),
        "a2_pending": SurveyFactory(rep=cast.rep_a2),
        "b_answered": AnsweredSurveyFactory(rep=cast.rep_b),
        "manager_own_pending": SurveyFactory(rep=cast.manager_a),
        "manager_own_answered": AnsweredSurveyFactory(rep=cast.manager_a),
    }


EXPECTED = {
    # A seller sees only the answered surveys of their own customers.
    "rep_a": {"a_answered"},
    # A manager: their team's, and of their own customers only the answered ones.
    "manager_a": {"a_pending", "a_answered", "a2_pending", "manager_own_answered"},
    "hr": {
        "a_pending",
        "a_answered",
        "a2_pending",
        "b_answered",
        "manager_own_pending",
        "manager_own_answered",
    },
    "admin": {
        "a_pending",
        "a_answered",
        "a2_pending",
        "b_answered",
        "manager_own_pending",
        "manager_own_answered",
    },
}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_list_page_and_api_are_scoped_for_every_role(cast, client_as, api_as, surveys, who):
    user = getattr(cast, who)
    names = {pk: name for name, pk in ((n, s.pk) for n, s in surveys.items())}
    page = client_as(user).get(reverse("surveys:survey-list"))
    assert page.status_code == 200
    assert {names[s.pk] for s in page.context["surveys"]} == EXPECTED[who]
    body = api_as(user).get(API).json()
    assert {names[row["id"]] for row in body["results"]} == EXPECTED[who]
    assert all("token" not in key for row in body["results"] for key in row)


@pytest.mark.parametrize("who", list(EXPECTED))
def test_detail_page_and_api_answer_404_outside_the_scope(cast, client_as, api_as, surveys, who):
    user = getattr(cast, who)
    for name, survey in surveys.items():
        expected = 200 if name in EXPECTED[who] else 404
        assert client_as(user).get(survey.get_absolute_url()).status_code == expected, name
        assert api_as(user).get(f"{API}{survey.pk}/").status_code == expected, name


def test_the_list_shows_progress_per_rep_to_managers_not_to_reps(cast, client_as, surveys):
    page = client_as(cast.manager_a).get(reverse("surveys:survey-list"))
    rows = {row["rep"]: row for row in page.context["progress"]}
    assert set(rows) == {cast.rep_a, cast.rep_a2}
    assert (rows[cast.rep_a]["sampled"], rows[cast.rep_a]["answered"]) == (2, 1)
    assert "data-survey-progress" in page.content.decode()
    rep_page = client_as(cast.rep_a).get(reverse("surveys:survey-list"))
    assert rep_page.context["progress"] == []


def test_the_list_filters_by_quarter_rep_and_status(cast, client_as, surveys):
    AnsweredSurveyFactory(rep=cast.rep_a, period_key="2026-Q2")
    client = client_as(cast.hr)
    url = reverse("surveys:survey-list")
    q2 = client.get(url, {"period_key": "2026-Q2"}).context["surveys"]
    assert {s.period_key for s in q2} == {"2026-Q2"}
    mine = client.get(url, {"rep": cast.rep_a.pk, "status": "pending"}).context["surveys"]
    assert [s.pk for s in mine] == [surveys["a_pending"].pk]
    team = client.get(url, {"team": cast.team_b.pk}).context["surveys"]
    assert [s.pk for s in team] == [surveys["b_answered"].pk]


def test_a_rep_is_told_why_they_cannot_handle_their_own_survey(cast, client_as, api_as, surveys):
    answered = surveys["a_answered"]
    client = client_as(cast.rep_a)
    for name in ("surveys:survey-issue-link", "surveys:survey-record"):
        response = client.get(reverse(name, args=[answered.pk]))
        assert response.status_code == 403
        assert "your own customer" in response.content.decode()
    # A waiting survey of their own is not even visible.
    pending = surveys["a_pending"]
    assert client.get(reverse("surveys:survey-issue-link", args=[pending.pk])).status_code == 404
    refused = api_as(cast.rep_a).post(f"{API}{pending.pk}/issue-link/", {})
    assert refused.status_code == 403
    assert "cannot see survey links" in refused.json()["detail"]
    detail = client.get(answered.get_absolute_url()).content.decode()
    assert "survey-issue-link" not in detail and "/link/" not in detail


def test_the_manager_sends_a_link_shown_once(cast, client_as, surveys):
    survey = surveys["a_pending"]
    client = client_as(cast.manager_a)
    url = reverse("surveys:survey-issue-link", args=[survey.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"days_valid": 7, "record_version": survey.version})
    assert response.status_code == 200
    link = response.context["link"]
    assert "/surveys/answer/" in link and link in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    token = link.rstrip("/").rsplit("/", 1)[1]
    detail = client.get(survey.get_absolute_url()).content.decode()
    assert token not in detail


def test_a_manager_cannot_send_the_link_of_their_own_customer(cast, client_as, surveys):
    survey = surveys["manager_own_answered"]
    response = client_as(cast.manager_a).get(reverse("surveys:survey-record", args=[survey.pk]))
    assert response.status_code == 403


def test_the_interview_form_records_the_answers(cast, client_as, surveys):
    survey = surveys["a2_pending"]
    url = reverse("surveys:survey-record", args=[survey.pk])
    client = client_as(cast.hr)
    bad = client.post(url, {"solution_fit": 120, "record_version": survey.version})
    assert bad.status_code == 200 and "solution_fit" in bad.context["form"].errors
    data = {
        "solution_fit": 90,
        "response_speed": 90,
        "problem_resolution": 93,
        "respondent": "Ms Zhao",
        "record_version": survey.version,
    }
    assert client.post(url, data).status_code == 302
    survey.refresh_from_db()
    assert (survey.status, survey.channel, str(survey.score)) == ("answered", "phone", "91.00")
    stale = client.post(url, data)
    assert stale.status_code == 200
    assert "changed by someone else" in stale.content.decode()


def test_hr_cancels_on_the_page_and_a_manager_may_not(cast, client_as, surveys):
    survey = surveys["a_pending"]
    url = reverse("surveys:survey-cancel", args=[survey.pk])
    assert client_as(cast.manager_a).get(url).status_code == 403
    client = client_as(cast.hr)
    response = client.post(url, {"reason": "Customer closed", "record_version": survey.version})
    assert response.status_code == 302
    assert Survey.objects.get(pk=survey.pk).status == "cancelled"


def test_api_actions_issue_record_and_cancel(cast, api_as, surveys):
    client = api_as(cast.manager_a)
    survey = surveys["a_pending"]
    issued = client.post(f"{API}{survey.pk}/issue-link/", {"days_valid": 3}, format="json")
    assert issued.status_code == 200, issued.content
    assert "/surveys/answer/" in issued.json()["link"]
    assert issued.json()["survey"]["link_active"] is True
    assert "token_hash" not in issued.json()["survey"]
    etag = issued["ETag"]
    stale = client.post(
        f"{API}{survey.pk}/record-interview/",
        {"solution_fit": 50, "response_speed": 50, "problem_resolution": 50},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert stale.status_code == 412
    bad = client.post(f"{API}{survey.pk}/record-interview/", {"solution_fit": 500}, format="json")
    assert bad.status_code == 400 and "solution_fit" in bad.json()
    recorded = client.post(
        f"{API}{survey.pk}/record-interview/",
        {"solution_fit": 50, "response_speed": 60, "problem_resolution": 70},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert recorded.status_code == 200 and recorded.json()["score"] == "60.00"
    assert (
        api_as(cast.manager_a)
        .post(f"{API}{survey.pk}/cancel/", {"reason": "x"}, format="json")
        .status_code
        == 403
    )
    cancelled = api_as(cast.hr).post(f"{API}{survey.pk}/cancel/", {"reason": "x"}, format="json")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"


def test_pages_render_in_chinese_for_every_role(cast, client_as, surveys):
    for user in cast.by_role().values():
        client = client_as(user)
        client.cookies["django_language"] = "zh-hans"
        assert client.get(reverse("surveys:survey-list")).status_code == 200
        for survey in Survey.objects.visible_to(user):
            assert client.get(survey.get_absolute_url()).status_code == 200
