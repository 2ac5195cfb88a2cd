"""Every dashboard reads a fixed number of queries, whatever the number of people or records
(measured at a small size, asserted at a larger one), and a 50-person team page stays small."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.opportunities.choices import Stage
from apps.performance.periods import MONTH, period_containing
from tests.factories import (
    ActivityFactory,
    LeadFactory,
    OpportunityFactory,
    ReminderFactory,
    RepFactory,
)
from tests.factories.scorecards import MonthScorecardFactory

pytestmark = pytest.mark.django_db


def count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(context.captured_queries)


def add_team_members(team, count: int, *, start: int = 0) -> None:
    for index in range(start, start + count):
        rep = RepFactory(username=f"member{index}", team=team)
        MonthScorecardFactory(rep=rep, score=Decimal(40 + index % 60), stale=index % 3 == 0)
        if index % 2:
            ActivityFactory(owner=rep, customer__owner=rep)


def add_rep_records(rep, count: int) -> None:
    today = timezone.localdate()
    stages = [Stage.NEEDS_DISCOVERY, Stage.SOLUTION_DESIGN, Stage.NEGOTIATION]
    for index in range(count):
        OpportunityFactory(
            owner=rep,
            stage=stages[index % 3],
            expected_close_on=today - datetime.timedelta(days=index % 5 - 2),
        )
        lead = LeadFactory(owner=rep, grade_a=index % 2 == 0, status="new")
        if index % 4 == 0:
            ActivityFactory(lead=lead, customer=None, owner=rep)
        ReminderFactory(recipient=rep, due_on=today)


def test_rep_dashboard_queries_do_not_grow_with_records(client_as, cast, django_assert_num_queries):
    client = client_as(cast.rep_a)
    url = reverse("dashboards:my")
    MonthScorecardFactory(rep=cast.rep_a)
    add_rep_records(cast.rep_a, 5)
    small = count_queries(client, url)
    add_rep_records(cast.rep_a, 55)
    month = period_containing(MONTH, timezone.localdate())
    for months_back in (1, 2, 3):  # a longer trend reads the same two scorecard queries
        MonthScorecardFactory(rep=cast.rep_a, period_key=month.shifted(-months_back).key)
    with django_assert_num_queries(small):
        response = client.get(url)
    assert len(response.context["a_leads"]) == 10
    assert response.context["pipeline_count"] == 60


def test_team_dashboard_queries_do_not_grow_with_people(client_as, cast, django_assert_num_queries):
    client = client_as(cast.manager_a)
    url = reverse("dashboards:team")
    add_team_members(cast.team_a, 3)
    small = count_queries(client, url)
    add_team_members(cast.team_a, 12, start=3)
    with django_assert_num_queries(small):
        response = client.get(url)
    assert len(response.context["rows"]) == 2 + 15  # rep_a, rep_a2 and the members


def test_company_overview_queries_do_not_grow_with_people(
    client_as, cast, django_assert_num_queries
):
    client = client_as(cast.hr)
    url = reverse("dashboards:company")
    add_team_members(cast.team_a, 3)
    small = count_queries(client, url)
    add_team_members(cast.team_b, 12, start=3)
    RepFactory.create_batch(3, team=cast.team_b)  # without a scorecard
    with django_assert_num_queries(small):
        response = client.get(url)
    assert len(response.context["overview"].cards) == 15


def test_a_fifty_person_team_page_stays_under_one_megabyte(client_as, cast):
    add_team_members(cast.team_a, 50)
    response = client_as(cast.manager_a).get(reverse("dashboards:team"))
    assert response.status_code == 200
    assert len(response.context["rows"]) == 52
    assert len(response.content) < 1_000_000, len(response.content)
