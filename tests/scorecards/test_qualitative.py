"""The qualitative KPIs of quarterly and annual scorecards (issue 10 item 6, SPEC §2.3):
customer satisfaction, team collaboration and capability growth — hand-computed values, their
renormalisation in the score, the query count of a recompute, the API fields, and the records
behind them (which never tell the rated rep who rated them)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.core.kpi_facts import kpi_facts_changed, kpi_periods_changed
from apps.development.choices import LearningKind, RaterRole
from apps.performance.choices import Kpi
from apps.scorecards import selectors
from apps.scorecards.models import Scorecard, StaleRepPeriod
from apps.scorecards.services import scorecards_recompute, scorecards_refresh_stale
from apps.surveys.choices import SurveyStatus
from tests.factories import (
    CapabilityGoalFactory,
    CollaborationRatingFactory,
    CustomerFactory,
    LearningEntryFactory,
    RepFactory,
    SurveyFactory,
)
from tests.scorecards.helpers import card, day, order, scheme

D = Decimal
pytestmark = pytest.mark.django_db
Q3, Q2, YEAR, AUGUST = "2026-Q3", "2026-Q2", "2026", "2026-08"
QUALITATIVE = ("customer_satisfaction", "team_collaboration", "capability_growth")
#: The quarterly market-expansion preset: {kpi: (weight, target)}.
QUARTERLY = {
    Kpi.SALES_GROWTH_RATE: (30, 15),
    Kpi.RETENTION_RATE: (20, 90),
    Kpi.CUSTOMER_SATISFACTION: (30, 90),
    Kpi.TEAM_COLLABORATION: (20, 80),
}


def answered(rep, score, period_key=Q3, **kwargs):
    return SurveyFactory(
        rep=rep,
        period_key=period_key,
        status=SurveyStatus.ANSWERED,
        solution_fit=int(D(score)),
        response_speed=int(D(score)),
        problem_resolution=int(D(score)),
        score=D(score),
        answered_at=timezone.now(),
        channel="link",
        **kwargs,
    )


def rating(rated, rater, cross, sharing, period_key=Q3, role=RaterRole.PEER):
    return CollaborationRatingFactory(
        rated=rated,
        rater=rater,
        rater_role=role,
        period_key=period_key,
        cross_department=cross,
        knowledge_sharing=sharing,
    )


def learned(rep, kind, on, score=None):
    return LearningEntryFactory(rep=rep, kind=kind, on=day(on), score=score)


@pytest.fixture
def rated(cast):
    """rep_a's surveys, ratings, learning log and goals of Q2 and Q3 2026 (and noise)."""
    rep = cast.rep_a
    # Satisfaction. Q3: (80 + 90 + 95.50) / 3 = 88.50; the year adds Q2's 70:
    # 335.50 / 4 = 83.875 -> 83.88. Pending, cancelled and 2025 surveys never count.
    for score in ("80", "90", "95.50"):
        answered(rep, score)
    answered(rep, "70", period_key=Q2)
    answered(rep, "10", period_key="2025-Q3")
    SurveyFactory(rep=rep, period_key=Q3)  # pending
    SurveyFactory(rep=rep, period_key=Q3, status=SurveyStatus.CANCELLED, cancel_reason="Left")
    answered(cast.rep_a2, "20")  # someone else's
    # Collaboration. Q3: manager 4.5; peers 4, 3.5, 5 -> 12.5 / 3; (4.5 + 4.1667) / 2 × 20 =
    # 86.67. The year adds Q2's manager 2: manager 3.25 -> (3.25 + 4.1667) / 2 × 20 = 74.17.
    rating(rep, cast.manager_a, 4, 5, role=RaterRole.MANAGER)
    rating(rep, cast.rep_a2, 4, 4)
    rating(rep, RepFactory(team=cast.team_a), 3, 4)
    rating(rep, RepFactory(team=cast.team_a), 5, 5)
    rating(rep, cast.manager_a, 2, 2, period_key=Q2, role=RaterRole.MANAGER)
    rating(cast.rep_a2, rep, 1, 1)  # given by rep_a, not received
    # Capability. Q3 (3 months): 7 entries, 2 courses -> pace 66.67; assessed 80, 70 and a
    # certification without a score (100) -> 83.33 (an exam without a score is not assessed);
    # goals of 2026: 50 and 70 -> 60. (83.33 × 50 + 66.67 × 25 + 60 × 25) / 100 = 73.33.
    learned(rep, LearningKind.COURSE, "2026-07-10")
    learned(rep, LearningKind.COURSE, "2026-08-12")
    learned(rep, LearningKind.EXAM, "2026-08-20", D("80"))
    learned(rep, LearningKind.SANDBOX, "2026-09-01", D("70"))
    learned(rep, LearningKind.CERTIFICATION, "2026-09-15")
    learned(rep, LearningKind.COMPETITOR_MEETING, "2026-09-20")
    learned(rep, LearningKind.EXAM, "2026-09-21")
    # The year (12 months) adds Q2's course and exam 60: 9 entries, 3 courses -> pace 25;
    # assessed (80 + 70 + 100 + 60) / 4 = 77.5; (77.5 × 50 + 25 × 25 + 60 × 25) / 100 = 60.
    learned(rep, LearningKind.COURSE, "2026-05-05")
    learned(rep, LearningKind.EXAM, "2026-04-10", D("60"))
    learned(rep, LearningKind.COURSE, "2025-12-31")  # another year
    CapabilityGoalFactory(rep=rep, year=2026, progress=D("50"))
    CapabilityGoalFactory(rep=rep, year=2026, progress=D("70"))
    CapabilityGoalFactory(rep=rep, year=2025, progress=D("100"))
    return rep


def qualitative(scorecard) -> tuple:
    return tuple(getattr(scorecard, name) for name in QUALITATIVE)


# --- Hand-computed values ------------------------------------------------------------------


def test_quarter_values_are_computed_by_hand(rated):
    # ``card`` also checks that refreshing the rep alone writes the same figures.
    assert qualitative(card(rated, Q3)) == (D("88.50"), D("86.67"), D("73.33"))


def test_year_values_pool_the_four_quarters(rated):
    assert qualitative(card(rated, YEAR)) == (D("83.88"), D("74.17"), D("60.00"))


def test_a_quarter_without_anything_to_score_keeps_them_null(rated, cast):
    # Q1: no survey, no rating, no entry; the year's goals still count (pace 0 and goal 60).
    assert qualitative(card(rated, "2026-Q1")) == (None, None, D("30.00"))
    assert qualitative(card(cast.rep_b, Q3)) == (None, None, None)


def test_monthly_scorecards_keep_them_null(rated):
    assert qualitative(card(rated, AUGUST)) == (None, None, None)


def test_collaboration_from_one_side_only_is_that_sides_mean(cast):
    rep = cast.rep_b
    for _peer in range(3):
        rating(rep, RepFactory(team=cast.team_b), 3, 4)  # three peers at 3.5: × 20
    assert card(rep, Q3).team_collaboration == D("70.00")


def test_collaboration_leaves_out_one_or_two_peers_so_they_stay_anonymous(cast):
    rep = cast.rep_b
    rating(rep, RepFactory(team=cast.team_b), 3, 4)
    rating(rep, RepFactory(team=cast.team_b), 1, 1)
    assert card(rep, Q3).team_collaboration is None


def test_capability_of_a_goal_alone_counts_the_pace_as_nothing_done(cast):
    rep = cast.rep_b
    CapabilityGoalFactory(rep=rep, year=2026, progress=D("80"))
    # Pace 0 (weight 25) and goal 80 (weight 25): 40.
    assert card(rep, Q3).capability_growth == D("40.00")


# --- Scored by the scheme in force ---------------------------------------------------------


def test_defined_qualitative_kpis_are_scored_by_the_scheme(rated):
    scheme("quarterly", QUARTERLY)
    scorecard = card(rated, Q3)
    scores = scorecard.kpi_scores
    assert scores["customer_satisfaction"] == {
        "value": "88.50",
        "target": "90.00",
        "score": "98.33",
        "weight": "30.00",
    }
    assert scores["team_collaboration"]["score"] == "108.34"  # 86.67 / 80
    # No growth or retention figures: (98.33 × 30 + 108.34 × 20) / 50 = 102.33.
    assert scores["sales_growth_rate"]["score"] is None
    assert scorecard.score == D("102.33")


def test_undefined_qualitative_kpis_drop_out_and_the_weights_renormalise(cast):
    from apps.performance.models import WeightSchemeItem

    rep = cast.rep_b
    kept = CustomerFactory(owner=rep)
    order(rep, kept, "100.00", "2025-08-01")
    order(rep, kept, "115.00", "2026-08-01")
    quarterly = scheme("quarterly", QUARTERLY)
    full = card(rep, Q3)
    # Growth 15 % on target 15 -> 100; retention 100 % on 90 -> 111.11; nothing qualitative:
    # (100 × 30 + 111.11 × 20) / 50 = 104.44.
    assert (full.kpi_scores["customer_satisfaction"]["score"], full.score) == (None, D("104.44"))
    assert full.kpi_scores["team_collaboration"]["weight"] == "20.00"
    WeightSchemeItem.objects.filter(
        scheme=quarterly, kpi__in=[Kpi.CUSTOMER_SATISFACTION, Kpi.TEAM_COLLABORATION]
    ).delete()
    assert card(rep, Q3).score == full.score  # the quantitative-only score


def test_annual_scheme_scores_capability(rated):
    scheme("annual", {Kpi.CAPABILITY_GROWTH: (10, 100), Kpi.CUSTOMER_SATISFACTION: (10, 90)})
    scorecard = card(rated, YEAR)
    assert scorecard.kpi_scores["capability_growth"]["score"] == "60.00"
    assert scorecard.kpi_scores["customer_satisfaction"]["score"] == "93.20"  # 83.88 / 90
    assert scorecard.score == D("76.60")


# --- Set-based: the query count does not grow ----------------------------------------------


def _give_data(rep, raters):
    answered(rep, "85")
    answered(rep, "75")
    for rater in raters:
        rating(rep, rater, 4, 3)
    learned(rep, LearningKind.COURSE, "2026-07-03")
    learned(rep, LearningKind.EXAM, "2026-07-04", D("90"))
    CapabilityGoalFactory(rep=rep, year=2026, progress=D("40"))


def _count(**kwargs) -> int:
    with CaptureQueriesContext(connection) as captured:
        scorecards_recompute(period_key=Q3, **kwargs)
    return len(captured)


def test_query_count_of_a_quarter_recompute_does_not_grow(cast):
    scheme("quarterly", QUARTERLY)
    first = [RepFactory(team=cast.team_a) for _ in range(3)]
    for rep in first:
        _give_data(rep, [cast.manager_a, cast.rep_a2])
    small, small_few = _count(), _count(rep_ids=[first[0].pk])
    more = [RepFactory(team=cast.team_a) for _ in range(12)]
    for rep in more:
        _give_data(rep, [cast.manager_a, cast.rep_a2, *first])
    assert _count() == small
    assert _count(rep_ids=[rep.pk for rep in more[:8]]) == small_few
    assert Scorecard.objects.get(rep=more[0], period_key=Q3).customer_satisfaction == D("80.00")


def test_a_chunk_of_many_reps_picks_its_own_rows(cast, monkeypatch):
    """The many-reps path reads an id range: a rep inside it who was not asked for gets
    nothing, and each rep asked for exactly their own figures."""
    monkeypatch.setattr(selectors, "FEW_REPS", 0)
    reps = [RepFactory(team=cast.team_a) for _ in range(3)]
    answered(reps[0], "60")
    answered(reps[1], "90")
    scorecards_recompute(period_key=Q3, rep_ids=[reps[0].pk, reps[2].pk])
    cards = {c.rep_id: c.customer_satisfaction for c in Scorecard.objects.filter(rep__in=reps)}
    assert cards == {reps[0].pk: D("60.00"), reps[2].pk: None}


# --- Stale marks -----------------------------------------------------------------------------


def test_the_hook_for_a_survey_or_rating_marks_the_quarter_and_the_year(rated):
    scorecards_recompute(period_key=Q3)
    scorecards_recompute(period_key=YEAR)
    answered(rated, "100")
    # The call the surveys and development services make (see the report of issue 10).
    kpi_periods_changed(period_keys=[Q3, Q3[:4]], rep_ids=[rated.pk])
    assert set(StaleRepPeriod.objects.filter(rep=rated).values_list("period_key", flat=True)) == {
        Q3,
        YEAR,
    }
    scorecards_refresh_stale()
    assert Scorecard.objects.get(rep=rated, period_key=Q3).customer_satisfaction == D("91.38")
    assert not StaleRepPeriod.objects.exists()


def test_the_hooks_for_learning_entries_and_goals_mark_their_periods(cast):
    rep = cast.rep_b
    # A learning entry: the periods containing its date (and later ones up to today).
    kpi_facts_changed(rep_ids=[rep.pk], on_date=datetime.date(2026, 8, 20))
    assert {Q3, YEAR} <= set(
        StaleRepPeriod.objects.filter(rep=rep).values_list("period_key", flat=True)
    )
    StaleRepPeriod.objects.all().delete()
    # A capability goal: its year and the year's four quarters.
    keys = [YEAR, *(f"{YEAR}-Q{n}" for n in range(1, 5))]
    kpi_periods_changed(period_keys=keys, rep_ids=[rep.pk])
    marked = set(StaleRepPeriod.objects.filter(rep=rep).values_list("period_key", flat=True))
    assert marked == set(keys)


# --- API -------------------------------------------------------------------------------------


def test_api_scorecard_carries_the_three_fields(api_as, rated):
    scorecard = card(rated, Q3)
    data = api_as(rated).get(f"/api/v1/scorecards/{scorecard.pk}/").json()
    assert (data["customer_satisfaction"], data["team_collaboration"]) == ("88.50", "86.67")
    assert data["capability_growth"] == "73.33"
    month = card(rated, AUGUST)
    data = api_as(rated).get(f"/api/v1/scorecards/{month.pk}/").json()
    assert [data[name] for name in QUALITATIVE] == [None, None, None]


# --- Sources ---------------------------------------------------------------------------------


def sources_api(client, scorecard, kpi, **params):
    return client.get(f"/api/v1/scorecards/{scorecard.pk}/sources/", {"kpi": kpi, **params})


@pytest.mark.parametrize("key", [Q3, YEAR])
@pytest.mark.parametrize("kpi", QUALITATIVE)
def test_sources_equal_the_figure(rated, cast, key, kpi):
    scorecard = card(rated, key)
    for viewer in (rated, cast.hr):
        sources = selectors.scorecard_sources(scorecard, kpi, viewer=viewer)
        assert sources.totals == {kpi: getattr(scorecard, kpi)} == sources.figures
        assert sources.totals[kpi] is not None


def test_survey_rows_list_the_answered_surveys(api_as, rated):
    scorecard = card(rated, Q3)
    response = sources_api(api_as(rated), scorecard, "customer_satisfaction")
    assert response.status_code == 200
    data = response.json()
    assert sorted(row["score"] for row in data["results"]) == ["80.00", "90.00", "95.50"]
    assert {row["period"] for row in data["results"]} == {Q3}
    assert data["totals"] == {"customer_satisfaction": "88.50"} == data["figure"]
    assert all(row["customer_name"] for row in data["results"])


def test_learning_and_goal_rows_show_what_counts(api_as, rated):
    scorecard = card(rated, Q3)
    client = api_as(rated)
    learning = sources_api(client, scorecard, "capability_growth").json()
    assert learning["section"] == "learning"
    assert len(learning["results"]) == 7
    by_kind = {(row["kind"], row["score"]) for row in learning["results"]}
    assert ("certification", "100.00") in by_kind and ("exam", None) in by_kind
    goals = sources_api(client, scorecard, "capability_growth", section="goals").json()
    assert sorted(row["progress"] for row in goals["results"]) == ["50.00", "70.00"]
    assert goals["totals"] == {"capability_growth": "73.33"}


def test_the_rated_rep_sees_means_only_never_a_rater_or_a_count(api_as, rated, cast):
    scorecard = card(rated, Q3)
    response = sources_api(api_as(rated), scorecard, "team_collaboration")
    rows = {row["rater_role"]: row for row in response.json()["results"]}
    assert rows["manager"]["mean"] == "4.50"
    assert rows["peer"]["mean"] == "4.17"  # three peers rated
    assert rows["manager"]["raters"] is None and rows["peer"]["raters"] is None
    body = response.content.decode()
    for rater in (cast.manager_a, cast.rep_a2):
        assert rater.username not in body and str(rater) not in body
    for row in rows.values():  # nothing but the role and the mean
        assert {key for key, value in row.items() if value is not None} == {
            "record",
            "rater_role",
            "mean",
        }


def test_the_rated_rep_gets_no_peer_mean_from_fewer_than_three_peers(api_as, client_as, cast):
    rep = cast.rep_b
    rating(rep, cast.manager_b, 4, 4, role=RaterRole.MANAGER)
    rating(rep, RepFactory(team=cast.team_b), 2, 2)
    rating(rep, RepFactory(team=cast.team_b), 5, 5)
    scorecard = card(rep, Q3)
    rows = {
        row["rater_role"]: row
        for row in sources_api(api_as(rep), scorecard, "team_collaboration").json()["results"]
    }
    assert rows["peer"]["mean"] is None and rows["peer"]["raters"] is None
    # Managers and HR see counts and means.
    for viewer in (cast.manager_b, cast.hr):
        staff = {
            row["rater_role"]: row
            for row in sources_api(api_as(viewer), scorecard, "team_collaboration").json()[
                "results"
            ]
        }
        assert (staff["peer"]["raters"], staff["peer"]["mean"]) == (2, "3.50")
        assert (staff["manager"]["raters"], staff["manager"]["mean"]) == (1, "4.00")
    page = client_as(rep).get(
        reverse("scorecards:scorecard-sources", args=[scorecard.pk]), {"kpi": "team_collaboration"}
    )
    assert page.status_code == 200
    assert page.context["rows"][1]["mean"] is None


def test_monthly_scorecards_offer_no_qualitative_sources(api_as, client_as, rated):
    month = card(rated, AUGUST)
    response = sources_api(api_as(rated), month, "customer_satisfaction")
    assert response.status_code == 400
    assert "kpi" in response.json() or "kpi" in str(response.json())
    page = client_as(rated).get(
        reverse("scorecards:scorecard-sources", args=[month.pk]),
        {"kpi": "customer_satisfaction"},
    )
    assert page.status_code == 200
    assert page.context["sources"].kpi == "sales_achievement_rate"


# --- Pages -----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("kpi", QUALITATIVE)
def test_sources_pages_render_for_every_role(client_as, cast, rated, kpi, language):
    scorecard = card(rated, Q3)
    url = reverse("scorecards:scorecard-sources", args=[scorecard.pk])
    for user in (rated, cast.manager_a, cast.hr, cast.admin):
        response = client_as(user).get(url, {"kpi": kpi}, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        assert response.context["totals"][0]["matches"]


def test_detail_shows_the_three_values_and_where_they_come_from(client_as, rated):
    scorecard = card(rated, Q3)
    html = client_as(rated).get(reverse("scorecards:scorecard-detail", args=[scorecard.pk]))
    html = html.content.decode()
    assert "Qualitative KPIs" in html
    for value in ("88.50", "86.67", "73.33"):
        assert value in html
    assert "?kpi=team_collaboration" in html
    assert "customer surveys answered" in html


def test_detail_of_a_month_has_no_qualitative_block(client_as, rated):
    month = card(rated, AUGUST)
    html = client_as(rated).get(reverse("scorecards:scorecard-detail", args=[month.pk]))
    assert "Qualitative KPIs" not in html.content.decode()


def test_list_of_a_quarter_shows_the_qualitative_column(client_as, cast, rated):
    scorecards_recompute(period_key=Q3)
    response = client_as(cast.hr).get(
        reverse("scorecards:scorecard-list"), {"period": Q3, "include_empty": "true"}
    )
    text = re.sub(r"<[^>]+>", "", response.content.decode())
    assert response.context["qualitative"] is True
    assert "89 · 87 · 73" in text  # 88.50, 86.67, 73.33 rounded
    month = client_as(cast.hr).get(reverse("scorecards:scorecard-list"), {"period": AUGUST})
    assert month.context["qualitative"] is False


def test_survey_answered_at_is_shown_as_a_date(rated):
    survey = rated.surveys.filter(period_key=Q3, status=SurveyStatus.ANSWERED).first()
    row = selectors.source_row("surveys", survey)
    assert isinstance(row["date"], datetime.date)
    assert row["customer"] == survey.customer_id
