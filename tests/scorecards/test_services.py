"""Scores, idempotence, transactions, query counts, stale marks and jobs of the recompute."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.performance.choices import Cycle, Kpi
from apps.performance.models import PeriodSetting, Target
from apps.scorecards import services
from apps.scorecards.models import RecomputeJob, Scorecard, StaleRepPeriod
from apps.scorecards.services import (
    affected_periods,
    scorecards_mark_stale,
    scorecards_recompute,
    scorecards_refresh_stale,
)
from tests.factories import CustomerFactory, ManagerFactory, RepFactory, UserFactory
from tests.scorecards.helpers import (
    card,
    day,
    figures_of,
    order,
    payment,
    receivable,
    scheme,
)

D = Decimal
pytestmark = pytest.mark.django_db

MONTHLY = {
    Kpi.SALES_ACHIEVEMENT_RATE: ("50", "100"),
    Kpi.NEW_CUSTOMERS: ("30", "4"),
    Kpi.COLLECTION_RATE: ("20", "95"),
}


def target(rep, key, **fields):
    from apps.performance.periods import parse_period

    period = parse_period(key)
    return Target.objects.create(
        rep=rep, period_key=key, period_kind=period.kind, period_start=period.start, **fields
    )


def test_score_weighs_every_defined_kpi_with_rep_targets_and_caps():
    rep = RepFactory()
    scheme("monthly", MONTHLY)
    target(rep, "2026-10", sales_target=D("1000"), new_customers_target=D("2"))
    customer = CustomerFactory(owner=rep, lead_grade="A")
    first = order(rep, customer, "1500.00", "2026-10-02")  # 150 % of target -> capped at 120
    due = receivable(first, "1000.00", "2026-10-20")
    payment(due, "760.00", "2026-10-25")  # 76 % of 95 -> 80

    october = card(rep, "2026-10")
    assert october.sales_achievement_rate == D("150.00")
    assert october.kpi_scores[Kpi.SALES_ACHIEVEMENT_RATE] == {
        "value": "150.00",
        "target": "100.00",
        "score": "120.00",
        "weight": "50.00",
    }
    # New customers: weighted 2 against the rep's own target 2 -> 100.
    assert october.kpi_scores[Kpi.NEW_CUSTOMERS]["target"] == "2.00"
    assert october.kpi_scores[Kpi.NEW_CUSTOMERS]["score"] == "100.00"
    assert october.kpi_scores[Kpi.COLLECTION_RATE]["score"] == "80.00"
    # (50 × 120 + 30 × 100 + 20 × 80) ÷ 100 = 106
    assert october.score == D("106.00")
    assert october.weight_scheme_version == 1


def test_collection_rate_uses_the_reps_target_when_set():
    rep = RepFactory()
    scheme("monthly", MONTHLY)
    target(rep, "2026-10", collection_rate_target=D("80"))
    first = order(rep, CustomerFactory(owner=rep), "100.00", "2026-09-02")
    payment(receivable(first, "100.00", "2026-10-20"), "80.00", "2026-10-25")
    entry = card(rep, "2026-10").kpi_scores[Kpi.COLLECTION_RATE]
    assert (entry["value"], entry["target"], entry["score"]) == ("80.00", "80.00", "100.00")


def test_undefined_kpis_are_null_and_the_other_weights_are_renormalised():
    rep = RepFactory()
    scheme("monthly", MONTHLY)
    # No sales target (undefined achievement), nothing due (undefined collection):
    # only new customers is defined: 1 weighted customer against 4 -> 25.
    order(rep, CustomerFactory(owner=rep, lead_grade="C"), "100.00", "2026-10-02")
    october = card(rep, "2026-10")
    assert october.sales_achievement_rate is None
    assert october.collection_rate is None
    assert october.kpi_scores[Kpi.SALES_ACHIEVEMENT_RATE]["score"] is None
    assert october.kpi_scores[Kpi.COLLECTION_RATE]["value"] is None
    assert october.score == D("25.00")


def test_a_zero_sales_target_is_undefined_not_zero():
    rep = RepFactory()
    scheme("monthly", MONTHLY)
    target(rep, "2026-10", sales_target=D("0"))
    assert card(rep, "2026-10").sales_achievement_rate is None


def test_no_defined_kpi_gives_a_null_score():
    rep = RepFactory()
    scheme(
        "monthly", {Kpi.SALES_ACHIEVEMENT_RATE: ("60", "100"), Kpi.COLLECTION_RATE: ("40", "95")}
    )
    assert card(rep, "2026-10").score is None


def test_quarter_growth_target_from_period_setting_and_negative_growth_scores_zero():
    rep = RepFactory()
    scheme(
        "quarterly",
        {
            Kpi.SALES_GROWTH_RATE: ("40", "10"),
            Kpi.RETENTION_RATE: ("30", "90"),
            Kpi.CUSTOMER_SATISFACTION: ("20", "90"),
            Kpi.TEAM_COLLABORATION: ("10", "80"),
        },
    )
    PeriodSetting.objects.create(
        period_key="2026-Q4",
        period_kind="quarter",
        period_start=day("2026-10-01"),
        industry_growth_rate=D("10"),
        challenge_margin=D("5"),
    )
    customer = CustomerFactory(owner=rep)
    order(rep, customer, "1000.00", "2025-11-01")
    order(rep, customer, "1150.00", "2026-11-01")
    quarter = card(rep, "2026-Q4")
    growth = quarter.kpi_scores[Kpi.SALES_GROWTH_RATE]
    assert (growth["value"], growth["target"], growth["score"]) == ("15.00", "15.00", "100.00")
    # Retention: one customer at start, none lost -> 100 % of 90 -> 111.11; satisfaction and
    # collaboration have no data: (40 × 100 + 30 × 111.11) ÷ 70 = 104.76
    assert quarter.kpi_scores[Kpi.RETENTION_RATE]["score"] == "111.11"
    assert quarter.kpi_scores[Kpi.CUSTOMER_SATISFACTION]["score"] is None
    assert quarter.score == D("104.76")

    order(rep, customer, "1000.00", "2025-12-01")  # last year now 2000 -> growth -42.5 %
    quarter = card(rep, "2026-Q4")
    assert quarter.sales_growth_rate == D("-42.50")
    assert quarter.kpi_scores[Kpi.SALES_GROWTH_RATE]["score"] == "0.00"


def test_scheme_version_is_the_one_in_force_at_the_period_start():
    rep = RepFactory()
    scheme("monthly", MONTHLY, version=1, effective_from="2026-01-01")
    scheme("monthly", MONTHLY, version=2, effective_from="2026-10-02")
    scheme("monthly", MONTHLY, version=3, effective_from="2026-11-01")
    assert card(rep, "2026-10").weight_scheme_version == 1
    assert card(rep, "2026-11").weight_scheme_version == 3
    assert card(rep, "2025-12").weight_scheme_version is None
    assert card(rep, "2025-12").score is None


def test_recompute_twice_gives_the_same_rows_with_the_same_ids():
    rep, other = RepFactory(), RepFactory()
    order(rep, CustomerFactory(owner=rep), "100.00", "2026-10-02")
    scorecards_recompute(period_key="2026-10")
    first = {c.pk: (c.rep_id, c.sales) for c in Scorecard.objects.all()}
    order(other, CustomerFactory(owner=other), "50.00", "2026-10-03")
    scorecards_recompute(period_key="2026-10")
    second = {c.pk: (c.rep_id, c.sales) for c in Scorecard.objects.all()}
    assert first.keys() == second.keys()
    assert len(second) == 2
    assert second[next(pk for pk, v in second.items() if v[0] == other.pk)][1] == D("50.00")


def test_a_failure_while_writing_keeps_the_previous_scorecards(monkeypatch):
    rep = RepFactory()
    customer = CustomerFactory(owner=rep)
    order(rep, customer, "100.00", "2026-10-02")
    scorecards_recompute(period_key="2026-10")
    order(rep, customer, "900.00", "2026-10-03")

    def explode(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_clear_stale_marks", explode)  # after the upsert ran
    with pytest.raises(RuntimeError):
        scorecards_recompute(period_key="2026-10")
    assert Scorecard.objects.get(rep=rep).sales == D("100.00")


def test_bad_period_is_refused_naming_the_period_and_nothing_is_written():
    RepFactory()
    with pytest.raises(ValidationError) as error:
        scorecards_recompute(period_key="2026-13")
    assert "period" in error.value.message_dict
    assert "2026-13" in error.value.message_dict["period"][0]
    assert not Scorecard.objects.exists()


def test_reps_and_managers_get_scorecards_hr_admin_and_inactive_users_do_not():
    rep, manager = RepFactory(), ManagerFactory()
    UserFactory(role="hr")
    UserFactory(role="admin")
    RepFactory(is_active=False)
    scorecards_recompute(period_key="2026-10")
    assert set(Scorecard.objects.values_list("rep_id", flat=True)) == {rep.pk, manager.pk}


def _population(reps: int):
    people = RepFactory.create_batch(reps)
    for index, rep in enumerate(people):
        customer = CustomerFactory(owner=rep, lead_grade="AB"[index % 2])
        shared_with = people[(index + 1) % reps]
        first = order(rep, customer, "100.00", "2026-09-15")
        order(rep, customer, "200.00", "2026-10-15", credits=[(rep, 60), (shared_with, 40)])
        payment(receivable(first, "100.00", "2026-10-15"), "50.00", "2026-10-20")
    return people


def test_query_count_does_not_depend_on_the_number_of_reps():
    scheme("monthly", MONTHLY)
    _population(10)
    with CaptureQueriesContext(connection) as small:
        scorecards_recompute(period_key="2026-10")
    _population(90)
    with CaptureQueriesContext(connection) as large:
        assert scorecards_recompute(period_key="2026-10") == 100
    assert len(small) == len(large)
    with CaptureQueriesContext(connection) as one:
        scorecards_recompute(period_key="2026-10", rep_ids=[Scorecard.objects.first().rep_id])
    with CaptureQueriesContext(connection) as few:
        scorecards_recompute(
            period_key="2026-10",
            rep_ids=list(Scorecard.objects.values_list("rep_id", flat=True)[:5]),
        )
    assert len(one) == len(few)


def test_refreshing_one_rep_reads_everything_in_one_statement(django_assert_num_queries):
    from apps.scorecards import selectors

    scheme("monthly", MONTHLY)
    people = _population(3)
    scorecards_recompute(period_key="2026-10", rep_ids=[people[0].pk])  # compiles the statement
    # Compiled once per number of reps and rerun with each call's values.
    assert selectors._compiled_statement(1) is not None
    assert selectors._compiled_statement(3) is not None
    # The rep, figures, target, period setting and scheme in one statement, then the
    # scheme's items, then the upsert (no stale mark waits, so no delete and no savepoint).
    with django_assert_num_queries(3):
        assert scorecards_recompute(period_key="2026-10", rep_ids=[people[1].pk]) == 1
    with django_assert_num_queries(3):
        assert scorecards_recompute(period_key="2026-10", rep_ids=[p.pk for p in people]) == 3


def test_refreshing_one_rep_with_a_stale_mark_clears_it_in_the_same_transaction(
    django_assert_num_queries,
):
    scheme("monthly", MONTHLY)
    rep, other = _population(2)
    scorecards_mark_stale(rep_ids=[rep.pk, other.pk], on_date=datetime.date(2026, 10, 15))
    # Two reads, then savepoint, upsert, delete of the marks, release.
    with django_assert_num_queries(6):
        scorecards_recompute(period_key="2026-10", rep_ids=[rep.pk])
    assert not StaleRepPeriod.objects.filter(rep=rep, period_key="2026-10").exists()
    assert StaleRepPeriod.objects.filter(rep=other, period_key="2026-10").exists()
    assert Scorecard.objects.get(rep=rep, period_key="2026-10").stale is False


def test_a_refresh_without_the_compiled_statement_gives_the_same_figures(monkeypatch):
    from apps.scorecards import selectors

    scheme("monthly", MONTHLY)
    people = _population(4)
    target(people[0], "2026-10", sales_target=D("150.00"), collection_rate_target=D("90"))
    scorecards_recompute(period_key="2026-10")
    everyone = {c.rep_id: figures_of(c) for c in Scorecard.objects.all()}
    monkeypatch.setattr(selectors, "_compiled_statement", lambda *args: None)
    scorecards_recompute(period_key="2026-10", rep_ids=[p.pk for p in people[:2]])
    alone = {c.rep_id: figures_of(c) for c in Scorecard.objects.filter(rep__in=people[:2])}
    assert alone == {p.pk: everyone[p.pk] for p in people[:2]}
    assert alone[people[0].pk]["sales_target"] == D("150.00")


# --- stale marks ----------------------------------------------------------------------------


def test_affected_periods_cover_the_day_the_later_periods_and_growth_a_year_later():
    keys = [p.key for p in affected_periods(day("2025-10-15"), today=day("2026-11-27"))]
    assert keys[:2] == ["2025-10", "2025-11"]
    assert "2026-10" in keys and "2026-11" in keys and "2026-12" not in keys
    assert "2025-Q4" in keys and "2026-Q4" in keys
    assert "2025" in keys and "2026" in keys
    future = [p.key for p in affected_periods(day("2027-01-20"), today=day("2026-11-27"))]
    assert future == ["2027-01", "2027-Q1", "2027"]


def test_mark_stale_flags_scorecards_and_refresh_recomputes_only_them():
    rep, other = RepFactory(), RepFactory()
    customer = CustomerFactory(owner=rep)
    order(rep, customer, "100.00", "2026-10-02")
    scorecards_recompute(period_key="2026-10")
    scorecards_recompute(period_key="2025-10")
    untouched = Scorecard.objects.get(rep=other, period_key="2026-10").computed_at

    order(rep, customer, "50.00", "2025-10-30")
    marked = scorecards_mark_stale(rep_ids=[rep.pk], on_date=datetime.date(2025, 10, 30))
    assert marked > 3
    assert StaleRepPeriod.objects.filter(rep=rep, period_key="2025-10").exists()
    assert Scorecard.objects.get(rep=rep, period_key="2026-10").stale is True
    assert Scorecard.objects.get(rep=other, period_key="2026-10").stale is False

    scorecards_refresh_stale()
    assert not StaleRepPeriod.objects.exists()
    refreshed = Scorecard.objects.get(rep=rep, period_key="2026-10")
    assert refreshed.stale is False
    assert refreshed.sales_last_year == D("50.00")
    assert refreshed.sales_growth_rate == D("100.00")
    assert Scorecard.objects.get(rep=rep, period_key="2025-10").sales == D("50.00")
    assert Scorecard.objects.get(rep=other, period_key="2026-10").computed_at == untouched


def test_marking_twice_keeps_one_mark_per_rep_period():
    rep = RepFactory()
    scorecards_mark_stale(rep_ids=[rep.pk, rep.pk], on_date=datetime.date(2026, 11, 2))
    scorecards_mark_stale(rep_ids=[rep.pk], on_date=datetime.date(2026, 11, 3))
    assert StaleRepPeriod.objects.filter(rep=rep).count() == 3


# --- jobs -------------------------------------------------------------------------------------


def test_job_runs_in_chunks_and_finishes_when_every_chunk_is_done(settings):
    settings.SCORECARD_CHUNK_SIZE = 2
    reps = RepFactory.create_batch(5)
    order(reps[0], CustomerFactory(owner=reps[0]), "10.00", "2026-10-01")
    job = RecomputeJob.objects.create(period_key="2026-10")
    chunks = services.recompute_job_start(job_id=job.pk)
    assert chunks == [1, 2, 3]
    assert [len(c.rep_ids) for c in job.chunks.all()] == [2, 2, 1]
    assert services.recompute_job_start(job_id=job.pk) == []  # claimed once only
    for number in chunks[:2]:
        services.recompute_job_run_chunk(job_id=job.pk, number=number)
    services.recompute_job_run_chunk(job_id=job.pk, number=2)  # redelivered: counts once
    job.refresh_from_db()
    assert (job.status, job.done_chunks, job.total_chunks, job.progress_percent) == (
        "running",
        2,
        3,
        66,
    )
    services.recompute_job_run_chunk(job_id=job.pk, number=chunks[2])
    job.refresh_from_db()
    assert (job.status, job.progress_percent) == ("done", 100)
    assert job.finished_at is not None
    assert Scorecard.objects.filter(period_key="2026-10").count() == 5


def test_a_failing_chunk_marks_the_job_failed_with_the_error(monkeypatch):
    RepFactory()
    job = RecomputeJob.objects.create(period_key="2026-10")
    chunks = services.recompute_job_start(job_id=job.pk)

    def explode(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "scorecards_recompute", explode)
    with pytest.raises(RuntimeError):
        services.recompute_job_run_chunk(job_id=job.pk, number=chunks[0])
    job.refresh_from_db()
    assert job.status == "failed"
    assert "database went away" in job.error


def test_job_create_runs_eagerly_through_celery(settings, django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from salesperf.celery import app

    app.conf.task_always_eager = True
    try:
        rep = RepFactory()
        with django_capture_on_commit_callbacks(execute=True):
            job = services.recompute_job_create(period_key="2026-10")
    finally:
        app.conf.task_always_eager = False
    job.refresh_from_db()
    assert job.status == "done"
    assert Scorecard.objects.filter(rep=rep, period_key="2026-10").exists()


def test_monthly_scheme_cycle_scores_months_only():
    scheme(Cycle.QUARTERLY, {Kpi.RETENTION_RATE: ("100", "90")})
    rep = RepFactory()
    assert card(rep, "2026-10").weight_scheme_version is None
    assert card(rep, "2026-Q4").weight_scheme_version == 1


def test_a_chunk_of_many_reps_gives_the_same_figures_as_everyone(monkeypatch, settings):
    from apps.scorecards import selectors

    people = _population(6)
    scorecards_recompute(period_key="2026-10")
    expected = {c.rep_id: (c.sales, c.collected, c.new_customers) for c in Scorecard.objects.all()}
    Scorecard.objects.all().delete()
    monkeypatch.setattr(selectors, "FEW_REPS", 1)  # chunks of 2+ reps use the id-range path
    settings.SCORECARD_CHUNK_SIZE = 4
    job = RecomputeJob.objects.create(period_key="2026-10")
    for number in services.recompute_job_start(job_id=job.pk):
        services.recompute_job_run_chunk(job_id=job.pk, number=number)
    got = {c.rep_id: (c.sales, c.collected, c.new_customers) for c in Scorecard.objects.all()}
    assert got == expected
    assert len(got) == len(people)


def test_each_undefined_kpi_drops_out_and_the_rest_are_renormalised():
    rep = RepFactory()
    scheme(
        Cycle.ANNUAL,
        {
            Kpi.SALES_ACHIEVEMENT_RATE: ("20", "100"),
            Kpi.SALES_GROWTH_RATE: ("20", "10"),
            Kpi.NEW_CUSTOMERS: ("20", "2"),
            Kpi.RETENTION_RATE: ("20", "90"),
            Kpi.COLLECTION_RATE: ("10", "95"),
            Kpi.CUSTOMER_SATISFACTION: ("10", "90"),
        },
    )
    target(rep, "2026", sales_target=D("2000"))
    order(rep, CustomerFactory(owner=rep, lead_grade="C"), "1000.00", "2026-03-02")
    year = card(rep, "2026")
    # Defined: achievement 50 % -> 50; new customers 1 of 2 -> 50. Undefined: growth (no sales
    # in 2025), retention (no customers at start), collection (nothing due), satisfaction.
    assert {k for k, v in year.kpi_scores.items() if v["score"] is None} == {
        Kpi.SALES_GROWTH_RATE,
        Kpi.RETENTION_RATE,
        Kpi.COLLECTION_RATE,
        Kpi.CUSTOMER_SATISFACTION,
    }
    assert (year.sales_growth_rate, year.retention_rate, year.collection_rate) == (None, None, None)
    assert year.score == D("50.00")


def test_the_periodic_tasks_are_scheduled_by_the_migration():
    from django_celery_beat.models import PeriodicTask

    tasks = dict(
        PeriodicTask.objects.filter(task__startswith="scorecards.").values_list("task", "name")
    )
    assert set(tasks) == {
        "scorecards.refresh_current_month",
        "scorecards.close_month",
        "scorecards.refresh_stale",
    }
    close = PeriodicTask.objects.get(task="scorecards.close_month")
    assert close.crontab.day_of_month == "1"


def test_marking_a_customers_order_history_marks_every_rep_who_sold_to_it():
    owner, seller, partner, stranger = RepFactory(), RepFactory(), RepFactory(), RepFactory()
    customer = CustomerFactory(owner=owner)
    order(seller, customer, "100.00", "2026-10-10", credits=[(seller, "70"), (partner, "30")])
    order(stranger, CustomerFactory(owner=stranger), "100.00", "2026-10-10")
    scorecards_mark_stale(
        rep_ids=[], on_date=datetime.date(2026, 11, 2), customer_ids=[customer.pk]
    )
    marked = set(StaleRepPeriod.objects.values_list("rep_id", flat=True))
    assert marked == {owner.pk, seller.pk, partner.pk}
