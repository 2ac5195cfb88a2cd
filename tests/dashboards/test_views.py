"""The role dashboards: scoping per role, 403s, the home page of each role, the month
parameter, empty states, both languages, query counts and page size."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from apps.core import home
from apps.core.choices import Role
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

MY = reverse("dashboards:my")
TEAM = reverse("dashboards:team")
COMPANY = reverse("dashboards:company")


def rep_url(user) -> str:
    return reverse("dashboards:rep", args=[user.pk])


def this_month():
    return period_containing(MONTH, timezone.localdate())


@pytest.fixture
def cards(cast):
    return {
        name: MonthScorecardFactory(rep=getattr(cast, name))
        for name in ("rep_a", "rep_a2", "rep_b", "manager_a")
    }


# --- Home page ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "template"),
    [
        ("rep_a", "dashboards/rep.html"),
        ("manager_a", "dashboards/team.html"),
        ("hr", "dashboards/company.html"),
        ("admin", "dashboards/company.html"),
    ],
)
def test_home_shows_the_dashboard_of_the_role(client_as, cast, cards, role, template):
    response = client_as(getattr(cast, role)).get(reverse("core:home"))
    assert response.status_code == 200
    assert template in [t.name for t in response.templates]


def test_home_falls_back_to_the_tiles_without_a_registered_view(client_as, cast):
    view = home.home_view_for(cast.rep_a)
    home.unregister(Role.REP)
    try:
        response = client_as(cast.rep_a).get(reverse("core:home"))
    finally:
        home.register(Role.REP, view)
    assert response.status_code == 200
    assert "core/home.html" in [t.name for t in response.templates]


def test_home_registry_matches_predicates_and_superusers(cast):
    marker = object()
    home.register(lambda user: user.username == "rep_b", marker)
    try:
        assert home.home_view_for(cast.rep_b) is marker
        assert home.home_view_for(cast.rep_a) is not marker
    finally:
        home._registry[:] = [(k, v) for k, v in home._registry if v is not marker]
    cast.rep_a.is_superuser = True
    assert home.home_view_for(cast.rep_a) is home.home_view_for(cast.admin)


# --- Rep dashboard: scoping --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("viewer", "person", "status"),
    [
        ("rep_a", "rep_a", 200),
        ("rep_a", "rep_a2", 404),
        ("rep_a", "rep_b", 404),
        ("manager_a", "rep_a", 200),
        ("manager_a", "rep_a2", 200),
        ("manager_a", "rep_b", 404),
        ("manager_b", "rep_b", 200),
        ("hr", "rep_b", 200),
        ("admin", "rep_a", 200),
    ],
)
def test_rep_drill_down_is_scoped(client_as, cast, cards, viewer, person, status):
    response = client_as(getattr(cast, viewer)).get(rep_url(getattr(cast, person)))
    assert response.status_code == status
    if status == 200:
        assert response.context["rep"] == getattr(cast, person)
        assert response.context["card"] == cards[person] if person in cards else True


def test_rep_dashboard_shows_kpis_against_target_and_the_sales_gap(client_as, cast, cards):
    response = client_as(cast.rep_a).get(MY)
    assert response.status_code == 200
    assert response.context["card"] == cards["rep_a"]
    assert response.context["sales_gap"] == Decimal("1000.00")
    kpis = {k["kpi"]: k for k in response.context["kpis"]}
    assert set(kpis) == {"sales_achievement_rate", "new_customers", "collection_rate"}
    assert kpis["collection_rate"]["score"] == Decimal("83.33")
    html = response.content.decode()
    assert "¥1,000.00" in html  # the gap, formatted as money
    assert "72.5" in html  # the total score


def test_each_kpi_links_to_the_records_behind_it(client_as, cast, cards):
    card = cards["rep_a"]
    response = client_as(cast.rep_a).get(MY)
    try:
        expected = reverse("scorecards:scorecard-sources", args=[card.pk]) + "?kpi="
    except NoReverseMatch:  # the sources page is being built: the scorecard itself meanwhile
        expected = reverse("scorecards:scorecard-detail", args=[card.pk])
    for kpi in response.context["kpis"]:
        assert kpi["url"].startswith(expected)
        assert f'href="{kpi["url"]}"'.replace("&", "&amp;") in response.content.decode()


def test_trend_covers_twelve_months_from_the_scorecards(client_as, cast, cards):
    earlier = this_month().previous().previous()
    MonthScorecardFactory(rep=cast.rep_a, period_key=earlier.key, score=Decimal("40.00"))
    response = client_as(cast.rep_a).get(MY)
    chart = response.context["score_chart"]
    assert chart is not None
    html = response.content.decode()
    assert "<svg" in html and "<table" in html
    assert earlier.key in str(chart.table_rows) or "40" in str(chart.table_rows)


def test_pipeline_by_stage_flags_deals_past_their_close_date(client_as, cast):
    today = timezone.localdate()
    OpportunityFactory(owner=cast.rep_a, stage=Stage.NEEDS_DISCOVERY, expected_amount=100)
    OpportunityFactory(
        owner=cast.rep_a,
        stage=Stage.NEGOTIATION,
        expected_amount=Decimal("250.00"),
        expected_close_on=today - datetime.timedelta(days=3),
    )
    OpportunityFactory(owner=cast.rep_a, stage=Stage.WON, expected_amount=999)  # closed
    OpportunityFactory(owner=cast.rep_a2, stage=Stage.NEGOTIATION)  # someone else's
    response = client_as(cast.rep_a).get(MY)
    stages = {s["stage"]: s for s in response.context["pipeline"]}
    assert stages[Stage.NEEDS_DISCOVERY]["count"] == 1
    assert stages[Stage.NEGOTIATION]["overdue_count"] == 1
    assert stages[Stage.NEGOTIATION]["overdue_value"] == Decimal("250.00")
    assert response.context["pipeline_count"] == 2
    assert response.context["overdue_count"] == 1
    assert f"stage={Stage.NEGOTIATION}" in stages[Stage.NEGOTIATION]["url"]


def test_funnel_shows_conversion_by_grade(client_as, cast):
    for _ in range(2):
        LeadFactory(owner=cast.rep_a, grade_a=True, status="converted")
    LeadFactory(owner=cast.rep_a, grade_c=True)
    LeadFactory(owner=cast.rep_a, grade_c=True, status="converted")
    LeadFactory(owner=cast.rep_b, grade_c=True)  # out of scope
    response = client_as(cast.rep_a).get(MY)
    by_grade = {item.key: item for item in response.context["by_grade"]}
    assert (by_grade["A"].leads, by_grade["A"].converted, by_grade["A"].rate) == (
        2,
        2,
        Decimal("100.00"),
    )
    assert by_grade["C"].rate == Decimal("50.00")
    assert by_grade["B"].leads == 0 and by_grade["B"].rate is None
    assert response.context["funnel_leads"] == 4


def test_a_leads_to_call_put_the_longest_uncontacted_first(client_as, cast):
    now = timezone.now()
    recent = LeadFactory(owner=cast.rep_a, grade_a=True, company_name="Recent Co")
    ActivityFactory(lead=recent, customer=None, occurred_at=now - datetime.timedelta(days=1))
    old = LeadFactory(owner=cast.rep_a, grade_a=True, company_name="Old Co")
    ActivityFactory(lead=old, customer=None, occurred_at=now - datetime.timedelta(days=30))
    never = LeadFactory(owner=cast.rep_a, grade_a=True, company_name="Never Co")
    LeadFactory(owner=cast.rep_a, grade_c=True)  # not an A lead
    response = client_as(cast.rep_a).get(MY)
    assert [lead.pk for lead in response.context["a_leads"]] == [never.pk, old.pk, recent.pk]


def test_own_dashboard_lists_todays_reminders_and_a_drill_down_does_not(client_as, cast):
    today = timezone.localdate()
    due = ReminderFactory(recipient=cast.manager_a, due_on=today)
    ReminderFactory(recipient=cast.manager_a, due_on=today + datetime.timedelta(days=3))
    client = client_as(cast.manager_a)
    assert [r.pk for r in client.get(MY).context["reminders"]] == [due.pk]
    assert "reminders" not in client.get(rep_url(cast.rep_a)).context


def test_a_new_rep_without_data_sees_sentences_not_errors(client_as, cast):
    response = client_as(cast.rep_a).get(MY)
    assert response.status_code == 200
    html = response.content.decode()
    assert "No scorecard for" in html
    assert "No open opportunities right now." in html
    assert "No leads in the last 12 months." in html
    assert response.context["score_chart"] is None


# --- Period ------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["2026-13", "soon", "2026-Q1", "0001-01"])
def test_a_bad_period_is_reported_and_the_current_month_shown(client_as, cast, value):
    response = client_as(cast.rep_a).get(MY, {"period": value})
    assert response.status_code == 200
    assert response.context["period"] == this_month()
    assert len(list(get_messages(response.wsgi_request))) == 1


def test_a_past_month_not_computed_yet_says_so(client_as, cast, cards):
    past = this_month().previous().previous().previous()
    for url in (MY, TEAM):
        user = cast.rep_a if url == MY else cast.manager_a
        response = client_as(user).get(url, {"period": past.key})
        assert response.status_code == 200
        assert response.context["period"] == past
        assert "yet" in response.content.decode()


# --- Team dashboard ----------------------------------------------------------------------------


def test_a_rep_may_not_open_the_team_dashboard(client_as, cast):
    assert client_as(cast.rep_a).get(TEAM).status_code == 403


def test_manager_sees_their_team_ranked_by_score(client_as, cast, cards):
    cards["rep_a2"].score = Decimal("90.00")
    cards["rep_a2"].save()
    response = client_as(cast.manager_a).get(TEAM)
    assert response.status_code == 200
    assert response.context["team"] == cast.team_a
    people = [row["person"] for row in response.context["rows"]]
    assert set(people) == {cast.rep_a, cast.rep_a2, cast.manager_a}
    assert people[0] == cast.rep_a2
    assert response.context["rows"][0]["rank"] == 1
    assert cast.rep_b not in people
    totals = response.context["totals"]
    assert totals.sales == Decimal("3000.00") and totals.sales_target == Decimal("6000.00")
    assert totals.collected == Decimal("1800.00")
    assert rep_url(cast.rep_a2) in response.content.decode()


def test_manager_cannot_open_another_team(client_as, cast, cards):
    response = client_as(cast.manager_a).get(TEAM, {"team": cast.team_b.pk})
    assert response.status_code == 404


@pytest.mark.parametrize("role", ["hr", "admin"])
def test_hr_and_admin_choose_any_team(client_as, cast, cards, role):
    response = client_as(getattr(cast, role)).get(TEAM, {"team": cast.team_b.pk})
    assert response.status_code == 200
    assert [row["person"] for row in response.context["rows"]] == [cast.rep_b]


def test_a_team_value_that_is_not_an_id_is_reported(client_as, cast, cards):
    response = client_as(cast.hr).get(TEAM, {"team": "alpha"})
    assert response.status_code == 200
    assert len(list(get_messages(response.wsgi_request))) == 1


def test_stale_missing_and_inactive_people_are_flagged_with_the_reason(client_as, cast, cards):
    cards["rep_a"].stale = True
    cards["rep_a"].save()
    cards["rep_a2"].delete()
    ActivityFactory(owner=cast.manager_a, customer__owner=cast.manager_a)
    response = client_as(cast.manager_a).get(TEAM)
    flags = {row["person"].username: row["flags"] for row in response.context["rows"]}
    assert "Figures changed since the scorecard was computed" in flags["rep_a"]
    assert "No scorecard for this month" in flags["rep_a2"]
    assert "No activity logged in the last 14 days" in flags["rep_a2"]
    assert flags["manager_a"] == []


def test_team_without_scorecards_says_so(client_as, cast):
    response = client_as(cast.manager_a).get(TEAM)
    assert response.status_code == 200
    assert "No scorecards for" in response.content.decode()


def test_manager_without_a_team_gets_a_sentence(client_as, cast):
    loner = RepFactory(username="loner", role=Role.MANAGER)
    response = client_as(loner).get(TEAM)
    assert response.status_code == 200
    assert "You do not manage a team yet" in response.content.decode()


def test_team_charts_render_svg_with_their_table(client_as, cast, cards):
    response = client_as(cast.manager_a).get(TEAM)
    html = response.content.decode()
    assert response.context["heatmap"] is not None
    assert len(response.context["histograms"]) == 3
    assert html.count("<svg") >= 5


# --- Company overview --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["rep_a", "manager_a"])
def test_only_hr_and_admin_see_the_company_overview(client_as, cast, role):
    assert client_as(getattr(cast, role)).get(COMPANY).status_code == 403


def test_company_overview_ranks_teams_and_lists_people_without_a_scorecard(client_as, cast, cards):
    cards["rep_b"].score = Decimal("95.00")
    cards["rep_b"].save()
    response = client_as(cast.hr).get(COMPANY)
    assert response.status_code == 200
    panels = {panel.key: panel for panel in response.context["panels"]}
    assert list(panels) == ["totals", "teams", "distribution", "missing"]
    rows = panels["teams"].context["rows"]
    assert [row["team"].name for row in rows] == ["Bravo", "Alpha"]
    assert panels["totals"].context["totals"].sales == Decimal("4000.00")
    assert panels["missing"].context["people"] == [(cast.manager_b, cast.team_b)]


def test_company_overview_of_a_month_without_scorecards(client_as, cast):
    response = client_as(cast.admin).get(COMPANY)
    assert response.status_code == 200
    assert "No scorecards for" in response.content.decode()


def test_company_overview_shows_the_grade_panel_once_grades_exist(client_as, cast):
    from tests.factories.grades import AnnualGradeFactory

    assert "Grade distribution and 9-box" not in client_as(cast.hr).get(COMPANY).content.decode()
    first = AnnualGradeFactory(person=cast.rep_a, grade="A", proposed_grade="A", finalised=True)
    AnnualGradeFactory(cycle=first.cycle, person=cast.rep_b, grade="C", finalised=True)
    page = client_as(cast.hr).get(COMPANY).content.decode()
    assert "Grade distribution and 9-box" in page
    assert f"?cycle={first.cycle.pk}&amp;grade=A" in page


def test_company_overview_shows_open_review_cycles_with_query_count_flat(client_as, cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.reviews.choices import ReviewStatus
    from tests.factories.reviews import ReviewCycleFactory, ReviewFactory

    cycle = ReviewCycleFactory(name="Q3 360")
    ReviewFactory(cycle=cycle, person=cast.rep_a)
    client = client_as(cast.hr)
    with CaptureQueriesContext(connection) as few:
        page = client.get(COMPANY).content.decode()
    assert "Review cycles in progress" in page and "Q3 360" in page
    for _index in range(8):
        ReviewFactory(cycle=cycle, status=ReviewStatus.SELF_SUBMITTED)
    with CaptureQueriesContext(connection) as many:
        page = client.get(COMPANY).content.decode()
    assert len(many) == len(few)
    assert '<td class="num">9</td>' in page  # reviews in the cycle


def test_team_dashboard_shows_the_teams_reviews_in_progress(client_as, cast):
    from apps.reviews.choices import ReviewStatus
    from tests.factories.reviews import ReviewCycleFactory, ReviewFactory

    cycle = ReviewCycleFactory(name="Q3 360")
    ReviewFactory(cycle=cycle, person=cast.rep_a)
    ReviewFactory(cycle=cycle, person=cast.rep_a2, status=ReviewStatus.SELF_SUBMITTED)
    ReviewFactory(cycle=cycle, person=cast.rep_b)  # another team: not counted
    response = client_as(cast.manager_a).get(TEAM)
    progress = response.context["review_progress"]
    assert [(c["name"], c["total"], c["waiting_self"], c["waiting_manager"]) for c in progress] == [
        ("Q3 360", 2, 1, 1)
    ]
    assert "Reviews in progress" in response.content.decode()


def test_team_dashboard_shows_the_teams_open_improvement_plans(client_as, cast):
    import datetime as dt

    from apps.pips.choices import SessionStatus
    from tests.factories.pips import ActivePipFactory, CoachingSessionFactory

    pip = ActivePipFactory(person=cast.rep_a, manager=cast.manager_a)
    today = timezone.localdate()
    CoachingSessionFactory(pip=pip, number=1, status=SessionStatus.HELD)
    CoachingSessionFactory(pip=pip, number=2, status=SessionStatus.MISSED)
    CoachingSessionFactory(pip=pip, number=3, scheduled_on=today + dt.timedelta(days=7))
    ActivePipFactory(person=cast.rep_b)  # another team: not shown
    response = client_as(cast.manager_a).get(TEAM)
    [shown] = response.context["pips"]
    assert (shown.person, shown.held, shown.missed) == (cast.rep_a, 1, 1)
    assert shown.next_session == today + dt.timedelta(days=7)
    assert "Improvement plans" in response.content.decode()


# --- Both languages ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "url"),
    [("rep_a", MY), ("manager_a", TEAM), ("hr", COMPANY), ("manager_a", "/")],
)
def test_dashboards_render_in_chinese(client_as, cast, cards, role, url):
    response = client_as(getattr(cast, role)).get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert 'lang="zh-hans"' in response.content.decode()
