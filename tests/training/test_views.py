"""Browser pages: scoped list and detail per role (404 outside), actions only for those who may
run them (403 otherwise), generate and settings for HR/admin, constant query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from apps.development.models import LearningEntry
from apps.training.choices import ProposalStatus
from apps.training.models import TrainingProposal, TrainingSettings
from tests.factories import RepFactory, TrainingProposalFactory, TrainingWorkshopFactory
from tests.training.conftest import evidence

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposals(cast):
    workshop = TrainingWorkshopFactory(team=cast.team_a)
    workshop.participants.set([cast.rep_a2])
    return {
        "workshop_a": workshop,
        "rep_a": TrainingProposalFactory(person=cast.rep_a),
        "rep_b": TrainingProposalFactory(person=cast.rep_b),
    }


def _listed(client, **params):
    response = client.get(reverse("training:proposal-list"), params)
    assert response.status_code == 200
    return set(response.context["proposals"])


def test_every_role_sees_its_scope(cast, proposals, client_as):
    p = proposals
    assert _listed(client_as(cast.hr)) == set(p.values())
    assert _listed(client_as(cast.admin)) == set(p.values())
    assert _listed(client_as(cast.manager_a)) == {p["workshop_a"], p["rep_a"]}
    assert _listed(client_as(cast.rep_a)) == {p["rep_a"]}
    assert _listed(client_as(cast.rep_a2)) == {p["workshop_a"]}
    assert _listed(client_as(cast.rep_b)) == {p["rep_b"]}


def test_the_list_filters(cast, proposals, client_as):
    client = client_as(cast.hr)
    assert _listed(client, kind="team_workshop") == {proposals["workshop_a"]}
    assert _listed(client, team=cast.team_b.pk) == {proposals["rep_b"]}
    assert _listed(client, team=cast.team_a.pk) == {proposals["workshop_a"], proposals["rep_a"]}
    assert _listed(client, skill="needs_discovery") == {proposals["workshop_a"]}
    assert _listed(client, status="done") == set()


def test_out_of_scope_is_404_and_reps_are_read_only(cast, proposals, client_as):
    url = reverse("training:proposal-detail", args=[proposals["rep_b"].pk])
    assert client_as(cast.manager_a).get(url).status_code == 404
    client = client_as(cast.rep_a)
    assert client.get(url).status_code == 404
    mine = proposals["rep_a"]
    response = client.get(reverse("training:proposal-detail", args=[mine.pk]))
    assert response.status_code == 200 and not response.context["can_manage"]
    assert reverse("training:proposal-accept", args=[mine.pk]) not in response.content.decode()
    assert client.post(reverse("training:proposal-accept", args=[mine.pk])).status_code == 403
    assert client.get(reverse("training:generate")).status_code == 403
    assert client_as(cast.manager_a).get(reverse("training:settings")).status_code == 403


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_page_renders_for_every_role(cast, proposals, client_as, language):
    with translation.override(language):
        for user in (cast.hr, cast.admin, cast.manager_a, cast.rep_a):
            client = client_as(user)
            assert client.get(reverse("training:proposal-list")).status_code == 200
            pk = proposals["rep_a"].pk
            assert client.get(reverse("training:proposal-detail", args=[pk])).status_code == 200
        client = client_as(cast.hr)
        for name in ("training:generate", "training:settings"):
            assert client.get(reverse(name)).status_code == 200
        for name in ("accept", "schedule", "done", "decline"):
            url = reverse(f"training:proposal-{name}", args=[proposals["workshop_a"].pk])
            assert client.get(url).status_code == 200


def test_empty_list_invites_hr_to_generate(cast, client_as):
    page = client_as(cast.hr).get(reverse("training:proposal-list")).content.decode()
    assert "No training proposals to show." in page
    assert reverse("training:generate") in page


def test_the_manager_runs_a_workshop_in_the_browser(cast, proposals, client_as):
    client = client_as(cast.manager_a)
    workshop = proposals["workshop_a"]
    response = client.post(
        reverse("training:proposal-accept", args=[workshop.pk]), {"record_version": 1}
    )
    assert response.status_code == 302
    url = reverse("training:proposal-schedule", args=[workshop.pk])
    response = client.post(url, {"date": "", "location": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["date"] == ["Enter the date of the training."]
    today = datetime.date.today().isoformat()
    response = client.post(url, {"date": today, "location": "https://meet.example/spin"})
    assert response.status_code == 302
    response = client.post(reverse("training:proposal-done", args=[workshop.pk]), {})
    assert response.status_code == 302
    workshop.refresh_from_db()
    assert workshop.status == ProposalStatus.DONE
    assert LearningEntry.objects.filter(rep=cast.rep_a2, title=workshop.title).exists()
    page = client.get(reverse("training:proposal-detail", args=[workshop.pk])).content.decode()
    assert "This training is done" in page
    assert client.get(reverse("training:proposal-done", args=[workshop.pk])).status_code == 200


def test_hr_generates_and_edits_settings(cast, client_as):
    evidence(cast.rep_b, "negotiation", 30, on=datetime.date.today())
    client = client_as(cast.hr)
    response = client.post(reverse("training:generate"), {}, follow=True)
    assert "1 individual proposals made" in response.content.decode()
    assert TrainingProposal.objects.count() == 1
    data = {"weak_score": "55", "kpi_gap_score": "75", "workshop_share": "50"}
    for skill in ("needs_discovery", "negotiation", "digital_tools", "industry"):
        data[f"workshop_{skill}"] = f"Workshop {skill}"
        data[f"courses_{skill}"] = "Course one\nCourse two"
    data["workshop_negotiation"] = ""
    data["record_version"] = TrainingSettings.current().version
    response = client.post(reverse("training:settings"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["workshop_negotiation"] == [
        "Give the workshop title for negotiation."
    ]
    data["workshop_negotiation"] = "Haggling"
    assert client.post(reverse("training:settings"), data).status_code == 302
    row = TrainingSettings.current()
    assert row.weak_score == 55 and row.workshop_title("negotiation") == "Haggling"


def _list_queries(client, cast, size) -> int:
    for _ in range(size):
        workshop = TrainingWorkshopFactory(team=cast.team_a, status="declined")
        workshop.participants.set([RepFactory(team=cast.team_a)])
        TrainingProposalFactory(person=RepFactory(team=cast.team_a), status="done")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("training:proposal-list")).status_code == 200
    return len(queries)


def test_list_queries_do_not_grow(cast, client_as):
    client = client_as(cast.manager_a)
    client.get(reverse("training:proposal-list"))
    small = _list_queries(client, cast, 2)
    assert _list_queries(client, cast, 8) == small
