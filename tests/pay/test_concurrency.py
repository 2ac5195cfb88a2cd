"""On PostgreSQL: two workers computing the same chunk at once write one statement per person
and count the chunk once; two people closing the same run at once: one closes it, the other is
refused."""

import pytest

from apps.core.models import AuditEntry
from apps.pay import services
from apps.pay.choices import PayRunStatus
from apps.pay.exceptions import PayRunLocked
from apps.pay.models import PayRun, PayStatement
from tests.concurrency import require_postgres, together
from tests.pay.conftest import OCTOBER, open_and_compute

pytestmark = pytest.mark.services


@pytest.mark.django_db(transaction=True)
def test_two_workers_computing_one_chunk_at_once_count_it_once(inputs):
    require_postgres()
    run = services.pay_run_open(actor=inputs.hr, period_key=OCTOBER)
    ((round_, number),) = services.pay_run_start(run_id=run.pk)

    def work():
        return services.pay_run_compute_chunk(run_id=run.pk, round=round_, number=number)

    outcomes = together(work, work, work)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert sorted(outcomes) == [0, 0, 5]
    run.refresh_from_db()
    assert (run.status, run.done_chunks, run.total_chunks) == (PayRunStatus.OPEN, 1, 1)
    assert PayStatement.objects.filter(run=run).count() == 5
    assert run.chunks.get().attempts == 1


@pytest.mark.django_db(transaction=True)
def test_a_chunk_redelivered_after_its_worker_died_counts_once(inputs):
    """Both deliveries may take an expired chunk; the row lock makes the second wait and then
    find it done."""
    require_postgres()
    run = services.pay_run_open(actor=inputs.hr, period_key=OCTOBER)
    ((round_, number),) = services.pay_run_start(run_id=run.pk)
    run.chunks.update(attempts=1, leased_until=None)  # the first worker died

    def work():
        return services.pay_run_compute_chunk(run_id=run.pk, round=round_, number=number)

    outcomes = together(work, work)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert sorted(outcomes) == [0, 5]
    run.refresh_from_db()
    assert (run.status, run.done_chunks) == (PayRunStatus.OPEN, 1)
    assert PayStatement.objects.filter(run=run).count() == 5


@pytest.mark.django_db(transaction=True)
def test_two_people_closing_one_run_at_once_close_it_once(inputs):
    require_postgres()
    run = open_and_compute(inputs.hr, OCTOBER)
    outcomes = together(
        lambda: services.pay_run_close(actor=inputs.hr, run=run),
        lambda: services.pay_run_close(actor=inputs.admin, run=run),
    )
    winners = [o for o in outcomes if isinstance(o, PayRun)]
    losers = [o for o in outcomes if isinstance(o, PayRunLocked)]
    assert (len(winners), len(losers)) == (1, 1), outcomes
    run.refresh_from_db()
    assert run.status == PayRunStatus.CLOSED
    assert run.closed_by == winners[0].closed_by
    assert AuditEntry.objects.filter(action="pay.run_close").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_people_opening_the_same_month_at_once_open_it_once(cast):
    require_postgres()
    from django.core.exceptions import ValidationError

    outcomes = together(
        lambda: services.pay_run_open(actor=cast.hr, period_key=OCTOBER),
        lambda: services.pay_run_open(actor=cast.admin, period_key=OCTOBER),
    )
    assert sorted(type(o).__name__ for o in outcomes) == ["PayRun", "ValidationError"], outcomes
    error = next(o for o in outcomes if isinstance(o, ValidationError))
    assert "already exists" in error.message_dict["period_key"][0]
    assert PayRun.objects.count() == 1
