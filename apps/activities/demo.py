"""Demo data of this app: two years of calls, visits and meetings — a first call on every
contacted lead, visits and calls with every customer since it was won (and while it was a
customer), and a meeting, demo or call at every step of every opportunity."""

import datetime

from django.utils import timezone

from apps.activities.choices import ActivityKind
from apps.activities.models import Activity
from apps.core.demo import HISTORY_DAYS, at_office_hours, day_between, historic_timestamps, words
from apps.opportunities.choices import Stage

TEXT = {
    "zh-hans": {
        "subjects": {
            ActivityKind.VISIT: ["季度业务回顾", "上门需求调研", "客户回访", "拜访生产负责人"],
            ActivityKind.CALL: ["电话回访", "续约沟通", "问题升级处理", "预约拜访时间"],
            ActivityKind.MEETING: ["方案研讨会", "商务谈判", "年度合作规划会", "合同条款确认"],
            ActivityKind.DEMO: ["产品演示", "看板功能演示"],
            ActivityKind.EMAIL: ["发送行业案例", "发送解决方案白皮书"],
        },
        "stages": {
            Stage.NEEDS_DISCOVERY: (ActivityKind.VISIT, "首次拜访"),
            Stage.SOLUTION_DESIGN: (ActivityKind.DEMO, "方案演示"),
            Stage.NEGOTIATION: (ActivityKind.MEETING, "商务谈判"),
            Stage.WON: (ActivityKind.MEETING, "合同签署"),
            Stage.DELIVERED: (ActivityKind.MEETING, "项目启动会"),
            Stage.LOST: (ActivityKind.CALL, "丢单复盘电话"),
        },
        "first_call": "首次电话沟通",
        "first_call_outcome": "介绍了公司和产品，对方同意进一步沟通。",
        "outcomes": [
            "客户有兴趣，细节已记入会议纪要。",
            "客户对价格有顾虑，需要内部再讨论。",
            "对方IT负责人参加，技术问题已逐一解答。",
            "客户确认了下一步时间表。",
            "客户反馈使用顺利，暂无新需求。",
        ],
        "next_steps": ["发送报价方案", "安排产品演示", "确认预算", "引荐产品专家", ""],
    },
    "en": {
        "subjects": {
            ActivityKind.VISIT: [
                "Quarterly business review",
                "On-site needs discovery",
                "Follow-up visit",
                "Visit to the head of production",
            ],
            ActivityKind.CALL: [
                "Check-in call",
                "Renewal call",
                "Support escalation",
                "Call to book a visit",
            ],
            ActivityKind.MEETING: [
                "Solution workshop",
                "Price negotiation",
                "Annual planning meeting",
                "Contract terms review",
            ],
            ActivityKind.DEMO: ["Product demo", "Dashboard walkthrough"],
            ActivityKind.EMAIL: ["Sent an industry case study", "Sent the solution white paper"],
        },
        "stages": {
            Stage.NEEDS_DISCOVERY: (ActivityKind.VISIT, "First visit"),
            Stage.SOLUTION_DESIGN: (ActivityKind.DEMO, "Solution demo"),
            Stage.NEGOTIATION: (ActivityKind.MEETING, "Price negotiation"),
            Stage.WON: (ActivityKind.MEETING, "Contract signing"),
            Stage.DELIVERED: (ActivityKind.MEETING, "Kick-off meeting"),
            Stage.LOST: (ActivityKind.CALL, "Lost-deal review call"),
        },
        "first_call": "First call",
        "first_call_outcome": "Introduced our company and product; they agreed to talk further.",
        "outcomes": [
            "Customer interested; details are in the meeting notes.",
            "Customer worried about the price; they will discuss it internally.",
            "Their IT lead joined; we answered the technical questions one by one.",
            "Customer confirmed the timetable for the next steps.",
            "Customer says everything runs smoothly; no new needs for now.",
        ],
        "next_steps": [
            "Send the quotation",
            "Schedule a product demo",
            "Confirm the budget",
            "Introduce a product expert",
            "",
        ],
    },
}


def _activity(rng, text, occurred_at, **fields) -> Activity:
    next_step = rng.choice(text["next_steps"])
    return Activity(
        occurred_at=occurred_at,
        outcome=fields.pop("outcome", None) or rng.choice(text["outcomes"]),
        next_step=next_step,
        next_step_on=(
            (timezone.localtime(occurred_at) + datetime.timedelta(days=rng.randint(3, 21))).date()
            if next_step
            else None
        ),
        created_at=occurred_at,
        updated_at=occurred_at,
        **fields,
    )


def build(rng, context: dict) -> list[str]:
    text = words(context, TEXT)
    today = timezone.localdate()
    history_start = today - datetime.timedelta(days=HISTORY_DAYS)
    since = context.get("customer_since", {})
    activities = []
    kinds = list(text["subjects"])

    for lead in context.get("leads", []) or []:
        if lead.first_contacted_at is None:
            continue
        activities.append(
            _activity(
                rng,
                text,
                lead.first_contacted_at,
                kind=ActivityKind.CALL,
                owner_id=lead.owner_id,
                lead=lead,
                subject=text["first_call"],
                outcome=text["first_call_outcome"],
            )
        )

    for customer in context.get("customers", []):
        start = max(history_start, since.get(customer.pk, history_start))
        end = min(today, customer.lost_on) if customer.lost_on else today
        months = max(1, (end - start).days // 30)
        for _ in range(rng.randint(1, 2) + months // 3):
            kind = rng.choice(kinds)
            activities.append(
                _activity(
                    rng,
                    text,
                    at_office_hours(rng, day_between(rng, start, end)),
                    kind=kind,
                    owner_id=customer.owner_id,
                    customer=customer,
                    subject=rng.choice(text["subjects"][kind]),
                )
            )

    steps = context.get("opportunity_steps", {})
    for opportunity in context.get("opportunities", []) or []:
        for to_stage, at in steps.get(opportunity.pk, []):
            kind, subject = text["stages"][to_stage]
            activities.append(
                _activity(
                    rng,
                    text,
                    at,
                    kind=kind,
                    owner_id=opportunity.owner_id,
                    customer_id=opportunity.customer_id,
                    opportunity=opportunity,
                    subject=subject,
                )
            )
    with historic_timestamps(Activity):
        Activity.objects.bulk_create(activities, batch_size=500)
    return []
