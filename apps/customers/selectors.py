"""Reads for customers and what hangs off them. Everything is scoped with ``visible_to``."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from apps.core.quarters import quarter_after_end
from apps.core.related import related_for
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
    # The leads app sits above this one: its model through the declared relation.
    lead_model = MarketInsight._meta.get_field("leads").related_model
    return (
        MarketInsight.objects.visible_to(user)
        .select_related("industry", "author")
        .prefetch_related(
            Prefetch("customers", queryset=Customer.objects.visible_to(user).only("pk", "name")),
            Prefetch(
                "leads", queryset=lead_model.objects.visible_to(user).only("pk", "company_name")
            ),
        )
    )


def feedback_list(*, user) -> QuerySet[ProductFeedback]:
    return ProductFeedback.objects.visible_to(user).select_related(
        "customer", "customer__owner", "author"
    )


def customer_related(*, user, customer: Customer) -> dict:
    """What the customer page shows besides the customer itself, each scoped to ``user``.

    The lists kept by apps above this one (``activities``, ``referred_leads``,
    ``opportunities``, ``orders``) come from :func:`apps.core.related.related_for`: each of
    those apps registers its list in its ``AppConfig.ready()``. ``opportunities`` and ``orders``
    stay ``None`` (section hidden) when their app does not register one.

    The summary at the top of the page comes the same way: ``open_balance`` (from ``sales``:
    open and overdue receivables), ``open_deals`` (from ``opportunities``) and
    ``next_activity`` (from ``activities``), each ``None`` when not registered; plus
    ``last_contact`` (when the latest activity took place) and ``latest_report`` (the latest
    health report), read from the lists already fetched. Every entry is one query at most,
    whatever the number of rows.
    """
    related = {
        "contacts": customer.contacts.all(),
        "health_reports": customer.health_reports.select_related("author"),
        "activities": (),
        "feedback": feedback_list(user=user).filter(customer=customer),
        "insights": insight_list(user=user).filter(customers=customer),
        "referred_leads": (),
        "referrals": Customer.objects.visible_to(user).filter(referred_by=customer),
        "opportunities": None,
        "orders": None,
        "open_balance": None,
        "open_deals": None,
        "next_activity": None,
    }
    related.update(related_for(customer, user=user))
    # Newest first, both: the summary reads their first rows.
    related["activities"] = activities = list(related["activities"])
    related["health_reports"] = reports = list(related["health_reports"])
    related["last_contact"] = activities[0].occurred_at if activities else None
    related["latest_report"] = reports[0] if reports else None
    return related


def latest_survey(*, user, customer: Customer):
    """The customer's latest answered satisfaction survey as ``user`` sees it (its ``score``,
    ``answered_at``, ``period_key``), or ``None``: the source of the health reports'
    satisfaction. The surveys app, above this one, registers it as the related entry
    ``latest_survey`` (:mod:`apps.core.related`); ``None`` when it does not."""
    return related_for(customer, user=user).get("latest_survey")


def health_report_due(
    *, year: int, quarter: int, skip_added_later: bool = True
) -> QuerySet[Customer]:
    """Active customers without a health report for ``year`` Q``quarter``: the one definition
    the reminders' rule (``apps/reminders/rules/health.py``) reads.

    Customers created after the quarter ended are not due for it (``skip_added_later``). The
    rule passes ``False``: it asks about the quarter of the day it runs for, so every customer
    it finds on a live run was created before that quarter's end, and a run replayed for an
    earlier day must still see the customers created since.
    """
    reported = HealthReport.objects.filter(customer=OuterRef("pk"), year=year, quarter=quarter)
    due = Customer.objects.active().exclude(Exists(reported)).select_related("owner")
    if skip_added_later:
        due = due.filter(created_at__date__lt=quarter_after_end(year, quarter))
    return due
