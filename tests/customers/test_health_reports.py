"""Quarterly health reports: one per quarter, high-risk and invitation. Their satisfaction comes
from the customer's survey answers (tests/surveys/test_health.py), never typed in."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.customers import services
from apps.customers.models import Customer, HealthReport
from apps.customers.selectors import health_report_due
from apps.customers.services import current_quarter
from tests.factories import CustomerFactory, HealthReportFactory

pytestmark = pytest.mark.django_db


def _report(actor, customer, year, quarter, **extra):
    return services.health_report_create(
        actor=actor,
        customer=customer,
        year=year,
        quarter=quarter,
        usage_frequency=extra.pop("usage_frequency", "weekly"),
        new_demand_intent=extra.pop("new_demand_intent", "medium"),
        **extra,
    )


@pytest.fixture
def customer(cast):
    return CustomerFactory(owner=cast.rep_a)


def test_a_report_takes_no_satisfaction_from_its_author(cast, customer):
    with pytest.raises(TypeError):
        _report(cast.rep_a, customer, 2024, 2, satisfaction=Decimal("84.50"))
    report = _report(cast.rep_a, customer, 2024, 2)
    with pytest.raises(ValidationError) as exc:
        services.health_report_update(actor=cast.rep_a, report=report, satisfaction=Decimal("60"))
    assert "cannot be changed here" in " ".join(exc.value.message_dict["satisfaction"])
    report.refresh_from_db()
    customer.refresh_from_db()
    assert report.satisfaction is None and customer.latest_satisfaction is None


@pytest.mark.parametrize(
    ("score", "high_risk"),
    [(Decimal("79.99"), True), (Decimal("80"), False), (Decimal("0"), True), (None, False)],
)
def test_high_risk_below_80(cast, customer, score, high_risk):
    report = HealthReportFactory(customer=customer, year=2024, quarter=1, satisfaction=score)
    assert report.is_high_risk is high_risk


def test_duplicate_quarter_is_refused_and_nothing_saved(cast, customer):
    _report(cast.rep_a, customer, 2024, 2, notes="first")
    with pytest.raises(ValidationError) as exc:
        _report(cast.rep_a, customer, 2024, 2, notes="second")
    assert "already has a health report for 2024 Q2" in " ".join(exc.value.message_dict["quarter"])
    assert list(HealthReport.objects.values_list("notes", flat=True)) == ["first"]


def test_moving_a_report_onto_a_taken_quarter_is_refused(cast, customer):
    _report(cast.rep_a, customer, 2024, 1)
    other = _report(cast.rep_a, customer, 2024, 2)
    with pytest.raises(ValidationError) as exc:
        services.health_report_update(actor=cast.rep_a, report=other, quarter=1)
    assert "already has a health report" in " ".join(exc.value.message_dict["quarter"])
    other.refresh_from_db()
    assert other.quarter == 2


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"quarter": 5}, "quarter", "must be 1, 2, 3 or 4"),
        ({"quarter": 0}, "quarter", "must be 1, 2, 3 or 4"),
        ({"issue_resolution_hours": "abc"}, "issue_resolution_hours", "Enter a number"),
        ({"issue_resolution_hours": Decimal("-2")}, "issue_resolution_hours", "cannot be negative"),
        ({"usage_frequency": "hourly"}, "usage_frequency", "how often"),
        ({"year": 1999}, "year", "between 2000 and 2100"),
    ],
)
def test_bad_report_input_is_refused_with_a_message_and_nothing_saved(
    cast, customer, kwargs, field, message
):
    data = {"year": 2024, "quarter": 1, **kwargs}
    with pytest.raises(ValidationError) as exc:
        _report(cast.rep_a, customer, **data)
    assert message in " ".join(exc.value.message_dict[field])
    assert not HealthReport.objects.exists()


def test_a_future_quarter_is_refused(cast, customer):
    year, quarter = current_quarter()
    _report(cast.rep_a, customer, year, quarter)  # the current one is fine
    with pytest.raises(ValidationError) as exc:
        _report(cast.rep_a, customer, year + 1, 1)
    assert "future quarter" in " ".join(exc.value.message_dict["quarter"])
    assert HealthReport.objects.count() == 1


def test_report_for_a_customer_out_of_scope_is_refused(cast):
    foreign = CustomerFactory(owner=cast.rep_b)
    with pytest.raises(ValidationError) as exc:
        _report(cast.rep_a, foreign, 2024, 1)
    assert "customer you can see" in " ".join(exc.value.message_dict["customer"])
    assert not HealthReport.objects.exists()


def test_health_report_due_lists_active_customers_without_that_quarter(cast):
    reported = CustomerFactory(owner=cast.rep_a)
    HealthReportFactory(customer=reported, year=2024, quarter=3)
    other_quarter = CustomerFactory(owner=cast.rep_a)
    HealthReportFactory(customer=other_quarter, year=2024, quarter=2)
    never = CustomerFactory(owner=cast.rep_b)
    CustomerFactory(owner=cast.rep_b, lost=True)
    Customer.objects.update(created_at=timezone.make_aware(datetime.datetime(2024, 1, 5)))
    due = set(health_report_due(year=2024, quarter=3))
    assert due == {other_quarter, never}


def test_health_report_due_skips_customers_added_after_the_quarter(cast):
    CustomerFactory(owner=cast.rep_a)  # created today
    assert not health_report_due(year=2020, quarter=1).exists()


# --- what the pages show ------------------------------------------------------------------------


def _detail(client_as, user, customer):
    return client_as(user).get(reverse("customers:customer-detail", args=[customer.pk]))


@pytest.mark.parametrize(
    ("score", "risk", "invite"),
    [
        (Decimal("79.99"), True, False),
        (Decimal("80"), False, False),
        (Decimal("89.99"), False, False),
        (Decimal("90"), False, True),
    ],
)
def test_detail_page_flags_high_risk_and_invitation(cast, client_as, score, risk, invite):
    customer = CustomerFactory(owner=cast.rep_a, latest_satisfaction=score)
    page = _detail(client_as, cast.rep_a, customer).content.decode()
    assert ("is high-risk" in page) is risk
    assert ("invite this customer to case co-creation" in page) is invite


def test_list_shows_the_high_risk_badge_and_filters_on_it(cast, client_as):
    CustomerFactory(owner=cast.rep_a, name="Risky Ltd", latest_satisfaction=Decimal("79.99"))
    CustomerFactory(owner=cast.rep_a, name="Happy Ltd", latest_satisfaction=Decimal("80"))
    url = reverse("customers:customer-list")
    page = client_as(cast.rep_a).get(url).content.decode()
    assert page.count('class="badge risk-high"') == 1
    risky = client_as(cast.rep_a).get(url, {"high_risk": "true"})
    assert [c.name for c in risky.context["customers"]] == ["Risky Ltd"]
    safe = client_as(cast.rep_a).get(url, {"high_risk": "false"})
    assert [c.name for c in safe.context["customers"]] == ["Happy Ltd"]


def test_report_form_creates_the_report_and_shows_errors(cast, client_as, customer):
    client = client_as(cast.rep_a)
    url = reverse("customers:health-report-create", args=[customer.pk])
    data = {
        "year": 2024,
        "quarter": 2,
        "usage_frequency": "daily",
        "new_demand_intent": "high",
        "satisfaction": "92.5",  # not a field any more: ignored
        "issue_resolution_hours": "4.5",
        "notes": "",
    }
    page = client.get(url).content.decode()
    assert 'name="satisfaction"' not in page and "cannot be typed in" in page
    response = client.post(url, data)
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.latest_satisfaction is None
    assert HealthReport.objects.get().satisfaction is None
    again = client.post(url, data)
    assert again.status_code == 200
    assert "already has a health report for 2024 Q2" in again.content.decode()
    assert HealthReport.objects.count() == 1
    bad = client.post(url, {**data, "quarter": 3, "issue_resolution_hours": "-1"})
    assert "cannot be negative" in bad.content.decode()
    assert HealthReport.objects.count() == 1


def test_report_edit_page_updates_the_report(cast, client_as, customer):
    report = HealthReportFactory(
        customer=customer, year=2024, quarter=1, satisfaction=Decimal("88")
    )
    url = reverse("customers:health-report-update", args=[report.pk])
    client = client_as(cast.manager_a)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "year": 2024,
            "quarter": 1,
            "usage_frequency": "monthly",
            "new_demand_intent": "low",
            "satisfaction": "75",  # not a field any more: ignored
            "record_version": report.version,
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.usage_frequency == "monthly"
    assert report.satisfaction == Decimal("88")
