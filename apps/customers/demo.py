"""Demo data of this app, built after the people (see apps/accounts/demo.py): industries,
customers with contacts and quarterly health reports, market insights and product feedback."""

import datetime
from decimal import Decimal

from django.utils import timezone

from apps.core.choices import CompanySize
from apps.core.quarters import quarters_before
from apps.core.text import normalise_company, normalise_email, normalise_phone
from apps.customers.choices import (
    CustomerStatus,
    DemandIntent,
    FeedbackStatus,
    InsightKind,
    InsightSource,
    UsageFrequency,
)
from apps.customers.models import (
    Contact,
    Customer,
    HealthReport,
    Industry,
    MarketInsight,
    ProductFeedback,
)

INDUSTRIES = [
    "Manufacturing",
    "Retail",
    "Logistics",
    "Healthcare",
    "Finance",
    "Education",
    "Energy",
    "Automotive",
    "Food & Beverage",
    "Construction",
    "Telecommunications",
    "E-commerce",
]
CITIES = ["Shanghai", "Suzhou", "Hangzhou", "Beijing", "Tianjin", "Shenzhen", "Guangzhou", "Ningbo"]
WORDS = ["Star", "Harmony", "Pioneer", "Orient", "Golden", "Bright", "Unity", "Summit", "Jade"]
CONTACT_NAMES = ["Zhang Wei", "Li Na", "Wang Fang", "Liu Yang", "Chen Jie", "Zhao Min", "Sun Hui"]
TITLES = ["Purchasing manager", "IT director", "COO", "Operations lead", "CFO"]
LOST_REASONS = [
    "Switched to a cheaper competitor; no repurchase planned.",
    "Business closed its local plant; cooperation ended.",
]
INSIGHTS = [
    (
        "Manufacturers want cost-cutting first",
        InsightKind.PAIN_POINT,
        InsightSource.INTERVIEW,
        "Manufacturing",
        "Plant managers ask for lower inventory cost and faster supply-chain response "
        "before any new feature.",
    ),
    (
        "Retail chains move to unified inventory",
        InsightKind.TREND,
        InsightSource.REPORT,
        "Retail",
        "Industry reports expect most mid-size chains to unify store and online stock "
        "by next year.",
    ),
    (
        "Competitor bundles maintenance for free",
        InsightKind.COMPETITOR,
        InsightSource.EXHIBITION,
        "Logistics",
        "At the logistics summit a competitor offered 12 months of free maintenance "
        "with new deals.",
    ),
    (
        "Hospitals need audit trails",
        InsightKind.PAIN_POINT,
        InsightSource.INTERVIEW,
        "Healthcare",
        "Compliance officers want every change logged and exportable for inspections.",
    ),
]
FEEDBACK = [
    "Bulk export of inventory reports",
    "Mobile approval of purchase orders",
    "WeChat notifications for delivery delays",
    "Chinese-language invoice templates",
    "Dashboard for plant-level KPIs",
]


def build(rng, context: dict) -> list[str]:
    today = timezone.localdate()
    industries = Industry.objects.bulk_create([Industry(name=name) for name in INDUSTRIES])
    context["industries"] = industries
    by_name = {industry.name: industry for industry in industries}

    used_names: set[str] = set()
    customers: list[Customer] = []
    for rep in context.get("reps", []):
        for _ in range(rng.randint(3, 6)):
            name = ""
            while not name or name in used_names:
                name = (
                    f"{rng.choice(CITIES)} {rng.choice(WORDS)} {rng.choice(INDUSTRIES)} Co., Ltd."
                )
                name = name.replace("& ", "")
            used_names.add(name)
            number = len(customers) + 1
            phone = f"+86 13{rng.randint(0, 9)} {rng.randint(1000, 9999)} {number:04d}"
            email = f"buyer{number}@customer{number}.example.cn"
            customers.append(
                Customer(
                    name=name,
                    company_key=normalise_company(name),
                    phone=phone,
                    phone_key=normalise_phone(phone),
                    email=email,
                    email_key=normalise_email(email),
                    owner=rep,
                    industry=by_name[rng.choice(INDUSTRIES)],
                    company_size=rng.choice(CompanySize.values),
                    # No lead, so no lead grade: the converted leads' customers have one.
                )
            )
    # A couple of customers were lost a few months ago.
    for customer in rng.sample(customers, k=min(2, len(customers))):
        customer.status = CustomerStatus.LOST
        customer.lost_on = today - datetime.timedelta(days=rng.randint(20, 150))
        customer.lost_reason = rng.choice(LOST_REASONS)
    customers = Customer.objects.bulk_create(customers)
    context["customers"] = customers

    contacts, reports = [], []
    for customer in customers:
        for index in range(rng.randint(0, 2)):
            contacts.append(
                Contact(
                    customer=customer,
                    name=rng.choice(CONTACT_NAMES),
                    title=rng.choice(TITLES),
                    phone=f"139{rng.randint(10000000, 99999999)}",
                    is_primary=index == 0,
                )
            )
        base = rng.uniform(60, 98)
        quarters = quarters_before(today, rng.randint(1, 3))
        for offset, (year, quarter) in enumerate(quarters):
            satisfaction = Decimal(
                f"{min(98.0, max(60.0, base - offset * rng.uniform(-4, 4))):.2f}"
            )
            reports.append(
                HealthReport(
                    customer=customer,
                    year=year,
                    quarter=quarter,
                    usage_frequency=rng.choice(UsageFrequency.values[:4]),
                    new_demand_intent=rng.choice(DemandIntent.values),
                    issue_resolution_hours=Decimal(f"{rng.uniform(2, 72):.1f}"),
                    satisfaction=satisfaction,
                    author=customer.owner,
                )
            )
            if offset == 0:
                customer.latest_satisfaction = satisfaction
    Contact.objects.bulk_create(contacts)
    HealthReport.objects.bulk_create(reports)
    Customer.objects.bulk_update(customers, ["latest_satisfaction"])

    authors = context.get("reps", [])[:: max(1, len(context.get("reps", [])) // 4 or 1)]
    for index, (title, kind, source, industry, body) in enumerate(INSIGHTS):
        if not authors:
            break
        author = authors[index % len(authors)]
        insight = MarketInsight.objects.create(
            title=title,
            kind=kind,
            source=source,
            industry=by_name[industry],
            body=body,
            author=author,
        )
        linked = [c for c in customers if c.owner_id == author.pk][:2]
        insight.customers.set(linked)

    ProductFeedback.objects.bulk_create(
        ProductFeedback(
            customer=customer,
            summary=rng.choice(FEEDBACK),
            detail="Raised during the quarterly review.",
            status=rng.choice(FeedbackStatus.values),
            author=customer.owner,
        )
        for customer in rng.sample(customers, k=min(8, len(customers)))
    )
    return []
