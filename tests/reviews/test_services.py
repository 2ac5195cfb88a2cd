"""Review cycles and reviews: opening, the 360° parts, waivers, finalising, locking, reopening,
versions and the annual computation."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.core.models import AuditEntry
from apps.core.versions import StaleVersionError
from apps.performance.choices import Cycle, Kpi
from apps.reviews import services
from apps.reviews.choices import CycleKind, CycleStatus, ReviewStatus
from apps.reviews.exceptions import ReviewLocked
from apps.reviews.models import Review, ReviewCycle, ReviewIndicator
from apps.surveys.choices import SurveyStatus
from apps.surveys.models import Survey
from tests.factories import (
    AnnualCycleFactory,
    AnnualSchemeFactory,
    CustomerFactory,
    ManagerFactory,
    OrderFactory,
    QuarterReviewFactory,
    ReviewCycleFactory,
    ReviewFactory,
    ScorecardFactory,
    SurveyFactory,
    TargetFactory,
    WeightSchemeFactory,
)

pytestmark = pytest.mark.django_db

Q3 = "2026-Q3"
KPIS = (
    Kpi.SALES_GROWTH_RATE,
    Kpi.RETENTION_RATE,
    Kpi.CUSTOMER_SATISFACTION,
    Kpi.TEAM_COLLABORATION,
)


def open_q3(actor, **kwargs):
    values = {"name": "Q3 360", "kind": CycleKind.QUARTER, "period_key": Q3, "seed": "s1"}
    values.update(kwargs)
    return services.cycle_open(actor=actor, **values)


def all_scores(value, comment="ok"):
    return {kpi: (D(value), comment) for kpi in KPIS}


def quarter_review(cast, person=None, **kwargs):
    person = person or cast.rep_a
    return QuarterReviewFactory(person=person, manager=cast.manager_a, **kwargs)


def submit_both(cast, review, self_score="80", manager_score="70"):
    review = services.review_save_self(
        actor=review.person,
        review=review,
        expected_version=review.version,
        summary="Short of target by 5 %",
        scores=all_scores(self_score),
    )
    review = services.review_submit_self(
        actor=review.person, review=review, expected_version=review.version
    )
    review = services.review_save_manager(
        actor=cast.manager_a,
        review=review,
        expected_version=review.version,
        summary="Good process",
        scores=all_scores(manager_score),
    )
    return services.review_submit_manager(
        actor=cast.manager_a, review=review, expected_version=review.version
    )


def answer(survey, score, actor):
    from apps.surveys.services import survey_record_interview

    return survey_record_interview(
        actor=actor,
        survey=survey,
        solution_fit=score,
        response_speed=score,
        problem_resolution=score,
    )


# --- opening a cycle ---------------------------------------------------------------------------


def test_opening_a_quarter_cycle_creates_a_review_per_rep_with_their_manager(cast):
    cycle = open_q3(cast.hr)
    reviews = {r.person: r for r in cycle.reviews.all()}
    assert set(reviews) == {cast.rep_a, cast.rep_a2, cast.rep_b}
    assert reviews[cast.rep_a].manager == cast.manager_a
    assert reviews[cast.rep_b].manager == cast.manager_b
    assert all(r.status == ReviewStatus.OPEN for r in reviews.values())
    assert AuditEntry.objects.filter(action="review.cycle_open", object_id=str(cycle.pk)).exists()


def test_a_team_cycle_covers_only_that_teams_reps(cast):
    cycle = open_q3(cast.hr, teams=[cast.team_a])
    assert set(cycle.reviews.values_list("person__username", flat=True)) == {"rep_a", "rep_a2"}


def test_a_selling_manager_is_reviewed_by_hr_when_they_are_their_teams_only_manager(cast):
    TargetFactory(rep=cast.manager_a, period_key="2026-08")
    seller = ManagerFactory(username="seller_b", team=cast.team_b)
    OrderFactory(owner=seller, signed_on=datetime.date(2026, 8, 3))
    cycle = open_q3(cast.hr)
    people = {r.person.username: r for r in cycle.reviews.select_related("person")}
    assert {"manager_a", "seller_b"} <= set(people)
    assert "manager_b" not in people  # neither a target nor a sale in the quarter
    assert people["seller_b"].manager == cast.manager_b
    assert people["manager_a"].manager is None


def test_indicators_follow_the_quarterly_scheme_and_are_prefilled_from_the_quarter_scorecard(cast):
    WeightSchemeFactory(
        cycle=Cycle.QUARTERLY,
        effective_from=datetime.date(2026, 1, 1),
        items=[
            (Kpi.SALES_GROWTH_RATE, 40, 10),
            (Kpi.RETENTION_RATE, 30, 90),
            (Kpi.CUSTOMER_SATISFACTION, 20, 90),
            (Kpi.TEAM_COLLABORATION, 10, 80),
        ],
    )
    ScorecardFactory(
        rep=cast.rep_a,
        period_key=Q3,
        period_kind="quarter",
        period_start=datetime.date(2026, 7, 1),
        period_end=datetime.date(2026, 10, 1),
        kpi_scores={
            Kpi.SALES_GROWTH_RATE: {"value": "12", "target": "10", "score": "120.00"},
            Kpi.RETENTION_RATE: {"value": "81", "target": "90", "score": "90.00"},
            Kpi.CUSTOMER_SATISFACTION: {"value": None, "target": "90", "score": None},
        },
    )
    cycle = open_q3(cast.hr)
    review = cycle.reviews.get(person=cast.rep_a)
    rows = {i.kpi: (i.weight, i.computed_score) for i in review.indicators.all()}
    assert rows == {
        Kpi.SALES_GROWTH_RATE: (D("40"), D("120.00")),
        Kpi.RETENTION_RATE: (D("30"), D("90.00")),
        Kpi.CUSTOMER_SATISFACTION: (D("20"), None),
        Kpi.TEAM_COLLABORATION: (D("10"), None),
    }
    other = cycle.reviews.get(person=cast.rep_b)
    assert other.indicators.count() == 4
    assert not other.indicators.exclude(computed_score=None).exists()


def test_without_a_quarterly_scheme_the_four_indicators_weigh_25_each(cast):
    cycle = open_q3(cast.hr, teams=[cast.team_b])
    review = cycle.reviews.get()
    assert sorted(review.indicators.values_list("kpi", "weight")) == sorted(
        (kpi, D("25")) for kpi in KPIS
    )


def test_opening_a_quarter_cycle_draws_the_customer_surveys_reproducibly(cast):
    for _ in range(12):
        CustomerFactory(owner=cast.rep_a)
    for _ in range(3):
        CustomerFactory(owner=cast.rep_b)
    CustomerFactory(owner=cast.rep_b, lost=True)
    open_q3(cast.hr, survey_sample_min=10, survey_sample_max=11)
    drawn_a = Survey.objects.filter(rep=cast.rep_a, period_key=Q3).count()
    assert 10 <= drawn_a <= 11
    assert Survey.objects.filter(rep=cast.rep_b, period_key=Q3).count() == 3  # all they have


@pytest.mark.parametrize(
    ("kind", "key", "field"),
    [
        (CycleKind.QUARTER, "2026", "period_key"),
        (CycleKind.YEAR, "2026-Q3", "period_key"),
        (CycleKind.QUARTER, "2026-Q5", "period_key"),
        ("monthly", "2026-10", "kind"),
    ],
)
def test_a_period_key_not_of_the_kind_is_refused_and_nothing_is_opened(cast, kind, key, field):
    with pytest.raises(ValidationError) as info:
        services.cycle_open(actor=cast.hr, name="x", kind=kind, period_key=key)
    assert field in info.value.message_dict
    assert not ReviewCycle.objects.exists()
    assert not Review.objects.exists()


def test_weights_not_adding_up_to_100_are_refused_naming_the_sum(cast):
    with pytest.raises(ValidationError) as info:
        open_q3(cast.hr, self_weight=30, manager_weight=50, customer_weight=30)
    assert "110" in info.value.message_dict["self_weight"][0]
    assert not ReviewCycle.objects.exists()


def test_deadlines_out_of_order_are_refused(cast):
    with pytest.raises(ValidationError) as info:
        open_q3(
            cast.hr,
            self_due=datetime.date(2026, 10, 15),
            manager_due=datetime.date(2026, 10, 10),
            finalise_due=datetime.date(2026, 10, 5),
            survey_due=datetime.date(2026, 10, 20),
        )
    errors = info.value.message_dict
    assert {"manager_due", "finalise_due"} <= set(errors)


def test_a_second_open_cycle_for_the_same_people_and_quarter_is_refused(cast):
    open_q3(cast.hr, teams=[cast.team_a])
    with pytest.raises(ValidationError) as info:
        open_q3(cast.hr)
    assert "period_key" in info.value.message_dict
    open_q3(cast.hr, teams=[cast.team_b], name="Bravo Q3")  # no overlap: fine
    assert ReviewCycle.objects.count() == 2


def test_only_hr_and_admins_open_cycles(cast):
    for actor in (cast.rep_a, cast.manager_a):
        with pytest.raises(PermissionDenied):
            open_q3(actor)
    assert open_q3(cast.admin).reviews.count() == 3


# --- updating and closing a cycle --------------------------------------------------------------


def test_changing_the_weights_is_audited_with_old_and_new(cast):
    cycle = open_q3(cast.hr)
    cycle = services.cycle_update(
        actor=cast.hr,
        cycle=cycle,
        expected_version=cycle.version,
        self_weight=20,
        manager_weight=60,
    )
    assert (cycle.self_weight, cycle.manager_weight) == (D("20"), D("60"))
    entry = AuditEntry.objects.get(action="review.cycle_update")
    assert entry.changes["self_weight"] == ["30.00", "20"]


def test_weights_cannot_change_once_a_review_is_finalised(cast):
    cycle = ReviewCycleFactory()
    ReviewFactory(cycle=cycle, status=ReviewStatus.FINALISED)
    with pytest.raises(ValidationError) as info:
        services.cycle_update(
            actor=cast.hr,
            cycle=cycle,
            expected_version=cycle.version,
            self_weight=20,
            manager_weight=60,
        )
    assert "self_weight" in info.value.message_dict
    cycle.refresh_from_db()
    assert cycle.self_weight == D("30")


def test_a_cycle_update_with_a_bad_weight_names_the_field_and_changes_nothing(cast):
    cycle = ReviewCycleFactory()
    with pytest.raises(ValidationError) as info:
        services.cycle_update(
            actor=cast.hr, cycle=cycle, expected_version=1, self_weight="lots", name="New"
        )
    assert info.value.message_dict["self_weight"] == ["Enter a number."]
    with pytest.raises(ValidationError) as info:
        services.cycle_update(actor=cast.hr, cycle=cycle, expected_version=1, colour="red")
    assert "colour" in info.value.message_dict
    cycle.refresh_from_db()
    assert cycle.name != "New"
    assert cycle.version == 1


def test_a_stale_cycle_update_is_refused(cast):
    cycle = ReviewCycleFactory()
    services.cycle_update(actor=cast.hr, cycle=cycle, expected_version=1, name="Renamed")
    with pytest.raises(StaleVersionError):
        services.cycle_update(actor=cast.hr, cycle=cycle, expected_version=1, name="Again")
    cycle.refresh_from_db()
    assert cycle.name == "Renamed"


def test_closing_a_cycle_stops_self_edits(cast):
    cycle = ReviewCycleFactory()
    review = quarter_review(cast, cycle=cycle)
    services.cycle_close(actor=cast.hr, cycle=cycle, expected_version=cycle.version)
    assert ReviewCycle.objects.get(pk=cycle.pk).status == CycleStatus.CLOSED
    with pytest.raises(ValidationError):
        services.review_save_self(
            actor=cast.rep_a, review=review, expected_version=None, summary="", scores={}
        )


# --- self and manager parts --------------------------------------------------------------------


def test_the_self_part_is_saved_then_submitted_with_every_indicator_scored(cast):
    review = quarter_review(cast)
    scores = {
        Kpi.SALES_GROWTH_RATE: (D("80"), "Below the growth target"),
        Kpi.RETENTION_RATE: (D("90"), ""),
    }
    review = services.review_save_self(
        actor=cast.rep_a, review=review, expected_version=1, summary="Gap of 5 %", scores=scores
    )
    assert review.version == 2
    assert review.self_summary == "Gap of 5 %"
    with pytest.raises(ValidationError) as info:
        services.review_submit_self(actor=cast.rep_a, review=review, expected_version=2)
    assert set(info.value.message_dict) == {
        f"score_{Kpi.CUSTOMER_SATISFACTION}",
        f"score_{Kpi.TEAM_COLLABORATION}",
    }
    assert (
        "Customer satisfaction" in info.value.message_dict[f"score_{Kpi.CUSTOMER_SATISFACTION}"][0]
    )
    review = services.review_save_self(
        actor=cast.rep_a,
        review=review,
        expected_version=2,
        summary=None,
        scores={Kpi.CUSTOMER_SATISFACTION: (D("70"), ""), Kpi.TEAM_COLLABORATION: (D("60"), "")},
    )
    assert review.self_summary == "Gap of 5 %"  # None keeps the summary
    review = services.review_submit_self(actor=cast.rep_a, review=review, expected_version=3)
    # (80 + 90 + 70 + 60) ÷ 4 = 75
    assert review.self_part == D("75.00")
    assert review.status == ReviewStatus.SELF_SUBMITTED
    assert review.self_submitted_at is not None
    entry = AuditEntry.objects.filter(action="review.self_save").order_by("pk").first()
    assert entry.changes[f"self_score.{Kpi.SALES_GROWTH_RATE}"] == [None, "80"]


def test_a_score_out_of_range_names_the_indicator_and_nothing_is_saved(cast):
    review = quarter_review(cast)
    with pytest.raises(ValidationError) as info:
        services.review_save_self(
            actor=cast.rep_a,
            review=review,
            expected_version=1,
            summary="x",
            scores={Kpi.RETENTION_RATE: (D("101"), ""), Kpi.SALES_GROWTH_RATE: (D("50"), "")},
        )
    assert list(info.value.message_dict) == [f"score_{Kpi.RETENTION_RATE}"]
    assert "Customer retention rate" in info.value.message_dict[f"score_{Kpi.RETENTION_RATE}"][0]
    assert not ReviewIndicator.objects.exclude(self_score=None).exists()
    assert Review.objects.get(pk=review.pk).self_summary == ""


def test_an_unknown_indicator_is_refused(cast):
    review = quarter_review(cast)
    with pytest.raises(ValidationError) as info:
        services.review_save_self(
            actor=cast.rep_a,
            review=review,
            expected_version=1,
            summary="",
            scores={Kpi.COLLECTION_RATE: (D("50"), "")},
        )
    assert "scores" in info.value.message_dict


def test_nobody_but_the_person_writes_the_self_part(cast):
    review = quarter_review(cast)
    for actor in (cast.rep_a2, cast.manager_a, cast.hr):
        with pytest.raises(PermissionDenied):
            services.review_save_self(
                actor=actor, review=review, expected_version=1, summary="x", scores={}
            )


def test_a_rep_can_never_do_the_manager_part_not_even_of_their_own_review(cast):
    review = quarter_review(cast)
    for actor in (cast.rep_a, cast.rep_a2, cast.rep_b, cast.manager_b):
        with pytest.raises(PermissionDenied):
            services.review_save_manager(
                actor=actor, review=review, expected_version=1, summary="x", scores={}
            )
        with pytest.raises(PermissionDenied):
            services.review_submit_manager(actor=actor, review=review, expected_version=1)
    assert Review.objects.get(pk=review.pk).version == 1


def test_hr_may_do_the_manager_part(cast):
    review = quarter_review(cast)
    review = services.review_save_manager(
        actor=cast.hr,
        review=review,
        expected_version=1,
        summary="For the manager",
        scores=all_scores("60"),
    )
    review = services.review_submit_manager(actor=cast.hr, review=review, expected_version=2)
    assert review.manager_part == D("60.00")
    assert review.status == ReviewStatus.MANAGER_SUBMITTED


def test_a_submitted_part_is_not_edited_again(cast):
    review = submit_both(cast, quarter_review(cast))
    with pytest.raises(ValidationError):
        services.review_save_self(
            actor=cast.rep_a,
            review=review,
            expected_version=review.version,
            summary="",
            scores=all_scores("100"),
        )


def test_a_stale_self_save_is_refused_and_nothing_is_overwritten(cast):
    review = quarter_review(cast)
    services.review_save_self(
        actor=cast.rep_a, review=review, expected_version=1, summary="first", scores={}
    )
    with pytest.raises(StaleVersionError):
        services.review_save_self(
            actor=cast.rep_a, review=review, expected_version=1, summary="second", scores={}
        )
    assert Review.objects.get(pk=review.pk).self_summary == "first"


# --- customer part, 360° score, waivers, finalising --------------------------------------------


def test_the_customer_part_is_the_mean_of_the_answered_surveys_and_completes_when_none_waits(cast):
    review = quarter_review(cast)
    first = SurveyFactory(rep=cast.rep_a, period_key=Q3)
    second = SurveyFactory(rep=cast.rep_a, period_key=Q3)
    answer(first, 80, cast.manager_a)
    review = services.review_refresh_customer_part(review=review)
    assert review.customer_part == D("80.00")
    assert review.customer_completed_at is None  # one still waiting
    answer(second, 90, cast.hr)
    review = services.review_refresh_customer_part(review=review)
    assert review.customer_part == D("85.00")
    assert review.customer_completed_at is not None


def test_an_answered_survey_updates_the_open_reviews_customer_part_by_itself(cast):
    review = quarter_review(cast)
    survey = SurveyFactory(rep=cast.rep_a, period_key=Q3)
    answer(survey, 70, cast.hr)
    review.refresh_from_db()
    assert review.customer_part == D("70.00")
    assert review.customer_completed_at is not None


def test_the_customer_part_completes_after_the_survey_deadline_with_one_answer(cast):
    cycle = ReviewCycleFactory(survey_due=datetime.date(2026, 10, 1))
    review = quarter_review(cast, cycle=cycle)
    answer(SurveyFactory(rep=cast.rep_a, period_key=Q3), 70, cast.hr)
    SurveyFactory(rep=cast.rep_a, period_key=Q3)
    cancelled = SurveyFactory(rep=cast.rep_a, period_key=Q3, status=SurveyStatus.CANCELLED)
    assert cancelled.score is None
    review = services.review_refresh_customer_part(review=review)
    assert review.customer_part == D("70.00")
    assert review.customer_completed_at is not None


def test_360_score_of_a_finalised_review(cast):
    review = quarter_review(cast)
    answer(SurveyFactory(rep=cast.rep_a, period_key=Q3), 90, cast.hr)
    review.refresh_from_db()  # the answer refreshed the customer part (a new version)
    review = submit_both(cast, review, self_score="80", manager_score="70")
    assert review.status == ReviewStatus.CUSTOMER_COMPLETE
    review = services.review_finalise(actor=cast.hr, review=review, expected_version=review.version)
    # 0.3×80 + 0.5×70 + 0.2×90 = 77
    assert review.score == D("77.00")
    assert review.status == ReviewStatus.FINALISED
    assert review.effective_weights == {"self": "30.00", "manager": "50.00", "customer": "20.00"}


def test_a_missing_part_blocks_finalisation_naming_the_part(cast):
    review = submit_both(cast, quarter_review(cast))
    with pytest.raises(ValidationError) as info:
        services.review_finalise(actor=cast.hr, review=review, expected_version=review.version)
    assert "customer part is missing" in info.value.message_dict["part"][0]
    assert Review.objects.get(pk=review.pk).status != ReviewStatus.FINALISED


def test_a_waived_customer_part_renormalises_the_weights_and_allows_finalising(cast):
    review = submit_both(cast, quarter_review(cast), self_score="80", manager_score="70")
    with pytest.raises(ValidationError) as info:
        services.review_waive_part(
            actor=cast.hr, review=review, part="customer", reason=" ", expected_version=None
        )
    assert "reason" in info.value.message_dict
    review = services.review_waive_part(
        actor=cast.hr,
        review=review,
        part="customer",
        reason="No customer answered",
        expected_version=review.version,
    )
    assert review.effective_weights == {"self": "37.50", "manager": "62.50"}
    assert review.score == D("73.75")
    assert review.waivers["customer"]["reason"] == "No customer answered"
    entry = AuditEntry.objects.get(action="review.waive")
    assert entry.reason == "No customer answered"
    review = services.review_finalise(actor=cast.hr, review=review, expected_version=review.version)
    assert review.score == D("73.75")


def test_only_hr_waives_and_finalises(cast):
    review = submit_both(cast, quarter_review(cast))
    for actor in (cast.rep_a, cast.manager_a):
        with pytest.raises(PermissionDenied):
            services.review_waive_part(
                actor=actor, review=review, part="customer", reason="x", expected_version=None
            )
        with pytest.raises(PermissionDenied):
            services.review_finalise(actor=actor, review=review, expected_version=None)


def test_the_last_weighted_part_cannot_be_waived(cast):
    review = quarter_review(cast)
    for part in ("self", "manager"):
        review = services.review_waive_part(
            actor=cast.hr, review=review, part=part, reason="x", expected_version=None
        )
    with pytest.raises(ValidationError) as info:
        services.review_waive_part(
            actor=cast.hr, review=review, part="customer", reason="x", expected_version=None
        )
    assert "part" in info.value.message_dict


# --- locking and reopening ---------------------------------------------------------------------


def finalised_review(cast):
    review = submit_both(cast, quarter_review(cast))
    review = services.review_waive_part(
        actor=cast.hr, review=review, part="customer", reason="none", expected_version=None
    )
    return services.review_finalise(actor=cast.hr, review=review, expected_version=None)


def test_a_finalised_review_refuses_every_write(cast):
    review = finalised_review(cast)
    version = review.version
    calls = [
        lambda: services.review_save_self(
            actor=cast.rep_a, review=review, expected_version=version, summary="x", scores={}
        ),
        lambda: services.review_submit_self(
            actor=cast.rep_a, review=review, expected_version=version
        ),
        lambda: services.review_save_manager(
            actor=cast.manager_a, review=review, expected_version=version, summary="x", scores={}
        ),
        lambda: services.review_submit_manager(
            actor=cast.manager_a, review=review, expected_version=version
        ),
        lambda: services.review_waive_part(
            actor=cast.hr, review=review, part="self", reason="x", expected_version=version
        ),
        lambda: services.review_finalise(actor=cast.hr, review=review, expected_version=version),
    ]
    for call in calls:
        with pytest.raises(ReviewLocked):
            call()
    assert Review.objects.get(pk=review.pk).version == version


def test_reopening_needs_a_reason_is_audited_and_unlocks(cast):
    review = finalised_review(cast)
    with pytest.raises(ValidationError) as info:
        services.review_reopen(actor=cast.hr, review=review, reason="", expected_version=None)
    assert "reason" in info.value.message_dict
    with pytest.raises(PermissionDenied):
        services.review_reopen(
            actor=cast.manager_a, review=review, reason="x", expected_version=None
        )
    review = services.review_reopen(
        actor=cast.hr,
        review=review,
        reason="Wrong retention figure",
        expected_version=review.version,
    )
    assert review.status == ReviewStatus.REOPENED
    assert not review.locked
    entry = AuditEntry.objects.get(action="review.reopen")
    assert (entry.reason, entry.actor) == ("Wrong retention figure", cast.hr)
    assert entry.changes["status"] == ["finalised", "reopened"]
    review = services.review_save_manager(
        actor=cast.manager_a,
        review=review,
        expected_version=review.version,
        summary="corrected",
        scores=all_scores("90"),
    )
    assert review.manager_part == D("90.00")
    review = services.review_finalise(actor=cast.hr, review=review, expected_version=review.version)
    # customer waived: (30×80 + 50×90) ÷ 80 = 86.25
    assert review.score == D("86.25")
    assert AuditEntry.objects.filter(action="review.finalise").count() == 2


def test_an_open_review_cannot_be_reopened(cast):
    review = quarter_review(cast)
    with pytest.raises(ValidationError) as info:
        services.review_reopen(actor=cast.hr, review=review, reason="x", expected_version=None)
    assert "status" in info.value.message_dict


# --- annual reviews ----------------------------------------------------------------------------


def quarter_cycle(key, **kwargs):
    return ReviewCycleFactory(period_key=key, name=f"{key} review", **kwargs)


def year_scorecard(rep, growth, capability, capability_value=None):
    return ScorecardFactory(
        rep=rep,
        period_key="2026",
        period_kind="year",
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2027, 1, 1),
        capability_growth=capability_value,
        kpi_scores={
            Kpi.SALES_GROWTH_RATE: {"value": "8", "target": "7", "score": growth},
            Kpi.CAPABILITY_GROWTH: {"value": capability_value, "score": capability},
        },
    )


def test_annual_review_means_the_finalised_quarters_and_weighs_growth_and_capability(cast):
    for key, score in [("2026-Q1", "80"), ("2026-Q2", "90"), ("2026-Q3", "70"), ("2026-Q4", "100")]:
        ReviewFactory(
            cycle=quarter_cycle(key),
            person=cast.rep_a,
            status=ReviewStatus.FINALISED,
            score=D(score),
        )
    ReviewFactory(
        cycle=ReviewCycle.objects.get(period_key="2026-Q4"), person=cast.rep_a2, score=D("99")
    )
    year_scorecard(cast.rep_a, "110.00", "60.00")
    cycle = AnnualCycleFactory()
    annual = ReviewFactory(cycle=cycle, person=cast.rep_a)
    other = ReviewFactory(cycle=cycle, person=cast.rep_a2)
    assert services.annual_reviews_compute(cycle=cycle) == 2
    annual.refresh_from_db()
    assert annual.quarter_scores == {
        "2026-Q1": "80.00",
        "2026-Q2": "90.00",
        "2026-Q3": "70.00",
        "2026-Q4": "100.00",
    }
    # mean 85; 0.6×85 + 0.2×110 + 0.2×60 = 85
    assert (annual.quarterly_mean, annual.growth_score, annual.capability_score) == (
        D("85.00"),
        D("110.00"),
        D("60.00"),
    )
    assert annual.score == D("85.00")
    assert annual.version == 2
    entry = AuditEntry.objects.get(action="review.annual_score", object_id=str(annual.pk))
    assert entry.changes["score"] == [None, "85.00"]
    assert entry.subject_user == cast.rep_a
    assert services.annual_reviews_compute(cycle=cycle) == 2  # again: nothing changed
    assert AuditEntry.objects.filter(action="review.annual_score").count() == 1
    other.refresh_from_db()
    # rep_a2's Q4 review is not finalised, no scorecard: nothing defined
    assert (other.quarter_scores, other.score) == ({}, None)


def test_a_mid_year_joiner_has_only_the_quarters_they_were_reviewed_in(cast):
    for key, score in [("2026-Q3", "80"), ("2026-Q4", "90")]:
        ReviewFactory(
            cycle=quarter_cycle(key),
            person=cast.rep_b,
            status=ReviewStatus.FINALISED,
            score=D(score),
        )
    year_scorecard(cast.rep_b, "50.00", None, capability_value="75")
    scheme = AnnualSchemeFactory()
    cycle = AnnualCycleFactory(annual_scheme=scheme)
    annual = ReviewFactory(cycle=cycle, person=cast.rep_b)
    services.annual_reviews_compute(cycle=cycle)
    annual.refresh_from_db()
    assert list(annual.quarter_scores) == ["2026-Q3", "2026-Q4"]
    # mean(80, 90) = 85; capability from the value 75: 0.6×85 + 0.2×50 + 0.2×75 = 76
    assert annual.score == D("76.00")
    assert annual.capability_score == D("75.00")


def test_annual_weights_come_from_the_cycles_scheme_and_renormalise_without_a_scorecard(cast):
    ReviewFactory(
        cycle=quarter_cycle("2026-Q1"),
        person=cast.rep_a,
        status=ReviewStatus.FINALISED,
        score=D("70"),
    )
    scheme = AnnualSchemeFactory(quarterly_weight=50, growth_weight=30, capability_weight=20)
    cycle = AnnualCycleFactory(annual_scheme=scheme)
    annual = ReviewFactory(cycle=cycle, person=cast.rep_a)
    services.annual_reviews_compute(cycle=cycle)
    annual.refresh_from_db()
    assert annual.score == D("70.00")
    assert annual.effective_weights == {"quarterly": "100.00"}


def test_opening_a_year_cycle_computes_the_annual_reviews_with_the_scheme_in_force(cast):
    AnnualSchemeFactory(name="old", effective_from=datetime.date(2020, 1, 1))
    current = AnnualSchemeFactory(name="current", effective_from=datetime.date(2026, 1, 1))
    ReviewFactory(
        cycle=quarter_cycle("2026-Q2"),
        person=cast.rep_a,
        status=ReviewStatus.FINALISED,
        score=D("88"),
    )
    cycle = services.cycle_open(
        actor=cast.hr, name="2026 annual", kind=CycleKind.YEAR, period_key="2026"
    )
    assert (cycle.annual_scheme, cycle.annual_scheme_version) == (current, current.version)
    assert cycle.reviews.get(person=cast.rep_a).score == D("88.00")
    assert not ReviewIndicator.objects.filter(review__cycle=cycle).exists()


def test_annual_compute_leaves_finalised_annual_reviews_alone(cast):
    cycle = AnnualCycleFactory()
    annual = ReviewFactory(
        cycle=cycle, person=cast.rep_a, status=ReviewStatus.FINALISED, score=D("50")
    )
    assert services.annual_reviews_compute(cycle=cycle) == 0
    annual.refresh_from_db()
    assert annual.score == D("50")


def test_annual_compute_makes_the_same_number_of_queries_for_more_people(
    cast, django_assert_max_num_queries
):
    from tests.factories import RepFactory

    cycle = AnnualCycleFactory()
    for _ in range(3):
        ReviewFactory(cycle=cycle, person=RepFactory())
    with django_assert_max_num_queries(12) as small:
        services.annual_reviews_compute(cycle=cycle)
    for _ in range(20):
        ReviewFactory(cycle=cycle, person=RepFactory())
    with django_assert_max_num_queries(12) as large:
        services.annual_reviews_compute(cycle=cycle)
    assert len(small.captured_queries) == len(large.captured_queries)
