"""Sales dates outside the business range (issue #9): refused naming the field, nothing saved,
and the aging of an absurd day is a 400 or a form error, never a 500."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.core.dates import business_date_range
from apps.sales import services
from apps.sales.models import Delivery, Order, Receivable
from tests.factories import CustomerFactory
from tests.sales.conftest import days_ago, today

pytestmark = pytest.mark.django_db

FAR_FUTURE = "2204-05-01"


def range_message(label: str) -> str:
    earliest, latest = business_date_range()
    return f"{label} must be between {earliest.isoformat()} and {latest.isoformat()}."


# --- aging ---------------------------------------------------------------------------------


@pytest.mark.parametrize("as_of", ["0001-01-01", "9999-12-31", "1999-12-31"])
def test_aging_api_of_an_absurd_day_is_a_400_naming_as_of(cast, world, api_as, as_of):
    for user in (cast.admin, cast.hr, cast.rep_a):
        response = api_as(user).get("/api/v1/aging/", {"as_of": as_of})
        assert response.status_code == 400, response.content
        earliest, latest = business_date_range()
        assert response.json() == {
            "as_of": [f"Enter a date between {earliest.isoformat()} and {latest.isoformat()}."]
        }


def test_aging_api_of_the_first_business_day_still_answers(cast, world, api_as):
    earliest, _latest = business_date_range()
    response = api_as(cast.admin).get("/api/v1/aging/", {"as_of": earliest.isoformat()})
    assert response.status_code == 200
    assert response.json()["as_of"] == earliest.isoformat()


def test_aging_page_of_an_absurd_day_shows_the_form_error(cast, world, client_as):
    response = client_as(cast.admin).get(reverse("sales:aging"), {"as_of": "0001-01-01"})
    assert response.status_code == 200
    earliest, latest = business_date_range()
    assert response.context["filterset"].form.errors["as_of"] == [
        f"Enter a date between {earliest.isoformat()} and {latest.isoformat()}."
    ]
    assert response.context["aging"]["as_of"] == today()  # and the page says so


def test_aging_export_of_an_absurd_day_is_refused_with_the_reason(cast, world, client_as):
    response = client_as(cast.admin).get(reverse("sales:aging-export"), {"as_of": "0001-01-01"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    earliest, latest = business_date_range()
    assert response.content.decode() == (
        f"Enter a date between {earliest.isoformat()} and {latest.isoformat()}."
    )


@pytest.mark.parametrize(
    "params",
    [
        {"date_after": "0001-01-01"},
        {"date_before": "9999-12-31"},
    ],
)
@pytest.mark.parametrize("url", ["/api/v1/orders/", "/api/v1/receivables/", "/api/v1/payments/"])
def test_list_date_filters_outside_the_range_are_a_400(cast, world, api_as, url, params):
    response = api_as(cast.admin).get(url, params)
    assert response.status_code == 400
    assert list(response.json()) == list(params)


def test_receivable_issue_filter_outside_the_range_is_a_400(cast, world, api_as):
    response = api_as(cast.admin).get("/api/v1/receivables/", {"issued_after": "0001-01-01"})
    assert response.status_code == 400
    assert "issued_after" in response.json()


# --- orders --------------------------------------------------------------------------------


@pytest.mark.parametrize("signed_on", ["0001-01-01", "1999-12-31"])
def test_order_signed_before_the_business_dates_is_refused(
    cast, api_as, nothing_written, signed_on
):
    customer = CustomerFactory(owner=cast.rep_a)
    with nothing_written():
        response = api_as(cast.rep_a).post(
            "/api/v1/orders/",
            {"customer": customer.pk, "amount": "100.00", "signed_on": signed_on},
            format="json",
        )
    assert response.status_code == 400
    assert response.json() == {"signed_on": [range_message("The signing date")]}


def test_order_form_with_an_absurd_signing_date_shows_the_error(cast, client_as):
    customer = CustomerFactory(owner=cast.rep_a)
    response = client_as(cast.rep_a).post(
        reverse("sales:order-create"),
        {"customer": customer.pk, "amount": "100.00", "signed_on": "0001-01-01"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["signed_on"] == [range_message("The signing date")]
    assert not Order.objects.exists()


def test_order_update_to_an_absurd_signing_date_changes_nothing(
    cast, order_a, api_as, nothing_written
):
    signed_on = order_a.signed_on
    with nothing_written():
        response = api_as(cast.rep_a).patch(
            f"/api/v1/orders/{order_a.pk}/", {"signed_on": "0001-01-01"}, format="json"
        )
    assert response.status_code == 400
    assert response.json()["signed_on"] == [range_message("The signing date")]
    order_a.refresh_from_db()
    assert order_a.signed_on == signed_on


# --- receivables, payments, deliveries -----------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "field", "label"),
    [
        ({"due_on": FAR_FUTURE}, "due_on", "The due date"),
        ({"issued_on": FAR_FUTURE}, "issued_on", "The issue date"),
        ({"credit_term_days": 3650}, "credit_term_days", "The due date"),
    ],
)
def test_receivable_dates_outside_the_range_are_refused(
    cast, order_a, api_as, nothing_written, payload, field, label
):
    body = {"order": order_a.pk, "amount": "10.00", "issued_on": days_ago(1).isoformat()}
    body.update(payload)
    with nothing_written():
        response = api_as(cast.rep_a).post("/api/v1/receivables/", body, format="json")
    assert response.status_code == 400
    assert response.json()[field] == [range_message(label)]


def test_a_credit_term_too_long_for_the_calendar_is_refused_not_a_crash(
    cast, order_a, nothing_written
):
    with nothing_written(), pytest.raises(ValidationError) as excinfo:
        services.receivable_create(
            actor=cast.rep_a,
            order=order_a,
            amount="10.00",
            issued_on=days_ago(1),
            credit_term_days=10**9,  # past 9999-12-31: an OverflowError before
        )
    assert excinfo.value.message_dict == {"credit_term_days": [range_message("The due date")]}


def test_payment_paid_before_the_business_dates_is_refused(
    cast, receivable_a, nothing_written, api_as
):
    with nothing_written():
        response = api_as(cast.rep_a).post(
            "/api/v1/payments/",
            {"receivable": receivable_a.pk, "amount": "1.00", "paid_on": "0001-01-01"},
            format="json",
        )
    assert response.status_code == 400
    assert response.json()["paid_on"] == [range_message("The payment date")]


def test_delivery_planned_too_far_ahead_is_refused(cast, order_a, api_as, nothing_written):
    with nothing_written():
        response = api_as(cast.rep_a).post(
            "/api/v1/deliveries/",
            {"order": order_a.pk, "planned_on": FAR_FUTURE, "description": "Install"},
            format="json",
        )
    assert response.status_code == 400
    assert response.json()["planned_on"] == [range_message("The planned date")]


def test_delivery_question_raised_on_an_absurd_day_is_refused(cast, order_a, nothing_written):
    delivery = Delivery.objects.create(order=order_a, planned_on=today(), description="x")
    with nothing_written(), pytest.raises(ValidationError) as excinfo:
        services.delivery_question_create(
            actor=cast.rep_a, delivery=delivery, question="Dock?", raised_on="0001-01-01"
        )
    assert excinfo.value.message_dict == {"raised_on": [range_message("The date raised")]}


def test_the_last_accepted_due_date_is_the_horizon(cast, order_a):
    _earliest, latest = business_date_range()
    receivable = services.receivable_create(
        actor=cast.rep_a, order=order_a, amount="10.00", issued_on=today(), due_on=latest
    )
    assert Receivable.objects.get(pk=receivable.pk).due_on == latest
    with pytest.raises(ValidationError):
        services.receivable_create(
            actor=cast.rep_a,
            order=order_a,
            amount="10.00",
            issued_on=today(),
            due_on=latest + datetime.timedelta(days=1),
        )


def test_order_list_page_with_an_absurd_filter_shows_the_error(cast, world, client_as):
    response = client_as(cast.admin).get(reverse("sales:order-list"), {"date_after": "0001-01-01"})
    assert response.status_code == 200
    earliest, latest = business_date_range()
    assert response.context["filterset"].form.errors["date_after"] == [
        f"Enter a date between {earliest.isoformat()} and {latest.isoformat()}."
    ]
