"""Helpers of the pay tests: the pay inputs of the standard cast for September and October 2026,
and running a pay run's job synchronously through the service job functions."""

import datetime
from decimal import Decimal

import pytest

from apps.pay import services
from apps.pay.models import PayRun
from apps.reviews.choices import ReviewStatus
from tests.factories import ReviewCycleFactory, ReviewFactory, ScorecardFactory

SEPTEMBER = "2026-09"
OCTOBER = "2026-10"
QUARTERS = {
    "2026-Q2": (datetime.date(2026, 4, 1), datetime.date(2026, 7, 1)),
    "2026-Q3": (datetime.date(2026, 7, 1), datetime.date(2026, 10, 1)),
    "2026-Q4": (datetime.date(2026, 10, 1), datetime.date(2027, 1, 1)),
}
MONTHS = {
    SEPTEMBER: (datetime.date(2026, 9, 1), datetime.date(2026, 10, 1)),
    OCTOBER: (datetime.date(2026, 10, 1), datetime.date(2026, 11, 1)),
}


def month_card(person, key, score):
    start, end = MONTHS[key]
    return ScorecardFactory(
        rep=person,
        period_key=key,
        period_kind="month",
        period_start=start,
        period_end=end,
        score=None if score is None else Decimal(score),
    )


def quarter_card(person, key, satisfaction):
    start, end = QUARTERS[key]
    return ScorecardFactory(
        rep=person,
        period_key=key,
        period_kind="quarter",
        period_start=start,
        period_end=end,
        customer_satisfaction=None if satisfaction is None else Decimal(satisfaction),
    )


def review(person, cycle, score, status=ReviewStatus.FINALISED):
    return ReviewFactory(person=person, cycle=cycle, status=status, score=Decimal(score))


@pytest.fixture
def cycles(db):
    return {key: ReviewCycleFactory(period_key=key) for key in QUARTERS}


@pytest.fixture
def inputs(cast, cycles):
    """P 5000 and salary 10000 for everyone (the profile factory), and:

    - rep_a: September score 80, October 80; finalised Q3 review 70; Q3 satisfaction 92
      → October: 2000 + 2000 + 350 + 500 = 4850.00;
    - rep_a2: nothing → 2000.00 (base only), every score missing;
    - rep_b: October score 130 (capped 120); finalised Q2 review 90, Q3 review not finalised,
      finalised Q4 review 50 (ends after October: not used); satisfaction Q2 95, Q3 85
      → October: 2000 + 3000 + 450 + 0 = 5450.00.
    """
    month_card(cast.rep_a, SEPTEMBER, "80")
    month_card(cast.rep_a, OCTOBER, "80")
    review(cast.rep_a, cycles["2026-Q3"], "70")
    quarter_card(cast.rep_a, "2026-Q3", "92")
    month_card(cast.rep_b, OCTOBER, "130")
    review(cast.rep_b, cycles["2026-Q2"], "90")
    review(cast.rep_b, cycles["2026-Q3"], "99", status=ReviewStatus.MANAGER_SUBMITTED)
    review(cast.rep_b, cycles["2026-Q4"], "50")
    quarter_card(cast.rep_b, "2026-Q2", "95")
    quarter_card(cast.rep_b, "2026-Q3", "85")
    return cast


def compute(run) -> PayRun:
    """Run the run's job now: start, then every chunk (what the Celery tasks do)."""
    for round_, number in services.pay_run_start(run_id=run.pk):
        services.pay_run_compute_chunk(run_id=run.pk, round=round_, number=number)
    run.refresh_from_db()
    return run


def open_and_compute(actor, key) -> PayRun:
    return compute(services.pay_run_open(actor=actor, period_key=key))


def closed_run(actor, key) -> PayRun:
    run = open_and_compute(actor, key)
    return services.pay_run_close(actor=actor, run=run)
