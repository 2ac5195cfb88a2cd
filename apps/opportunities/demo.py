"""Demo pipeline, built after customers and leads: 1–3 opportunities per customer over the last
two years (older ones mostly won, delivered or lost; recent ones open at every stage, some past
their expected close), with stage histories, SPIN notes, proposals (ROI), risks and a few
shared credits. A converted lead's opportunity (made by the conversion service) is carried on.

Rows are written in bulk for speed; the data obeys the same rules the services enforce (one step
at a time, probability from the stage, lost with a reason, credit shares totalling 100).
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from apps.accounts.demo import rep_trend, trend_factor
from apps.core.demo import HISTORY_DAYS, historic_timestamps, words
from apps.customers.demo import short_name
from apps.opportunities.choices import (
    STAGE_ORDER,
    STAGE_PROBABILITY,
    OpportunityKind,
    ReviewStatus,
    RiskKind,
    RiskStatus,
    Stage,
)
from apps.opportunities.models import (
    Opportunity,
    OpportunityCredit,
    Proposal,
    Risk,
    SpinNote,
    StageChange,
)

#: Final stage of a recent demo opportunity (last 8 months) and of an older one, with weights.
RECENT_STAGES = [
    (Stage.NEEDS_DISCOVERY, 22),
    (Stage.SOLUTION_DESIGN, 20),
    (Stage.NEGOTIATION, 18),
    (Stage.WON, 14),
    (Stage.DELIVERED, 12),
    (Stage.LOST, 14),
]
OLD_STAGES = [
    (Stage.NEEDS_DISCOVERY, 3),
    (Stage.SOLUTION_DESIGN, 3),
    (Stage.NEGOTIATION, 3),
    (Stage.WON, 10),
    (Stage.DELIVERED, 45),
    (Stage.LOST, 24),
]
REPEAT_KINDS = [OpportunityKind.UPGRADE, OpportunityKind.MAINTENANCE, OpportunityKind.CROSS_SELL]
TEXT = {
    "zh-hans": {
        "name": "{short} – {product}",
        "proposal": "{product}方案",
        "products": [
            "库存管理平台",
            "供应链可视化套件",
            "数字化仓库",
            "销售分析系统",
            "现场服务移动应用",
            "采购协同平台",
        ],
        "lost_reasons": [
            "竞争对手报价更低。",
            "今年预算冻结。",
            "客户决定自主开发。",
            "关键决策人离职。",
        ],
        "spin": [
            (
                "三家工厂，每月手工盘点库存。",
                "缺货与积压同时存在。",
                "加急运费和资金占用约占营收的8%。",
                "降低库存成本，加快供应链响应。",
                "跨工厂实时查看库存。",
                "采购部希望减少人工审批。",
                "降低库存成本 → 供应链响应慢 → 数字化管理工具。",
            ),
            (
                "区域经销商，拥有40辆配送车。",
                "送货经常延误，货物在途情况不透明。",
                "重点客户威胁转向竞争对手。",
                "准时交付率提升到95%以上。",
                "为客户提供实时物流跟踪。",
                "司机希望简化单据。",
                "准时交付 → 在途不透明 → 跟踪与路线优化套件。",
            ),
            (
                "连锁门店120家，线上线下库存分开管理。",
                "线上订单常因门店无货被取消。",
                "每月损失约30万元销售额，客户投诉增多。",
                "全渠道库存统一可售。",
                "门店与电商库存实时同步。",
                "店长希望自动补货建议。",
                "全渠道销售 → 库存割裂 → 统一库存平台。",
            ),
        ],
        "service_models": ["现场实施 + 12个月运维支持", "SaaS订阅，远程上线辅导"],
        "differentiators": ["本地服务团队4小时内响应", "已有与客户现用ERP的标准接口"],
        "features": "管理看板、预警提醒、移动端、ERP集成。",
        "service_terms": "12个月运维支持，4小时响应。",
        "review_comment": "投资回报扎实，同意推进。",
        "risks": [
            (
                RiskKind.PAYMENT_TERMS,
                "客户要求90天账期。",
                "提供60天账期并预付30%。",
                False,
                True,
            ),
            (
                RiskKind.REQUIREMENT_CHANGE,
                "每次研讨会后需求范围都在扩大。",
                "在合同中锁定范围，变更按付费需求处理。",
                True,
                False,
            ),
            (
                RiskKind.OTHER,
                "我方支持者下季度可能调岗。",
                "同时与运营总监建立关系。",
                False,
                False,
            ),
        ],
    },
    "en": {
        "name": "{short} – {product}",
        "proposal": "{product} proposal",
        "products": [
            "Inventory platform",
            "Supply-chain visibility suite",
            "Digital warehouse",
            "Sales analytics",
            "Field service app",
            "Procurement portal",
        ],
        "lost_reasons": [
            "Competitor offered a lower price.",
            "Budget frozen for this year.",
            "Customer chose to build it in-house.",
            "The decision maker left the company.",
        ],
        "spin": [
            (
                "Three plants, stock counted by hand every month.",
                "Stock-outs and excess inventory at the same time.",
                "Rush freight and idle capital cost about 8% of revenue.",
                "Lower inventory cost and a faster supply-chain response.",
                "Real-time stock levels across plants.",
                "Purchasing wants fewer manual approvals.",
                "Lower inventory cost → slow supply-chain response → digital management tool.",
            ),
            (
                "Regional distributor with 40 delivery vans.",
                "Late deliveries; no view of where goods are.",
                "Key accounts threaten to move to competitors.",
                "On-time delivery above 95%.",
                "Live tracking for customers.",
                "Drivers want simpler paperwork.",
                "On-time delivery → no visibility → tracking and routing suite.",
            ),
            (
                "A chain of 120 stores; store and online stock managed apart.",
                "Online orders are often cancelled because the store is out of stock.",
                "About ¥300,000 of sales lost a month, and more complaints.",
                "Every item sellable in every channel.",
                "Store and online stock in sync in real time.",
                "Store managers want restocking suggestions.",
                "Omnichannel sales → split inventory → unified inventory platform.",
            ),
        ],
        "service_models": [
            "On-site implementation + 12 months support",
            "SaaS subscription with remote onboarding",
        ],
        "differentiators": [
            "Local support team on site within 4 hours",
            "Ready-made connectors to the ERP the customer uses",
        ],
        "features": "Dashboards, alerts, mobile app, ERP integration.",
        "service_terms": "12 months support, 4-hour response.",
        "review_comment": "Solid return on investment; go ahead.",
        "risks": [
            (
                RiskKind.PAYMENT_TERMS,
                "Customer asks for 90-day payment terms.",
                "Offer 60 days with a 30% deposit.",
                False,
                True,
            ),
            (
                RiskKind.REQUIREMENT_CHANGE,
                "Scope keeps growing after every workshop.",
                "Freeze scope in the contract; changes as paid requests.",
                True,
                False,
            ),
            (
                RiskKind.OTHER,
                "Our champion may change roles next quarter.",
                "Build relations with the operations director as well.",
                False,
                False,
            ),
        ],
    },
}


def _weighted_choice(rng, pairs):
    total = sum(weight for _, weight in pairs)
    pick = rng.uniform(0, total)
    for value, weight in pairs:
        pick -= weight
        if pick <= 0:
            return value
    return pairs[-1][0]


def _path_to(rng, final: str) -> list[str]:
    """Stages an opportunity passed through to reach ``final`` (lost: from an open stage)."""
    if final == Stage.LOST:
        return STAGE_ORDER[: rng.randint(1, 3)]
    return STAGE_ORDER[: STAGE_ORDER.index(final) + 1]


def _final_stage(rng, trend: str, progress: float, old: bool) -> str:
    """Older opportunities are mostly settled; reps doing better lose fewer."""
    factor = trend_factor(trend, progress)
    weights = [
        (stage, weight / factor if stage == Stage.LOST else weight)
        for stage, weight in (OLD_STAGES if old else RECENT_STAGES)
    ]
    return _weighted_choice(rng, weights)


def build(rng, context: dict) -> list[str]:
    customers = context.get("customers") or []
    if not customers:
        context["opportunities"] = []
        return []
    text = words(context, TEXT)
    now = timezone.now()
    today = timezone.localdate()
    since = context.get("customer_since", {})
    managers_by_team = {m.team_id: m for m in context.get("managers", []) if m.team_id}
    reps_by_team: dict = {}
    for rep in context.get("reps", []):
        reps_by_team.setdefault(rep.team_id, []).append(rep)
    converted = {
        o.customer_id: o
        for o in Opportunity.objects.filter(
            customer__in=[c.pk for c in customers], lead__isnull=False
        ).order_by("pk")
    }
    history_start = today - datetime.timedelta(days=HISTORY_DAYS)

    plans = []  # (opportunity, [(from, to, at, note)], created, carried on)
    for customer in customers:
        owner = customer.owner
        first_day = max(history_start, since.get(customer.pk, history_start))
        window = max(0, (today - first_day).days - 5)
        for index in range(rng.randint(1, 3)):
            carried = converted.get(customer.pk) if index == 0 else None
            if carried is not None:
                created = carried.created_at
            else:
                created = now - datetime.timedelta(
                    days=rng.randint(5, max(6, window)), hours=rng.randint(0, 9)
                )
            age = (now - created).days
            progress = 1 - min(age, HISTORY_DAYS) / HISTORY_DAYS
            trend = rep_trend(context, owner.pk)
            final = _final_stage(rng, trend, progress, old=age > 240)
            path = _path_to(rng, final)
            steps, at = [("", Stage.NEEDS_DISCOVERY, created, "")], created
            for previous, stage in zip(path, path[1:], strict=False):
                at = at + datetime.timedelta(days=rng.randint(4, 35))
                steps.append((previous, stage, at, ""))
            lost_reason = rng.choice(text["lost_reasons"])
            if final == Stage.LOST:
                at = at + datetime.timedelta(days=rng.randint(4, 30))
                steps.append((path[-1], Stage.LOST, at, lost_reason))
            # Steps that would lie in the future have not happened yet: the opportunity is
            # still where the last step that did happen left it.
            steps = [step for step in steps if step[2] <= now]
            final, at = steps[-1][1], steps[-1][2]
            if final != Stage.LOST:
                lost_reason = ""
            scale = Decimal(f"{max(0.3, trend_factor(trend, progress)):.2f}")
            amount = (Decimal(rng.randrange(50, 900) * 1000) * scale).quantize(Decimal("1000"))
            reached = next((s[2] for s in steps if s[1] == Stage.NEGOTIATION), None)
            closed = next((s[2] for s in steps if s[1] in (Stage.WON, Stage.LOST)), None)
            expected_close = (created + datetime.timedelta(days=rng.randint(60, 200))).date()
            if final in (Stage.NEEDS_DISCOVERY, Stage.SOLUTION_DESIGN, Stage.NEGOTIATION):
                if rng.random() < 0.2:  # slipping: past the expected close, still open
                    expected_close = today - datetime.timedelta(days=rng.randint(3, 60))
                else:
                    expected_close = max(
                        expected_close, today + datetime.timedelta(days=rng.randint(7, 120))
                    )
            product = rng.choice(text["products"])
            opportunity = carried or Opportunity(customer=customer, owner=owner)
            if carried is None:
                opportunity.name = text["name"].format(
                    short=short_name(context, customer.name), product=product
                )
                opportunity.lead_id = customer.lead_id if index == 0 else None
                opportunity.kind = (
                    OpportunityKind.NEW_BUSINESS if index == 0 else rng.choice(REPEAT_KINDS)
                )
                opportunity.created_at = created
            opportunity.stage = final
            opportunity.probability = STAGE_PROBABILITY[final]
            opportunity.expected_amount = amount
            opportunity.expected_close_on = expected_close
            opportunity.needs_confirmed = final != Stage.NEEDS_DISCOVERY and rng.random() < 0.8
            opportunity.negotiation_reached_at = reached
            opportunity.negotiated_price = (
                (amount * Decimal(rng.choice(["0.90", "0.95", "1.00"]))).quantize(Decimal("0.01"))
                if reached
                else None
            )
            opportunity.delivery_cycle_days = rng.choice([30, 45, 60, 90]) if reached else None
            opportunity.service_terms = text["service_terms"] if reached else ""
            opportunity.lost_reason = lost_reason
            opportunity.closed_at = closed
            opportunity.updated_at = at
            plans.append((opportunity, steps, created, carried is not None, product))

    with historic_timestamps(Opportunity):
        Opportunity.objects.bulk_create([plan[0] for plan in plans if not plan[3]], batch_size=500)
    Opportunity.objects.bulk_update(
        [plan[0] for plan in plans if plan[3]],
        [
            "stage",
            "probability",
            "expected_amount",
            "expected_close_on",
            "needs_confirmed",
            "negotiation_reached_at",
            "negotiated_price",
            "delivery_cycle_days",
            "service_terms",
            "lost_reason",
            "closed_at",
            "updated_at",
        ],
    )
    opportunities = [plan[0] for plan in plans]

    changes, notes, proposals, risks, credits = [], [], [], [], []
    for opportunity, steps, _created, carried, product in plans:
        for from_stage, to_stage, at, note in steps[1:] if carried else steps:
            changes.append(
                StageChange(
                    opportunity=opportunity,
                    from_stage=from_stage,
                    to_stage=to_stage,
                    changed_by=opportunity.owner,
                    changed_at=at,
                    note=note,
                )
            )
        passed = {to_stage: at for _f, to_stage, at, _n in steps}
        first_at = steps[0][2]
        if rng.random() < 0.7:
            spin = rng.choice(text["spin"])
            notes.append(
                SpinNote(
                    opportunity=opportunity,
                    situation=spin[0],
                    problem=spin[1],
                    implication=spin[2],
                    need_payoff=spin[3],
                    explicit_needs=spin[4],
                    implicit_needs=spin[5],
                    need_pain_solution=spin[6],
                    author=opportunity.owner,
                    created_at=first_at,
                    updated_at=first_at,
                )
            )
        if Stage.SOLUTION_DESIGN in passed:
            cost = (
                opportunity.expected_amount * Decimal(rng.choice(["0.6", "0.8", "1.0"]))
            ).quantize(Decimal("0.01"))
            gain = (cost * Decimal(rng.choice(["0.9", "1.3", "1.6", "2.2"]))).quantize(
                Decimal("0.01")
            )
            reviewer = managers_by_team.get(opportunity.owner.team_id)
            reviewed = Stage.NEGOTIATION in passed and reviewer is not None
            if reviewed:
                status = ReviewStatus.APPROVED
            else:
                status = rng.choice([ReviewStatus.NOT_SUBMITTED, ReviewStatus.PENDING])
            proposals.append(
                Proposal(
                    opportunity=opportunity,
                    title=text["proposal"].format(product=product),
                    features=text["features"],
                    service_model=rng.choice(text["service_models"]),
                    cost_budget=cost,
                    expected_gain=gain,
                    differentiators=rng.choice(text["differentiators"]),
                    review_status=status,
                    reviewed_by=reviewer if reviewed else None,
                    reviewed_at=opportunity.negotiation_reached_at if reviewed else None,
                    review_comment=text["review_comment"] if reviewed else "",
                    author=opportunity.owner,
                    created_at=passed[Stage.SOLUTION_DESIGN],
                    updated_at=opportunity.negotiation_reached_at or passed[Stage.SOLUTION_DESIGN],
                )
            )
        if Stage.NEGOTIATION in passed and rng.random() < 0.6:
            kind, description, mitigation, legal, finance = rng.choice(text["risks"])
            risks.append(
                Risk(
                    opportunity=opportunity,
                    kind=kind,
                    description=description,
                    mitigation=mitigation,
                    involves_legal=legal,
                    involves_finance=finance,
                    created_at=passed[Stage.NEGOTIATION],
                    updated_at=passed[Stage.NEGOTIATION],
                    status=RiskStatus.CLOSED
                    if opportunity.stage in (Stage.WON, Stage.DELIVERED)
                    else rng.choice([RiskStatus.OPEN, RiskStatus.MITIGATED]),
                )
            )
        teammates = [
            rep
            for rep in reps_by_team.get(opportunity.owner.team_id, [])
            if rep.pk != opportunity.owner_id
        ]
        if teammates and rng.random() < 0.1:
            partner = rng.choice(teammates)
            share = Decimal(rng.choice(["20.00", "30.00", "40.00", "50.00"]))
            credits.append(
                OpportunityCredit(
                    opportunity=opportunity, rep=opportunity.owner, percent=100 - share
                )
            )
            credits.append(OpportunityCredit(opportunity=opportunity, rep=partner, percent=share))

    with historic_timestamps(StageChange, SpinNote, Proposal, Risk):
        StageChange.objects.bulk_create(changes, batch_size=500)
        SpinNote.objects.bulk_create(notes, batch_size=500)
        Proposal.objects.bulk_create(proposals, batch_size=500)
        Risk.objects.bulk_create(risks, batch_size=500)
    OpportunityCredit.objects.bulk_create(credits, batch_size=500)

    context["opportunities"] = opportunities
    context["opportunity_steps"] = {
        plan[0].pk: [(to_stage, at) for _f, to_stage, at, _n in plan[1]] for plan in plans
    }
    return []
