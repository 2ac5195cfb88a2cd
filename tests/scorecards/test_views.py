"""Browser pages of scorecards: scoping per role, "—" for undefined, recompute and job pages."""

import re

import pytest
from django.urls import reverse

from apps.performance.choices import Kpi
from apps.scorecards.models import RecomputeJob
from tests.factories import ScorecardFactory
from tests.factories.scorecards import RecomputeJobFactory

pytestmark = pytest.mark.django_db
LIST = reverse("scorecards:scorecard-list")


@pytest.fixture
def cards(cast):
    return {
        name: ScorecardFactory(rep=getattr(cast, name), period_key="2026-10")
        for name in ("rep_a", "rep_a2", "rep_b", "manager_a")
    }


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        ("rep_a", {"rep_a"}),
        ("manager_a", {"rep_a", "rep_a2", "manager_a"}),
        ("hr", {"rep_a", "rep_a2", "rep_b", "manager_a"}),
        ("admin", {"rep_a", "rep_a2", "rep_b", "manager_a"}),
    ],
)
def test_list_shows_only_the_scorecards_in_scope(client_as, cast, cards, role, visible):
    response = client_as(getattr(cast, role)).get(LIST, {"period": "2026-10"})
    assert response.status_code == 200
    assert {c.rep.username for c in response.context["scorecards"]} == visible


def test_list_defaults_to_the_current_month(client_as, cast, cards):
    response = client_as(cast.hr).get(LIST)
    assert response.status_code == 200
    assert response.context["period"] != "2026-10" or len(response.context["scorecards"]) == 4


def test_list_filters_by_team_and_rep(client_as, cast, cards):
    client = client_as(cast.hr)
    by_team = client.get(LIST, {"period": "2026-10", "team": cast.team_b.pk})
    assert [c.rep for c in by_team.context["scorecards"]] == [cast.rep_b]
    by_rep = client.get(LIST, {"period": "2026-10", "rep": cast.rep_a2.pk})
    assert [c.rep for c in by_rep.context["scorecards"]] == [cast.rep_a2]


def test_list_shows_a_dash_for_undefined_rates(client_as, cast):
    ScorecardFactory(rep=cast.rep_a, period_key="2026-10", collection_rate=None, score=None)
    content = client_as(cast.rep_a).get(LIST, {"period": "2026-10"}).content.decode()
    assert "—" in content
    assert "None" not in content


def test_anonymous_is_sent_to_login(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert reverse("login") in response.url


def test_detail_of_another_teams_scorecard_is_404(client_as, cast, cards):
    url = reverse("scorecards:scorecard-detail", args=[cards["rep_b"].pk])
    assert client_as(cast.rep_a).get(url).status_code == 404
    assert client_as(cast.manager_a).get(url).status_code == 404
    assert client_as(cast.hr).get(url).status_code == 200


def test_detail_shows_kpi_rows_scheme_version_and_raw_figures(client_as, cast):
    scorecard = ScorecardFactory(
        rep=cast.rep_a,
        weight_scheme_version=3,
        kpi_scores={
            "collection_rate": {"value": None, "target": "95.00", "score": None, "weight": "20"}
        },
    )
    response = client_as(cast.rep_a).get(
        reverse("scorecards:scorecard-detail", args=[scorecard.pk])
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "v3" in content
    assert "Collection rate" in content
    assert "95.0%" in content  # the target, as a rate
    assert "—" in content


def test_detail_writes_rates_as_percentages_and_every_other_kpi_with_two_decimals(client_as, cast):
    figures = {"value": "12.345", "target": "95", "score": "61.5", "weight": "10"}
    scorecard = ScorecardFactory(rep=cast.rep_a, kpi_scores=dict.fromkeys(Kpi.values, figures))
    response = client_as(cast.rep_a).get(
        reverse("scorecards:scorecard-detail", args=[scorecard.pk])
    )
    html = re.sub(r"\s*\n\s*", "", response.content.decode())
    rates = {"sales_achievement_rate", "sales_growth_rate", "retention_rate", "collection_rate"}
    assert {row["kpi"] for row in response.context["kpis"] if row["is_rate"]} == rates
    for kpi, label in Kpi.choices:
        shown = ("12.3%", "95.0%") if kpi in rates else ("12.35", "95.00")
        cells = re.search(
            rf">{re.escape(str(label))}(?:</a>)?</td>"
            r'<td class="num">([^<]*)</td><td class="num">([^<]*)</td>',
            html,
        )
        assert cells and cells.groups() == shown, kpi


def test_rep_may_not_recompute(client_as, cast):
    response = client_as(cast.rep_a).post(reverse("scorecards:recompute"), {"period": "2026-10"})
    assert response.status_code == 403
    assert not RecomputeJob.objects.exists()


def test_manager_recompute_queues_a_job_and_shows_its_page(
    client_as, cast, django_capture_on_commit_callbacks
):
    client = client_as(cast.manager_a)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("scorecards:recompute"), {"period": "2026-10"})
    job = RecomputeJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("scorecards:job-detail", args=[job.pk])
    assert (job.period_key, job.requested_by, job.status) == ("2026-10", cast.manager_a, "queued")
    page = client.get(response.url)
    assert page.status_code == 200
    status = client.get(reverse("scorecards:job-status", args=[job.pk])).json()
    assert status["status"] == "queued"
    assert status["progress_percent"] == 0


def test_recompute_with_a_bad_period_is_refused_and_queues_nothing(client_as, cast):
    response = client_as(cast.hr).post(
        reverse("scorecards:recompute"), {"period": "October"}, follow=True
    )
    assert "is not a period" in response.content.decode()
    assert not RecomputeJob.objects.exists()


def test_job_pages_are_scoped(client_as, cast):
    job = RecomputeJobFactory(requested_by=cast.hr)
    assert (
        client_as(cast.manager_a).get(reverse("scorecards:job-status", args=[job.pk])).status_code
        == 404
    )
    assert (
        client_as(cast.admin).get(reverse("scorecards:job-detail", args=[job.pk])).status_code
        == 200
    )


def test_old_dashboard_address_moves_permanently_to_my_dashboard(client_as, cast):
    response = client_as(cast.rep_a).get(reverse("scorecards:dashboard"))
    assert response.status_code == 301
    assert response["Location"] == "/dashboard/"


def test_old_dashboard_of_a_person_moves_to_their_dashboard_within_scope(client_as, cast):
    url = reverse("scorecards:rep-dashboard", args=[cast.rep_b.pk])
    assert client_as(cast.rep_a).get(url).status_code == 404
    assert client_as(cast.manager_a).get(url).status_code == 404
    for user in (cast.manager_b, cast.hr):
        response = client_as(user).get(url)
        assert response.status_code == 301
        assert response["Location"] == f"/dashboard/rep/{cast.rep_b.pk}/"
