"""Grades in the database: the set-based proposal (window functions, one upsert), moves with a
reason, finalise (lock), audited reopen, version conflicts."""

import random
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError

from apps.core.models import AuditEntry
from apps.core.versions import StaleVersionError
from apps.grades import services
from apps.grades.calculations import propose_grades
from apps.grades.exceptions import GradeLocked
from apps.grades.models import AnnualGrade
from tests.factories import ScorecardFactory
from tests.grades.conftest import add_reviews, make_annual_cycle

pytestmark = pytest.mark.django_db


def _grades(cycle):
    return {g.person_id: g for g in AnnualGrade.objects.filter(cycle=cycle)}


def test_propose_grades_the_company_by_rank(cast, annual_cycle):
    reviews = add_reviews(annual_cycle, [95, 90, 85, 80, 75, 70, 65, 60, 55, 50])
    assert services.grades_propose(cycle=annual_cycle, actor=cast.hr) == 10
    grades = _grades(annual_cycle)
    by_review = [grades[review.person_id] for review in reviews]
    assert [g.proposed_grade for g in by_review] == ["A"] + ["B"] * 8 + ["C"]
    assert [g.grade for g in by_review] == ["A"] + ["B"] * 8 + ["C"]
    assert [g.rank for g in by_review] == list(range(1, 11))
    assert {g.group_size for g in by_review} == {10}
    assert {g.group_key for g in by_review} == {"company"}
    assert {g.year for g in by_review} == {2026}
    assert by_review[0].review_id == reviews[0].pk
    assert by_review[0].score == Decimal("95")


def test_propose_ranks_each_team_separately_when_the_cycle_says_so(cast, team_cycle):
    add_reviews(team_cycle, [90, 80, 70, 60, 50], team=cast.team_a)
    add_reviews(team_cycle, [99, 98, 97, 96, 95], team=cast.team_b)
    services.grades_propose(cycle=team_cycle, actor=cast.hr)
    grades = list(AnnualGrade.objects.filter(cycle=team_cycle))
    by_group = {}
    for grade in grades:
        by_group.setdefault(grade.group_key, []).append(grade)
    assert set(by_group) == {f"team:{cast.team_a.pk}", f"team:{cast.team_b.pk}"}
    for group in by_group.values():
        assert sorted(g.grade for g in group) == ["A", "B", "B", "B", "C"]
        assert {g.group_size for g in group} == {5}
    assert {g.group_label for g in by_group[f"team:{cast.team_b.pk}"]} == {"Bravo"}


def test_a_person_without_a_score_is_listed_b_unranked_and_not_counted(cast, annual_cycle):
    reviews = add_reviews(annual_cycle, [90, 80, 70, 60, None])
    services.grades_propose(cycle=annual_cycle, actor=cast.hr)
    unscored = AnnualGrade.objects.get(person=reviews[-1].person)
    assert (unscored.rank, unscored.score, unscored.proposed_grade) == (None, None, "B")
    assert unscored.group_size == 4  # 4 × 10 % = 0.4: no A, no C
    assert set(AnnualGrade.objects.values_list("grade", flat=True)) == {"B"}


def test_propose_takes_the_nine_box_scores(cast, annual_cycle):
    (review,) = add_reviews(annual_cycle, [88], qualitative=[Decimal("91.50")])
    ScorecardFactory(rep=review.person, period_key="2026", score=Decimal("72.25"))
    services.grades_propose(cycle=annual_cycle, actor=cast.hr)
    grade = AnnualGrade.objects.get()
    assert grade.quantitative_score == Decimal("72.25")
    assert grade.qualitative_score == Decimal("91.50")


def test_propose_is_idempotent_and_audited_once(cast, annual_cycle):
    add_reviews(annual_cycle, [90, 80, 70])
    assert services.grades_propose(cycle=annual_cycle, actor=cast.hr) == 3
    versions = sorted(AnnualGrade.objects.values_list("version", flat=True))
    assert services.grades_propose(cycle=annual_cycle, actor=cast.hr) == 0
    assert sorted(AnnualGrade.objects.values_list("version", flat=True)) == versions
    assert AnnualGrade.objects.count() == 3
    entries = AuditEntry.objects.filter(action="grade.propose")
    assert entries.count() == 3
    assert entries.first().actor == cast.hr
    assert entries.first().changes["proposed_grade"][0] is None


def test_propose_again_keeps_a_move_and_refreshes_the_proposal(cast, annual_cycle):
    reviews = add_reviews(annual_cycle, [95, 90, 85, 80, 75, 70, 65, 60, 55, 50])
    services.grades_propose(cycle=annual_cycle, actor=cast.hr)
    moved = AnnualGrade.objects.get(person=reviews[1].person)
    services.grade_move(actor=cast.hr, grade=moved, new_grade="A", reason="Led the rollout")
    reviews[1].score = Decimal("40")
    reviews[1].save()
    services.grades_propose(cycle=annual_cycle, actor=cast.hr)
    moved.refresh_from_db()
    assert (moved.proposed_grade, moved.grade, moved.reason) == ("C", "A", "Led the rollout")
    assert AnnualGrade.objects.get(person=reviews[-1].person).grade == "B"


def test_only_hr_and_admins_propose(cast, annual_cycle):
    add_reviews(annual_cycle, [90])
    for user in (cast.rep_a, cast.manager_a):
        with pytest.raises(PermissionDenied):
            services.grades_propose(cycle=annual_cycle, actor=user)
    assert services.grades_propose(cycle=annual_cycle, actor=cast.admin) == 1


def test_a_quarterly_cycle_has_no_grades(cast):
    from tests.factories import ReviewCycleFactory

    with pytest.raises(ValidationError) as info:
        services.grades_propose(cycle=ReviewCycleFactory(), actor=cast.hr)
    assert "cycle" in info.value.message_dict


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_the_window_function_path_agrees_with_the_pure_function(cast, seed):
    rng = random.Random(seed)
    cycle = make_annual_cycle(a_percent=rng.choice([10, 15, 20]), c_percent=rng.choice([5, 10]))
    size = rng.randint(1, 40)
    # Few distinct values, so ties at the boundaries are common; some without a score.
    scores = [
        None if rng.random() < 0.1 else Decimal(rng.choice(range(60, 100, 5))) for _ in range(size)
    ]
    reviews = add_reviews(cycle, scores)
    services.grades_propose(cycle=cycle, actor=cast.hr)
    expected = propose_grades(scores, cycle.a_percent, cycle.c_percent)
    grades = _grades(cycle)
    for review, proposal in zip(reviews, expected, strict=True):
        grade = grades[review.person_id]
        assert (grade.rank, grade.proposed_grade) == (proposal.rank, proposal.grade)


#: Lock the cycle, read its grades, the window query, the upsert, the ids, the audit INSERT,
#: and the savepoint around the service's transaction (2).
PROPOSE_QUERIES = 8


@pytest.mark.parametrize("size", [20, 200])
def test_propose_makes_the_same_number_of_queries_for_any_number_of_people(
    cast, django_assert_num_queries, size
):
    ContentType.objects.get_for_model(AnnualGrade)  # cached, as in a running server
    cycle = make_annual_cycle()
    add_reviews(cycle, [Decimal(50 + i % 50) for i in range(size)])
    with django_assert_num_queries(PROPOSE_QUERIES):
        assert services.grades_propose(cycle=cycle, actor=cast.hr) == size
    # Again after every score changed: every row updated, still the same queries.
    cycle.reviews.update(score=Decimal("77"))
    with django_assert_num_queries(PROPOSE_QUERIES):
        assert services.grades_propose(cycle=cycle, actor=cast.hr) == size
    assert AnnualGrade.objects.filter(cycle=cycle, grade="A").count() == size


@pytest.fixture
def proposed(cast, annual_cycle):
    reviews = add_reviews(annual_cycle, [95, 90, 85, 80, 75, 70, 65, 60, 55, 50])
    services.grades_propose(cycle=annual_cycle, actor=cast.hr)
    return annual_cycle, [AnnualGrade.objects.get(person=r.person) for r in reviews]


def test_a_move_records_grade_reason_and_who(cast, proposed):
    _cycle, grades = proposed
    grade = grades[1]
    moved = services.grade_move(
        actor=cast.hr,
        grade=grade,
        new_grade="A",
        reason="Led the biggest rollout of the year",
        expected_version=grade.version,
    )
    moved.refresh_from_db()
    assert (moved.proposed_grade, moved.grade) == ("B", "A")
    assert moved.calibrated_by == cast.hr and moved.calibrated_at is not None
    assert moved.version == grade.version + 1
    entry = AuditEntry.objects.filter(action="grade.move").get()
    assert entry.changes["grade"] == ["B", "A"]
    assert entry.reason == "Led the biggest rollout of the year"
    assert entry.subject_user == grade.person


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_move_without_a_reason_is_refused_and_nothing_saved(cast, proposed, reason):
    _cycle, grades = proposed
    with pytest.raises(ValidationError) as info:
        services.grade_move(actor=cast.hr, grade=grades[1], new_grade="A", reason=reason)
    assert "reason" in info.value.message_dict
    grades[1].refresh_from_db()
    assert (grades[1].grade, grades[1].calibrated_by) == ("B", None)
    assert not AuditEntry.objects.filter(action="grade.move").exists()


def test_a_move_to_the_same_or_an_unknown_grade_names_the_grade(cast, proposed):
    _cycle, grades = proposed
    for value in ("B", "D"):
        with pytest.raises(ValidationError) as info:
            services.grade_move(actor=cast.hr, grade=grades[1], new_grade=value, reason="x")
        assert "grade" in info.value.message_dict


def test_a_stale_move_is_a_conflict_and_nothing_overwritten(cast, proposed):
    _cycle, grades = proposed
    opened = grades[1].version
    services.grade_move(
        actor=cast.admin, grade=grades[1], new_grade="A", reason="first", expected_version=opened
    )
    with pytest.raises(StaleVersionError):
        services.grade_move(
            actor=cast.hr, grade=grades[1], new_grade="C", reason="second", expected_version=opened
        )
    grades[1].refresh_from_db()
    assert (grades[1].grade, grades[1].reason, grades[1].calibrated_by) == (
        "A",
        "first",
        cast.admin,
    )


def test_managers_and_reps_cannot_move(cast, proposed):
    _cycle, grades = proposed
    for user in (cast.manager_a, cast.rep_a):
        with pytest.raises(PermissionDenied):
            services.grade_move(actor=user, grade=grades[1], new_grade="A", reason="x")


def test_finalise_locks_every_grade_until_hr_reopens_with_a_reason(cast, proposed):
    cycle, grades = proposed
    assert services.grades_finalise(actor=cast.hr, cycle=cycle) == 10
    assert set(AnnualGrade.objects.values_list("finalised", flat=True)) == {True}
    grade = AnnualGrade.objects.get(pk=grades[1].pk)
    assert grade.finalised_by == cast.hr
    with pytest.raises(GradeLocked):
        services.grade_move(actor=cast.hr, grade=grade, new_grade="A", reason="late idea")
    with pytest.raises(GradeLocked):
        services.grades_propose(cycle=cycle, actor=cast.hr)
    with pytest.raises(GradeLocked):
        services.grades_finalise(actor=cast.hr, cycle=cycle)
    assert AnnualGrade.objects.get(pk=grade.pk).grade == "B"

    with pytest.raises(ValidationError) as info:
        services.grades_reopen(actor=cast.hr, cycle=cycle, reason=" ")
    assert "reason" in info.value.message_dict
    assert AnnualGrade.objects.filter(finalised=True).count() == 10

    assert services.grades_reopen(actor=cast.hr, cycle=cycle, reason="Appeal upheld") == 10
    reopen = AuditEntry.objects.filter(action="grade.reopen")
    assert reopen.count() == 10
    assert set(reopen.values_list("reason", flat=True)) == {"Appeal upheld"}
    assert AuditEntry.objects.filter(action="grade.finalise").count() == 10
    grade.refresh_from_db()
    moved = services.grade_move(actor=cast.hr, grade=grade, new_grade="A", reason="Appeal")
    assert moved.grade == "A"


def test_finalise_needs_grades_and_reopen_needs_finalised_ones(cast, annual_cycle):
    with pytest.raises(ValidationError):
        services.grades_finalise(actor=cast.hr, cycle=annual_cycle)
    add_reviews(annual_cycle, [80])
    services.grades_propose(cycle=annual_cycle, actor=cast.hr)
    with pytest.raises(ValidationError):
        services.grades_reopen(actor=cast.hr, cycle=annual_cycle, reason="why")
    with pytest.raises(PermissionDenied):
        services.grades_finalise(actor=cast.manager_a, cycle=annual_cycle)
