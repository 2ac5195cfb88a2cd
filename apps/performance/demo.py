"""Demo targets, period settings, weight schemes and PDCA notes (built after the sales demo).

- the v1 "market expansion" scheme of every cycle (effective 2020-01-01);
- for every rep: targets for every month and quarter of the two years of history and for the
  (fiscal) years they touch, set from the rep's pace in the six months before — not from what
  they sold in the period — so the achievement follows their trend (an improving rep beats
  the targets, a declining one misses them, the struggling one stays low), with new-customer
  and collection-rate targets;
- period settings (industry growth 10 %, challenge margin 5) for those quarters and years;
- PDCA notes of every quarter for most reps.

Everything is bulk-created: one aggregation query over the order credits, one insert per model.
"""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from apps.accounts.demo import rep_trend
from apps.core.demo import words
from apps.performance import periods
from apps.performance.models import PdcaNote, PeriodSetting, Target
from apps.performance.services import ensure_default_schemes
from apps.sales.models import OrderCredit

THOUSAND = Decimal("1000")
BASELINE_MONTHLY_SALES = Decimal("80000")
#: Periods with targets, settings and scorecards: 25 months, 9 quarters, 3 (fiscal) years.
MONTHS, QUARTERS, YEARS = 25, 9, 3
TEXT = {
    "zh-hans": [
        (
            "A类线索一个工作日内全部联系；举办两场方案研讨会。",
            "20条A类线索中18条按时联系；举办了一场研讨会。",
            "第二场研讨会因客户IT负责人出差推迟。",
            "提前两周预约研讨会，并在前一天再次确认。",
        ),
        (
            "提升复购：向前五大客户推荐升级方案。",
            "发出三份升级方案，签约一份。",
            "维保套餐比授权升级更好卖。",
            "优先推维保套餐；为每个客户准备投资回报测算表。",
        ),
        (
            "回款率提升到95%以上：每张发票第20天电话跟进。",
            "所有未结发票均已电话跟进，两家客户提前付款。",
            "一笔大额应收因账期争议延迟。",
            "在谈判阶段约定账期，并请财务提前参与。",
        ),
        (
            "每周至少拜访三家老客户，挖掘增购需求。",
            "拜访了11家客户，发现4个增购机会。",
            "拜访前准备不足，有两次没见到决策人。",
            "拜访前先电话确认参会人，并带上行业案例。",
        ),
    ],
    "en": [
        (
            "Reach every A lead within one working day; hold two solution workshops.",
            "Contacted 18 of 20 A leads on time; held one workshop.",
            "The second workshop slipped: the customer's IT lead was travelling.",
            "Book workshops two weeks ahead and confirm the day before.",
        ),
        (
            "Grow repeat sales: offer upgrades to the five largest customers.",
            "Sent three upgrade proposals; one signed.",
            "Maintenance packages sell better than licence upgrades.",
            "Lead with maintenance packages; prepare a return-on-investment sheet per customer.",
        ),
        (
            "Lift the collection rate above 95%: call about every invoice on day 20.",
            "Called about all open invoices; two customers paid early.",
            "A dispute over payment terms delayed a large receivable.",
            "Agree payment terms during negotiation and bring finance in early.",
        ),
        (
            "Visit at least three existing customers a week to find upsell needs.",
            "Visited 11 customers and found 4 upsell opportunities.",
            "Poorly prepared twice: the decision maker was not there.",
            "Call ahead to confirm who attends, and bring an industry case study.",
        ),
    ],
}


def demo_periods(today) -> list[periods.Period]:
    """The months, quarters and years of the demo history (oldest first per kind)."""
    return [
        *periods.recent_periods(periods.MONTH, today, MONTHS),
        *periods.recent_periods(periods.QUARTER, today, QUARTERS),
        *periods.recent_periods(periods.YEAR, today, YEARS),
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
    text = words(context, TEXT)
    today = timezone.localdate()
    managers_by_team = {}
    for team in context.get("teams", []):
        manager = team.managers.order_by("pk").first()
        if manager is not None:
            managers_by_team[team.pk] = manager

    all_periods = demo_periods(today)
    months = [p for p in all_periods if p.kind == periods.MONTH]
    quarters = [p for p in all_periods if p.kind == periods.QUARTER]
    credited = _credited_sales_by_rep_and_month()
    keys = [m.key for m in months]
    everyone = {
        key: sum((credited.get(rep.pk, {}).get(key, Decimal(0)) for rep in reps), Decimal(0))
        / len(reps)
        for key in keys
    }

    def trailing(sales: dict, month_key: str) -> Decimal:
        """Average monthly sales of the six months before ``month_key`` (of the first six
        months of the history at its start)."""
        index = keys.index(month_key) if month_key in keys else 0
        window = keys[max(0, index - 6) : index] or keys[:6]
        return sum((sales.get(k, Decimal(0)) for k in window), Decimal(0)) / len(window)

    targets = []
    for rep in reps:
        own = credited.get(rep.pk, {})
        struggling = rep_trend(context, rep.pk) == "struggling"
        for period in all_periods:
            # Set like a manager would: the pace of the six months before the period, plus
            # 10 %; the struggling rep is held to most of what everyone else sells.
            first = period.months()[0].key
            pace = trailing(own, first)
            if struggling:
                pace = max(pace, trailing(everyone, first) * Decimal("0.8"))
            pace = pace or BASELINE_MONTHLY_SALES
            factor = Decimal(f"{rng.uniform(1.0, 1.2):.3f}")
            sales = max(_round_thousand(pace * len(period.months()) * factor), THOUSAND * 10)
            new_share = Decimal(rng.choice(["0.30", "0.35", "0.40"]))
            new_sales = _round_thousand(sales * new_share)
            new_customers = {
                periods.MONTH: rng.choice([1, 1, 2]),
                periods.QUARTER: rng.choice([2, 3, 3, 4]),
                periods.YEAR: rng.choice([8, 10, 12]),
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
    Target.objects.bulk_create(targets, ignore_conflicts=True, batch_size=500)

    settings_rows = [
        PeriodSetting(
            period_key=period.key,
            period_kind=period.kind,
            period_start=period.start,
            industry_growth_rate=Decimal("10"),
            challenge_margin=Decimal("5"),
        )
        for period in all_periods
        if period.kind != periods.MONTH
    ]
    PeriodSetting.objects.bulk_create(settings_rows, ignore_conflicts=True)

    notes = []
    for rep in reps:
        for quarter in quarters:
            if rng.random() < 0.2:
                continue
            plan, do, check, act = rng.choice(text)
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
    PdcaNote.objects.bulk_create(notes, ignore_conflicts=True, batch_size=500)
    context["targets_periods"] = [p.key for p in all_periods]
    return []
