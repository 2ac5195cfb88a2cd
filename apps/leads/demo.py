"""Demo data of this app, built after the people and customers: 12–22 leads per rep over the
last two years across the sources, grades and statuses (older leads mostly settled), with status
histories, nurture touches on C leads, a few manager overrides and conversions (through the
conversion service, then dated back to when they happened)."""

import datetime

from django.utils import timezone

from apps.core.demo import HISTORY_DAYS, historic_timestamps, words
from apps.core.text import normalise_company, normalise_email, normalise_phone
from apps.customers.demo import company_name, region_of
from apps.customers.models import Customer
from apps.leads import selectors, services
from apps.leads.calculations import grade_for
from apps.leads.choices import (
    CompanySize,
    DecisionComplexity,
    LeadSource,
    LeadStatus,
    NeedMatch,
    TouchChannel,
)
from apps.leads.models import Lead, LeadStatusChange, NurtureTouch
from apps.opportunities.models import Opportunity, StageChange

TEXT = {
    "zh-hans": {
        "contacts": [
            "周杰",
            "徐磊",
            "孙芳",
            "马涛",
            "胡静",
            "郭敏",
            "林辉",
            "何强",
            "高峰",
            "罗琳",
        ],
        "disqualify": [
            "今年没有预算。",
            "招标后选择了竞争对手。",
            "需求与我们的产品不匹配。",
            "始终联系不上决策人。",
        ],
        "override": [
            "集团总部已是我们的客户，决策会很快。",
            "预算冻结到明年，先培育。",
            "总经理在峰会上主动邀请我们上门演示。",
        ],
        "touches": [
            "行业案例：同行工厂库存成本下降18%",
            "解决方案白皮书：供应链数字化管理",
            "季度客户线上研讨会邀请",
            "产品通讯：制造业版新功能",
        ],
        "first_order": "{short} – 首单",
    },
    "en": {
        "contacts": [
            "Zhou Jie",
            "Xu Lei",
            "Sun Fang",
            "Ma Tao",
            "Hu Jing",
            "Guo Min",
            "Lin Hui",
            "He Qiang",
            "Gao Feng",
            "Luo Lin",
        ],
        "disqualify": [
            "No budget this year.",
            "Chose a competitor after the tender.",
            "What they need does not match our product.",
            "Could not reach a decision maker.",
        ],
        "override": [
            "Group headquarters is already our customer; the decision will be fast.",
            "Budget frozen until next year; nurture instead.",
            "The general manager asked for an on-site demo at the summit.",
        ],
        "touches": [
            "Industry case: inventory cost down 18% at a peer plant",
            "Solution white paper: digital supply-chain management",
            "Invitation to the quarterly customer webinar",
            "Newsletter: new features of the manufacturing edition",
        ],
        "first_order": "{short} – first order",
    },
}
SOURCE_WEIGHTS = [
    (LeadSource.WEBSITE_INQUIRY, 5),
    (LeadSource.SOCIAL_MEDIA, 3),
    (LeadSource.INDUSTRY_PLATFORM, 3),
    (LeadSource.COLD_VISIT, 2),
    (LeadSource.CHANNEL_REFERRAL, 2),
    (LeadSource.CUSTOMER_REFERRAL, 2),
    (LeadSource.EXHIBITION, 3),
]
#: Statuses of recent leads, and of leads older than four months (mostly settled by now).
STATUS_WEIGHTS = [
    (LeadStatus.NEW, 30),
    (LeadStatus.CONTACTED, 25),
    (LeadStatus.QUALIFIED, 20),
    (LeadStatus.DISQUALIFIED, 15),
]
OLD_STATUS_WEIGHTS = [
    (LeadStatus.NEW, 3),
    (LeadStatus.CONTACTED, 8),
    (LeadStatus.QUALIFIED, 18),
    (LeadStatus.DISQUALIFIED, 40),
]
PATHS = {
    LeadStatus.NEW: [],
    LeadStatus.CONTACTED: [LeadStatus.CONTACTED],
    LeadStatus.QUALIFIED: [LeadStatus.CONTACTED, LeadStatus.QUALIFIED],
    LeadStatus.DISQUALIFIED: [LeadStatus.CONTACTED, LeadStatus.DISQUALIFIED],
}


def _weighted(rng, pairs):
    total = sum(weight for _value, weight in pairs)
    pick = rng.uniform(0, total)
    for value, weight in pairs:
        pick -= weight
        if pick <= 0:
            return value
    return pairs[-1][0]


def build(rng, context: dict) -> list[str]:
    reps = context.get("reps", [])
    if not reps:
        context["leads"] = []
        return []
    text = words(context, TEXT)
    now = timezone.now()
    points = selectors.rubric_points()
    managers_by_team = {m.team_id: m for m in context.get("managers", []) if m.team_id}
    customers_by_owner: dict = {}
    for customer in context.get("customers", []):
        customers_by_owner.setdefault(customer.owner_id, []).append(customer)
    industries = context.get("industries") or []

    leads: list[Lead] = []
    plans: list[tuple[Lead, datetime.datetime, str]] = []  # lead, created, final status
    to_convert: list[Lead] = []
    for rep in reps:
        count = rng.randint(12, 22)
        converting = rng.choice([1, 1, 2, 2, 3])
        for index in range(count):
            size = rng.choice(CompanySize.values)
            need = _weighted(rng, [(NeedMatch.LOW, 3), (NeedMatch.MEDIUM, 4), (NeedMatch.HIGH, 3)])
            chain = rng.choice(DecisionComplexity.values)
            source = _weighted(rng, SOURCE_WEIGHTS)
            referrer = None
            if source == LeadSource.CUSTOMER_REFERRAL:
                own = customers_by_owner.get(rep.pk)
                if own:
                    referrer = rng.choice(own)
                else:
                    source = LeadSource.EXHIBITION
            days_ago = rng.randint(3, HISTORY_DAYS - 20)
            if index < converting:
                final = LeadStatus.QUALIFIED
                days_ago = rng.randint(40, HISTORY_DAYS - 60)
            else:
                final = _weighted(rng, OLD_STATUS_WEIGHTS if days_ago > 120 else STATUS_WEIGHTS)
            number = len(leads) + 1
            phone = f"+86 15{rng.randint(0, 9)} {rng.randint(1000, 9999)} {number:04d}"
            email = f"contact{number}@prospect{number}.example.cn"
            name, _short, trade = company_name(rng, context, region_of(context, rep))
            grade = grade_for(size, need, chain, points)
            created = now - datetime.timedelta(days=days_ago, hours=rng.randint(0, 8))
            lead = Lead(
                company_name=name,
                company_key=normalise_company(name),
                contact_name=rng.choice(text["contacts"]),
                phone=phone,
                phone_key=normalise_phone(phone),
                email=email,
                email_key=normalise_email(email),
                industry=industries[trade] if industries else None,
                company_size=size,
                need_match=need,
                decision_complexity=chain,
                source=source,
                referred_by=referrer,
                owner=rep,
                status=final,
                disqualified_reason=(
                    rng.choice(text["disqualify"]) if final == LeadStatus.DISQUALIFIED else ""
                ),
                rubric_grade=grade,
                grade=grade,
            )
            leads.append(lead)
            plans.append((lead, created, final))
            if index < converting:
                to_convert.append(lead)

    changes: list[LeadStatusChange] = []
    touches: list[NurtureTouch] = []
    settled: dict[int, datetime.datetime] = {}  # id(lead): when it reached its final status
    for lead, created, final in plans:
        lead.created_at = lead.updated_at = created
        at, previous = created, ""
        for status in [LeadStatus.NEW, *PATHS[final]]:
            if previous:
                at = min(now, at + datetime.timedelta(days=rng.randint(1, 12), hours=3))
            if status == LeadStatus.CONTACTED:
                lead.first_contacted_at = at
            reason = lead.disqualified_reason if status == LeadStatus.DISQUALIFIED else ""
            changes.append(
                LeadStatusChange(
                    lead=lead,
                    from_status=previous,
                    to_status=status,
                    changed_by=lead.owner,
                    changed_at=at,
                    reason=reason,
                )
            )
            previous = status
        lead.updated_at = at
        settled[id(lead)] = at
        if lead.grade == "C" and final != LeadStatus.DISQUALIFIED:
            touches.extend(_touches(rng, text, lead, created, now))
    with historic_timestamps(Lead, LeadStatusChange):
        leads = Lead.objects.bulk_create(leads, batch_size=500)
        for change in changes:
            change.lead_id = change.lead.pk
        LeadStatusChange.objects.bulk_create(changes, batch_size=500)
    for touch in touches:
        touch.lead_id = touch.lead.pk
    NurtureTouch.objects.bulk_create(touches, batch_size=500)

    # A few manager overrides, through the service so they are audited.
    open_leads = [
        lead for lead, _created, final in plans if final in (LeadStatus.NEW, LeadStatus.CONTACTED)
    ]
    for lead in rng.sample(open_leads, k=min(len(open_leads), max(1, len(reps) // 4))):
        manager = managers_by_team.get(lead.owner.team_id)
        if manager is None:
            continue
        target = {"A": "B", "B": "A", "C": "B"}[lead.grade]
        services.lead_override_grade(
            actor=manager, lead=lead, grade=target, reason=rng.choice(text["override"])
        )

    # Conversions go through the conversion service (customer + opportunity, one transaction),
    # then take the day they happened: a few days after the lead was qualified.
    converted_customers = []
    since = context.setdefault("customer_since", {})
    for lead in to_convert:
        result = services.lead_convert(
            actor=lead.owner,
            lead=lead,
            opportunity_name=text["first_order"].format(
                short=context.get("short_names", {}).get(lead.company_name, lead.company_name)
            ),
        )
        on = min(now, settled[id(lead)] + datetime.timedelta(days=rng.randint(1, 10), hours=2))
        Lead.objects.filter(pk=lead.pk).update(converted_at=on, updated_at=on)
        LeadStatusChange.objects.filter(lead=lead, to_status=LeadStatus.CONVERTED).update(
            changed_at=on
        )
        Customer.objects.filter(pk=result.customer.pk).update(created_at=on, updated_at=on)
        Opportunity.objects.filter(pk=result.opportunity.pk).update(created_at=on, updated_at=on)
        StageChange.objects.filter(opportunity=result.opportunity).update(changed_at=on)
        result.customer.created_at = on
        since[result.customer.pk] = timezone.localtime(on).date()
        converted_customers.append(result.customer)
    context.setdefault("customers", []).extend(converted_customers)
    context["leads"] = list(Lead.objects.filter(pk__in=[lead.pk for lead in leads]))
    return []


def _touches(rng, text, lead: Lead, created: datetime.datetime, now: datetime.datetime):
    """Monthly touches since the lead was created; some months missed, this month maybe not yet."""
    touches = []
    month = timezone.localtime(created).date().replace(day=1)
    today = timezone.localtime(now).date()
    while month <= today:
        last_day = (month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        is_current = month.year == today.year and month.month == today.month
        if rng.random() < (0.5 if is_current else 0.8):
            first = max(month, timezone.localtime(created).date())
            last = min(last_day, today)
            if first <= last:
                day = first + datetime.timedelta(days=rng.randint(0, (last - first).days))
                touches.append(
                    NurtureTouch(
                        lead=lead,
                        touched_on=day,
                        channel=rng.choice(TouchChannel.values),
                        content=rng.choice(text["touches"]),
                        by=lead.owner,
                    )
                )
        month = last_day + datetime.timedelta(days=1)
    return touches
