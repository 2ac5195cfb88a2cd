"""Demo data of customers and activities: shaped as documented, seeded and quick."""

import random
import time
from collections import Counter
from decimal import Decimal

import pytest

from apps.accounts import demo as accounts_demo
from apps.activities import demo as activities_demo
from apps.activities.models import Activity
from apps.core.models import AuditEntry
from apps.customers import demo as customers_demo
from apps.customers.models import Customer, HealthReport, Industry

pytestmark = pytest.mark.django_db


def _build(seed):
    rng = random.Random(seed)
    context: dict = {}
    accounts_demo.build(rng, context)
    started = time.monotonic()
    customers_demo.build(rng, context)
    activities_demo.build(rng, context)
    return context, time.monotonic() - started


def test_demo_builds_industries_customers_reports_and_activities_quickly():
    context, seconds = _build(7)
    assert seconds < 5
    assert Industry.objects.count() == len(context["industries"]) >= 10
    assert {"Manufacturing", "Retail", "Logistics"} <= {i.name for i in context["industries"]}
    per_rep = Counter(Customer.objects.values_list("owner", flat=True))
    assert set(per_rep) == {rep.pk for rep in context["reps"]}
    assert all(3 <= count <= 6 for count in per_rep.values())
    assert len(context["customers"]) == Customer.objects.count()
    # Three lost for good; two more were lost and won back (the loss stays in the audit trail).
    assert Customer.objects.filter(status="lost", lost_on__isnull=False).count() == 3
    won_back = AuditEntry.objects.filter(action="customer.reactivate")
    assert won_back.count() == len(context["reactivated"]) == 2
    assert not Customer.objects.filter(pk__in=context["reactivated"], status="lost").exists()
    scores = list(HealthReport.objects.values_list("satisfaction", flat=True))
    assert min(scores) >= Decimal("60") and max(scores) <= Decimal("98")
    assert Customer.objects.filter(latest_satisfaction__lt=80).exists()
    assert Customer.objects.filter(latest_satisfaction__gte=90).exists()
    assert Activity.objects.values("customer").distinct().count() == Customer.objects.count()


def test_latest_satisfaction_of_demo_customers_matches_their_latest_report():
    _build(3)
    for customer in Customer.objects.all()[:20]:
        latest = customer.health_reports.order_by("-year", "-quarter").first()
        assert customer.latest_satisfaction == latest.satisfaction
