"""Pay services: policy versions, opening, computing, closing and correcting runs, who may."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.models import AuditEntry
from apps.core.versions import StaleVersionError
from apps.pay import selectors, services
from apps.pay.choices import MissingInput, PayRunStatus
from apps.pay.exceptions import PayRunLocked
from apps.pay.models import PayAdjustment, PayPolicy, PayRun, PayRunChunk, PayStatement
from apps.scorecards.models import Scorecard
from tests.concurrency import require_postgres
from tests.factories import RepFactory
from tests.pay.conftest import (
    OCTOBER,
    SEPTEMBER,
    closed_run,
    compute,
    month_card,
    open_and_compute,
    quarter_card,
    review,
)

pytestmark = pytest.mark.django_db

POLICY = {
    "base_share": D("30"),
    "performance_share": D("60"),
    "capability_share": D("10"),
    "score_cap": D("120"),
    "satisfaction_threshold": D("90"),
    "satisfaction_bonus_rate": D("5"),
}


# --- Policies ------------------------------------------------------------------------------


def test_the_default_policy_is_v1_40_50_10(db):
    policy = services.pay_policy_in_force(datetime.date(2026, 10, 1))
    assert (policy.version, policy.effective_from) == (1, datetime.date(2000, 1, 1))
    assert (policy.base_share, policy.performance_share, policy.capability_share) == (40, 50, 10)
    assert (policy.score_cap, policy.satisfaction_threshold, policy.satisfaction_bonus_rate) == (
        120,
        90,
        5,
    )
    services.ensure_default_policy()
    assert PayPolicy.objects.count() == 1


def test_a_new_policy_version_takes_effect_from_its_month(cast):
    policy = services.pay_policy_create(
        actor=cast.hr, effective_from=datetime.date(2026, 10, 1), notes="More bonus", **POLICY
    )
    assert policy.version == 2
    assert services.pay_policy_in_force(datetime.date(2026, 9, 30)).version == 1
    assert services.pay_policy_in_force(datetime.date(2026, 10, 1)).version == 2
    assert AuditEntry.objects.filter(action="pay.policy_create").count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"effective_from": datetime.date(2026, 10, 2)}, "effective_from", "1st of a month"),
        ({"effective_from": datetime.date(2000, 1, 1)}, "effective_from", "after 2000-01"),
        ({"capability_share": D("5")}, "base_share", "add up to 100 %; they add up to 95"),
        ({"base_share": D("-10"), "performance_share": D("100")}, "base_share", "negative"),
        ({"score_cap": D("99")}, "score_cap", "at least 100"),
        ({"satisfaction_threshold": D("101")}, "satisfaction_threshold", "0 to 100"),
        ({"satisfaction_bonus_rate": "x"}, "satisfaction_bonus_rate", "Enter a number"),
    ],
)
def test_a_bad_policy_is_refused_with_the_field_and_nothing_is_saved(cast, changes, field, message):
    values = {"effective_from": datetime.date(2026, 10, 1), **POLICY, **changes}
    with pytest.raises(ValidationError) as error:
        services.pay_policy_create(actor=cast.hr, **values)
    assert message in " ".join(error.value.message_dict[field])
    assert not PayPolicy.objects.filter(version__gt=1).exists()
    assert not AuditEntry.objects.filter(action="pay.policy_create").exists()


def test_a_policy_month_must_come_after_the_latest_policy(cast):
    services.pay_policy_create(actor=cast.hr, effective_from=datetime.date(2026, 10, 1), **POLICY)
    with pytest.raises(ValidationError) as error:
        services.pay_policy_create(
            actor=cast.hr, effective_from=datetime.date(2026, 9, 1), **POLICY
        )
    assert "after 2026-10" in error.value.message_dict["effective_from"][0]
    assert PayPolicy.objects.count() == 2


def test_a_policy_cannot_take_effect_in_a_closed_month(inputs):
    closed_run(inputs.hr, SEPTEMBER)
    with pytest.raises(ValidationError) as error:
        services.pay_policy_create(
            actor=inputs.hr, effective_from=datetime.date(2026, 9, 1), **POLICY
        )
    assert "2026-09 is already closed" in error.value.message_dict["effective_from"][0]
    assert PayPolicy.objects.count() == 1


def test_a_run_records_the_policy_version_in_force_for_its_month(inputs):
    services.pay_policy_create(actor=inputs.hr, effective_from=datetime.date(2026, 10, 1), **POLICY)
    september = open_and_compute(inputs.hr, SEPTEMBER)
    october = open_and_compute(inputs.hr, OCTOBER)
    assert (september.policy_version, october.policy_version) == (1, 2)
    # October uses 30/60/10: rep_a 1500 + 5000 × 0.6 × 0.8 (2400) + 350 + 500 = 4750
    assert october.statements.get(person=inputs.rep_a).total == D("4750.00")


# --- Open, compute --------------------------------------------------------------------------


def test_opening_a_run_queues_its_computation_on_commit(
    cast, monkeypatch, django_capture_on_commit_callbacks
):
    from apps.pay import tasks

    sent = []
    monkeypatch.setattr(tasks.compute_pay_run, "delay", lambda run_id: sent.append(run_id))
    with django_capture_on_commit_callbacks(execute=True):
        run = services.pay_run_open(actor=cast.hr, period_key=OCTOBER)
    assert sent == [run.pk]
    assert (run.status, run.period_start, run.period_end) == (
        PayRunStatus.QUEUED,
        datetime.date(2026, 10, 1),
        datetime.date(2026, 11, 1),
    )
    assert run.opened_by == cast.hr
    assert AuditEntry.objects.filter(action="pay.run_open", object_id=str(run.pk)).exists()


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("2026-13", "YYYY-MM"),
        ("2026-Q3", "YYYY-MM"),
        ("2099-01", "has not started yet"),
    ],
)
def test_a_bad_month_is_refused(cast, key, message):
    with pytest.raises(ValidationError) as error:
        services.pay_run_open(actor=cast.hr, period_key=key)
    assert message in error.value.message_dict["period_key"][0]
    assert not PayRun.objects.exists()


def test_one_run_per_month(cast):
    services.pay_run_open(actor=cast.hr, period_key=OCTOBER)
    with pytest.raises(ValidationError) as error:
        services.pay_run_open(actor=cast.admin, period_key=OCTOBER)
    assert "already exists" in error.value.message_dict["period_key"][0]
    assert PayRun.objects.count() == 1


def test_computing_picks_the_right_inputs(inputs):
    run = open_and_compute(inputs.hr, OCTOBER)
    assert run.status == PayRunStatus.OPEN and run.computed_at is not None
    assert (run.total_chunks, run.done_chunks, run.progress_percent) == (1, 1, 100)
    paid = set(run.statements.values_list("person__username", flat=True))
    assert paid == {"rep_a", "rep_a2", "rep_b", "manager_a", "manager_b"}  # not hr, admin

    a = run.statements.get(person=inputs.rep_a)
    assert (a.performance_pay_standard, a.base_salary) == (D("5000.00"), D("10000.00"))
    assert (a.quantitative_score, a.qualitative_score, a.qualitative_period) == (
        D("80"),
        D("70"),
        "2026-Q3",
    )
    assert (a.satisfaction, a.satisfaction_period, a.satisfaction_met) == (D("92"), "2026-Q3", True)
    assert (a.base_pay, a.performance_bonus, a.capability_bonus, a.satisfaction_bonus) == (
        D("2000"),
        D("2000"),
        D("350"),
        D("500"),
    )
    assert (a.computed_total, a.adjustments, a.total, a.missing) == (
        D("4850.00"),
        0,
        D("4850.00"),
        [],
    )
    assert a.team == inputs.team_a

    b = run.statements.get(person=inputs.rep_b)
    # Q3 review not finalised, Q4 ends after October: the finalised Q2 review
    assert (b.qualitative_score, b.qualitative_period) == (D("90"), "2026-Q2")
    assert (b.satisfaction, b.satisfaction_period, b.satisfaction_met) == (
        D("85"),
        "2026-Q3",
        False,
    )
    assert b.quantitative_applied == D("120")
    assert b.total == D("5450.00")

    a2 = run.statements.get(person=inputs.rep_a2)
    assert a2.total == D("2000.00")
    assert a2.missing == [
        MissingInput.QUANTITATIVE,
        MissingInput.QUALITATIVE,
        MissingInput.SATISFACTION,
    ]


def test_september_uses_the_quarter_ending_with_it(inputs):
    # Q3 ends on 1 Oct = September's end: its review and satisfaction count for September.
    run = open_and_compute(inputs.hr, SEPTEMBER)
    a = run.statements.get(person=inputs.rep_a)
    assert (a.qualitative_period, a.satisfaction_period) == ("2026-Q3", "2026-Q3")
    assert a.total == D("4850.00")
    b = run.statements.get(person=inputs.rep_b)
    assert b.quantitative_score is None and MissingInput.QUANTITATIVE in b.missing


def test_a_person_without_profile_is_paid_nothing_and_flagged(inputs):
    inputs.rep_a2.profile.delete()
    run = open_and_compute(inputs.hr, OCTOBER)
    a2 = run.statements.get(person=inputs.rep_a2)
    assert a2.performance_pay_standard is None and a2.total == 0
    assert {MissingInput.PAY_STANDARD, MissingInput.BASE_SALARY} <= set(a2.missing)


def test_a_chunk_reads_its_inputs_with_a_constant_number_of_queries(inputs, settings):
    def chunk_queries():
        run = services.pay_run_open(actor=inputs.hr, period_key=OCTOBER)
        (chunk,) = services.pay_run_start(run_id=run.pk)
        with CaptureQueriesContext(connection) as captured:
            services.pay_run_compute_chunk(run_id=run.pk, round=chunk[0], number=chunk[1])
        count = run.statements.count()
        PayRun.objects.all().delete()
        return count, len(captured)

    small = chunk_queries()
    for i in range(35):
        rep = RepFactory(team=inputs.team_b)
        month_card(rep, OCTOBER, str(50 + i))
        quarter_card(rep, "2026-Q3", "91")
    large = chunk_queries()
    assert (small[0], large[0]) == (5, 40)
    assert small[1] == large[1], (small, large)
    # take, lock (+ savepoint), inputs, upsert, done, progress, finish, drop stale, policy, …
    assert large[1] <= 12


def test_people_are_split_into_chunks(inputs, settings):
    settings.PAY_CHUNK_SIZE = 2
    run = services.pay_run_open(actor=inputs.hr, period_key=OCTOBER)
    chunks = services.pay_run_start(run_id=run.pk)
    assert chunks == [(1, 1), (1, 2), (1, 3)]
    for round_, number in chunks[:2]:
        services.pay_run_compute_chunk(run_id=run.pk, round=round_, number=number)
    run.refresh_from_db()
    assert (run.status, run.done_chunks, run.total_chunks) == (PayRunStatus.COMPUTING, 2, 3)
    assert run.progress_percent == 66
    services.pay_run_compute_chunk(run_id=run.pk, round=1, number=3)
    run.refresh_from_db()
    assert run.status == PayRunStatus.OPEN and run.statements.count() == 5


# --- Recompute, close -----------------------------------------------------------------------


def test_recompute_starts_a_new_round_and_picks_up_changed_inputs(inputs):
    run = open_and_compute(inputs.hr, OCTOBER)
    Scorecard.objects.filter(rep=inputs.rep_a, period_key=OCTOBER).update(score=D("100"))
    run = services.pay_run_recompute(actor=inputs.hr, run=run, expected_version=run.version)
    assert run.status == PayRunStatus.QUEUED
    assert services.pay_run_start(run_id=run.pk) == [(2, 1)]
    services.pay_run_compute_chunk(run_id=run.pk, round=2, number=1)
    run.refresh_from_db()
    assert run.status == PayRunStatus.OPEN
    assert run.statements.get(person=inputs.rep_a).total == D("5350.00")  # +500
    assert run.statements.count() == 5
    # a late chunk of round 1 does nothing
    assert services.pay_run_compute_chunk(run_id=run.pk, round=1, number=1) == 0


def test_a_person_no_longer_paid_loses_the_open_statement_on_recompute(inputs):
    run = open_and_compute(inputs.hr, OCTOBER)
    inputs.rep_a2.is_active = False
    inputs.rep_a2.save()
    services.pay_run_recompute(actor=inputs.hr, run=run)
    run = compute(run)
    assert not run.statements.filter(person=inputs.rep_a2).exists()
    assert run.statements.count() == 4


def test_closing_locks_the_run(inputs):
    run = open_and_compute(inputs.hr, OCTOBER)
    closed = services.pay_run_close(actor=inputs.hr, run=run, expected_version=run.version)
    assert closed.status == PayRunStatus.CLOSED and closed.locked
    assert closed.closed_by == inputs.hr and closed.closed_at is not None
    for action in (services.pay_run_recompute, services.pay_run_close):
        with pytest.raises(PayRunLocked) as error:
            action(actor=inputs.hr, run=closed)
        assert error.value.code == "locked"
    closed.refresh_from_db()
    assert closed.status == PayRunStatus.CLOSED
    assert AuditEntry.objects.filter(action="pay.run_close").count() == 1


def test_a_run_still_computing_or_failed_cannot_be_closed(inputs):
    run = services.pay_run_open(actor=inputs.hr, period_key=OCTOBER)
    with pytest.raises(ValidationError) as error:
        services.pay_run_close(actor=inputs.hr, run=run)
    assert "being computed" in error.value.message_dict["status"][0]
    with pytest.raises(ValidationError) as error:
        services.pay_run_recompute(actor=inputs.hr, run=run)
    assert "being computed" in error.value.message_dict["status"][0]
    services.pay_run_fail(run_id=run.pk, error="boom")
    with pytest.raises(ValidationError) as error:
        services.pay_run_close(actor=inputs.hr, run=run)
    assert "failed" in error.value.message_dict["status"][0]
    run.refresh_from_db()
    assert run.status == PayRunStatus.FAILED
    assert services.pay_run_recompute(actor=inputs.hr, run=run).status == PayRunStatus.QUEUED


def test_a_stale_version_is_refused(inputs):
    run = open_and_compute(inputs.hr, OCTOBER)
    opened = run.version
    services.pay_run_recompute(actor=inputs.hr, run=run, expected_version=opened)
    compute(run)
    with pytest.raises(StaleVersionError):
        services.pay_run_close(actor=inputs.hr, run=run, expected_version=opened)
    run.refresh_from_db()
    assert run.status == PayRunStatus.OPEN


# --- Corrections ----------------------------------------------------------------------------


def test_a_correction_of_a_closed_month_is_paid_in_the_next_open_run(inputs):
    september = closed_run(inputs.hr, SEPTEMBER)
    paid = september.statements.get(person=inputs.rep_a)
    assert paid.total == D("4850.00")
    october = open_and_compute(inputs.hr, OCTOBER)
    before = october.statements.get(person=inputs.rep_a).computed_total

    # September's score was wrong: 80 → 90 (performance bonus + 5000 × 0.5 × 0.1 = 250)
    Scorecard.objects.filter(rep=inputs.rep_a, period_key=SEPTEMBER).update(score=D("90"))
    (adjustment,) = services.pay_run_correct(
        actor=inputs.hr, run=september, reason="Late payment recorded"
    )
    assert (adjustment.run, adjustment.corrected_run, adjustment.person) == (
        october,
        september,
        inputs.rep_a,
    )
    assert (adjustment.amount, adjustment.paid_total, adjustment.corrected_total) == (
        D("250.00"),
        D("4850.00"),
        D("5100.00"),
    )
    statement = october.statements.get(person=inputs.rep_a)
    assert (statement.computed_total, statement.adjustments, statement.total) == (
        before,
        D("250.00"),
        before + D("250.00"),
    )
    # the closed month is untouched
    paid.refresh_from_db()
    assert (paid.computed_total, paid.total, paid.quantitative_score) == (
        D("4850.00"),
        D("4850.00"),
        D("80"),
    )
    # recomputing October keeps the adjustment
    services.pay_run_recompute(actor=inputs.hr, run=october)
    compute(october)
    statement.refresh_from_db()
    assert (statement.adjustments, statement.total) == (D("250.00"), before + D("250.00"))
    # correcting again without a new change writes nothing
    assert services.pay_run_correct(actor=inputs.hr, run=september, reason="again") == []
    assert PayAdjustment.objects.count() == 1
    assert AuditEntry.objects.filter(action="pay.run_correct").count() == 1
    assert AuditEntry.objects.filter(action="pay.adjustment", subject_user=inputs.rep_a).exists()

    # a second change claws back part of it: 90 → 84 = -150 against 4850 + 250 paid
    Scorecard.objects.filter(rep=inputs.rep_a, period_key=SEPTEMBER).update(score=D("84"))
    (second,) = services.pay_run_correct(actor=inputs.hr, run=september, reason="Reversed")
    assert (second.amount, second.paid_total, second.corrected_total) == (
        D("-150.00"),
        D("5100.00"),
        D("4950.00"),
    )
    statement.refresh_from_db()
    assert (statement.adjustments, statement.total) == (D("100.00"), before + D("100.00"))


def test_a_correction_for_someone_without_a_statement_in_the_open_run_creates_one(inputs):
    september = closed_run(inputs.hr, SEPTEMBER)
    october = open_and_compute(inputs.hr, OCTOBER)
    PayStatement.objects.filter(run=october, person=inputs.rep_a).delete()
    review(inputs.rep_a2, inputs.rep_a.reviews.first().cycle, "100")  # Q3 finalised: +500
    (adjustment,) = services.pay_run_correct(actor=inputs.hr, run=september, reason="Review")
    assert (adjustment.person, adjustment.amount) == (inputs.rep_a2, D("500.00"))
    statement = october.statements.get(person=inputs.rep_a2)
    assert (statement.adjustments, statement.total) == (D("500.00"), D("2500.00"))


def test_a_correction_needs_a_later_open_run_a_reason_and_a_closed_run(inputs):
    september = closed_run(inputs.hr, SEPTEMBER)
    Scorecard.objects.filter(rep=inputs.rep_a, period_key=SEPTEMBER).update(score=D("90"))
    with pytest.raises(ValidationError) as error:
        services.pay_run_correct(actor=inputs.hr, run=september, reason="x")
    assert error.value.message_dict["run"] == ["Open the pay run of a later month first."]
    october = open_and_compute(inputs.hr, OCTOBER)
    with pytest.raises(ValidationError) as error:
        services.pay_run_correct(actor=inputs.hr, run=september, reason="  ")
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.pay_run_correct(actor=inputs.hr, run=october, reason="x")
    assert "closed run" in error.value.message_dict["status"][0]
    assert not PayAdjustment.objects.exists()


# --- Who may --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["rep_a", "manager_a"])
def test_reps_and_managers_may_not_run_pay(inputs, role):
    user = getattr(inputs, role)
    september = closed_run(inputs.hr, SEPTEMBER)
    october = open_and_compute(inputs.hr, OCTOBER)
    calls = [
        lambda: services.pay_run_open(actor=user, period_key="2026-08"),
        lambda: services.pay_run_recompute(actor=user, run=october),
        lambda: services.pay_run_close(actor=user, run=october),
        lambda: services.pay_run_correct(actor=user, run=september, reason="x"),
        lambda: services.pay_policy_create(
            actor=user, effective_from=datetime.date(2026, 11, 1), **POLICY
        ),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert PayRun.objects.count() == 2 and PayPolicy.objects.count() == 1
    october.refresh_from_db()
    assert october.status == PayRunStatus.OPEN


def test_admins_may_run_pay(inputs):
    run = open_and_compute(inputs.admin, OCTOBER)
    assert services.pay_run_close(actor=inputs.admin, run=run).status == PayRunStatus.CLOSED


# --- Selectors ------------------------------------------------------------------------------


def test_statements_are_scoped_and_totalled_per_team(inputs):
    run = open_and_compute(inputs.hr, OCTOBER)
    assert selectors.statements_for_run(run, inputs.hr).count() == 5
    assert list(
        selectors.statements_for_run(run, inputs.rep_a).values_list("person__username", flat=True)
    ) == ["rep_a"]
    assert set(
        selectors.statements_for_run(run, inputs.manager_a).values_list(
            "person__username", flat=True
        )
    ) == {"manager_a", "rep_a", "rep_a2"}
    rows, grand = selectors.team_totals(run, inputs.hr)
    by_team = {row["team"].name if row["team"] else None: row for row in rows}
    assert by_team["Alpha"]["people"] == 2
    assert by_team["Alpha"]["total"] == D("6850.00")  # 4850 + 2000
    assert by_team["Bravo"]["total"] == D("5450.00")
    assert by_team[None]["people"] == 2  # the managers have no team
    assert grand["people"] == 5
    assert grand["total"] == sum(row["total"] for row in rows)
    rows, grand = selectors.team_totals(run, inputs.rep_a)
    assert grand["total"] == D("4850.00")


def test_statement_steps_show_every_input_and_step(inputs):
    run = open_and_compute(inputs.hr, OCTOBER)
    statement = run.statements.select_related("run__policy").get(person=inputs.rep_a)
    steps = selectors.statement_steps(statement, run.policy)
    labels = [label for label, _formula, _amount in steps]
    assert labels[0].startswith("Monthly performance-pay standard")
    assert labels[-1] == "Total"
    base = {label: (formula, amount) for label, formula, amount in steps}
    assert base["Base performance pay"] == ("40 % × P ¥5,000.00", D("2000"))
    assert base["Performance bonus"][1] == D("2000")
    assert "80.00" in base["Performance bonus"][0]
    assert base["Total"][1] == D("4850.00")
    assert sum(amount for label, _f, amount in steps[1:8] if amount is not None) == D("4850")


def test_a_chunk_row_exists_per_round(inputs):
    run = open_and_compute(inputs.hr, OCTOBER)
    services.pay_run_recompute(actor=inputs.hr, run=run)
    compute(run)
    assert list(PayRunChunk.objects.filter(run=run).values_list("round", "number")) == [
        (1, 1),
        (2, 1),
    ]


def _unnest_upsert(rows):
    from apps.core.bulk import upsert_unnest

    require_postgres()
    fields = [f for f in PayStatement._meta.concrete_fields if not f.primary_key]
    upsert_unnest(connection, PayStatement, fields, services.UNIQUE_FIELDS, rows)


@pytest.mark.parametrize(
    "upsert",
    [services.upsert_statements, _unnest_upsert],
    ids=["python path (bulk_create)", "postgresql one statement (unnest)"],
)
def test_the_upsert_writes_values_exactly_and_rewrites_on_the_key(inputs, upsert):
    """Both upserts — the Python path's (databases other than PostgreSQL compute a chunk in
    Python) and ``apps.core.bulk.upsert_unnest`` (array literals) — keep every value exactly,
    odd text included, and rewrite a statement on (run, person) in place."""
    from django.utils import timezone

    run = open_and_compute(inputs.hr, OCTOBER)
    statement = run.statements.get(person=inputs.rep_a)
    now = timezone.now()
    row = {
        f.attname: getattr(statement, f.attname)
        for f in PayStatement._meta.concrete_fields
        if f is not PayStatement._meta.pk
    }
    row.update(
        qualitative_period='a"b\\c,{',
        satisfaction_period="",
        base_pay=D("0.0000000001"),
        quantitative_score=None,
        missing=["quantitative", 'x"y'],
        satisfaction_met=False,
        computed_at=now,
    )
    upsert([row])
    assert run.statements.get(person=inputs.rep_a).pk == statement.pk
    statement.refresh_from_db()
    assert statement.qualitative_period == 'a"b\\c,{'
    assert statement.satisfaction_period == ""
    assert statement.base_pay == D("0.0000000001")
    assert statement.quantitative_score is None
    assert statement.missing == ["quantitative", 'x"y']
    assert statement.satisfaction_met is False
    assert statement.computed_at == now
    assert run.statements.count() == 5


def test_a_team_with_pay_statements_cannot_be_deleted(inputs):
    """Deleting a team (once its people have moved on) would blank the team of statements
    already paid: refused, and the statements keep it."""
    from django.db.models import ProtectedError

    from apps.accounts.models import Team, User

    run = open_and_compute(inputs.hr, OCTOBER)
    team = inputs.rep_b.team
    assert run.statements.filter(team=team).exists()
    User.objects.filter(team=team).update(team=None)  # everyone moved: only pay refers to it
    with pytest.raises(ProtectedError):
        team.delete()
    assert Team.objects.filter(pk=team.pk).exists()
    assert run.statements.get(person=inputs.rep_b).team_id == team.pk
