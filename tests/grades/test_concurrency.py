"""Two HR users moving the same grade at the same moment on PostgreSQL: the row lock and the
version check let one win; the other gets a conflict and overwrites nothing. The same for a
move racing the finalisation: the move either lands before the lock or is refused."""

import pytest

from apps.core.models import AuditEntry
from apps.core.versions import StaleVersionError
from apps.grades import services
from apps.grades.exceptions import GradeLocked
from apps.grades.models import AnnualGrade
from tests.concurrency import require_postgres, together
from tests.grades.conftest import add_reviews, make_annual_cycle

pytestmark = pytest.mark.services


@pytest.mark.django_db(transaction=True)
def test_two_hr_users_moving_one_grade_at_once_cannot_both_win(cast):
    require_postgres()
    cycle = make_annual_cycle()
    add_reviews(cycle, [90, 80, 70, 60, 50])
    services.grades_propose(cycle=cycle, actor=cast.hr)
    grade = AnnualGrade.objects.filter(cycle=cycle, grade="B").order_by("rank").first()
    opened = grade.version

    def move(actor, value, reason):
        return lambda: services.grade_move(
            actor=actor, grade=grade, new_grade=value, reason=reason, expected_version=opened
        )

    for _ in range(3):
        first, second = (value for value in "ABC" if value != grade.grade)
        outcomes = together(move(cast.hr, first, "hr's reason"), move(cast.admin, second, "x"))
        winners = [o for o in outcomes if isinstance(o, AnnualGrade)]
        losers = [o for o in outcomes if isinstance(o, StaleVersionError)]
        assert (len(winners), len(losers)) == (1, 1), outcomes
        grade.refresh_from_db()
        assert (grade.grade, grade.reason) == (winners[0].grade, winners[0].reason)
        assert grade.version == opened + 1
        assert AuditEntry.objects.filter(action="grade.move").count() == 1
        # Reset for the next round.
        AuditEntry.objects.filter(action="grade.move").delete()
        opened = grade.version


@pytest.mark.django_db(transaction=True)
def test_a_move_racing_the_finalisation_lands_before_the_lock_or_is_refused(cast):
    require_postgres()
    cycle = make_annual_cycle()
    add_reviews(cycle, [90, 80, 70, 60, 50])
    services.grades_propose(cycle=cycle, actor=cast.hr)
    grade = AnnualGrade.objects.filter(cycle=cycle, grade="B").order_by("rank").first()
    outcomes = together(
        lambda: services.grade_move(actor=cast.admin, grade=grade, new_grade="A", reason="late"),
        lambda: services.grades_finalise(actor=cast.hr, cycle=cycle),
    )
    assert outcomes[1] == 5
    grade.refresh_from_db()
    assert grade.finalised
    if isinstance(outcomes[0], GradeLocked):
        assert grade.grade == "B"
    else:
        assert grade.grade == "A"
        finalise = AuditEntry.objects.get(action="grade.finalise", object_id=str(grade.pk))
        assert finalise.changes["grade"] == ["A", "A"]
