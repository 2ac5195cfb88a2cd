"""On PostgreSQL a chunk's statements are computed by the database in ONE statement
(:mod:`apps.pay.sql`); the pure :func:`apps.pay.calculations.pay_breakdown` stays the reference.
Over ~300 random input rows and the edge cases (scores above the cap and below 0, each input
missing, satisfaction just under / at / over the threshold, a gross with a half cent, carried
adjustments), and two policies, every column the SQL path writes equals what the pure path
computes from the same input rows."""

import datetime
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from apps.accounts.models import EmployeeProfile, Team, User
from apps.core.choices import Role
from apps.pay import calculations, services
from apps.pay import sql as pay_sql
from apps.pay.calculations import PayTerms
from apps.pay.models import PayAdjustment, PayRun, PayStatement
from apps.performance import periods
from apps.reviews.choices import CycleKind, ReviewStatus
from apps.reviews.models import Review
from apps.scorecards.models import Scorecard
from tests.concurrency import require_postgres
from tests.factories import ReviewCycleFactory
from tests.pay.conftest import MONTHS, OCTOBER, QUARTERS, SEPTEMBER

pytestmark = pytest.mark.services

D = Decimal
RANDOM_ROWS = 300
TERMS = {
    "default": PayTerms(),
    "odd": PayTerms(
        base_share=D("33.33"),
        performance_share=D("33.33"),
        capability_share=D("33.34"),
        score_cap=D("150.00"),
        satisfaction_threshold=D("89.99"),
        satisfaction_bonus_rate=D("7.25"),
    ),
}
#: ``(P, salary, month score, review score, satisfaction, carried)``; ``"none"`` = no row at
#: all (no profile / scorecard / review), ``None`` = a row with a NULL value.
NO_ROW = "none"
EDGE_CASES = [
    ("5000.00", "10000.00", "130.00", "150.00", "95.00", None),  # scores above the cap
    ("5000.00", "10000.00", "120.01", "120.00", "95.00", None),  # just above / at the cap
    ("5000.00", "10000.00", "-5.00", "-0.01", "95.00", None),  # negative scores
    (NO_ROW, NO_ROW, "80.00", "70.00", "92.00", None),  # no profile: no P, no salary
    ("0.00", "0.00", "80.00", "70.00", "92.00", None),  # P and salary 0: missing too
    ("5000.00", "10000.00", NO_ROW, "70.00", "92.00", None),  # no monthly scorecard
    ("5000.00", "10000.00", None, "70.00", "92.00", None),  # monthly scorecard, no score
    ("5000.00", "10000.00", "80.00", NO_ROW, "92.00", None),  # no finalised review
    ("5000.00", "10000.00", "80.00", "70.00", NO_ROW, None),  # no quarter scorecard
    ("5000.00", "10000.00", "80.00", "70.00", None, None),  # quarter card, no satisfaction
    ("5000.00", "10000.00", "80.00", "70.00", "89.99", None),  # just under the threshold
    ("5000.00", "10000.00", "80.00", "70.00", "90.00", None),  # at the threshold
    ("5000.00", "10000.00", "80.00", "70.00", "90.01", None),  # just over
    (NO_ROW, NO_ROW, NO_ROW, NO_ROW, NO_ROW, None),  # nothing at all
    ("12.50", "0.00", "0.08", NO_ROW, NO_ROW, None),  # 5 + 0.005 = 5.005 -> 5.01
    ("0.00", "100.10", NO_ROW, NO_ROW, "95.00", None),  # bonus 5.005 -> 5.01
    ("0.01", "0.10", "0.01", "0.01", "100.00", None),  # tiny amounts
    ("9999999.99", "9999999.99", "120.00", "120.00", "100.00", None),  # large amounts
    ("5000.00", "10000.00", "80.00", "70.00", "92.00", "-123.45"),  # a claw-back carried
    ("5000.00", "10000.00", "80.00", "70.00", "92.00", "0.01"),  # a cent carried
]


def _amount(rng, low, high):
    return D(rng.randrange(int(low * 100), int(high * 100) + 1)) / 100


def _random_case(rng):
    def maybe(value, none_rate=0.08, no_row_rate=0.08):
        draw = rng.random()
        if draw < no_row_rate:
            return NO_ROW
        if draw < no_row_rate + none_rate:
            return None
        return str(value)

    # A profile has both figures (not null, 0 by default) or there is none.
    standard = maybe(rng.choice([_amount(rng, 0, 9000)] * 9 + [D("0.00")]), none_rate=0)
    salary = NO_ROW if standard == NO_ROW else str(rng.choice([_amount(rng, 0, 20000), 0]))
    satisfaction = rng.choice(
        [_amount(rng, 0, 100), D("89.99"), D("90.00"), D("90.01"), _amount(rng, 85, 95)]
    )
    carried = str(_amount(rng, -500, 500)) if rng.random() < 0.1 else None
    return (
        standard,
        salary,
        maybe(_amount(rng, -20, 160)),
        maybe(_amount(rng, -20, 160), none_rate=0),  # a review has a score or is skipped
        maybe(satisfaction),
        carried,
    )


def _generate(cases) -> tuple[PayRun, list[int]]:
    """One person per case with the case's inputs for October 2026, and an open October run
    carrying the cases' adjustments (corrections of a closed September run)."""
    team = Team.objects.create(name="SQL compute team")
    User.objects.bulk_create(
        [
            User(username=f"sql_rep_{i}", password="!", role=Role.REP, team=team)
            for i in range(len(cases))
        ]
    )
    ids = list(
        User.objects.filter(username__startswith="sql_rep_")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    # sql_rep_10 sorts before sql_rep_2: match people to cases by creation order (pk).
    by_pk = dict(zip(ids, cases, strict=True))
    policy = services.ensure_default_policy()
    runs = {
        key: PayRun.objects.create(
            period_key=key,
            period_start=MONTHS[key][0],
            period_end=MONTHS[key][1],
            policy=policy,
            policy_version=policy.version,
            status="closed" if key == SEPTEMBER else "computing",
        )
        for key in (SEPTEMBER, OCTOBER)
    }
    month_start, month_end = MONTHS[OCTOBER]
    quarter_start, quarter_end = QUARTERS["2026-Q3"]
    cycle = ReviewCycleFactory(period_key="2026-Q3")
    now = timezone.now()
    profiles, cards, reviews, adjustments = [], [], [], []
    for pk, (standard, salary, score, review, satisfaction, carried) in by_pk.items():
        if standard != NO_ROW:
            profiles.append(
                EmployeeProfile(
                    user_id=pk,
                    monthly_performance_pay=D(standard),
                    monthly_base_salary=D(salary),
                )
            )
        if score != NO_ROW:
            cards.append(
                Scorecard(
                    rep_id=pk,
                    period_key=OCTOBER,
                    period_kind=periods.MONTH,
                    period_start=month_start,
                    period_end=month_end,
                    score=None if score is None else D(score),
                    computed_at=now,
                )
            )
        if satisfaction != NO_ROW:
            cards.append(
                Scorecard(
                    rep_id=pk,
                    period_key="2026-Q3",
                    period_kind=periods.QUARTER,
                    period_start=quarter_start,
                    period_end=quarter_end,
                    customer_satisfaction=None if satisfaction is None else D(satisfaction),
                    computed_at=now,
                )
            )
        if review != NO_ROW:
            reviews.append((pk, review))
        if carried is not None:
            # Two adjustments: the statement carries their sum.
            for amount in (D(carried) - D("1.00"), D("1.00")):
                adjustments.append(
                    PayAdjustment(
                        run=runs[OCTOBER],
                        corrected_run=runs[SEPTEMBER],
                        person_id=pk,
                        amount=amount,
                        paid_total=D("0.00"),
                        corrected_total=amount,
                        reason="test",
                    )
                )
    EmployeeProfile.objects.bulk_create(profiles)
    Scorecard.objects.bulk_create(cards)
    PayAdjustment.objects.bulk_create(adjustments)
    Review.objects.bulk_create(
        [
            Review(
                cycle=cycle,
                person_id=pk,
                status=ReviewStatus.FINALISED,
                score=D(score),
                finalised_at=now,
            )
            for pk, score in reviews
        ]
    )
    return runs[OCTOBER], ids


def _expected(run, ids, terms, now) -> dict[int, dict]:
    """The pure path: the very input rows, ``pay_breakdown`` per row (services._statement)."""
    month = periods.Period(periods.MONTH, run.period_start, run.period_end)
    return {
        row[0]: services._statement(run.pk, row, terms, now)
        for row in services.input_rows(period=month, person_ids=ids, run_id=run.pk)
    }


def _written(run) -> dict[int, dict]:
    fields = [f.attname for f in PayStatement._meta.concrete_fields if not f.primary_key]
    return {
        values["person_id"]: values
        for values in PayStatement.objects.filter(run=run).values(*fields)
    }


def _sql_compute(run, ids, terms, now, monkeypatch) -> int:
    """The SQL path, with the pure function out of reach (it must not be what runs)."""

    def refuse(*args, **kwargs):
        raise AssertionError("the PostgreSQL path computed a statement in Python")

    month = periods.Period(periods.MONTH, run.period_start, run.period_end)
    with monkeypatch.context() as patch:
        patch.setattr(calculations, "pay_breakdown", refuse)
        return services.compute_statements(
            run_id=run.pk, period=month, person_ids=ids, terms=terms, now=now
        )


def _assert_same(written: dict[int, dict], expected: dict[int, dict]) -> None:
    assert set(written) == set(expected)
    mismatches = []
    for person_id, want in expected.items():
        got = written[person_id]
        assert set(want) <= set(got)
        for name, value in want.items():
            # Decimal equality is by value (2.50 == 2.5000000000): the columns' scales differ.
            if got[name] != value or type(got[name]) is not type(value):
                mismatches.append((person_id, name, got[name], value))
    assert not mismatches, mismatches[:20]


@pytest.mark.django_db
@pytest.mark.parametrize("terms_name", sorted(TERMS))
def test_the_sql_path_writes_what_the_pure_function_computes(terms_name, monkeypatch):
    require_postgres()
    rng = random.Random(20261029)
    cases = EDGE_CASES + [_random_case(rng) for _ in range(RANDOM_ROWS)]
    run, ids = _generate(cases)
    terms = TERMS[terms_name]
    now = timezone.now()
    expected = _expected(run, ids, terms, now)
    assert len(expected) == len(cases)

    assert _sql_compute(run, ids, terms, now, monkeypatch) == len(cases)
    _assert_same(_written(run), expected)

    # Every edge case is what it claims to be (the fixtures are not all alike).
    rows = [expected[pk] for pk in ids[: len(EDGE_CASES)]]
    assert rows[0]["quantitative_applied"] == min(D("130.00"), terms.score_cap)
    assert rows[0]["qualitative_applied"] == min(D("150.00"), terms.score_cap)
    assert rows[2]["quantitative_applied"] == rows[2]["qualitative_applied"] == 0
    assert rows[3]["missing"] == ["pay_standard", "base_salary"]
    assert rows[4]["missing"] == ["pay_standard", "base_salary"]
    assert rows[5]["missing"] == rows[6]["missing"] == ["quantitative"]
    assert rows[7]["missing"] == ["qualitative"]
    assert rows[8]["missing"] == rows[9]["missing"] == ["satisfaction"]
    assert rows[13]["missing"] == [
        "pay_standard",
        "base_salary",
        "quantitative",
        "qualitative",
        "satisfaction",
    ]
    assert [r["satisfaction_met"] for r in rows[10:13]] == (
        [False, True, True] if terms_name == "default" else [True, True, True]
    )
    if terms_name == "default":
        assert rows[14]["computed_total"] == rows[15]["computed_total"] == D("5.01")
    assert rows[18]["adjustments"] == D("-123.45")
    assert rows[18]["total"] == rows[18]["computed_total"] - D("123.45")


@pytest.mark.django_db
def test_a_half_cent_rounds_up_in_the_database_as_in_python(monkeypatch):
    """round(numeric) rounds ties away from zero, ROUND_HALF_UP too (not to even)."""
    require_postgres()
    cases = [
        ("12.50", "0.00", "0.08", NO_ROW, NO_ROW, None),  # 5.005
        ("12.50", "0.00", "0.24", NO_ROW, NO_ROW, None),  # 5.015
        ("0.00", "100.10", NO_ROW, NO_ROW, "95.00", None),  # 5.005
        ("0.00", "100.30", NO_ROW, NO_ROW, "95.00", None),  # 5.015
    ]
    run, ids = _generate(cases)
    now = timezone.now()
    expected = _expected(run, ids, PayTerms(), now)
    assert [expected[pk]["computed_total"] for pk in ids] == [
        D("5.01"),
        D("5.02"),
        D("5.01"),
        D("5.02"),
    ]
    _sql_compute(run, ids, PayTerms(), now, monkeypatch)
    _assert_same(_written(run), expected)


@pytest.mark.django_db
def test_a_recompute_rewrites_the_statements_in_place(monkeypatch):
    """ON CONFLICT: the same ids, the new figures (here: a new score)."""
    require_postgres()
    run, ids = _generate([("5000.00", "10000.00", "80.00", "70.00", "92.00", "10.00")])
    now = timezone.now()
    _sql_compute(run, ids, PayTerms(), now, monkeypatch)
    first = PayStatement.objects.get(run=run)
    assert first.computed_total == D("4850.00") and first.total == D("4860.00")
    Scorecard.objects.filter(rep_id=ids[0], period_kind=periods.MONTH).update(score=D("100"))
    later = now + datetime.timedelta(minutes=1)
    _sql_compute(run, ids, PayTerms(), later, monkeypatch)
    again = PayStatement.objects.get(run=run)
    assert again.pk == first.pk
    assert (again.computed_total, again.total, again.computed_at) == (
        D("5350.00"),
        D("5360.00"),
        later,
    )
    _assert_same(_written(run), _expected(run, ids, PayTerms(), later))


def test_the_statement_writes_every_column_of_a_pay_statement():
    """A column added to PayStatement must be added to the SQL path too."""
    sql, _params = pay_sql.compute_statements(
        table="pay_paystatement",
        inputs=("SELECT 1", []),
        terms=PayTerms(),
        run_id=1,
        now=None,
        quote=connection.ops.quote_name,
    )
    columns = sql[sql.index("(") + 1 : sql.index(")")]
    written = {name.strip().strip('"`') for name in columns.split(",")}
    assert written == {f.column for f in PayStatement._meta.concrete_fields if not f.primary_key}


def _add_distractors(rng, ids) -> None:
    """Rows each pick must pass over or prefer, at random per person: another month's card,
    older (Q2) and later (Q4) quarter cards with a satisfaction, a Q3 card without one (the
    satisfaction then comes from Q2), finalised reviews of Q2, of a later quarter, of a second
    Q3 cycle (the later review wins the tie) and of an annual cycle ("2026" sorts before
    "2026-Q3": only the kind keeps it out), a Q2 review not finalised, and adjustments carried
    in another run."""
    cycles = {
        "q2": ReviewCycleFactory(period_key="2026-Q2"),
        "q4": ReviewCycleFactory(period_key="2026-Q4"),
        "q3_again": ReviewCycleFactory(period_key="2026-Q3"),
        "year": ReviewCycleFactory(period_key="2026", kind=CycleKind.YEAR),
    }
    september = PayRun.objects.get(period_key=SEPTEMBER)
    have_q3_card = set(
        Scorecard.objects.filter(rep_id__in=ids, period_key="2026-Q3").values_list(
            "rep_id", flat=True
        )
    )
    now = timezone.now()
    cards, reviews, adjustments = [], [], []

    def card(pk, key, kind, start, end, **values):
        cards.append(
            Scorecard(
                rep_id=pk,
                period_key=key,
                period_kind=kind,
                period_start=start,
                period_end=end,
                computed_at=now,
                **values,
            )
        )

    for pk in ids:
        if rng.random() < 0.5:
            card(pk, SEPTEMBER, periods.MONTH, *MONTHS[SEPTEMBER], score=_amount(rng, 0, 150))
        if rng.random() < 0.5:
            card(pk, "2026-Q2", periods.QUARTER, *QUARTERS["2026-Q2"],
                 customer_satisfaction=_amount(rng, 60, 100))  # fmt: skip
        if rng.random() < 0.5:
            card(pk, "2026-Q4", periods.QUARTER, *QUARTERS["2026-Q4"],
                 customer_satisfaction=_amount(rng, 60, 100))  # fmt: skip
        if pk not in have_q3_card and rng.random() < 0.3:
            card(pk, "2026-Q3", periods.QUARTER, *QUARTERS["2026-Q3"], customer_satisfaction=None)
        for name, status in (
            ("q2", rng.choice([ReviewStatus.FINALISED, ReviewStatus.MANAGER_SUBMITTED])),
            ("q4", ReviewStatus.FINALISED),
            ("q3_again", ReviewStatus.FINALISED),
            ("year", ReviewStatus.FINALISED),
        ):
            if rng.random() < 0.4:
                reviews.append(
                    Review(
                        cycle=cycles[name],
                        person_id=pk,
                        status=status,
                        score=_amount(rng, 0, 150),
                        finalised_at=now if status == ReviewStatus.FINALISED else None,
                    )
                )
        if rng.random() < 0.2:
            adjustments.append(
                PayAdjustment(
                    run=september,
                    corrected_run=september,
                    person_id=pk,
                    amount=_amount(rng, -100, 100),
                    paid_total=D("0.00"),
                    corrected_total=D("0.00"),
                    reason="another run",
                )
            )
    Scorecard.objects.bulk_create(cards)
    Review.objects.bulk_create(reviews)
    PayAdjustment.objects.bulk_create(adjustments)


@pytest.mark.django_db
def test_the_sql_path_picks_the_inputs_input_rows_picks(monkeypatch):
    """The chunk's one SELECT (``pay_sql.inputs_select``) and ``services.input_rows`` (the
    Python path's query) pick the same month score, review and satisfaction, with their
    quarters, and the same carried sum, among rows they must pass over."""
    require_postgres()
    rng = random.Random(20261129)
    cases = [_random_case(rng) for _ in range(200)]
    run, ids = _generate(cases)
    _add_distractors(rng, ids)
    now = timezone.now()
    expected = _expected(run, ids, PayTerms(), now)
    _sql_compute(run, ids, PayTerms(), now, monkeypatch)
    _assert_same(_written(run), expected)

    # The distractors were in play: some picks come from them, none from what must be left out.
    rows = expected.values()
    assert any(r["satisfaction_period"] == "2026-Q2" for r in rows)
    assert any(r["qualitative_period"] == "2026-Q2" for r in rows)
    assert not any(r["satisfaction_period"] == "2026-Q4" for r in rows)
    assert not any(r["qualitative_period"] in ("2026-Q4", "2026") for r in rows)
    # People with two finalised Q3 reviews (two Q3 cycles) are paid on the later one.
    q3 = Review.objects.filter(
        person_id__in=ids, cycle__period_key="2026-Q3", status=ReviewStatus.FINALISED
    ).order_by("person_id", "pk")
    latest: dict[int, list] = {}
    for person_id, score in q3.values_list("person_id", "score"):
        latest.setdefault(person_id, []).append(score)
    twice = {pk: scores[-1] for pk, scores in latest.items() if len(scores) == 2}
    assert twice
    assert all(expected[pk]["qualitative_score"] == score for pk, score in twice.items())
