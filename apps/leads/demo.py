"""Demo data of this app, built after the people and customers: 8–15 leads per rep across the
sources, grades and statuses, with status histories, nurture touches on C leads, a few manager
overrides and a few conversions (through the conversion service)."""

import datetime
from contextlib import contextmanager

from django.utils import timezone

from apps.core.text import normalise_company, normalise_email, normalise_phone
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

CITIES = ["Wuxi", "Nanjing", "Qingdao", "Xiamen", "Chengdu", "Wuhan", "Dalian", "Foshan", "Hefei"]
WORDS = [
    "Hengtai",
    "Xinda",
    "Huamei",
    "Ruifeng",
    "Jiahe",
    "Longsheng",
    "Tianyu",
    "Baoli",
    "Kaiyuan",
]
TRADES = [
    "Machinery",
    "Textiles",
    "Foods",
    "Plastics",
    "Electronics",
    "Pharma",
    "Logistics",
    "Steel",
]
CONTACTS = ["Zhou Jie", "Xu Lei", "Sun Fang", "Ma Tao", "Hu Jing", "Guo Min", "Lin Hui", "He Qiang"]
DISQUALIFY_REASONS = [
    "No budget this year.",
    "Chose a competitor after the tender.",
    "Need does not match our product.",
    "Could not reach a decision maker.",
]
OVERRIDE_REASONS = [
    "Group headquarters is already our customer; decision will be fast.",
    "Budget frozen until next year; nurture instead.",
    "CEO asked for an on-site demo at the summit.",
]
TOUCH_CONTENT = [
    "Industry case: inventory cost down 18% at a peer plant",
    "Solution white paper: digital supply-chain management",
    "Invitation to the quarterly customer webinar",
    "Newsletter: new features for the manufacturing edition",
]
SOURCE_WEIGHTS = [
    (LeadSource.WEBSITE_INQUIRY, 5),
    (LeadSource.SOCIAL_MEDIA, 3),
    (LeadSource.INDUSTRY_PLATFORM, 3),
    (LeadSource.COLD_VISIT, 2),
    (LeadSource.CHANNEL_REFERRAL, 2),
    (LeadSource.CUSTOMER_REFERRAL, 2),
    (LeadSource.EXHIBITION, 3),
]
STATUS_WEIGHTS = [
    (LeadStatus.NEW, 30),
    (LeadStatus.CONTACTED, 25),
    (LeadStatus.QUALIFIED, 20),
    (LeadStatus.DISQUALIFIED, 15),
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


def _company_names(rng, taken: set[str]):
    while True:
        name = f"{rng.choice(CITIES)} {rng.choice(WORDS)} {rng.choice(TRADES)} Co., Ltd."
        key = normalise_company(name)
        if key not in taken:
            taken.add(key)
            yield name


def build(rng, context: dict) -> list[str]:
    reps = context.get("reps", [])
    if not reps:
        context["leads"] = []
        return []
    now = timezone.now()
    points = selectors.rubric_points()
    managers_by_team = {m.team_id: m for m in context.get("managers", []) if m.team_id}
    customers_by_owner: dict = {}
    for customer in context.get("customers", []):
        customers_by_owner.setdefault(customer.owner_id, []).append(customer)
    taken = {normalise_company(c.name) for c in context.get("customers", [])}
    names = _company_names(rng, taken)

    leads: list[Lead] = []
    plans: list[tuple[Lead, datetime.datetime, str]] = []  # lead, created, final status
    to_convert: list[Lead] = []
    for rep in reps:
        count = rng.randint(8, 15)
        converting = rng.choice([0, 1, 1])
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
            final = LeadStatus.QUALIFIED if index < converting else _weighted(rng, STATUS_WEIGHTS)
            number = len(leads) + 1
            phone = f"+86 15{rng.randint(0, 9)} {rng.randint(1000, 9999)} {number:04d}"
            email = f"contact{number}@prospect{number}.example.cn"
            name = next(names)
            grade = grade_for(size, need, chain, points)
            lead = Lead(
                company_name=name,
                company_key=normalise_company(name),
                contact_name=rng.choice(CONTACTS),
                phone=phone,
                phone_key=normalise_phone(phone),
                email=email,
                email_key=normalise_email(email),
                industry=rng.choice(context["industries"]) if context.get("industries") else None,
                company_size=size,
                need_match=need,
                decision_complexity=chain,
                source=source,
                referred_by=referrer,
                owner=rep,
                status=final,
                disqualified_reason=(
                    rng.choice(DISQUALIFY_REASONS) if final == LeadStatus.DISQUALIFIED else ""
                ),
                rubric_grade=grade,
                grade=grade,
            )
            created = now - datetime.timedelta(days=rng.randint(3, 300), hours=rng.randint(0, 8))
            leads.append(lead)
            plans.append((lead, created, final))
            if index < converting:
                to_convert.append(lead)

    changes: list[LeadStatusChange] = []
    touches: list[NurtureTouch] = []
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
        if lead.grade == "C" and final != LeadStatus.DISQUALIFIED:
            touches.extend(_touches(rng, lead, created, now))
    with _historic_timestamps():
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
            actor=manager, lead=lead, grade=target, reason=rng.choice(OVERRIDE_REASONS)
        )

    # Conversions go through the conversion service (customer + opportunity, one transaction).
    converted_customers = []
    for lead in to_convert:
        result = services.lead_convert(
            actor=lead.owner,
            lead=lead,
            opportunity_name=f"{lead.company_name.split(' Co.')[0]} – first order",
        )
        converted_customers.append(result.customer)
    context.setdefault("customers", []).extend(converted_customers)
    context["leads"] = list(Lead.objects.filter(pk__in=[lead.pk for lead in leads]))
    return []


@contextmanager
def _historic_timestamps():
    """Let the demo write past creation times: switch off ``auto_now``/``auto_now_add`` of the
    lead and status-change timestamps while bulk-creating (one INSERT instead of an UPDATE per
    row), and switch them back on afterwards."""
    fields = [
        Lead._meta.get_field("created_at"),
        Lead._meta.get_field("updated_at"),
        LeadStatusChange._meta.get_field("changed_at"),
    ]
    saved = [(field.auto_now, field.auto_now_add) for field in fields]
    try:
        for field in fields:
            field.auto_now = field.auto_now_add = False
        yield
    finally:
        for field, (auto_now, auto_now_add) in zip(fields, saved, strict=True):
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def _touches(rng, lead: Lead, created: datetime.datetime, now: datetime.datetime):
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
                        content=rng.choice(TOUCH_CONTENT),
                        by=lead.owner,
                    )
                )
        month = last_day + datetime.timedelta(days=1)
    return touches
