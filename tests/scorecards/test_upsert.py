"""The scorecard upsert: one statement per chunk on PostgreSQL, the same rows as bulk_create."""

import datetime
from decimal import Decimal

import pytest
from django.db import DataError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.accounts.models import User
from apps.core.choices import Role
from apps.performance.choices import Cycle, Kpi
from apps.scorecards import services
from apps.scorecards.choices import DEFAULT_CHUNK_SIZE
from apps.scorecards.models import RecomputeJob, Scorecard
from tests.conftest import require_service
from tests.factories import RepFactory
from tests.scorecards.helpers import scheme

D = Decimal
pytestmark = pytest.mark.django_db

#: Every stored field of a scorecard but its id.
STORED_FIELDS = [f.attname for f in Scorecard._meta.concrete_fields if not f.primary_key]

MONTHLY = {
    Kpi.SALES_ACHIEVEMENT_RATE: ("50", "100"),
    Kpi.NEW_CUSTOMERS: ("30", "4"),
    Kpi.COLLECTION_RATE: ("20", "95"),
}


def _require_postgres():
    require_service(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")


def _full_recompute(period_key: str) -> tuple[RecomputeJob, int]:
    """A full recompute through the job machinery; returns the job and its query count."""
    job = RecomputeJob.objects.create(period_key=period_key)
    with CaptureQueriesContext(connection) as captured:
        for number in services.recompute_job_start(job_id=job.pk):
            services.recompute_job_run_chunk(job_id=job.pk, number=number)
    job.refresh_from_db()
    return job, len(captured)


def _add_people(count: int, *, prefix: str, managers: int = 0) -> None:
    User.objects.bulk_create(
        [
            User(
                username=f"{prefix}{index}",
                password="!",
                role=Role.MANAGER if index < managers else Role.REP,
            )
            for index in range(count)
        ]
    )


def test_the_default_chunk_holds_an_organisation_of_a_few_thousand_people():
    assert DEFAULT_CHUNK_SIZE >= 5000


def test_full_recompute_costs_the_same_queries_for_10_and_2500_people_on_postgres(
    settings, monkeypatch
):
    from apps.scorecards import selectors

    _require_postgres()
    if hasattr(settings, "SCORECARD_CHUNK_SIZE"):
        del settings.SCORECARD_CHUNK_SIZE
    scheme(Cycle.MONTHLY, MONTHLY)
    _add_people(10, prefix="small_", managers=2)
    # A job of at most FEW_REPS people takes the few-reps path: fewer queries still.
    few_job, few = _full_recompute("2026-10")
    with monkeypatch.context() as patch:
        patch.setattr(selectors, "FEW_REPS", 1)  # the set-based path, as for any larger chunk
        small_job, small = _full_recompute("2026-10")
    assert Scorecard.objects.filter(period_key="2026-10").count() == 10

    _add_people(50, prefix="medium_", managers=5)
    medium_job, medium = _full_recompute("2026-10")
    # 2,500 scorecard users: more than one multi-row INSERT could hold (65,535 parameters).
    _add_people(2440, prefix="large_", managers=100)
    large_job, large = _full_recompute("2026-10")
    assert Scorecard.objects.filter(period_key="2026-10").count() == 2500
    for job in (few_job, small_job, medium_job, large_job):
        assert (job.status, job.total_chunks) == ("done", 1)
    assert small == medium == large
    assert few < large


def _cards(reps, *, computed_at, scheme_obj, variant: int) -> list[Scorecard]:
    """Scorecards covering every kind of value: nulls, decimals, JSON, a scheme or none."""
    cards = []
    for index, rep in enumerate(reps):
        shift = index + variant
        cards.append(
            Scorecard(
                rep=rep,
                period_key="2026-10",
                period_kind="month",
                period_start=datetime.date(2026, 10, 1),
                period_end=datetime.date(2026, 11, 1),
                sales=D("12345.67") + shift,
                new_customer_sales=None if shift % 2 else D("0.00"),
                repeat_sales=D("-3.10"),
                sales_target=None,
                sales_achievement_rate=D("101.25") if shift % 3 else None,
                sales_last_year=D("99999999999999.99"),
                sales_growth_rate=D("-12.50"),
                new_customers=shift,
                new_customers_weighted=D("2.50"),
                customers_at_start=7,
                customers_lost=0,
                retention_rate=None,
                receivable_due=D("10.00"),
                collected=D("9.995"),  # more places than the column: rounded alike
                collection_rate=D("99.90"),
                kpi_scores={
                    "sales_achievement_rate": {
                        "value": "101.25",
                        "target": "100",
                        "score": None,
                        "weight": "50",
                    },
                    "note": ["é", 'quote "q"', shift],
                }
                if shift % 2 == 0
                else {},
                score=D("87.40") if shift % 2 == 0 else None,
                weight_scheme=scheme_obj if shift % 2 == 0 else None,
                weight_scheme_version=scheme_obj.version if shift % 2 == 0 else None,
                computed_at=computed_at,
                stale=bool(shift % 2),
            )
        )
    return cards


def _stored(reps) -> list[dict]:
    rows = Scorecard.objects.filter(rep__in=reps).order_by("rep_id").values("id", *STORED_FIELDS)
    return [dict(row) for row in rows]


def _without(rows, *names) -> list[dict]:
    return [{k: v for k, v in row.items() if k not in names} for row in rows]


def test_unnest_upsert_stores_exactly_what_bulk_create_stores(django_assert_num_queries):
    _require_postgres()
    scheme_obj = scheme(Cycle.MONTHLY, MONTHLY)
    by_unnest, by_bulk = RepFactory.create_batch(3), RepFactory.create_batch(3)
    when = timezone.make_aware(datetime.datetime(2026, 11, 1, 2, 3, 4, 567891))

    # Inserts.
    with django_assert_num_queries(1):
        services._upsert_unnest(
            _cards(by_unnest, computed_at=when, scheme_obj=scheme_obj, variant=0)
        )
    services._upsert_bulk_create(
        _cards(by_bulk, computed_at=when, scheme_obj=scheme_obj, variant=0)
    )
    unnest_rows, bulk_rows = _stored(by_unnest), _stored(by_bulk)
    assert len(unnest_rows) == len(bulk_rows) == 3
    assert _without(unnest_rows, "id", "rep_id") == _without(bulk_rows, "id", "rep_id")
    assert unnest_rows[0]["kpi_scores"]["note"] == ["é", 'quote "q"', 0]
    assert unnest_rows[0]["computed_at"] == when

    # Conflicts: every column rewritten, the ids kept.
    later = when + datetime.timedelta(hours=1)
    services._upsert_unnest(_cards(by_unnest, computed_at=later, scheme_obj=scheme_obj, variant=1))
    services._upsert_bulk_create(
        _cards(by_bulk, computed_at=later, scheme_obj=scheme_obj, variant=1)
    )
    unnest_again, bulk_again = _stored(by_unnest), _stored(by_bulk)
    assert [row["id"] for row in unnest_again] == [row["id"] for row in unnest_rows]
    assert [row["id"] for row in bulk_again] == [row["id"] for row in bulk_rows]
    assert _without(unnest_again, "id", "rep_id") == _without(bulk_again, "id", "rep_id")
    assert _without(unnest_again, "id") != _without(unnest_rows, "id")
    assert unnest_again[0]["computed_at"] == later


def test_a_recompute_through_unnest_matches_one_through_bulk_create(monkeypatch):
    _require_postgres()
    scheme(Cycle.MONTHLY, MONTHLY)
    reps = RepFactory.create_batch(4)
    from tests.scorecards.test_services import _population

    people = _population(4) + reps
    services.scorecards_recompute(period_key="2026-10")
    unnest_rows = _stored(people)
    Scorecard.objects.all().delete()
    monkeypatch.setattr(services, "_upsert_unnest", services._upsert_bulk_create)
    services.scorecards_recompute(period_key="2026-10")
    bulk_rows = _stored(people)
    assert len(unnest_rows) == len(bulk_rows) == 8
    assert _without(unnest_rows, "id", "computed_at") == _without(bulk_rows, "id", "computed_at")


def test_a_failed_unnest_upsert_leaves_the_previous_scorecards(monkeypatch):
    _require_postgres()
    rep = RepFactory()
    services.scorecards_recompute(period_key="2026-10")
    before = _stored([rep])
    cards = _cards(
        [rep], computed_at=timezone.now(), scheme_obj=scheme(Cycle.MONTHLY, MONTHLY), variant=0
    )
    cards[0].period_kind = "x" * 9  # longer than the column allows: the statement fails
    with pytest.raises(DataError), transaction.atomic():
        services._upsert_unnest(cards)
    assert _stored([rep]) == before


def test_the_upsert_writes_every_concrete_field_and_rewrites_all_but_the_key():
    written = {f.name for f in services._written_fields()}
    assert written == {f.name for f in Scorecard._meta.concrete_fields} - {"id"}
    assert set(services._update_fields()) == written - {"rep", "period_key"}


# Not inside a test transaction: on PostgreSQL the bench loads rows with raw SQL and VACUUMs.
@pytest.mark.django_db(transaction=True)
def test_bench_with_managers_scores_them_too_and_drops_them_afterwards():
    import json
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("bench_kpis", reps=3, orders=30, managers=2, repeat=1, stdout=out)
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert (result["reps"], result["managers"], result["scorecards"], result["chunks"]) == (
        3,
        2,
        5,
        1,
    )
    assert result["job_status"] == "done"
    assert not User.objects.filter(username__startswith="bench_").exists()
    assert not Scorecard.objects.exists()
