"""The sales REST API: scoping for every role, refusals (400 with the field and nothing saved),
filters, the aging endpoint and list query counts that do not grow with rows."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.opportunities.choices import Stage
from apps.sales.models import Delivery, DeliveryQuestion, Order, OrderCredit, Payment, Receivable
from tests.factories import (
    CustomerFactory,
    OpportunityFactory,
    OrderFactory,
    PaymentFactory,
    ReceivableFactory,
)
from tests.sales.conftest import VISIBLE, days_ago, make_rows, today

pytestmark = pytest.mark.django_db

D = Decimal


def ids(response) -> set:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


ENDPOINTS = {
    Order: "/api/v1/orders/",
    Receivable: "/api/v1/receivables/",
    Payment: "/api/v1/payments/",
    Delivery: "/api/v1/deliveries/",
    DeliveryQuestion: "/api/v1/delivery-questions/",
}


@pytest.mark.parametrize("model", list(ENDPOINTS), ids=lambda m: m.__name__)
@pytest.mark.parametrize("role", list(VISIBLE))
def test_every_list_and_detail_is_scoped_for_every_role(cast, world, api_as, model, role):
    client = api_as(getattr(cast, role))
    url = ENDPOINTS[model]
    expected = {world[owner][model].pk for owner in VISIBLE[role]}
    assert ids(client.get(url)) == expected
    for owner, records in world.items():
        response = client.get(f"{url}{records[model].pk}/")
        assert response.status_code == (200 if owner in VISIBLE[role] else 404)


@pytest.mark.parametrize("url", [*ENDPOINTS.values(), "/api/v1/aging/"])
def test_anonymous_is_refused_everywhere(api_client, url):
    assert api_client.get(url).status_code in (401, 403)


def test_order_representation_has_money_as_strings_dates_iso_and_credits(cast, world, api_as):
    order = world["shared"][Order]
    data = api_as(cast.rep_a).get(f"/api/v1/orders/{order.pk}/").json()
    assert data["amount"] == "10000.00"
    assert data["signed_on"] == order.signed_on.isoformat()
    assert data["receivable_total"] == "100.00"
    assert data["paid_total"] == "10.00"
    assert sorted(data["credits"], key=lambda c: c["rep"]) == sorted(
        [{"rep": cast.rep_a2.pk, "percent": "60.00"}, {"rep": cast.rep_a.pk, "percent": "40.00"}],
        key=lambda c: c["rep"],
    )
    assert set(data) == {
        "id",
        "number",
        "customer",
        "owner",
        "opportunity",
        "amount",
        "signed_on",
        "credits",
        "notes",
        "receivable_total",
        "paid_total",
        "created_at",
        "version",  # issue #9: the version besides the ETag
    }


def test_receivable_representation_has_paid_open_and_overdue(cast, world, api_as):
    receivable = world["rep_a"][Receivable]
    data = api_as(cast.rep_a).get(f"/api/v1/receivables/{receivable.pk}/").json()
    assert data["paid_amount"] == "1000.00"
    assert data["open_amount"] == "3000.00"
    assert data["is_overdue"] is True  # signed 60 days ago, due 30 days ago
    assert data["due_on"] == receivable.due_on.isoformat()


# --- orders --------------------------------------------------------------------------------


def test_rep_creates_an_order_owned_by_themselves_with_default_credit(cast, api_as):
    customer = CustomerFactory(owner=cast.rep_a)
    response = api_as(cast.rep_a).post(
        "/api/v1/orders/",
        {
            "customer": customer.pk,
            "owner": cast.rep_a.pk,
            "amount": "25000.00",
            "signed_on": days_ago(1).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["owner"] == cast.rep_a.pk
    assert data["number"].startswith(f"SO-{days_ago(1).year}-")
    assert data["credits"] == [{"rep": cast.rep_a.pk, "percent": "100.00"}]
    assert OrderCredit.objects.filter(order_id=data["id"]).count() == 1


def test_order_with_credits_totalling_99_99_is_refused_and_nothing_saved(
    cast, api_as, nothing_written
):
    customer = CustomerFactory(owner=cast.rep_a)
    with nothing_written():
        response = api_as(cast.rep_a).post(
            "/api/v1/orders/",
            {
                "customer": customer.pk,
                "amount": "25000.00",
                "signed_on": days_ago(1).isoformat(),
                "credits": [
                    {"rep": cast.rep_a.pk, "percent": "59.99"},
                    {"rep": cast.rep_a2.pk, "percent": "40.00"},
                ],
            },
            format="json",
        )
    assert response.status_code == 400
    assert "exactly 100.00" in " ".join(response.json()["credits"])


def test_order_with_a_shared_credit_of_100_is_accepted(cast, api_as):
    customer = CustomerFactory(owner=cast.rep_a)
    response = api_as(cast.rep_a).post(
        "/api/v1/orders/",
        {
            "customer": customer.pk,
            "amount": "25000.00",
            "signed_on": days_ago(1).isoformat(),
            "credits": [
                {"rep": cast.rep_a.pk, "percent": "60.00"},
                {"rep": cast.rep_a2.pk, "percent": "40.00"},
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert len(response.json()["credits"]) == 2


@pytest.mark.parametrize(
    ("payload", "field", "expected"),
    [
        ({"amount": "0"}, "amount", "more than 0"),
        ({"amount": "-3.00"}, "amount", "more than 0"),
        ({"signed_on": "2999-01-01"}, "signed_on", "future"),
    ],
)
def test_bad_orders_are_refused_with_the_field_and_nothing_saved(
    cast, api_as, nothing_written, payload, field, expected
):
    customer = CustomerFactory(owner=cast.rep_a)
    body = {"customer": customer.pk, "amount": "100.00", "signed_on": days_ago(1).isoformat()}
    body.update(payload)
    with nothing_written():
        response = api_as(cast.rep_a).post("/api/v1/orders/", body, format="json")
    assert response.status_code == 400
    assert expected in " ".join(response.json()[field])


def test_order_for_an_invisible_customer_is_a_400_that_does_not_leak(cast, api_as, nothing_written):
    other = CustomerFactory(owner=cast.rep_b)
    with nothing_written():
        response = api_as(cast.rep_a).post(
            "/api/v1/orders/",
            {"customer": other.pk, "amount": "1.00", "signed_on": days_ago(1).isoformat()},
            format="json",
        )
    assert response.status_code == 400
    assert "customer" in response.json()


def test_order_on_an_open_opportunity_moves_it_to_won_through_the_api(cast, api_as):
    opportunity = OpportunityFactory(owner=cast.rep_a, stage=Stage.NEGOTIATION)
    response = api_as(cast.rep_a).post(
        "/api/v1/orders/",
        {
            "customer": opportunity.customer_id,
            "opportunity": opportunity.pk,
            "amount": "99000.00",
            "signed_on": today().isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.WON


def test_hr_gets_403_on_every_write(cast, world, api_as, nothing_written):
    client = api_as(cast.hr)
    order = world["rep_a"][Order]
    with nothing_written():
        assert client.post("/api/v1/orders/", {}, format="json").status_code == 403
        assert (
            client.patch(f"/api/v1/orders/{order.pk}/", {"notes": "x"}, format="json").status_code
            == 403
        )
        assert client.post("/api/v1/receivables/", {}, format="json").status_code == 403
        assert client.post("/api/v1/payments/", {}, format="json").status_code == 403
        assert client.post("/api/v1/deliveries/", {}, format="json").status_code == 403


def test_patch_changes_amount_and_credits(cast, world, api_as):
    order = world["rep_a"][Order]
    response = api_as(cast.manager_a).patch(
        f"/api/v1/orders/{order.pk}/",
        {
            "amount": "12000.00",
            "credits": [
                {"rep": cast.rep_a.pk, "percent": "50"},
                {"rep": cast.rep_a2.pk, "percent": "50"},
            ],
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["amount"] == "12000.00"
    assert len(response.json()["credits"]) == 2


def test_patch_with_a_bad_credit_split_changes_nothing_else(cast, world, api_as, nothing_written):
    order = world["rep_a"][Order]
    with nothing_written():
        response = api_as(cast.rep_a).patch(
            f"/api/v1/orders/{order.pk}/",
            {"amount": "12000.00", "credits": [{"rep": cast.rep_a.pk, "percent": "99.99"}]},
            format="json",
        )
    assert response.status_code == 400
    assert "credits" in response.json()
    order.refresh_from_db()
    assert order.amount == D("10000.00")


def test_patch_below_the_receivables_is_refused(cast, world, api_as, nothing_written):
    order = world["rep_a"][Order]
    with nothing_written():
        response = api_as(cast.rep_a).patch(
            f"/api/v1/orders/{order.pk}/", {"amount": "3999.99"}, format="json"
        )
    assert response.status_code == 400
    assert "4,000.00" in response.json()["amount"][0]


def test_rep_with_a_credit_sees_a_shared_order_but_may_not_change_it(cast, world, api_as):
    order = world["shared"][Order]
    client = api_as(cast.rep_a)
    assert client.get(f"/api/v1/orders/{order.pk}/").status_code == 200
    response = client.patch(f"/api/v1/orders/{order.pk}/", {"notes": "x"}, format="json")
    assert response.status_code == 403


# --- receivables and payments --------------------------------------------------------------


def test_receivable_gets_the_default_due_date(cast, world, api_as):
    order = world["rep_a"][Order]
    response = api_as(cast.rep_a).post(
        "/api/v1/receivables/",
        {"order": order.pk, "amount": "500.00", "issued_on": days_ago(10).isoformat()},
        format="json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["credit_term_days"], data["due_on"]) == (
        30,
        (days_ago(10) + datetime.timedelta(days=30)).isoformat(),
    )
    assert (data["paid_amount"], data["open_amount"], data["is_overdue"]) == (
        "0.00",
        "500.00",
        False,
    )


def test_receivables_above_the_order_amount_are_refused_and_nothing_saved(
    cast, world, api_as, nothing_written
):
    order = world["rep_a"][Order]  # 10,000 with 4,000 invoiced
    with nothing_written():
        response = api_as(cast.rep_a).post(
            "/api/v1/receivables/",
            {"order": order.pk, "amount": "6000.01", "issued_on": days_ago(10).isoformat()},
            format="json",
        )
    assert response.status_code == 400
    assert "at most 6,000.00 can still be invoiced" in response.json()["amount"][0]


@pytest.mark.parametrize(
    ("payload", "field", "expected"),
    [
        ({"amount": "0"}, "amount", "more than 0"),
        ({"issued_on": "issued_before_signing"}, "issued_on", "before the order was signed"),
        ({"due_on": "before_issue"}, "due_on", "before the issue date"),
    ],
)
def test_bad_receivables_are_refused_with_the_field_and_nothing_saved(
    cast, world, api_as, nothing_written, payload, field, expected
):
    order = world["rep_a"][Order]
    body = {"order": order.pk, "amount": "10.00", "issued_on": days_ago(10).isoformat()}
    body.update(payload)
    if body["issued_on"] == "issued_before_signing":
        body["issued_on"] = (order.signed_on - datetime.timedelta(days=1)).isoformat()
    if body.get("due_on") == "before_issue":
        body["due_on"] = days_ago(11).isoformat()
    with nothing_written():
        response = api_as(cast.rep_a).post("/api/v1/receivables/", body, format="json")
    assert response.status_code == 400
    assert expected in " ".join(response.json()[field])


def test_payment_above_the_open_amount_is_refused_with_the_amount_left(
    cast, world, api_as, nothing_written
):
    receivable = world["rep_a"][Receivable]  # 4,000 with 1,000 paid
    PaymentFactory(receivable=receivable, amount=D("1800.00"))
    with nothing_written():
        response = api_as(cast.rep_a).post(
            "/api/v1/payments/",
            {"receivable": receivable.pk, "amount": "1200.01", "paid_on": today().isoformat()},
            format="json",
        )
    assert response.status_code == 400
    assert response.json()["amount"] == ["Only 1,200.00 is still open on this receivable."]


@pytest.mark.parametrize(
    ("amount", "paid_on", "field", "expected"),
    [
        ("0.00", "yesterday", "amount", "more than 0"),
        ("-5.00", "yesterday", "amount", "more than 0"),
        ("5.00", "tomorrow", "paid_on", "future"),
        ("5.00", "before_issue", "paid_on", "before the receivable was issued"),
    ],
)
def test_bad_payments_are_refused_with_the_field_and_nothing_saved(
    cast, world, api_as, nothing_written, amount, paid_on, field, expected
):
    receivable = world["rep_a"][Receivable]
    dates = {
        "yesterday": days_ago(1),
        "tomorrow": today() + datetime.timedelta(days=1),
        "before_issue": receivable.issued_on - datetime.timedelta(days=1),
    }
    with nothing_written():
        response = api_as(cast.rep_a).post(
            "/api/v1/payments/",
            {"receivable": receivable.pk, "amount": amount, "paid_on": dates[paid_on].isoformat()},
            format="json",
        )
    assert response.status_code == 400
    assert expected in " ".join(response.json()[field])


def test_payment_is_recorded_with_its_recorder(cast, world, api_as):
    receivable = world["rep_a"][Receivable]
    response = api_as(cast.rep_a).post(
        "/api/v1/payments/",
        {
            "receivable": receivable.pk,
            "amount": "3000.00",
            "paid_on": today().isoformat(),
            "reference": "BANK-77",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["recorded_by"] == cast.rep_a.pk
    assert response.json()["amount"] == "3000.00"


def test_payment_on_another_teams_receivable_is_not_found(cast, world, api_as, nothing_written):
    receivable = world["rep_b"][Receivable]
    with nothing_written():
        response = api_as(cast.rep_a).post(
            "/api/v1/payments/",
            {"receivable": receivable.pk, "amount": "1.00", "paid_on": today().isoformat()},
            format="json",
        )
    assert response.status_code == 400
    assert "receivable" in response.json()


def test_only_admin_reverses_a_payment(cast, world, api_as):
    payment = world["rep_a"][Payment]
    url = f"/api/v1/payments/{payment.pk}/reverse/"
    for user in (cast.rep_a, cast.manager_a, cast.hr):
        assert api_as(user).post(url, {"reason": "x"}, format="json").status_code == 403
    assert api_as(cast.admin).post(url, {}, format="json").status_code == 400
    assert api_as(cast.admin).post(url, {"reason": "Duplicate"}, format="json").status_code == 204
    assert not Payment.objects.filter(pk=payment.pk).exists()


def test_payment_methods_other_than_read_and_create_are_not_allowed(cast, world, api_as):
    payment = world["rep_a"][Payment]
    client = api_as(cast.admin)
    assert client.delete(f"/api/v1/payments/{payment.pk}/").status_code == 405
    assert client.patch(f"/api/v1/payments/{payment.pk}/", {}, format="json").status_code == 405


# --- deliveries ----------------------------------------------------------------------------


def test_delivery_is_created_marked_delivered_and_questions_closed(cast, world, api_as):
    order = world["rep_a"][Order]
    client = api_as(cast.rep_a)
    response = client.post(
        "/api/v1/deliveries/",
        {"order": order.pk, "planned_on": days_ago(5).isoformat(), "description": "Install"},
        format="json",
    )
    assert response.status_code == 201, response.content
    delivery_id = response.json()["id"]
    response = client.patch(
        f"/api/v1/deliveries/{delivery_id}/",
        {"status": "delivered", "delivered_on": days_ago(2).isoformat()},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["delivered_on"] == days_ago(2).isoformat()
    response = client.post(
        "/api/v1/delivery-questions/",
        {"delivery": delivery_id, "question": "Which dock?", "raised_on": days_ago(2).isoformat()},
        format="json",
    )
    assert response.status_code == 201, response.content
    question_id = response.json()["id"]
    response = client.post(
        f"/api/v1/delivery-questions/{question_id}/close/", {"answer": "Dock 3"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["is_open"] is False


def test_delivered_without_a_date_is_refused(cast, world, api_as, nothing_written):
    order = world["rep_a"][Order]
    with nothing_written():
        response = api_as(cast.rep_a).post(
            "/api/v1/deliveries/",
            {"order": order.pk, "planned_on": days_ago(5).isoformat(), "status": "delivered"},
            format="json",
        )
    assert response.status_code == 400
    assert "actual date" in response.json()["delivered_on"][0]


# --- filters -------------------------------------------------------------------------------


def test_lists_filter_by_owner_team_and_dates(cast, world, api_as):
    client = api_as(cast.admin)
    rep_a_order = world["rep_a"][Order]
    assert ids(client.get("/api/v1/orders/", {"owner": cast.rep_a.pk})) == {rep_a_order.pk}
    assert ids(client.get("/api/v1/orders/", {"team": cast.team_b.pk})) == {
        world["rep_b"][Order].pk
    }
    old = OrderFactory(owner=cast.rep_b, signed_on=datetime.date(2025, 3, 1))
    assert ids(
        client.get("/api/v1/orders/", {"date_after": "2025-01-01", "date_before": "2025-12-31"})
    ) == {old.pk}

    assert ids(client.get("/api/v1/receivables/", {"owner": cast.rep_b.pk})) == {
        world["rep_b"][Receivable].pk
    }
    late = ReceivableFactory(
        order=old,
        amount=D("1"),
        issued_on=datetime.date(2025, 3, 2),
        due_on=datetime.date(2025, 4, 1),
    )
    assert ids(client.get("/api/v1/receivables/", {"date_before": "2025-12-31"})) == {late.pk}
    assert ids(
        client.get(
            "/api/v1/receivables/", {"issued_after": "2025-03-01", "issued_before": "2025-03-31"}
        )
    ) == {late.pk}
    open_ids = ids(client.get("/api/v1/receivables/", {"state": "overdue"}))
    assert late.pk in open_ids
    late_payment = PaymentFactory(receivable=late, amount=D("1"), paid_on=datetime.date(2025, 3, 5))
    assert late.pk in ids(client.get("/api/v1/receivables/", {"state": "paid"}))
    assert late.pk not in ids(client.get("/api/v1/receivables/", {"state": "open"}))

    assert ids(client.get("/api/v1/payments/", {"team": cast.team_b.pk})) == {
        world["rep_b"][Payment].pk,
        late_payment.pk,
    }
    assert ids(client.get("/api/v1/payments/", {"team": cast.team_a.pk})) == {
        world[name][Payment].pk for name in ("rep_a", "rep_a2", "shared")
    }
    assert ids(client.get("/api/v1/payments/", {"date_before": "2025-12-31"})) == {late_payment.pk}


def test_manager_cannot_filter_their_way_into_another_team(cast, world, api_as):
    response = api_as(cast.manager_a).get("/api/v1/orders/", {"team": cast.team_b.pk})
    assert response.status_code == 400  # not a team they can choose


# --- aging ---------------------------------------------------------------------------------


def test_aging_endpoint_returns_buckets_rows_and_totals_for_the_day(cast, world, api_as):
    response = api_as(cast.rep_a).get("/api/v1/aging/", {"as_of": today().isoformat()})
    assert response.status_code == 200
    data = response.json()
    assert data["as_of"] == today().isoformat()
    assert data["buckets"] == ["current", "1_30", "31_60", "61_90", "91_plus"]
    # rep_a: own receivable (3,000 open, 30 days past due) and the shared one (90 open).
    assert {row["customer"] for row in data["rows"]} == {
        world["rep_a"][Order].customer_id,
        world["shared"][Order].customer_id,
    }
    assert data["totals"]["1_30"] == "3090.00"
    assert data["totals"]["total"] == "3090.00"


def test_aging_endpoint_filters_and_rejects_a_bad_day(cast, world, api_as):
    client = api_as(cast.admin)
    data = client.get("/api/v1/aging/", {"owner": cast.rep_b.pk}).json()
    assert [row["customer"] for row in data["rows"]] == [world["rep_b"][Order].customer_id]
    data = client.get("/api/v1/aging/", {"team": cast.team_a.pk}).json()
    assert len(data["rows"]) == 3
    customer = world["rep_a2"][Order].customer_id
    data = client.get("/api/v1/aging/", {"customer": customer}).json()
    assert [row["customer"] for row in data["rows"]] == [customer]
    assert client.get("/api/v1/aging/", {"as_of": "not-a-date"}).status_code == 400


# --- query counts --------------------------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", [*ENDPOINTS.values(), "/api/v1/aging/"])
def test_list_query_count_does_not_grow_with_rows(cast, api_as, url):
    client = api_as(cast.manager_a)
    make_rows(cast, 2, deliveries=True)
    few = count_queries(client, url)
    make_rows(cast, 6, deliveries=True)
    many = count_queries(client, url)
    assert few == many
