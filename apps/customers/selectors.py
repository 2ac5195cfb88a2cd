"""Reads for customers and what hangs off them. Everything is scoped with ``visible_to``."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from apps.customers.models import (
    Contact,
    Customer,
    HealthReport,
    Industry,
    MarketInsight,
    ProductFeedback,
)


def customer_list(*, user) -> QuerySet[Customer]:
    return Customer.objects.visible_to(user).select_related(
        "owner", "industry", "referred_by", "lead"
    )


def contact_list(*, user) -> QuerySet[Contact]:
    return Contact.objects.visible_to(user).select_related("customer", "customer__owner")


def industry_list() -> QuerySet[Industry]:
    return Industry.objects.order_by("name")


def health_report_list(*, user) -> QuerySet[HealthReport]:
    return HealthReport.objects.visible_to(user).select_related(
        "customer", "customer__owner", "author"
    )


def insight_list(*, user) -> QuerySet[MarketInsight]:
    from apps.leads.models import Lead

    return (
        MarketInsight.objects.visible_to(user)
        .select_related("industry", "author")
        .prefetch_related(
            Prefetch("customers", queryset=Customer.objects.visible_to(user).only("pk", "name")),
            Prefetch("leads", queryset=Lead.objects.visible_to(user).only("pk", "company_name")),
        )
    )


def feedback_list(*, user) -> QuerySet[ProductFeedback]:
    return ProductFeedback.objects.visible_to(user).select_related(
        "customer", "customer__owner", "author"
    )


def customer_related(*, user, customer: Customer) -> dict:
    """What the customer page shows besides the customer itself, each scoped to ``user``."""
    from apps.activities.selectors import activity_list
    from apps.leads.models import Lead

    related = {
        "contacts": customer.contacts.all(),
        "health_reports": customer.health_reports.select_related("author"),
        "activities": activity_list(user=user).filter(customer=customer)[:50],
        "feedback": feedback_list(user=user).filter(customer=customer),
        "insights": insight_list(user=user).filter(customers=customer),
        "referred_leads": Lead.objects.visible_to(user).filter(referred_by=customer),
        "referrals": Customer.objects.visible_to(user).filter(referred_by=customer),
        "opportunities": None,
        "orders": None,
    }
    if hasattr(Customer, "opportunities"):
        related["opportunities"] = (
            customer.opportunities.model.objects.visible_to(user)
            .filter(customer=customer)
            .select_related("owner")
        )
    if hasattr(Customer, "orders"):
        related["orders"] = (
            customer.orders.model.objects.visible_to(user)
            .filter(customer=customer)
            .select_related("owner")
        )
    return related


def health_report_due(*, year: int, quarter: int) -> QuerySet[Customer]:
    """Active customers without a health report for ``year`` Q``quarter`` (for reminders).

    Customers created after the quarter ended are not due for it.
    """
    end_month = quarter * 3
    quarter_end = (
        datetime.date(year + 1, 1, 1) if end_month == 12 else datetime.date(year, end_month + 1, 1)
    )
    reported = HealthReport.objects.filter(customer=OuterRef("pk"), year=year, quarter=quarter)
    return (
        Customer.objects.active()
        .filter(created_at__date__lt=quarter_end)
        .exclude(Exists(reported))
        .select_related("owner")
    )
