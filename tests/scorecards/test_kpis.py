"""The KPIs of SPEC §2.2 on hand-computed data, through the recompute service."""

from decimal import Decimal

import pytest

from apps.scorecards.models import Scorecard
from apps.scorecards.services import scorecards_recompute
from tests.factories import CustomerFactory, OpportunityFactory, RepFactory
from tests.scorecards.helpers import card, local_dt, order, payment, receivable

D = Decimal
pytestmark = pytest.mark.django_db


def test_new_and_repeat_sales_split_on_the_period_boundary():
    rep = RepFactory()
    fresh = CustomerFactory(owner=rep)
    returning = CustomerFactory(owner=rep)
    order(rep, fresh, "1000.00", "2026-10-01")  # first-ever order on the first day
    order(rep, fresh, "500.00", "2026-10-31")  # same customer, still new this period
    order(rep, returning, "300.00", "2026-09-30")  # last day of the previous period
    order(rep, returning, "700.00", "2026-10-15")

    october = card(rep, "2026-10")
    assert october.sales == D("2200.00")
    assert october.new_customer_sales == D("1500.00")
    assert october.repeat_sales == D("700.00")
    sept = card(rep, "2026-09")
    assert (sept.sales, sept.new_customer_sales, sept.repeat_sales) == (
        D("300.00"),
        D("300.00"),
        D("0.00"),
    )


def test_a_customers_first_order_by_another_rep_makes_later_sales_repeat():
    rep, other = RepFactory(), RepFactory()
    customer = CustomerFactory(owner=rep)
    order(other, customer, "100.00", "2026-08-10")
    order(rep, customer, "400.00", "2026-10-10")
    october = card(rep, "2026-10")
    assert october.new_customer_sales == D("0.00")
    assert october.repeat_sales == D("400.00")


def test_growth_without_sales_last_year_is_null_and_with_sales_is_computed():
    rep = RepFactory()
    customer = CustomerFactory(owner=rep)
    order(rep, customer, "1200.00", "2026-10-05")
    assert card(rep, "2026-10").sales_growth_rate is None

    order(rep, customer, "1000.00", "2025-10-31")
    october = card(rep, "2026-10")
    assert october.sales_last_year == D("1000.00")
    assert october.sales_growth_rate == D("20.00")


def test_growth_rate_of_quarter_and_year_compare_with_the_same_period_a_year_earlier():
    rep = RepFactory()
    customer = CustomerFactory(owner=rep)
    order(rep, customer, "800.00", "2025-11-20")
    order(rep, customer, "600.00", "2026-12-31")
    quarter = card(rep, "2026-Q4")
    assert (quarter.sales, quarter.sales_last_year, quarter.sales_growth_rate) == (
        D("600.00"),
        D("800.00"),
        D("-25.00"),
    )
    year = card(rep, "2026")
    assert year.sales == D("600.00")
    assert year.sales_last_year == D("800.00")


def test_development_is_counted_once_in_its_first_period_and_weighted_by_grade():
    rep = RepFactory()
    grade_a = CustomerFactory(owner=rep, lead_grade="A")
    grade_b = CustomerFactory(owner=rep, lead_grade="B")
    no_grade = CustomerFactory(owner=rep, lead_grade="")
    order(rep, grade_a, "100.00", "2026-09-15")  # developed in September
    order(rep, grade_a, "100.00", "2026-10-15")  # not again in October
    order(rep, grade_b, "100.00", "2026-10-01")
    order(rep, no_grade, "100.00", "2026-10-31")

    october = card(rep, "2026-10")
    assert october.new_customers == 2
    assert october.new_customers_weighted == D("2.50")
    september = card(rep, "2026-09")
    assert september.new_customers == 1
    assert september.new_customers_weighted == D("2.00")


def test_development_through_negotiation_needs_confirmed_and_local_date():
    rep = RepFactory()
    confirmed = CustomerFactory(owner=rep, lead_grade="A")
    unconfirmed = CustomerFactory(owner=rep, lead_grade="A")
    late_night = CustomerFactory(owner=rep, lead_grade="C")
    OpportunityFactory(
        owner=rep,
        customer=confirmed,
        needs_confirmed=True,
        negotiation_reached_at=local_dt("2026-10-20T10:00"),
    )
    OpportunityFactory(
        owner=rep,
        customer=unconfirmed,
        needs_confirmed=False,
        negotiation_reached_at=local_dt("2026-10-20T10:00"),
    )
    # 1 November 00:30 in the site time zone is still 31 October in UTC: it counts in November.
    OpportunityFactory(
        owner=rep,
        customer=late_night,
        needs_confirmed=True,
        negotiation_reached_at=local_dt("2026-11-01T00:30"),
    )
    # The later order of the confirmed customer does not count it again.
    order(rep, confirmed, "100.00", "2026-11-03")

    october = card(rep, "2026-10")
    assert october.new_customers == 1
    assert october.new_customers_weighted == D("2.00")
    november = card(rep, "2026-11")
    assert november.new_customers == 1
    assert november.new_customers_weighted == D("1.00")


def test_development_date_is_the_earlier_of_first_order_and_negotiation():
    rep = RepFactory()
    customer = CustomerFactory(owner=rep, lead_grade="B")
    order(rep, customer, "100.00", "2026-10-10")
    OpportunityFactory(
        owner=rep,
        customer=customer,
        needs_confirmed=True,
        negotiation_reached_at=local_dt("2026-09-28T09:00"),
    )
    assert card(rep, "2026-09").new_customers_weighted == D("1.50")
    assert card(rep, "2026-10").new_customers == 0


def test_development_counts_for_the_owner_not_the_seller():
    owner, seller = RepFactory(), RepFactory()
    customer = CustomerFactory(owner=owner)
    order(seller, customer, "100.00", "2026-10-10")
    assert card(owner, "2026-10").new_customers == 1
    assert Scorecard.objects.get(rep=seller, period_key="2026-10").new_customers == 0


def test_retention_with_customers_lost_in_and_before_the_period():
    rep = RepFactory()
    kept = CustomerFactory(owner=rep)
    lost_in = CustomerFactory(owner=rep, status="lost", lost_on="2026-10-01", lost_reason="x")
    lost_before = CustomerFactory(owner=rep, status="lost", lost_on="2026-09-30", lost_reason="x")
    lost_after = CustomerFactory(owner=rep, status="lost", lost_on="2026-11-01", lost_reason="x")
    newcomer = CustomerFactory(owner=rep)
    for customer in (kept, lost_in, lost_before, lost_after):
        order(rep, customer, "100.00", "2026-09-30")
    order(rep, newcomer, "100.00", "2026-10-01")  # no order before the period: not at start

    october = card(rep, "2026-10")
    assert october.customers_at_start == 3
    assert october.customers_lost == 1
    assert october.retention_rate == D("66.67")


def test_retention_without_customers_at_start_is_null():
    rep = RepFactory()
    order(rep, CustomerFactory(owner=rep), "100.00", "2026-10-05")
    assert card(rep, "2026-10").retention_rate is None


def test_collection_with_partial_early_and_late_payments():
    rep = RepFactory()
    customer = CustomerFactory(owner=rep)
    first = order(rep, customer, "1000.00", "2026-09-01")
    second = order(rep, customer, "500.00", "2026-09-05")
    due_in = receivable(first, "1000.00", "2026-10-01")
    due_end = receivable(second, "500.00", "2026-10-31")
    receivable(second, "999.00", "2026-11-01")  # due after the period: not counted
    payment(due_in, "300.00", "2026-09-20")  # early: counts
    payment(due_in, "200.00", "2026-10-31")  # last day: counts
    payment(due_in, "100.00", "2026-11-01")  # after the period: does not count
    payment(due_end, "250.00", "2026-10-15")

    october = card(rep, "2026-10")
    assert october.receivable_due == D("1500.00")
    assert october.collected == D("750.00")
    assert october.collection_rate == D("50.00")


def test_collection_with_nothing_due_is_null():
    rep = RepFactory()
    order(rep, CustomerFactory(owner=rep), "100.00", "2026-10-05")
    assert card(rep, "2026-10").collection_rate is None


def test_shared_order_splits_sales_receivables_and_payments_60_40():
    owner, partner = RepFactory(), RepFactory()
    customer = CustomerFactory(owner=owner)
    shared = order(
        owner, customer, "1000.01", "2026-10-03", credits=[(owner, "60"), (partner, "40")]
    )
    due = receivable(shared, "1000.01", "2026-10-20")
    payment(due, "500.00", "2026-10-10")

    scorecards_recompute(period_key="2026-10")
    mine = Scorecard.objects.get(rep=owner, period_key="2026-10")
    theirs = Scorecard.objects.get(rep=partner, period_key="2026-10")
    assert (mine.sales, theirs.sales) == (D("600.01"), D("400.00"))
    assert (mine.new_customer_sales, theirs.new_customer_sales) == (D("600.01"), D("400.00"))
    assert (mine.receivable_due, theirs.receivable_due) == (D("600.01"), D("400.00"))
    assert (mine.collected, theirs.collected) == (D("300.00"), D("200.00"))
    assert mine.collection_rate == D("50.00")  # 300 / 600.006
    assert theirs.collection_rate == D("50.00")  # 200 / 400.004
    assert (mine.new_customers, theirs.new_customers) == (1, 0)


def test_an_order_without_credit_rows_counts_fully_for_its_owner():
    rep = RepFactory()
    bare = order(rep, CustomerFactory(owner=rep), "250.00", "2026-10-03", credits=[])
    due = receivable(bare, "250.00", "2026-10-20")
    payment(due, "100.00", "2026-10-21")
    october = card(rep, "2026-10")
    assert (october.sales, october.receivable_due, october.collected) == (
        D("250.00"),
        D("250.00"),
        D("100.00"),
    )


def test_cents_are_summed_exactly():
    rep = RepFactory()
    customer = CustomerFactory(owner=rep)
    for _ in range(10):
        order(rep, customer, "0.10", "2026-10-03")
    assert card(rep, "2026-10").sales == D("1.00")


def test_refreshing_a_few_reps_gives_the_same_figures_as_everyone():
    owner, partner, bystander = RepFactory(), RepFactory(), RepFactory()
    customer = CustomerFactory(owner=owner, lead_grade="B")
    shared = order(
        owner, customer, "1000.01", "2026-10-03", credits=[(owner, "60"), (partner, "40")]
    )
    bare = order(partner, CustomerFactory(owner=partner), "77.77", "2025-10-09", credits=[])
    order(bystander, customer, "5.00", "2026-10-04")
    for obj, due_on in ((shared, "2026-10-20"), (bare, "2026-10-25")):
        due = receivable(obj, obj.amount, due_on)
        payment(due, "50.00", "2026-10-21")
        payment(due, "10.00", "2026-11-21")

    fields = [f.name for f in Scorecard._meta.fields if f.name not in ("id", "computed_at")]
    scorecards_recompute(period_key="2026-10")
    everyone = {c.rep_id: c for c in Scorecard.objects.all()}
    for rep in (owner, partner, bystander):
        scorecards_recompute(period_key="2026-10", rep_ids=[rep.pk])
        alone = Scorecard.objects.get(rep=rep, period_key="2026-10")
        assert [getattr(alone, f) for f in fields] == [getattr(everyone[rep.pk], f) for f in fields]
    assert everyone[partner.pk].sales_last_year == D("77.77")
    assert everyone[partner.pk].collected == D("70.00")  # 40 % of 50 + 50 (no credit rows)
