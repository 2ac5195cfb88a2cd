"""Browser pages of reviews and review cycles: every page for every role, scoping, forbidden
actions, validation, locking, version conflicts, both languages and query counts."""

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
)

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


def url(name, review):
    return reverse(f"reviews:{name}", kwargs={"pk": review.pk})


def quarter_review(cast, person=None, cycle=None, **kwargs):
    person = person or cast.rep_a
    manager = cast.manager_b if person.team_id == cast.team_b.pk else cast.manager_a
    if cycle is not None:
        kwargs["cycle"] = cycle
    return QuarterReviewFactory(person=person, manager=manager, **kwargs)


def scores_post(review, value="80", comment="On plan", action="save", **extra):
    data = {"action": action, "summary": "Behind on retention", "record_version": review.version}
    for kpi in KPIS:
        data[f"score_{kpi}"] = value
        data[f"comment_{kpi}"] = comment
    data.update(extra)
    return data


def all_scores(value):
    return {kpi: (D(value), "fine") for kpi in KPIS}


def submit_both(cast, review):
    review = services.review_save_self(
        actor=review.person,
        review=review,
        expected_version=review.version,
        summary="",
        scores=all_scores("80"),
    )
    review = services.review_submit_self(
        actor=review.person, review=review, expected_version=review.version
    )
    review = services.review_save_manager(
        actor=cast.manager_a,
        review=review,
        expected_version=review.version,
        summary="",
        scores=all_scores("70"),
    )
    return services.review_submit_manager(
        actor=cast.manager_a, review=review, expected_version=review.version
    )


def waive_customer(cast, review, reason="No customers this quarter"):
    return services.review_waive_part(
        actor=cast.hr,
        review=review,
        part="customer",
        reason=reason,
        expected_version=review.version,
    )


def finalised_review(cast):
    review = submit_both(cast, quarter_review(cast))
    review = waive_customer(cast, review)
    return services.review_finalise(actor=cast.hr, review=review, expected_version=review.version)


# -- the list ----------------------------------------------------------------------------------


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
    cycle = ReviewCycleFactory()
    for person in (cast.rep_a, cast.rep_a2, cast.rep_b):
        quarter_review(cast, person, cycle=cycle)
    response = client_as(getattr(cast, who)).get(LIST)
    assert response.status_code == 200
    assert {review.person.username for review, _step in response.context["rows"]} == expected


def test_a_rep_sees_when_their_self_review_is_due(cast, client_as):
    cycle = ReviewCycleFactory(self_due=datetime.date(2026, 10, 15))
    quarter_review(cast, cycle=cycle)
    page = client_as(cast.rep_a).get(LIST).content.decode()
    assert "Your self-review is due 2026-10-15" in page


def test_a_manager_sees_their_review_is_next_once_the_self_review_is_in(cast, client_as):
    cycle = ReviewCycleFactory(manager_due=datetime.date(2026, 10, 22))
    review = quarter_review(cast, cycle=cycle)
    review = services.review_save_self(
        actor=cast.rep_a,
        review=review,
        expected_version=review.version,
        summary="",
        scores=all_scores("75"),
    )
    services.review_submit_self(actor=cast.rep_a, review=review, expected_version=review.version)
    page = client_as(cast.manager_a).get(LIST).content.decode()
    assert "Your review is due 2026-10-22" in page
    assert "Self-review submitted" in page


def test_hr_filters_the_list_by_team_and_status(cast, client_as):
    cycle = ReviewCycleFactory()
    quarter_review(cast, cast.rep_a, cycle=cycle)
    quarter_review(cast, cast.rep_b, cycle=cycle, status=ReviewStatus.SELF_SUBMITTED)
    client = client_as(cast.hr)
    rows = client.get(LIST, {"team": cast.team_b.pk}).context["rows"]
    assert [review.person for review, _step in rows] == [cast.rep_b]
    rows = client.get(LIST, {"status": ReviewStatus.OPEN}).context["rows"]
    assert [review.person for review, _step in rows] == [cast.rep_a]
    rows = client.get(LIST, {"cycle": cycle.pk}).context["rows"]
    assert len(rows) == 2


def test_the_list_makes_the_same_number_of_queries_for_2_and_8_reviews(cast, client_as):
    client = client_as(cast.hr)
    cycle = ReviewCycleFactory(self_due=datetime.date(2026, 10, 15))
    for _ in range(2):
        quarter_review(cast, RepFactory(team=cast.team_a), cycle=cycle)
    client.get(LIST)
    with CaptureQueriesContext(connection) as small:
        assert client.get(LIST).status_code == 200
    for _ in range(6):
        quarter_review(cast, RepFactory(team=cast.team_b), cycle=cycle)
    with CaptureQueriesContext(connection) as large:
        response = client.get(LIST)
    assert len(response.context["rows"]) == 8
    assert len(large.captured_queries) == len(small.captured_queries)


# -- the detail page ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["rep_a", "manager_a", "hr", "admin"])
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_review_page_renders_for_every_role_in_both_languages(cast, client, who, language):
    review = quarter_review(cast)
    client.force_login(getattr(cast, who))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url("review-detail", review))
    assert response.status_code == 200
    assert f'lang="{language}"' in response.content.decode()
    assert len(response.context["indicators"]) == 4


@pytest.mark.parametrize("who", ["rep_a", "manager_a"])
def test_another_teams_review_is_not_found(cast, client_as, who):
    review = quarter_review(cast, cast.rep_b)
    client = client_as(getattr(cast, who))
    for name in ("review-detail", "review-self", "review-manager", "review-finalise"):
        assert client.get(url(name, review)).status_code == 404


def test_a_rep_cannot_see_a_teammates_review(cast, client_as):
    review = quarter_review(cast, cast.rep_a2)
    assert client_as(cast.rep_a).get(url("review-detail", review)).status_code == 404


def test_the_detail_shows_the_indicators_parts_and_gap_to_target(cast, client_as):
    from tests.factories import ScorecardFactory

    review = quarter_review(cast)
    ReviewIndicator.objects.filter(review=review, kpi=Kpi.RETENTION_RATE).update(
        computed_score=D("88.5")
    )
    ScorecardFactory(
        rep=cast.rep_a, period_key="2026-Q3", sales=D("80000"), sales_target=D("100000")
    )
    page = client_as(cast.rep_a).get(url("review-detail", review)).content.decode()
    assert "Customer retention rate" in page
    assert "88.5" in page
    assert "¥20,000.00 short of target" in page


def test_a_waived_part_shows_the_reason_and_the_renormalised_weights(cast, client_as):
    review = waive_customer(cast, quarter_review(cast), reason="New territory, no customers")
    page = client_as(cast.rep_a).get(url("review-detail", review)).content.decode()
    assert "Customers part waived by HR: New territory, no customers; weights 37.5 / 62.5" in page


def test_the_review_page_makes_the_same_number_of_queries_with_more_history(cast, client_as):
    review = quarter_review(cast)
    client = client_as(cast.hr)
    review = services.review_save_self(
        actor=cast.rep_a,
        review=review,
        expected_version=review.version,
        summary="",
        scores=all_scores("70"),
    )
    client.get(url("review-detail", review))
    with CaptureQueriesContext(connection) as small:
        client.get(url("review-detail", review))
    for value in ("71", "72", "73", "74"):
        review = services.review_save_self(
            actor=cast.rep_a,
            review=review,
            expected_version=review.version,
            summary="",
            scores=all_scores(value),
        )
    with CaptureQueriesContext(connection) as large:
        response = client.get(url("review-detail", review))
    assert len(response.context["history"]) >= 5
    assert len(large.captured_queries) == len(small.captured_queries)


# -- the self and manager parts -----------------------------------------------------------------


def test_the_self_form_is_pre_filled_with_the_computed_scores(cast, client_as):
    review = quarter_review(cast)
    ReviewIndicator.objects.filter(review=review, kpi=Kpi.SALES_GROWTH_RATE).update(
        computed_score=D("64.25")
    )
    response = client_as(cast.rep_a).get(url("review-self", review))
    assert response.status_code == 200
    assert response.context["form"][f"score_{Kpi.SALES_GROWTH_RATE}"].value() == D("64.25")


def test_a_rep_saves_a_draft_then_submits_their_self_review(cast, client_as):
    review = quarter_review(cast)
    client = client_as(cast.rep_a)
    response = client.post(url("review-self", review), scores_post(review, "70"))
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.OPEN
    assert review.self_summary == "Behind on retention"
    assert set(review.indicators.values_list("self_score", flat=True)) == {D("70")}
    response = client.post(
        url("review-self", review), scores_post(review, "75", action="submit"), follow=True
    )
    assert "Your self-review is submitted." in response.content.decode()
    review.refresh_from_db()
    assert review.status == ReviewStatus.SELF_SUBMITTED
    assert review.self_submitted_at is not None
    assert review.self_part == D("75")


def test_submitting_with_a_missing_score_names_the_indicator_and_saves_nothing(cast, client_as):
    review = quarter_review(cast)
    data = scores_post(review, "70", action="submit", **{f"score_{Kpi.RETENTION_RATE}": ""})
    response = client_as(cast.rep_a).post(url("review-self", review), data)
    assert response.status_code == 400
    assert "Give Customer retention rate a score from 0 to 100 before submitting." in (
        response.content.decode()
    )
    review.refresh_from_db()
    assert review.status == ReviewStatus.OPEN
    assert review.self_submitted_at is None
    assert not review.indicators.filter(self_score__isnull=False).exists()


def test_a_score_above_100_is_refused_on_its_field_and_nothing_is_saved(cast, client_as):
    review = quarter_review(cast)
    data = scores_post(review, "70", **{f"score_{Kpi.TEAM_COLLABORATION}": "150"})
    response = client_as(cast.rep_a).post(url("review-self", review), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [f"score_{Kpi.TEAM_COLLABORATION}"]
    assert not review.indicators.filter(self_score__isnull=False).exists()


def test_a_submitted_self_review_opens_read_only_and_refuses_changes(cast, client_as):
    review = quarter_review(cast)
    review = services.review_save_self(
        actor=cast.rep_a,
        review=review,
        expected_version=review.version,
        summary="",
        scores=all_scores("70"),
    )
    review = services.review_submit_self(
        actor=cast.rep_a, review=review, expected_version=review.version
    )
    client = client_as(cast.rep_a)
    response = client.get(url("review-self", review))
    assert response.status_code == 302
    assert response["Location"] == url("review-detail", review)
    assert client.get(url("review-detail", review)).context["can_edit_self"] is False
    response = client.post(url("review-self", review), scores_post(review, "99"))
    assert response.status_code == 400
    assert "This part is already submitted" in response.content.decode()
    assert set(review.indicators.values_list("self_score", flat=True)) == {D("70")}


def test_a_rep_cannot_do_the_manager_part(cast, client_as):
    review = quarter_review(cast)
    client = client_as(cast.rep_a)
    assert client.get(url("review-manager", review)).status_code == 403
    response = client.post(url("review-manager", review), scores_post(review, "100"))
    assert response.status_code == 403
    assert not review.indicators.filter(manager_score__isnull=False).exists()


def test_a_manager_cannot_write_the_self_review(cast, client_as):
    review = quarter_review(cast)
    response = client_as(cast.manager_a).post(url("review-self", review), scores_post(review))
    assert response.status_code == 403
    assert not review.indicators.filter(self_score__isnull=False).exists()


def test_the_manager_submits_their_part(cast, client_as):
    review = quarter_review(cast)
    client = client_as(cast.manager_a)
    assert client.get(url("review-manager", review)).status_code == 200
    response = client.post(
        url("review-manager", review), scores_post(review, "60", action="submit")
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.manager_submitted_at is not None
    assert review.manager_part == D("60")
    assert set(review.indicators.values_list("manager_comment", flat=True)) == {"On plan"}


def test_a_stale_save_shows_the_conflict_and_overwrites_nothing(cast, client_as):
    review = quarter_review(cast)
    opened_version = review.version
    services.review_save_self(
        actor=cast.rep_a,
        review=review,
        expected_version=review.version,
        summary="Saved in another tab",
        scores=all_scores("90"),
    )
    data = scores_post(review, "40", record_version=opened_version)
    response = client_as(cast.rep_a).post(url("review-self", review), data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "This record was changed by someone else since you opened it." in page
    assert "Saved in another tab" in page
    review.refresh_from_db()
    assert review.self_summary == "Saved in another tab"
    assert set(review.indicators.values_list("self_score", flat=True)) == {D("90")}


# -- HR's actions -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["rep_a", "manager_a"])
def test_only_hr_waives_finalises_and_reopens(cast, client_as, who):
    review = submit_both(cast, quarter_review(cast))
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


def test_waiving_needs_a_reason_and_writes_nothing_without_one(cast, client_as):
    review = quarter_review(cast)
    data = {"part": "customer", "reason": "  ", "record_version": review.version}
    response = client_as(cast.hr).post(url("review-waive", review), data)
    assert response.status_code == 400
    assert "Give the reason for waiving this part." in response.content.decode()
    review.refresh_from_db()
    assert review.waivers == {}


def test_hr_waives_a_part_with_a_reason(cast, client_as):
    review = quarter_review(cast)
    data = {"part": "customer", "reason": "Territory changed", "record_version": review.version}
    response = client_as(cast.hr).post(url("review-waive", review), data)
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.waivers["customer"]["reason"] == "Territory changed"


def test_finalising_with_a_missing_part_names_it_and_changes_nothing(cast, client_as):
    review = submit_both(cast, quarter_review(cast))
    client = client_as(cast.hr)
    page = client.get(url("review-finalise", review)).content.decode()
    assert "Still missing: Customers" in page
    response = client.post(url("review-finalise", review), {"record_version": review.version})
    assert response.status_code == 400
    assert "ustomer" in str(response.context["form"].non_field_errors())
    review.refresh_from_db()
    assert review.status != ReviewStatus.FINALISED


def test_hr_finalises_and_the_review_turns_read_only(cast, client_as):
    review = waive_customer(cast, submit_both(cast, quarter_review(cast)))
    response = client_as(cast.hr).post(
        url("review-finalise", review), {"record_version": review.version}
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.FINALISED
    client = client_as(cast.rep_a)
    response = client.get(url("review-detail", review))
    page = response.content.decode()
    assert "locked." in page
    assert url("review-self", review) not in page
    assert response.context["can_edit_self"] is False


def test_a_locked_review_refuses_the_forms_and_writes_nothing(cast, client_as):
    review = finalised_review(cast)
    client = client_as(cast.rep_a)
    response = client.get(url("review-self", review))
    assert response.status_code == 302
    assert response["Location"] == url("review-detail", review)
    response = client.post(url("review-self", review), scores_post(review, "10"))
    assert response.status_code == 409
    assert "finalised and locked" in response.content.decode()
    assert set(review.indicators.values_list("self_score", flat=True)) == {D("80")}
    response = client_as(cast.manager_a).post(
        url("review-manager", review), scores_post(review, "10")
    )
    assert response.status_code == 409
    assert set(review.indicators.values_list("manager_score", flat=True)) == {D("70")}


def test_reopening_needs_a_reason_and_is_audited(cast, client_as):
    review = finalised_review(cast)
    client = client_as(cast.hr)
    response = client.post(url("review-reopen", review), {"reason": "", "record_version": 9})
    assert response.status_code in (400, 409)
    review.refresh_from_db()
    assert review.status == ReviewStatus.FINALISED
    response = client.post(
        url("review-reopen", review),
        {"reason": "Late customer answers", "record_version": review.version},
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.REOPENED
    assert AuditEntry.objects.filter(
        object_id=str(review.pk), reason__contains="Late customer answers"
    ).exists()
    page = client.get(url("review-detail", review)).content.decode()
    assert "Reopened by HR: Late customer answers" in page


def test_reopen_is_refused_on_a_review_that_is_not_finalised(cast, client_as):
    review = quarter_review(cast)
    assert client_as(cast.hr).get(url("review-reopen", review)).status_code == 403


# -- annual reviews -----------------------------------------------------------------------------


def test_the_annual_review_shows_included_and_missing_quarters(cast, client_as):
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
    response = client_as(cast.rep_a).get(url("review-detail", review))
    assert response.status_code == 200
    page = response.content.decode()
    quarters = {q["key"]: q for q in response.context["quarters"]}
    assert len(quarters) == 4
    missing = [q for q in quarters.values() if q["score"] is None]
    assert len(missing) == 1
    assert "not included: joined on 2026-03-10" in page
    assert "74.0" in page


# -- cycles -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), [("rep_a", 403), ("manager_a", 200), ("hr", 200)])
def test_the_cycle_pages_are_for_hr_admin_and_managers(cast, client_as, who, status):
    cycle = ReviewCycleFactory()
    quarter_review(cast, cycle=cycle)
    client = client_as(getattr(cast, who))
    assert client.get(CYCLES).status_code == status
    assert client.get(reverse("reviews:cycle-detail", kwargs={"pk": cycle.pk})).status_code == (
        status
    )


def test_the_cycle_list_shows_progress_per_step(cast, client_as):
    cycle = ReviewCycleFactory()
    review = quarter_review(cast, cycle=cycle)
    quarter_review(cast, cast.rep_b, cycle=cycle)
    review = services.review_save_self(
        actor=cast.rep_a,
        review=review,
        expected_version=review.version,
        summary="",
        scores=all_scores("75"),
    )
    services.review_submit_self(actor=cast.rep_a, review=review, expected_version=review.version)
    response = client_as(cast.admin).get(CYCLES)
    ((shown, steps),) = response.context["rows"]
    assert shown == cycle
    done = {step["key"]: (step["done"], step["total"]) for step in steps}
    assert done["self_done"] == (1, 2)
    assert done["finalised"] == (0, 2)
    assert '<progress max="2" value="1"' in response.content.decode()


def test_a_manager_sees_only_their_teams_reviews_in_a_cycle(cast, client_as):
    cycle = ReviewCycleFactory()
    for person in (cast.rep_a, cast.rep_a2, cast.rep_b):
        quarter_review(cast, person, cycle=cycle)
    response = client_as(cast.manager_a).get(
        reverse("reviews:cycle-detail", kwargs={"pk": cycle.pk})
    )
    people = {review.person.username for review, _step in response.context["review_rows"]}
    assert people == {"rep_a", "rep_a2"}
    assert response.context["total"] == 2


def test_a_year_cycle_links_to_grade_calibration_when_it_exists(cast, client_as):
    cycle = AnnualCycleFactory()
    response = client_as(cast.hr).get(reverse("reviews:cycle-detail", kwargs={"pk": cycle.pk}))
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


def test_hr_opens_a_cycle_from_the_form(cast, client_as):
    client = client_as(cast.hr)
    assert client.get(CYCLE_NEW).status_code == 200
    response = client.post(CYCLE_NEW, cycle_post(teams=[cast.team_a.pk]))
    assert response.status_code == 302
    cycle = ReviewCycle.objects.get()
    assert response["Location"] == reverse("reviews:cycle-detail", kwargs={"pk": cycle.pk})
    assert cycle.period_key == "2026-Q4"
    assert set(cycle.reviews.values_list("person__username", flat=True)) == {"rep_a", "rep_a2"}


def test_weights_not_adding_up_to_100_are_refused_and_nothing_is_opened(cast, client_as):
    response = client_as(cast.hr).post(CYCLE_NEW, cycle_post(customer_weight="10"))
    assert response.status_code == 400
    assert "add up to 90; they must add up to 100" in response.content.decode()
    assert not ReviewCycle.objects.exists()
    assert not Review.objects.exists()


def test_the_service_refuses_a_period_that_does_not_match_the_kind(cast, client_as):
    response = client_as(cast.hr).post(CYCLE_NEW, cycle_post(period_key="2026"))
    assert response.status_code == 400
    assert response.context["form"].errors.get("period_key")
    assert not ReviewCycle.objects.exists()


@pytest.mark.parametrize("who", ["rep_a", "manager_a"])
def test_only_hr_and_admins_open_cycles(cast, client_as, who):
    client = client_as(getattr(cast, who))
    assert client.get(CYCLE_NEW).status_code == 403
    assert client.post(CYCLE_NEW, cycle_post()).status_code == 403
    assert not ReviewCycle.objects.exists()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_cycle_pages_render_in_both_languages(cast, client, language):
    cycle = ReviewCycleFactory()
    quarter_review(cast, cycle=cycle)
    client.force_login(cast.hr)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for page in (CYCLES, CYCLE_NEW, reverse("reviews:cycle-detail", kwargs={"pk": cycle.pk})):
        response = client.get(page)
        assert response.status_code == 200
        assert f'lang="{language}"' in response.content.decode()


def test_hr_closes_a_cycle_and_the_self_review_is_then_refused(cast, client_as):
    cycle = ReviewCycleFactory()
    review = quarter_review(cast, cycle=cycle)
    close = reverse("reviews:cycle-close", kwargs={"pk": cycle.pk})
    for who in (cast.rep_a, cast.manager_a):
        assert client_as(who).post(close, {"record_version": cycle.version}).status_code == 403
    client = client_as(cast.hr)
    assert client.get(close).status_code == 200
    response = client.post(close, {"record_version": cycle.version})
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.status == "closed"
    response = client_as(cast.rep_a).post(url("review-self", review), scores_post(review, "50"))
    assert response.status_code == 400
    assert "This review cycle is closed." in response.content.decode()
    assert not review.indicators.filter(self_score__isnull=False).exists()


def test_finalising_a_review_changed_meanwhile_shows_the_conflict_and_changes_nothing(
    cast, client_as
):
    review = submit_both(cast, quarter_review(cast))
    opened = review.version
    waive_customer(cast, review, reason="Changed meanwhile")
    response = client_as(cast.hr).post(url("review-finalise", review), {"record_version": opened})
    assert response.status_code == 409
    assert "This record was changed by someone else since you opened it." in (
        response.content.decode()
    )
    review.refresh_from_db()
    assert review.status != ReviewStatus.FINALISED


def test_the_customer_part_shows_how_many_sampled_customers_answered(cast, client_as):
    from tests.factories.surveys import AnsweredSurveyFactory, SurveyFactory

    review = quarter_review(cast)
    AnsweredSurveyFactory.create_batch(2, rep=cast.rep_a)
    SurveyFactory.create_batch(3, rep=cast.rep_a)
    SurveyFactory(rep=cast.rep_b)
    page = client_as(cast.rep_a).get(url("review-detail", review)).content.decode()
    assert "2 of 5 surveyed customers answered" in page
    response = client_as(cast.hr).get(
        reverse("reviews:cycle-detail", kwargs={"pk": review.cycle_id})
    )
    assert response.context["surveys"] == {"sampled": 5, "answered": 2, "cancelled": 0}
