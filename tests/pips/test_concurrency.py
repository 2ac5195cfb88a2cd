"""On PostgreSQL: two people logging the same coaching session at once from the same opened
version cannot both win (no lost update), and two escalation runs at once report a missed
session to HR once."""

import datetime

import pytest

from apps.core.models import AuditEntry
from apps.core.versions import StaleVersionError
from apps.pips import services
from apps.pips.models import CoachingSession
from apps.reminders.models import Reminder
from tests.concurrency import require_postgres, together
from tests.factories import PipFactory
from tests.pips.conftest import START

pytestmark = pytest.mark.services


def _active(cast):
    pip = PipFactory(person=cast.rep_a, manager=cast.manager_a)
    return services.pip_complete(
        actor=cast.manager_a, pip=pip, goals="g", support="s", start_date=START
    )


@pytest.mark.django_db(transaction=True)
def test_two_people_logging_one_session_at_once_cannot_both_win(cast):
    require_postgres()
    session = _active(cast).sessions.get(number=1)
    opened = session.version

    def log(actor, notes):
        return lambda: services.session_log(
            actor=actor,
            session=session,
            held_on=START,
            notes=notes,
            agreed_actions="a",
            expected_version=opened,
            today=START,
        )

    outcomes = together(log(cast.manager_a, "manager's notes"), log(cast.hr, "hr's notes"))
    winners = [o for o in outcomes if isinstance(o, CoachingSession)]
    losers = [o for o in outcomes if isinstance(o, StaleVersionError)]
    assert (len(winners), len(losers)) == (1, 1), outcomes
    session.refresh_from_db()
    assert session.notes == winners[0].notes
    assert session.version == opened + 1
    assert AuditEntry.objects.filter(action="pip.session_log").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_escalation_runs_at_once_tell_hr_once(cast):
    require_postgres()
    _active(cast)
    day = datetime.date(2026, 9, 9)
    outcomes = together(
        lambda: services.sessions_escalate_missed(today=day),
        lambda: services.sessions_escalate_missed(today=day),
    )
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert sorted(o["escalated"] for o in outcomes) == [0, 1]
    assert Reminder.objects.filter(rule__code="pip_session_missed").count() == 1
    assert AuditEntry.objects.filter(action="pip.session_escalate").count() == 1
