"""The training proposal API: scoped reads, actions for HR and managers, 403 for reps writing,
409 on done/declined proposals, generate for HR/admin only."""

import datetime

import pytest
from django.urls import reverse

from apps.development.models import LearningEntry
from apps.training.choices import ProposalStatus
from apps.training.models import TrainingProposal
from tests.factories import TrainingProposalFactory, TrainingWorkshopFactory
from tests.training.conftest import evidence

pytestmark = pytest.mark.django_db

LIST = "/api/v1/training-proposals/"


def url(proposal, action=""):
    return f"{LIST}{proposal.pk}/" + (f"{action}/" if action else "")


@pytest.fixture
def proposals(cast):
    workshop = TrainingWorkshopFactory(team=cast.team_a)
    workshop.participants.set([cast.rep_a2])
    return {
        "workshop_a": workshop,
        "rep_a": TrainingProposalFactory(person=cast.rep_a),
        "rep_b": TrainingProposalFactory(person=cast.rep_b),
    }


def _ids(response):
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


def test_the_route_is_named():
    assert reverse("training-proposal-list") == LIST


def test_the_list_is_scoped(cast, proposals, api_as):
    p = {k: v.pk for k, v in proposals.items()}
    assert _ids(api_as(cast.hr).get(LIST)) == set(p.values())
    assert _ids(api_as(cast.manager_a).get(LIST)) == {p["workshop_a"], p["rep_a"]}
    assert _ids(api_as(cast.rep_a2).get(LIST)) == {p["workshop_a"]}
    assert _ids(api_as(cast.rep_a).get(LIST + "?kind=individual")) == {p["rep_a"]}
    assert api_as(cast.rep_a).get(url(proposals["rep_b"])).status_code == 404
    assert api_as(cast.manager_a).get(url(proposals["rep_b"])).status_code == 404


def test_a_rep_cannot_write(cast, proposals, api_as):
    client = api_as(cast.rep_a)
    response = client.post(url(proposals["rep_a"], "accept"))
    assert response.status_code == 403
    assert client.post(LIST + "generate/").status_code == 403
    assert TrainingProposal.objects.get(pk=proposals["rep_a"].pk).status == "proposed"


def test_a_manager_cannot_generate(cast, api_as):
    assert api_as(cast.manager_a).post(LIST + "generate/").status_code == 403


def test_accept_schedule_done_through_the_api(cast, proposals, api_as):
    client = api_as(cast.manager_a)
    workshop = proposals["workshop_a"]
    response = client.post(url(workshop, "accept"))
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    response = client.post(url(workshop, "schedule"), {"date": None, "location": ""}, format="json")
    assert response.status_code == 400
    assert response.json()["date"] == ["Enter the date of the training."]
    today = datetime.date.today().isoformat()
    response = client.post(
        url(workshop, "schedule"), {"date": today, "location": "Room 1"}, format="json"
    )
    assert response.status_code == 200 and response.json()["scheduled_on"] == today
    response = client.post(url(workshop, "done"), {}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "done"
    assert LearningEntry.objects.filter(rep=cast.rep_a2).count() == 1


def test_done_and_declined_answer_409(cast, proposals, api_as):
    client = api_as(cast.hr)
    proposal = proposals["rep_b"]
    response = client.post(url(proposal, "decline"), {"reason": ""}, format="json")
    assert response.status_code == 400
    assert response.json()["reason"] == ["Say why the training is declined."]
    response = client.post(url(proposal, "decline"), {"reason": "Left"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "declined"
    response = client.post(url(proposal, "accept"))
    assert response.status_code == 409
    assert "can no longer be changed" in response.json()["detail"]
    assert TrainingProposal.objects.get(pk=proposal.pk).status == ProposalStatus.DECLINED


def test_a_stale_if_match_is_refused(cast, proposals, api_as):
    response = api_as(cast.hr).post(url(proposals["rep_b"], "accept"), HTTP_IF_MATCH='"7"')
    assert response.status_code == 412
    assert TrainingProposal.objects.get(pk=proposals["rep_b"].pk).status == "proposed"


def test_hr_generates(cast, api_as):
    evidence(cast.rep_b, "negotiation", 30, on=datetime.date.today())
    response = api_as(cast.hr).post(LIST + "generate/")
    assert response.status_code == 200
    assert response.json() == {"workshops": 0, "individual": 1, "replaced": 0}
    assert api_as(cast.hr).post(LIST + "generate/").json()["individual"] == 0
