"""Browser pages of reviews and review cycles: every page for every role, scoping, forbidden
actions, validation, locking, version conflicts, both languages and query counts.

The cast, ``cycle``, ``review`` (rep_a's open review), ``reviews`` and the signed-in clients
``rep_client`` (rep_a), ``manager_client`` (manager_a) and ``hr_client`` come from the conftests."""

import datetime
from decimal import Decimal as D

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from apps.accounts.models import EmployeeProfile
from apps.core.models import AuditEntry
from apps.performance.choices import Kpi
from apps.reviews import services
from apps.reviews.choices import CycleKind, ReviewStatus
from apps.reviews.models import Review, ReviewCycle, ReviewIndicator
from tests.factories import (
    AnnualCycleFactory,
    AnnualSchemeFactory,
    QuarterReviewFactory,
    RepFactory,
    ReviewCycleFactory,
    ReviewFactory,
    ScorecardFactory,
)
from tests.factories.surveys import AnsweredSurveyFactory, SurveyFactory

pytestmark = pytest.mark.django_db

LIST = reverse("reviews:review-list")
CYCLES = reverse("reviews:cycle-list")
CYCLE_NEW = reverse("reviews:cycle-create")
KPIS = (
    Kpi.SALES_GROWTH_RATE,
    Kpi.RETENTION_RATE,
    Kpi.CUSTOMER_SATISFACTION,
    Kpi.TEAM_COLLABORATION,
)


def url(name, record):
    """The page ``reviews:<name>`` of a review or a cycle."""
    return reverse(f"reviews:{name}", kwargs={"pk": record.pk})


def quarter_review(cast, person, cycle, **kwargs):
    """An open quarterly review of ``person`` in ``cycle``, by the manager of their team."""
    manager = cast.manager_b if person.team_id == cast.team_b.pk else cast.manager_a
    return QuarterReviewFactory(person=person, manager=manager, cycle=cycle, **kwargs)


def scores_post(review, value="80", comment="On plan", action="save", **extra):
    data = {"action": action, "summary": "Behind on retention", "record_version": review.version}
    for kpi in KPIS:
        data[f"score_{kpi}"] = value
        data[f"comment_{kpi}"] = comment
    data.update(extra)
    return data


def all_scores(value):
    return {kpi: (D(value), "fine") for kpi in KPIS}


def save_self(review, value, summary=""):
    """The reviewed person saves every self score at ``value`` (a draft)."""
    return services.review_save_self(
        actor=review.person,
        review=review,
        expected_version=review.version,
        summary=summary,
        scores=all_scores(value),
    )


def submit_self(review, value):
    """The reviewed person saves every self score at ``value`` and submits their part."""
    review = save_self(review, value)
    return services.review_submit_self(
        actor=review.person, review=review, expected_version=review.version
    )


def submit_both(review):
    """Self part submitted at 80, then the manager's part at 70; the customer part is missing."""
    review = submit_self(review, "80")
    review = services.review_save_manager(
        actor=review.manager,
        review=review,
        expected_version=review.version,
        summary="",
        scores=all_scores("70"),
    )
    return services.review_submit_manager(
        actor=review.manager, review=review, expected_version=review.version
    )


def waive_customer(cast, review, reason="No customers this quarter"):
    return services.review_waive_part(
        actor=cast.hr,
        review=review,
        part="customer",
        reason=reason,
        expected_version=review.version,
    )


@pytest.fixture
def submitted_review(review):
    """rep_a's review with the self (80) and manager (70) parts submitted, customers missing."""
    return submit_both(review)


@pytest.fixture
def finalised_review(cast, submitted_review):
    """rep_a's review finalised by HR with the customer part waived (self 80, manager 70)."""
    review = waive_customer(cast, submitted_review)
    return services.review_finalise(actor=cast.hr, review=review, expected_version=review.version)


# -- the list ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("reviews")
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("rep_a", {"rep_a"}),
        ("manager_a", {"rep_a", "rep_a2"}),
        ("hr", {"rep_a", "rep_a2", "rep_b"}),
        ("admin", {"rep_a", "rep_a2", "rep_b"}),
    ],
)
def test_review_list_shows_each_role_its_scope(cast, client_as, who, expected):
    response = client_as(getattr(cast, who)).get(LIST)
    assert response.status_code == 200
    assert {review.person.username for review, _step in response.context["rows"]} == expected


def test_a_rep_sees_when_their_self_review_is_due(cast, rep_client):
    quarter_review(cast, cast.rep_a, ReviewCycleFactory(self_due=datetime.date(2026, 10, 15)))
    page = rep_client.get(LIST).content.decode()
    assert "Your self-review is due 2026-10-15" in page


def test_a_manager_sees_their_review_is_next_once_the_self_review_is_in(cast, manager_client):
    cycle = ReviewCycleFactory(manager_due=datetime.date(2026, 10, 22))
    submit_self(quarter_review(cast, cast.rep_a, cycle), "75")
    page = manager_client.get(LIST).content.decode()
    assert "Your review is due 2026-10-22" in page
    assert "Self-review submitted" in page


@pytest.mark.usefixtures("review")
def test_hr_filters_the_list_by_team_and_status(cast, cycle, hr_client):
    quarter_review(cast, cast.rep_b, cycle, status=ReviewStatus.SELF_SUBMITTED)
    rows = hr_client.get(LIST, {"team": cast.team_b.pk}).context["rows"]
    assert [review.person for review, _step in rows] == [cast.rep_b]
    rows = hr_client.get(LIST, {"status": ReviewStatus.OPEN}).context["rows"]
    assert [review.person for review, _step in rows] == [cast.rep_a]
    rows = hr_client.get(LIST, {"cycle": cycle.pk}).context["rows"]
    assert len(rows) == 2


def test_the_list_makes_the_same_number_of_queries_for_2_and_8_reviews(cast, hr_client):
    cycle = ReviewCycleFactory(self_due=datetime.date(2026, 10, 15))
    for _ in range(2):
        quarter_review(cast, RepFactory(team=cast.team_a), cycle)
    hr_client.get(LIST)
    with CaptureQueriesContext(connection) as small:
        assert hr_client.get(LIST).status_code == 200
    for _ in range(6):
        quarter_review(cast, RepFactory(team=cast.team_b), cycle)
    with CaptureQueriesContext(connection) as large:
        response = hr_client.get(LIST)
    assert len(response.context["rows"]) == 8
    assert len(large.captured_queries) == len(small.captured_queries)


# -- the detail page ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["rep_a", "manager_a", "hr", "admin"])
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_review_page_renders_for_every_role_in_both_languages(
    cast, client, review, who, language
):
    client.force_login(getattr(cast, who))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url("review-detail", review))
    assert response.status_code == 200
    assert f'lang="{language}"' in response.content.decode()
    assert len(response.context["indicators"]) == 4


@pytest.mark.parametrize("who", ["rep_a", "manager_a"])
def test_another_teams_review_is_not_found(cast, client_as, reviews, who):
    client = client_as(getattr(cast, who))
    for name in ("review-detail", "review-self", "review-manager", "review-finalise"):
        assert client.get(url(name, reviews["rep_b"])).status_code == 404


def test_a_rep_cannot_see_a_teammates_review(rep_client, reviews):
    assert rep_client.get(url("review-detail", reviews["rep_a2"])).status_code == 404


def test_the_detail_shows_the_indicators_parts_and_gap_to_target(cast, review, rep_client):
    ReviewIndicator.objects.filter(review=review, kpi=Kpi.RETENTION_RATE).update(
        computed_score=D("88.5")
    )
    ScorecardFactory(
        rep=cast.rep_a, period_key="2026-Q3", sales=D("80000"), sales_target=D("100000")
    )
    page = rep_client.get(url("review-detail", review)).content.decode()
    assert "Customer retention rate" in page
    assert "88.5" in page
    assert "¥20,000.00 short of target" in page


def test_a_waived_part_shows_the_reason_and_the_renormalised_weights(cast, review, rep_client):
    review = waive_customer(cast, review, reason="New territory, no customers")
    page = rep_client.get(url("review-detail", review)).content.decode()
    assert "Customers part waived by HR: New territory, no customers; weights 37.5 / 62.5" in page


def test_the_review_page_makes_the_same_number_of_queries_with_more_history(review, hr_client):
    review = save_self(review, "70")
    hr_client.get(url("review-detail", review))
    with CaptureQueriesContext(connection) as small:
        hr_client.get(url("review-detail", review))
    for value in ("71", "72", "73", "74"):
        review = save_self(review, value)
    with CaptureQueriesContext(connection) as large:
        response = hr_client.get(url("review-detail", review))
    assert len(response.context["history"]) >= 5
    assert len(large.captured_queries) == len(small.captured_queries)


# -- the self and manager parts -----------------------------------------------------------------


def test_the_self_form_is_pre_filled_with_the_computed_scores(review, rep_client):
    ReviewIndicator.objects.filter(review=review, kpi=Kpi.SALES_GROWTH_RATE).update(
        computed_score=D("64.25")
    )
    response = rep_client.get(url("review-self", review))
    assert response.status_code == 200
    assert response.context["form"][f"score_{Kpi.SALES_GROWTH_RATE}"].value() == D("64.25")


def test_a_rep_saves_a_draft_then_submits_their_self_review(review, rep_client):
    response = rep_client.post(url("review-self", review), scores_post(review, "70"))
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.OPEN
    assert review.self_summary == "Behind on retention"
    assert set(review.indicators.values_list("self_score", flat=True)) == {D("70")}
    response = rep_client.post(
        url("review-self", review), scores_post(review, "75", action="submit"), follow=True
    )
    assert "Your self-review is submitted." in response.content.decode()
    review.refresh_from_db()
    assert review.status == ReviewStatus.SELF_SUBMITTED
    assert review.self_submitted_at is not None
    assert review.self_part == D("75")


def test_submitting_with_a_missing_score_names_the_indicator_and_saves_nothing(review, rep_client):
    data = scores_post(review, "70", action="submit", **{f"score_{Kpi.RETENTION_RATE}": ""})
    response = rep_client.post(url("review-self", review), data)
    assert response.status_code == 400
    assert "Give Customer retention rate a score from 0 to 100 before submitting." in (
        response.content.decode()
    )
    review.refresh_from_db()
    assert review.status == ReviewStatus.OPEN
    assert review.self_submitted_at is None
    assert not review.indicators.filter(self_score__isnull=False).exists()


def test_a_score_above_100_is_refused_on_its_field_and_nothing_is_saved(review, rep_client):
    data = scores_post(review, "70", **{f"score_{Kpi.TEAM_COLLABORATION}": "150"})
    response = rep_client.post(url("review-self", review), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [f"score_{Kpi.TEAM_COLLABORATION}"]
    assert not review.indicators.filter(self_score__isnull=False).exists()


def test_a_submitted_self_review_opens_read_only_and_refuses_changes(review, rep_client):
    review = submit_self(review, "70")
    response = rep_client.get(url("review-self", review))
    assert response.status_code == 302
    assert response["Location"] == url("review-detail", review)
    assert rep_client.get(url("review-detail", review)).context["can_edit_self"] is False
    response = rep_client.post(url("review-self", review), scores_post(review, "99"))
    assert response.status_code == 400
    assert "This part is already submitted" in response.content.decode()
    assert set(review.indicators.values_list("self_score", flat=True)) == {D("70")}


def test_a_rep_cannot_do_the_manager_part(review, rep_client):
    assert rep_client.get(url("review-manager", review)).status_code == 403
    response = rep_client.post(url("review-manager", review), scores_post(review, "100"))
    assert response.status_code == 403
    assert not review.indicators.filter(manager_score__isnull=False).exists()


def test_a_manager_cannot_write_the_self_review(review, manager_client):
    response = manager_client.post(url("review-self", review), scores_post(review))
    assert response.status_code == 403
    assert not review.indicators.filter(self_score__isnull=False).exists()


def test_the_manager_submits_their_part(review, manager_client):
    assert manager_client.get(url("review-manager", review)).status_code == 200
    response = manager_client.post(
        url("review-manager", review), scores_post(review, "60", action="submit")
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.manager_submitted_at is not None
    assert review.manager_part == D("60")
    assert set(review.indicators.values_list("manager_comment", flat=True)) == {"On plan"}


def test_a_stale_save_shows_the_conflict_and_overwrites_nothing(review, rep_client):
    opened_version = review.version
    save_self(review, "90", summary="Saved in another tab")
    data = scores_post(review, "40", record_version=opened_version)
    response = rep_client.post(url("review-self", review), data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "This record was changed by someone else since you opened it." in page
    assert "Saved in another tab" in page
    review.refresh_from_db()
    assert review.self_summary == "Saved in another tab"
    assert set(review.indicators.values_list("self_score", flat=True)) == {D("90")}


# -- HR's actions -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["rep_a", "manager_a"])
def test_only_hr_waives_finalises_and_reopens(cast, client_as, submitted_review, who):
    review = submitted_review
    client = client_as(getattr(cast, who))
    before = review.version
    assert client.get(url("review-waive", review)).status_code == 403
    response = client.post(url("review-waive", review), {"part": "customer", "reason": "x"})
    assert response.status_code == 403
    assert client.post(url("review-finalise", review), {}).status_code == 403
    assert client.post(url("review-reopen", review), {"reason": "x"}).status_code == 403
    review.refresh_from_db()
    assert review.version == before
    assert review.waivers == {}


def test_waiving_needs_a_reason_and_writes_nothing_without_one(review, hr_client):
    data = {"part": "customer", "reason": "  ", "record_version": review.version}
    response = hr_client.post(url("review-waive", review), data)
    assert response.status_code == 400
    assert "Give the reason for waiving this part." in response.content.decode()
    review.refresh_from_db()
    assert review.waivers == {}


def test_hr_waives_a_part_with_a_reason(review, hr_client):
    data = {"part": "customer", "reason": "Territory changed", "record_version": review.version}
    response = hr_client.post(url("review-waive", review), data)
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.waivers["customer"]["reason"] == "Territory changed"


def test_finalising_with_a_missing_part_names_it_and_changes_nothing(submitted_review, hr_client):
    review = submitted_review
    page = hr_client.get(url("review-finalise", review)).content.decode()
    assert "Still missing: Customers" in page
    response = hr_client.post(url("review-finalise", review), {"record_version": review.version})
    assert response.status_code == 400
    assert "ustomer" in str(response.context["form"].non_field_errors())
    review.refresh_from_db()
    assert review.status != ReviewStatus.FINALISED


def test_hr_finalises_and_the_review_turns_read_only(cast, submitted_review, hr_client, rep_client):
    review = waive_customer(cast, submitted_review)
    response = hr_client.post(url("review-finalise", review), {"record_version": review.version})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.FINALISED
    response = rep_client.get(url("review-detail", review))
    page = response.content.decode()
    assert "locked." in page
    assert url("review-self", review) not in page
    assert response.context["can_edit_self"] is False


def test_a_locked_review_refuses_the_forms_and_writes_nothing(
    finalised_review, rep_client, manager_client
):
    review = finalised_review
    response = rep_client.get(url("review-self", review))
    assert response.status_code == 302
    assert response["Location"] == url("review-detail", review)
    response = rep_client.post(url("review-self", review), scores_post(review, "10"))
    assert response.status_code == 409
    assert "finalised and locked" in response.content.decode()
    assert set(review.indicators.values_list("self_score", flat=True)) == {D("80")}
    response = manager_client.post(url("review-manager", review), scores_post(review, "10"))
    assert response.status_code == 409
    assert set(review.indicators.values_list("manager_score", flat=True)) == {D("70")}


def test_reopening_needs_a_reason_and_is_audited(finalised_review, hr_client):
    review = finalised_review
    response = hr_client.post(url("review-reopen", review), {"reason": "", "record_version": 9})
    assert response.status_code in (400, 409)
    review.refresh_from_db()
    assert review.status == ReviewStatus.FINALISED
    response = hr_client.post(
        url("review-reopen", review),
        {"reason": "Late customer answers", "record_version": review.version},
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.REOPENED
    assert AuditEntry.objects.filter(
        object_id=str(review.pk), reason__contains="Late customer answers"
    ).exists()
    page = hr_client.get(url("review-detail", review)).content.decode()
    assert "Reopened by HR: Late customer answers" in page


def test_reopen_is_refused_on_a_review_that_is_not_finalised(review, hr_client):
    assert hr_client.get(url("review-reopen", review)).status_code == 403


# -- annual reviews -----------------------------------------------------------------------------


def test_the_annual_review_shows_included_and_missing_quarters(cast, rep_client):
    EmployeeProfile.objects.filter(user=cast.rep_a).update(hire_date=datetime.date(2026, 3, 10))
    cycle = AnnualCycleFactory(annual_scheme=AnnualSchemeFactory())
    review = ReviewFactory(
        cycle=cycle,
        person=cast.rep_a,
        quarter_scores={"2026-Q2": "80.00", "2026-Q3": "70.00", "2026-Q4": "90.00"},
        quarterly_mean=D("80"),
        growth_score=D("70"),
        capability_score=D("60"),
        score=D("74"),
    )
    response = rep_client.get(url("review-detail", review))
    assert response.status_code == 200
    page = response.content.decode()
    quarters = {q["key"]: q for q in response.context["quarters"]}
    assert len(quarters) == 4
    missing = [q for q in quarters.values() if q["score"] is None]
    assert len(missing) == 1
    assert "not included: joined on 2026-03-10" in page
    assert "74.0" in page


# -- cycles -------------------------------------------------------------------------------------


@pytest.mark.usefixtures("review")
@pytest.mark.parametrize(("who", "status"), [("rep_a", 403), ("manager_a", 200), ("hr", 200)])
def test_the_cycle_pages_are_for_hr_admin_and_managers(cast, client_as, cycle, who, status):
    client = client_as(getattr(cast, who))
    assert client.get(CYCLES).status_code == status
    assert client.get(url("cycle-detail", cycle)).status_code == status


def test_the_cycle_list_shows_progress_per_step(cast, client_as, cycle, review):
    quarter_review(cast, cast.rep_b, cycle)
    submit_self(review, "75")
    response = client_as(cast.admin).get(CYCLES)
    ((shown, steps),) = response.context["rows"]
    assert shown == cycle
    done = {step["key"]: (step["done"], step["total"]) for step in steps}
    assert done["self_done"] == (1, 2)
    assert done["finalised"] == (0, 2)
    assert '<progress max="2" value="1"' in response.content.decode()


@pytest.mark.usefixtures("reviews")
def test_a_manager_sees_only_their_teams_reviews_in_a_cycle(cycle, manager_client):
    response = manager_client.get(url("cycle-detail", cycle))
    people = {review.person.username for review, _step in response.context["review_rows"]}
    assert people == {"rep_a", "rep_a2"}
    assert response.context["total"] == 2


def test_a_year_cycle_links_to_grade_calibration_when_it_exists(hr_client):
    cycle = AnnualCycleFactory()
    response = hr_client.get(url("cycle-detail", cycle))
    assert response.status_code == 200
    try:
        calibration = reverse("grades:calibration")
    except NoReverseMatch:
        assert response.context["calibration_url"] is None
    else:
        assert f"{calibration}?cycle={cycle.pk}" in response.content.decode()


def cycle_post(**extra):
    data = {
        "name": "2026 Q4 360°",
        "kind": CycleKind.QUARTER,
        "period_key": "2026-q4",
        "self_weight": "30",
        "manager_weight": "50",
        "customer_weight": "20",
        "survey_sample_min": "10",
        "survey_sample_max": "15",
        "seed": "s-1",
        "self_due": "2026-12-10",
        "manager_due": "2026-12-20",
        "survey_due": "2026-12-20",
        "finalise_due": "2026-12-31",
        "calibration_scope": "company",
        "a_percent": "10",
        "c_percent": "10",
    }
    data.update(extra)
    return data


def test_hr_opens_a_cycle_from_the_form(cast, hr_client):
    assert hr_client.get(CYCLE_NEW).status_code == 200
    response = hr_client.post(CYCLE_NEW, cycle_post(teams=[cast.team_a.pk]))
    assert response.status_code == 302
    cycle = ReviewCycle.objects.get()
    assert response["Location"] == url("cycle-detail", cycle)
    assert cycle.period_key == "2026-Q4"
    assert set(cycle.reviews.values_list("person__username", flat=True)) == {"rep_a", "rep_a2"}


def test_weights_not_adding_up_to_100_are_refused_and_nothing_is_opened(hr_client):
    response = hr_client.post(CYCLE_NEW, cycle_post(customer_weight="10"))
    assert response.status_code == 400
    assert "add up to 90; they must add up to 100" in response.content.decode()
    assert not ReviewCycle.objects.exists()
    assert not Review.objects.exists()


def test_the_service_refuses_a_period_that_does_not_match_the_kind(hr_client):
    response = hr_client.post(CYCLE_NEW, cycle_post(period_key="2026"))
    assert response.status_code == 400
    assert response.context["form"].errors.get("period_key")
    assert not ReviewCycle.objects.exists()


@pytest.mark.parametrize("who", ["rep_a", "manager_a"])
def test_only_hr_and_admins_open_cycles(cast, client_as, who):
    client = client_as(getattr(cast, who))
    assert client.get(CYCLE_NEW).status_code == 403
    assert client.post(CYCLE_NEW, cycle_post()).status_code == 403
    assert not ReviewCycle.objects.exists()


@pytest.mark.usefixtures("review")
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_cycle_pages_render_in_both_languages(cast, client, cycle, language):
    client.force_login(cast.hr)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for page in (CYCLES, CYCLE_NEW, url("cycle-detail", cycle)):
        response = client.get(page)
        assert response.status_code == 200
        assert f'lang="{language}"' in response.content.decode()


def test_hr_closes_a_cycle_and_the_self_review_is_then_refused(
    cycle, review, rep_client, manager_client, hr_client
):
    close = url("cycle-close", cycle)
    for client in (rep_client, manager_client):
        assert client.post(close, {"record_version": cycle.version}).status_code == 403
    assert hr_client.get(close).status_code == 200
    response = hr_client.post(close, {"record_version": cycle.version})
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.status == "closed"
    response = rep_client.post(url("review-self", review), scores_post(review, "50"))
    assert response.status_code == 400
    assert "This review cycle is closed." in response.content.decode()
    assert not review.indicators.filter(self_score__isnull=False).exists()


def test_finalising_a_review_changed_meanwhile_shows_the_conflict_and_changes_nothing(
    cast, submitted_review, hr_client
):
    review = submitted_review
    opened = review.version
    waive_customer(cast, review, reason="Changed meanwhile")
    response = hr_client.post(url("review-finalise", review), {"record_version": opened})
    assert response.status_code == 409
    assert "This record was changed by someone else since you opened it." in (
        response.content.decode()
    )
    review.refresh_from_db()
    assert review.status != ReviewStatus.FINALISED


def test_the_customer_part_shows_how_many_sampled_customers_answered(
    cast, cycle, review, rep_client, hr_client
):
    AnsweredSurveyFactory.create_batch(2, rep=cast.rep_a)
    SurveyFactory.create_batch(3, rep=cast.rep_a)
    SurveyFactory(rep=cast.rep_b)
    page = rep_client.get(url("review-detail", review)).content.decode()
    assert "2 of 5 surveyed customers answered" in page
    response = hr_client.get(url("cycle-detail", cycle))
    assert response.context["surveys"] == {"sampled": 5, "answered": 2, "cancelled": 0}
