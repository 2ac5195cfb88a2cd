"""A recompute split into chunks of reps: the same figures as one pass over everyone, with a
fixed number of queries per chunk whatever its size (randomized data: shared credits across
chunks, orders without credit rows, receivables and payments)."""

import datetime
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.accounts.models import Team
from apps.performance.calculations import money
from apps.performance.periods import parse_period
from apps.scorecards import selectors
from apps.scorecards.models import Scorecard
from apps.scorecards.services import scorecards_recompute
from tests.factories import CustomerFactory, OpportunityFactory, RepFactory
from tests.scorecards.helpers import figures_of, order, payment, receivable

D = Decimal
pytestmark = pytest.mark.django_db
FIRST = datetime.date(2024, 6, 1)
PERIOD = "2025-10"
REPS = 2 * selectors.FEW_REPS + 30  # chunks of many reps, and of a few


def some_day(rng, span=640):
    return FIRST + datetime.timedelta(days=rng.randrange(span))


def build(rng) -> list[int]:
    team = Team.objects.create(name="Chunked")
    reps = RepFactory.create_batch(REPS, team=team)
    customers = [CustomerFactory(owner=rng.choice(reps)) for _ in range(40)]
    for _ in range(160):
        owner = rng.choice(reps)
        kind = rng.random()
        if kind < 0.25:  # shared with a rep anywhere in the id order (often another chunk)
            partner = rng.choice([rep for rep in reps if rep != owner])
            credits = [(owner, D("55.5")), (partner, D("44.5"))]
        elif kind < 0.4:  # no credit rows: 100 % for the owner
            credits = []
        else:
            credits = [(owner, D("100"))]
        signed = some_day(rng)
        amount = D(rng.randrange(100, 500_000)) / 100
        obj = order(owner, rng.choice(customers), str(amount), signed.isoformat(), credits)
        due_on = signed + datetime.timedelta(days=rng.randrange(0, 60))
        rec = receivable(obj, str(amount), due_on.isoformat())
        for _ in range(rng.randrange(0, 3)):
            paid_on = due_on + datetime.timedelta(days=rng.randrange(-30, 30))
            payment(rec, str(money(amount / 3)), paid_on.isoformat())
    for customer in rng.sample(customers, 10):
        OpportunityFactory(
            owner=customer.owner,
            customer=customer,
            needs_confirmed=True,
            negotiation_reached_at=timezone.make_aware(
                datetime.datetime.combine(some_day(rng), datetime.time(10))
            ),
        )
    return sorted(rep.pk for rep in reps)


def chunks(rep_ids: list[int], size: int) -> list[list[int]]:
    return [rep_ids[start : start + size] for start in range(0, len(rep_ids), size)]


@pytest.mark.parametrize("seed", [1, 2])
def test_chunked_figures_equal_one_pass_over_everyone(seed):
    rep_ids = build(random.Random(seed))
    window = selectors.Window.of(parse_period(PERIOD))
    everyone = selectors.figures_by_rep(window)
    assert any(figures.get("sales") for figures in everyone.values())
    assert any(figures.get("collected") for figures in everyone.values())
    for size in (REPS, selectors.FEW_REPS + 10, selectors.FEW_REPS, 7):
        chunked = {}
        for chunk in chunks(rep_ids, size):
            figures = selectors.figures_by_rep(window, rep_ids=chunk)
            chunked.update({rep_id: figures.get(rep_id, {}) for rep_id in chunk})
        assert chunked == {rep_id: everyone.get(rep_id, {}) for rep_id in rep_ids}, size


def test_chunked_recompute_writes_the_scorecards_of_one_pass():
    rep_ids = build(random.Random(3))
    assert scorecards_recompute(period_key=PERIOD) == REPS
    one_pass = {card.rep_id: figures_of(card) for card in Scorecard.objects.all()}
    Scorecard.objects.all().delete()
    for chunk in chunks(rep_ids, selectors.FEW_REPS + 5):
        scorecards_recompute(period_key=PERIOD, rep_ids=chunk)
    chunked = {card.rep_id: figures_of(card) for card in Scorecard.objects.all()}
    assert chunked == one_pass


def test_a_chunk_runs_a_fixed_number_of_queries():
    rep_ids = build(random.Random(4))
    window = selectors.Window.of(parse_period(PERIOD))
    counts = {}
    for size in (2, 40, selectors.FEW_REPS + 1, REPS):
        with CaptureQueriesContext(connection) as captured:
            selectors.figures_by_rep(window, rep_ids=rep_ids[:size])
        counts[size] = len(captured)
    with CaptureQueriesContext(connection) as captured:
        selectors.figures_by_rep(window)
    # A list of reps takes one more query: is it everyone (one pass) or a part (by rep)?
    assert set(counts.values()) == {len(captured) + 1}, counts

    recompute = {}
    for size in (selectors.FEW_REPS + 1, REPS):
        with CaptureQueriesContext(connection) as captured:
            scorecards_recompute(period_key=PERIOD, rep_ids=rep_ids[:size])
        recompute[size] = len(captured)
    assert len(set(recompute.values())) == 1, recompute
    small = {}
    for size in (2, 40):
        Scorecard.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            scorecards_recompute(period_key=PERIOD, rep_ids=rep_ids[:size])
        small[size] = len(captured)
    assert len(set(small.values())) == 1, small
