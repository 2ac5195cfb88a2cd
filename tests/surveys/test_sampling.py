"""The quarter's draw (SPEC §2.5): 10–15 customers per rep at random, reproducible from the
seed, all of them when fewer, idempotent, never a lost customer, set-based."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.models import AuditEntry
from apps.surveys.models import Survey
from apps.surveys.services import surveys_sample
from tests.factories import CustomerFactory, RepFactory, SurveyFactory

pytestmark = pytest.mark.django_db


def _customers(rep, count, **kwargs):
    return [CustomerFactory(owner=rep, **kwargs) for _ in range(count)]


def _drawn(rep, period_key="2026-Q3"):
    return set(
        Survey.objects.filter(rep=rep, period_key=period_key).values_list("customer_id", flat=True)
    )


def test_each_rep_gets_10_to_15_of_their_customers(cast):
    _customers(cast.rep_a, 30)
    _customers(cast.rep_b, 30)
    surveys_sample(period_key="2026-Q3", seed="s1", reps=[cast.rep_a, cast.rep_b])
    for rep in (cast.rep_a, cast.rep_b):
        drawn = Survey.objects.filter(rep=rep)
        assert 10 <= drawn.count() <= 15
        assert all(s.customer.owner_id == rep.pk for s in drawn)
        assert {s.language for s in drawn} == {"zh-hans"}
        assert {s.sample_seed for s in drawn} == {"s1"}


def test_a_rep_with_fewer_customers_than_the_minimum_gets_all_of_them(cast):
    customers = _customers(cast.rep_a, 4)
    surveys_sample(period_key="2026-Q3", seed="s1", reps=[cast.rep_a])
    assert _drawn(cast.rep_a) == {c.pk for c in customers}


def test_lost_customers_and_other_reps_customers_are_never_drawn(cast):
    active = _customers(cast.rep_a, 3)
    _customers(cast.rep_a, 5, lost=True)
    _customers(cast.rep_a2, 5)
    surveys_sample(period_key="2026-Q3", seed="s1", reps=[cast.rep_a])
    assert _drawn(cast.rep_a) == {c.pk for c in active}
    assert not Survey.objects.exclude(rep=cast.rep_a).exists()


def test_the_same_seed_draws_the_same_customers(cast):
    _customers(cast.rep_a, 40)
    first = surveys_sample(period_key="2026-Q3", seed="cycle-7", reps=[cast.rep_a])
    picked = {s.customer_id for s in first}
    Survey.objects.all().delete()
    again = surveys_sample(period_key="2026-Q3", seed="cycle-7", reps=[cast.rep_a])
    assert {s.customer_id for s in again} == picked


def test_a_different_seed_draws_differently(cast):
    _customers(cast.rep_a, 40)
    picks = []
    for seed in ("alpha", "bravo"):
        picks.append(
            {
                s.customer_id
                for s in surveys_sample(period_key="2026-Q3", seed=seed, reps=[cast.rep_a])
            }
        )
        Survey.objects.all().delete()
    assert picks[0] != picks[1]


def test_sampling_again_is_idempotent_and_keeps_what_was_drawn(cast):
    _customers(cast.rep_a, 40)
    first = surveys_sample(period_key="2026-Q3", seed="s1", reps=[cast.rep_a])
    again = surveys_sample(period_key="2026-Q3", seed="s1", reps=[cast.rep_a])
    assert [s.pk for s in again] == [s.pk for s in first]
    assert Survey.objects.count() == len(first)
    # Another seed keeps every survey already drawn and at most tops the rep up to its own
    # sample size (never past the maximum, never a customer twice).
    other_seed = surveys_sample(period_key="2026-Q3", seed="other", reps=[cast.rep_a])
    assert {s.pk for s in first} <= {s.pk for s in other_seed}
    assert len(other_seed) <= 15
    assert len({s.customer_id for s in other_seed}) == len(other_seed)


def test_a_customer_already_surveyed_in_the_quarter_is_kept_not_drawn_twice(cast):
    customers = _customers(cast.rep_a, 3)
    kept = SurveyFactory(rep=cast.rep_a, customer=customers[0], period_key="2026-Q3")
    surveys_sample(period_key="2026-Q3", seed="s1", reps=[cast.rep_a])
    assert Survey.objects.filter(customer=customers[0]).get() == kept
    assert _drawn(cast.rep_a) == {c.pk for c in customers}


def test_another_quarter_is_a_new_draw(cast):
    _customers(cast.rep_a, 3)
    surveys_sample(period_key="2026-Q3", seed="s1", reps=[cast.rep_a])
    surveys_sample(period_key="2026-Q4", seed="s1", reps=[cast.rep_a])
    assert Survey.objects.filter(period_key="2026-Q4").count() == 3


def test_the_draw_is_audited_per_rep(cast):
    customers = _customers(cast.rep_a, 2)
    surveys_sample(period_key="2026-Q3", seed="s1", reps=[cast.rep_a], actor=cast.hr)
    entry = AuditEntry.objects.get(action="survey.sample")
    assert entry.actor == cast.hr and entry.subject_user == cast.rep_a
    assert entry.changes["customers"][1] == sorted(c.pk for c in customers)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"period_key": "2026-3"}, "period_key"),
        ({"seed": " "}, "seed"),
        ({"minimum": 0}, "minimum"),
        ({"minimum": 10, "maximum": 9}, "maximum"),
        ({"language": "fr"}, "language"),
    ],
)
def test_bad_sampling_input_names_the_field_and_draws_nothing(cast, kwargs, field):
    _customers(cast.rep_a, 3)
    data = {"period_key": "2026-Q3", "seed": "s1", "reps": [cast.rep_a], **kwargs}
    with pytest.raises(ValidationError) as exc:
        surveys_sample(**data)
    assert field in exc.value.message_dict
    assert not Survey.objects.exists()


def test_only_hr_or_the_system_draws(cast):
    _customers(cast.rep_a, 3)
    for user in (cast.rep_a, cast.manager_a):
        with pytest.raises(PermissionDenied):
            surveys_sample(period_key="2026-Q3", seed="s1", reps=[cast.rep_a], actor=user)
    assert not Survey.objects.exists()


def test_the_draw_is_set_based(cast):
    few = [RepFactory(team=cast.team_a) for _ in range(2)]
    many = [RepFactory(team=cast.team_a) for _ in range(8)]
    for rep in [*few, *many]:
        _customers(rep, 3)
    counts = []
    for reps in (few, many):
        with CaptureQueriesContext(connection) as captured:
            surveys_sample(period_key="2026-Q3", seed="s1", reps=reps)
        counts.append(len(captured))
    assert counts[0] == counts[1]
    assert Survey.objects.count() == 30
