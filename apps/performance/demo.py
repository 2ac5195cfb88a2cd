"""Demo targets, period settings, weight schemes and PDCA notes (built after the sales demo).

- the v1 "market expansion" scheme of every cycle (effective 2020-01-01);
- for every rep: targets for the last 13 months, the last 5 quarters and the current and last
  (fiscal) year, near the sales the demo orders credit them (so achievement rates land on both
  sides of 100 %), with new-customer and collection-rate targets;
- period settings (industry growth 10 %, challenge margin 5) for those quarters and years;
- PDCA notes of the last and the current quarter for most reps.

Everything is bulk-created: one aggregation query over the order credits, one insert per model.
"""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from apps.performance import periods
from apps.performance.models import PdcaNote, PeriodSetting, Target
from apps.performance.services import ensure_default_schemes
from apps.sales.models import OrderCredit

THOUSAND = Decimal("1000")
BASELINE_MONTHLY_SALES = Decimal("80000")
PLANS = [
    (
        "Reach every A lead within one working day; two solution workshops.",
        "Contacted 18 of 20 A leads on time; one workshop held.",
        "Second workshop slipped: the customer's IT lead was travelling.",
        "Book workshops two weeks ahead and confirm the day before.",
    ),
    (
        "Grow repeat sales: upgrade offers to the five largest customers.",
        "Three upgrade proposals sent, one signed.",
        "Maintenance packages sell better than licence upgrades.",
        "Lead with maintenance packages; prepare ROI sheets per customer.",
    ),
    (
        "Lift the collection rate above 95 %: call every invoice at 20 days.",
        "Called all open invoices; two customers paid early.",
        "One dispute on payment terms delayed a large receivable.",
        "Agree payment terms in negotiation and ask finance to join early.",
    ),
]


def _round_thousand(value: Decimal) -> Decimal:
    return (value / THOUSAND).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * THOUSAND


def _credited_sales_by_rep_and_month() -> dict[int, dict[str, Decimal]]:
    """``{rep_id: {"YYYY-MM": credited sales}}`` from the order credits (one query)."""
    sales: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    rows = OrderCredit.objects.values_list("rep_id", "order__signed_on", "order__amount", "percent")
    for rep_id, signed_on, amount, percent in rows:
        month = periods.period_containing(periods.MONTH, signed_on).key
        sales[rep_id][month] += amount * percent / 100
    return sales


def build(rng, context: dict) -> list[str]:
    ensure_default_schemes()
    reps = context.get("reps") or []
    if not reps:
        return []
    today = timezone.localdate()
    managers_by_team = {}
    for team in context.get("teams", []):
        manager = team.managers.order_by("pk").first()
        if manager is not None:
            managers_by_team[team.pk] = manager

    months = periods.recent_periods(periods.MONTH, today, 13)
    quarters = periods.recent_periods(periods.QUARTER, today, 5)
    years = periods.recent_periods(periods.YEAR, today, 2)
    credited = _credited_sales_by_rep_and_month()

    targets = []
    for rep in reps:
        by_month = credited.get(rep.pk, {})
        average = (
            sum(by_month.values(), Decimal("0")) / 24 if by_month else BASELINE_MONTHLY_SALES
        ) or BASELINE_MONTHLY_SALES
        for period in [*months, *quarters, *years]:
            month_keys = [m.key for m in period.months()]
            actual = sum((by_month.get(key, Decimal("0")) for key in month_keys), Decimal("0"))
            expected = average * len(month_keys)
            # Halfway between what the rep sold and their usual pace, then a stretch factor:
            # achievement ends up on both sides of 100 %.
            factor = Decimal(str(rng.uniform(0.85, 1.25)))
            sales = max(_round_thousand((actual + expected) / 2 * factor), THOUSAND * 10)
            new_share = Decimal(rng.choice(["0.30", "0.35", "0.40"]))
            new_sales = _round_thousand(sales * new_share)
            new_customers = {
                periods.MONTH: rng.choice([2, 3, 3, 4]),
                periods.QUARTER: rng.choice([6, 8, 9, 10]),
                periods.YEAR: rng.choice([30, 32, 36]),
            }[period.kind]
            targets.append(
                Target(
                    rep=rep,
                    period_key=period.key,
                    period_kind=period.kind,
                    period_start=period.start,
                    sales_target=sales,
                    new_customer_sales_target=new_sales,
                    repeat_sales_target=sales - new_sales,
                    new_customers_target=Decimal(new_customers),
                    collection_rate_target=Decimal("95"),
                    set_by=managers_by_team.get(rep.team_id),
                )
            )
    Target.objects.bulk_create(targets, ignore_conflicts=True)

    settings_rows = [
        PeriodSetting(
            period_key=period.key,
            period_kind=period.kind,
            period_start=period.start,
            industry_growth_rate=Decimal("10"),
            challenge_margin=Decimal("5"),
        )
        for period in [*quarters, *years]
    ]
    PeriodSetting.objects.bulk_create(settings_rows, ignore_conflicts=True)

    notes = []
    for rep in reps:
        for quarter in quarters[-2:]:
            if rng.random() < 0.2:
                continue
            plan, do, check, act = rng.choice(PLANS)
            current = quarter.contains(today)
            notes.append(
                PdcaNote(
                    rep=rep,
                    period_key=quarter.key,
                    period_start=quarter.start,
                    plan=plan,
                    do="" if current and rng.random() < 0.5 else do,
                    check_notes="" if current else check,
                    act="" if current else act,
                )
            )
    PdcaNote.objects.bulk_create(notes, ignore_conflicts=True)
    context["targets_periods"] = [p.key for p in [*months, *quarters, *years]]
    return []
