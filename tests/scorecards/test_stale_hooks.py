"""A new order, receivable, payment, lost customer or confirmed negotiation marks exactly the
affected rep-periods stale, and a refresh recomputes them (issue: stale marking)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.customers.services import customer_mark_lost
from apps.opportunities.choices import Stage
from apps.opportunities.services import opportunity_move
from apps.performance.choices import Cycle, SchemePreset
from apps.performance.models import WeightScheme
from apps.performance.services import (
    ensure_default_schemes,
    period_setting_set,
    target_set,
    team_targets_save,
    weight_scheme_create,
    weight_scheme_create_from_preset,
)
from apps.sales.services import order_create, payment_record, receivable_create
from apps.scorecards.models import Scorecard, StaleRepPeriod
from apps.scorecards.services import scorecards_recompute, scorecards_refresh_stale
from tests.factories import (
    CustomerFactory,
    OpportunityFactory,
    OrderFactory,
    ReceivableFactory,
    RepFactory,
    ScorecardFactory,
)

pytestmark = pytest.mark.django_db


def stale(rep):
    return set(StaleRepPeriod.objects.filter(rep=rep).values_list("period_key", flat=True))


def last_month():
    first = timezone.localdate().replace(day=1)
    return (first - datetime.timedelta(days=1)).replace(day=5)


def test_a_new_order_marks_its_month_quarter_and_year_for_the_owner_only(cast):
    day = last_month()
    customer = CustomerFactory(owner=cast.rep_a)
    order_create(
        actor=cast.rep_a, customer=customer, owner=cast.rep_a, amount="1000", signed_on=day
    )
    keys = stale(cast.rep_a)
    assert {f"{day:%Y-%m}", f"{day.year}-Q{(day.month - 1) // 3 + 1}", f"{day.year}"} <= keys
    assert stale(cast.rep_b) == set()


def test_a_shared_order_marks_every_credited_rep(cast):
    day = last_month()
    customer = CustomerFactory(owner=cast.rep_a)
    order_create(
        actor=cast.manager_a,
        customer=customer,
        owner=cast.rep_a,
        amount="1000",
        signed_on=day,
        credits=[{"rep": cast.rep_a, "percent": "60"}, {"rep": cast.rep_a2, "percent": "40"}],
    )
    assert f"{day:%Y-%m}" in stale(cast.rep_a2)


def test_a_payment_marks_the_period_of_the_receivables_due_date(cast):
    order = OrderFactory(owner=cast.rep_a, signed_on=datetime.date(2026, 1, 10))
    receivable = ReceivableFactory(
        order=order,
        amount=Decimal("500"),
        issued_on=datetime.date(2026, 1, 10),
        due_on=datetime.date(2026, 2, 9),
    )
    StaleRepPeriod.objects.all().delete()
    payment_record(
        actor=cast.rep_a, receivable=receivable, amount="100", paid_on=datetime.date(2026, 3, 1)
    )
    assert "2026-02" in stale(cast.rep_a)


def test_a_new_receivable_marks_the_month_it_falls_due(cast):
    order = OrderFactory(owner=cast.rep_a, signed_on=datetime.date(2026, 1, 10))
    StaleRepPeriod.objects.all().delete()
    receivable_create(
        actor=cast.rep_a, order=order, amount="100", issued_on=datetime.date(2026, 1, 10)
    )
    assert "2026-02" in stale(cast.rep_a)


def test_a_lost_customer_marks_the_owners_period_of_the_loss(cast):
    customer = CustomerFactory(owner=cast.rep_a)
    customer_mark_lost(
        actor=cast.rep_a, customer=customer, lost_on=datetime.date(2026, 4, 2), reason="closed"
    )
    assert {"2026-04", "2026-Q2", "2026"} <= stale(cast.rep_a)


def test_reaching_negotiation_with_needs_confirmed_marks_the_customer_owner(cast):
    customer = CustomerFactory(owner=cast.rep_a)
    opportunity = OpportunityFactory(
        customer=customer, owner=cast.rep_a, stage=Stage.SOLUTION_DESIGN, needs_confirmed=True
    )
    opportunity_move(actor=cast.rep_a, opportunity=opportunity, to_stage=Stage.NEGOTIATION)
    assert f"{timezone.localdate():%Y-%m}" in stale(cast.rep_a)


def test_refresh_recomputes_only_the_stale_rep_periods_and_clears_the_marks(cast):
    day = last_month()
    customer = CustomerFactory(owner=cast.rep_a)
    order_create(
        actor=cast.rep_a, customer=customer, owner=cast.rep_a, amount="1000", signed_on=day
    )
    scorecards_refresh_stale()
    card = Scorecard.objects.get(rep=cast.rep_a, period_key=f"{day:%Y-%m}")
    assert card.sales == Decimal("1000.00")
    assert card.stale is False
    assert not Scorecard.objects.filter(rep=cast.rep_b).exists()
    assert stale(cast.rep_a) == set()


# --- targets, period settings and weight schemes are KPI facts too (issue #9) ---------------


def marks() -> set:
    return set(StaleRepPeriod.objects.values_list("rep_id", "period_key"))


def month_card(rep, key, **kwargs):
    start = datetime.date.fromisoformat(f"{key}-01")
    end = (start + datetime.timedelta(days=32)).replace(day=1)
    return ScorecardFactory(
        rep=rep, period_key=key, period_kind="month", period_start=start, period_end=end, **kwargs
    )


def test_a_target_change_marks_that_rep_period_and_the_refresh_uses_it(cast, api_as):
    key = f"{timezone.localdate():%Y-%m}"
    target = target_set(actor=cast.manager_a, rep=cast.rep_a, period_key=key, sales_target="1000")
    scorecards_recompute(period_key=key)
    StaleRepPeriod.objects.all().delete()
    card = Scorecard.objects.get(rep=cast.rep_a, period_key=key)
    assert card.sales_target == Decimal("1000.00")

    manager = api_as(cast.manager_a)
    response = manager.patch(
        f"/api/v1/targets/{target.pk}/", {"sales_target": "4000.00"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert marks() == {(cast.rep_a.pk, key)}
    assert manager.get(f"/api/v1/scorecards/{card.pk}/").json()["stale"] is True
    assert Scorecard.objects.get(rep=cast.rep_a2, period_key=key).stale is False

    scorecards_refresh_stale()
    row = manager.get(f"/api/v1/scorecards/{card.pk}/").json()
    assert (row["stale"], row["sales_target"]) == (False, "4000.00")
    assert marks() == set()


def test_an_unchanged_target_marks_nothing(cast):
    key = "2026-03"
    target_set(actor=cast.manager_a, rep=cast.rep_a, period_key=key, sales_target="1000")
    StaleRepPeriod.objects.all().delete()
    target_set(actor=cast.manager_a, rep=cast.rep_a, period_key=key, sales_target="1000.00")
    assert marks() == set()


def test_team_targets_mark_the_changed_reps_of_that_period(cast):
    team_targets_save(
        actor=cast.manager_a,
        team=cast.team_a,
        period_key="2026-Q1",
        rows=[{"rep": cast.rep_a, "sales_target": "500"}, {"rep": cast.rep_a2}],
    )
    assert marks() == {(cast.rep_a.pk, "2026-Q1")}


def _period_setting_marks(cast, extra_reps: int, rate: str = "4") -> tuple[set, int, list]:
    reps = [cast.rep_a, cast.rep_b, *(RepFactory() for _ in range(extra_reps))]
    for rep in reps:
        month_card(rep, "2024-03")
    month_card(cast.rep_a, "2024-04")  # another period: not marked
    ScorecardFactory(
        rep=cast.rep_a2,
        period_key="2024-Q1",
        period_kind="quarter",
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 4, 1),
    )
    StaleRepPeriod.objects.all().delete()
    with CaptureQueriesContext(connection) as queries:
        period_setting_set(actor=cast.hr, period_key="2024-03", industry_growth_rate=rate)
    return marks(), len(queries), reps


def test_a_period_setting_marks_every_scored_rep_of_that_period_only(cast):
    found, count, reps = _period_setting_marks(cast, extra_reps=0)
    assert found == {(rep.pk, "2024-03") for rep in reps}
    assert set(Scorecard.objects.filter(stale=True).values_list("rep_id", "period_key")) == found
    scorecards_refresh_stale()
    assert marks() == set()
    assert not Scorecard.objects.filter(stale=True).exists()


def test_a_period_setting_marks_with_queries_that_do_not_grow_with_reps(cast):
    _found, few, _reps = _period_setting_marks(cast, extra_reps=1)
    Scorecard.objects.all().delete()
    StaleRepPeriod.objects.all().delete()
    found, many, reps = _period_setting_marks(cast, extra_reps=6, rate="6")
    assert found == {(rep.pk, "2024-03") for rep in reps}
    assert many == few


def test_an_unchanged_period_setting_marks_nothing(cast):
    period_setting_set(actor=cast.hr, period_key="2024-03", industry_growth_rate="4")
    month_card(cast.rep_a, "2024-03")
    period_setting_set(actor=cast.hr, period_key="2024-03", industry_growth_rate="4.00")
    assert marks() == set()


def _scheme_marks(cast, effective_from: str, extra_reps: int) -> tuple[set, int, list]:
    ensure_default_schemes()
    reps = [cast.rep_a, cast.rep_b, *(RepFactory() for _ in range(extra_reps))]
    for rep in reps:
        for key in ("2024-02", "2024-03", "2024-04"):
            month_card(rep, key)
    # Another cycle's period starting later: its scheme did not change.
    ScorecardFactory(
        rep=cast.rep_a,
        period_key="2024-Q2",
        period_kind="quarter",
        period_start=datetime.date(2024, 4, 1),
        period_end=datetime.date(2024, 7, 1),
    )
    StaleRepPeriod.objects.all().delete()
    with CaptureQueriesContext(connection) as queries:
        weight_scheme_create_from_preset(
            actor=cast.hr,
            cycle=Cycle.MONTHLY,
            preset=SchemePreset.MARKET_EXPANSION,
            effective_from=datetime.date.fromisoformat(effective_from),
        )
    return marks(), len(queries), reps


def test_a_scheme_version_marks_the_periods_of_its_cycle_starting_from_its_date(cast):
    found, _count, reps = _scheme_marks(cast, "2024-03-01", extra_reps=0)
    assert found == {(rep.pk, key) for rep in reps for key in ("2024-03", "2024-04")}
    scorecards_refresh_stale()
    versions = dict(
        Scorecard.objects.filter(rep=cast.rep_a, period_kind="month").values_list(
            "period_key", "weight_scheme_version"
        )
    )
    assert versions["2024-03"] == versions["2024-04"] == 2
    assert marks() == set()


def test_a_scheme_version_effective_after_a_periods_start_leaves_that_period(cast):
    found, _count, reps = _scheme_marks(cast, "2024-03-15", extra_reps=0)
    assert found == {(rep.pk, "2024-04") for rep in reps}


def test_a_scheme_version_marks_with_queries_that_do_not_grow_with_reps(cast):
    _found, few, _reps = _scheme_marks(cast, "2024-03-01", extra_reps=1)
    WeightScheme.objects.all().delete()
    Scorecard.objects.all().delete()
    StaleRepPeriod.objects.all().delete()
    found, many, reps = _scheme_marks(cast, "2024-03-01", extra_reps=6)
    assert len(found) == 2 * len(reps)
    assert many == few


def test_a_refused_scheme_marks_nothing(cast):
    ensure_default_schemes()
    month_card(cast.rep_a, "2024-03")
    with pytest.raises(ValidationError):
        weight_scheme_create(
            actor=cast.hr,
            cycle=Cycle.MONTHLY,
            effective_from=datetime.date(2024, 3, 1),
            items=[{"kpi": "sales_achievement_rate", "weight": "50", "target": "100"}],
        )
    assert marks() == set()


def test_the_scorecard_pages_show_a_stale_row_as_being_refreshed(cast, client_as):
    stale_card = month_card(cast.rep_a, "2024-03", stale=True)
    fresh_card = month_card(cast.rep_a2, "2024-03")
    client = client_as(cast.manager_a)
    listing = client.get(reverse("scorecards:scorecard-list"), {"period": "2024-03"})
    html = listing.content.decode()
    assert html.count("stale — being refreshed") == 1
    row = html[html.index(f"/{stale_card.pk}/") :]
    assert row[: row.index("</tr>")].count("stale — being refreshed") == 1
    detail = client.get(reverse("scorecards:scorecard-detail", args=[stale_card.pk]))
    assert "stale — being refreshed" in detail.content.decode()
    fresh = client.get(reverse("scorecards:scorecard-detail", args=[fresh_card.pk]))
    assert "stale — being refreshed" not in fresh.content.decode()
