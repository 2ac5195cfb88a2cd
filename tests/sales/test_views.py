"""Browser pages of the sales app: scoping for every role, write pages refused to HR and to
reps who only hold a credit, form refusals that show the message and save nothing, the aging
view and its CSV export."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.opportunities.choices import Stage
from apps.sales.models import Delivery, DeliveryQuestion, Order, OrderCredit, Payment, Receivable
from tests.factories import (
    CustomerFactory,
    DeliveryFactory,
    DeliveryQuestionFactory,
    OpportunityFactory,
    OrderFactory,
    PaymentFactory,
    ReceivableFactory,
)
from tests.sales.conftest import VISIBLE, days_ago, make_rows, today

pytestmark = pytest.mark.django_db

D = Decimal


LISTS = [
    ("sales:order-list", "orders", Order),
    ("sales:receivable-list", "receivables", Receivable),
    ("sales:payment-list", "payments", Payment),
]
DETAILS = [
    ("sales:order-detail", Order),
    ("sales:receivable-detail", Receivable),
]


@pytest.mark.parametrize(("url_name", "context_name", "model"), LISTS)
@pytest.mark.parametrize("role", list(VISIBLE))
def test_lists_are_scoped_for_every_role(
    cast, world, client_as, role, url_name, context_name, model
):
    response = client_as(getattr(cast, role)).get(reverse(url_name))
    assert response.status_code == 200
    shown = {row.pk for row in response.context[context_name]}
    assert shown == {world[owner][model].pk for owner in VISIBLE[role]}


@pytest.mark.parametrize(("url_name", "model"), DETAILS)
@pytest.mark.parametrize("role", list(VISIBLE))
def test_detail_pages_are_scoped_for_every_role(cast, world, client_as, role, url_name, model):
    client = client_as(getattr(cast, role))
    for owner, records in world.items():
        response = client.get(reverse(url_name, args=[records[model].pk]))
        assert response.status_code == (200 if owner in VISIBLE[role] else 404), (owner, role)


@pytest.mark.parametrize(
    "url_name",
    [
        "sales:order-list",
        "sales:receivable-list",
        "sales:payment-list",
        "sales:aging",
        "sales:aging-export",
        "sales:aging-export-xlsx",
        "sales:order-create",
    ],
)
def test_anonymous_is_sent_to_sign_in(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_rep_with_a_credit_sees_the_shared_order_but_cannot_change_it(cast, world, client_as):
    order = world["shared"][Order]
    client = client_as(cast.rep_a)
    page = client.get(reverse("sales:order-detail", args=[order.pk]))
    assert page.status_code == 200
    assert page.context["can_edit"] is False
    assert "receivable_form" not in page.context
    forbidden = [
        reverse("sales:order-update", args=[order.pk]),
        reverse("sales:order-credits", args=[order.pk]),
        f"{reverse('sales:delivery-create')}?order={order.pk}",
        f"{reverse('sales:receivable-create')}?order={order.pk}",
        f"{reverse('sales:payment-create')}?receivable={world['shared'][Receivable].pk}",
        reverse("sales:delivery-update", args=[world["shared"][Delivery].pk]),
        reverse("sales:delivery-question-create", args=[world["shared"][Delivery].pk]),
        reverse("sales:delivery-question-close", args=[world["shared"][DeliveryQuestion].pk]),
    ]
    for url in forbidden:
        assert client.get(url).status_code == 403, url


def test_hr_reads_but_every_write_page_is_403(cast, world, client_as):
    client = client_as(cast.hr)
    order = world["rep_a"][Order]
    assert client.get(reverse("sales:order-detail", args=[order.pk])).status_code == 200
    for url in [
        reverse("sales:order-create"),
        reverse("sales:order-update", args=[order.pk]),
        reverse("sales:order-credits", args=[order.pk]),
        f"{reverse('sales:delivery-create')}?order={order.pk}",
        reverse("sales:receivable-create"),
        reverse("sales:payment-create"),
        reverse("sales:delivery-update", args=[world["rep_a"][Delivery].pk]),
        reverse("sales:payment-reverse", args=[world["rep_a"][Payment].pk]),
    ]:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url


# --- orders --------------------------------------------------------------------------------


def test_rep_records_an_order_without_choosing_an_owner(cast, client_as):
    customer = CustomerFactory(owner=cast.rep_a)
    client = client_as(cast.rep_a)
    page = client.get(reverse("sales:order-create"))
    assert "owner" not in page.context["form"].fields
    assert list(page.context["form"].fields["customer"].queryset) == [customer]
    response = client.post(
        reverse("sales:order-create"),
        {"customer": customer.pk, "amount": "8800.00", "signed_on": days_ago(2).isoformat()},
    )
    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("sales:order-detail", args=[order.pk])
    assert (order.owner, order.amount) == (cast.rep_a, D("8800.00"))
    assert OrderCredit.objects.get(order=order).percent == D("100.00")


def test_manager_chooses_among_their_teams_members(cast, client_as):
    page = client_as(cast.manager_a).get(reverse("sales:order-create"))
    owners = set(page.context["form"].fields["owner"].queryset)
    assert owners == {cast.manager_a, cast.rep_a, cast.rep_a2}


def test_order_form_is_prefilled_from_customer_and_opportunity(cast, client_as):
    opportunity = OpportunityFactory(owner=cast.rep_a, stage=Stage.NEGOTIATION)
    client = client_as(cast.rep_a)
    url = reverse("sales:order-create")
    page = client.get(url, {"customer": opportunity.customer_id, "opportunity": opportunity.pk})
    initial = page.context["form"].initial
    assert initial["customer"] == opportunity.customer_id
    assert initial["opportunity"] == opportunity.pk
    assert initial["amount"] == opportunity.expected_amount
    other = OpportunityFactory(owner=cast.rep_b)
    page = client.get(url, {"opportunity": other.pk, "customer": other.customer_id})
    assert "opportunity" not in page.context["form"].initial
    assert "customer" not in page.context["form"].initial


def test_order_form_shows_the_services_refusal_and_saves_nothing(cast, client_as, nothing_written):
    customer = CustomerFactory(owner=cast.rep_a)
    with nothing_written():
        response = client_as(cast.rep_a).post(
            reverse("sales:order-create"),
            {
                "customer": customer.pk,
                "amount": "0",
                "signed_on": (today() + datetime.timedelta(days=3)).isoformat(),
            },
        )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "more than 0" in errors["amount"][0]
    assert "future" in errors["signed_on"][0]
    assert "cannot be in the future" in response.content.decode()


def test_order_update_below_receivables_shows_the_message(cast, world, client_as, nothing_written):
    order = world["rep_a"][Order]
    with nothing_written():
        response = client_as(cast.rep_a).post(
            reverse("sales:order-update", args=[order.pk]),
            {
                "number": order.number,
                "amount": "100.00",
                "signed_on": order.signed_on.isoformat(),
                "notes": "",
            },
        )
    assert response.status_code == 200
    assert "4,000.00" in response.context["form"].errors["amount"][0]


def test_credit_split_of_99_99_shows_the_message_and_keeps_the_old_split(
    cast, world, client_as, nothing_written
):
    order = world["rep_a"][Order]
    data = {
        "credits-TOTAL_FORMS": "2",
        "credits-INITIAL_FORMS": "0",
        "credits-0-rep": cast.rep_a.pk,
        "credits-0-percent": "59.99",
        "credits-1-rep": cast.rep_a2.pk,
        "credits-1-percent": "40.00",
    }
    url = reverse("sales:order-credits", args=[order.pk])
    with nothing_written():
        response = client_as(cast.rep_a).post(url, data)
    assert response.status_code == 200
    assert "exactly 100.00" in response.content.decode()
    data["credits-0-percent"] = "60.00"
    response = client_as(cast.rep_a).post(url, data)
    assert response.status_code == 302
    assert sorted(OrderCredit.objects.filter(order=order).values_list("percent", flat=True)) == [
        D("40.00"),
        D("60.00"),
    ]


# --- receivables, payments -----------------------------------------------------------------


def test_receivable_is_added_from_the_order_with_the_default_due_date(cast, world, client_as):
    order = world["rep_a"][Order]
    client = client_as(cast.rep_a)
    page = client.get(reverse("sales:order-detail", args=[order.pk]))
    assert "receivable_form" in page.context
    response = client.post(
        f"{reverse('sales:receivable-create')}?order={order.pk}",
        {
            "order": order.pk,
            "amount": "500.00",
            "issued_on": days_ago(5).isoformat(),
            "credit_term_days": "30",
        },
    )
    assert response.status_code == 302
    receivable = Receivable.objects.filter(order=order).latest("pk")
    assert receivable.due_on == days_ago(5) + datetime.timedelta(days=30)


def test_receivable_above_the_order_amount_shows_the_message_and_saves_nothing(
    cast, world, client_as, nothing_written
):
    order = world["rep_a"][Order]
    with nothing_written():
        response = client_as(cast.rep_a).post(
            f"{reverse('sales:receivable-create')}?order={order.pk}",
            {
                "order": order.pk,
                "amount": "6000.01",
                "issued_on": days_ago(5).isoformat(),
                "credit_term_days": "30",
            },
        )
    assert response.status_code == 200
    assert "at most 6,000.00 can still be invoiced" in response.content.decode()


def test_payment_above_the_open_amount_shows_the_message_and_saves_nothing(
    cast, world, client_as, nothing_written
):
    receivable = world["rep_a"][Receivable]
    PaymentFactory(receivable=receivable, amount=D("1800.00"))
    with nothing_written():
        response = client_as(cast.rep_a).post(
            f"{reverse('sales:payment-create')}?receivable={receivable.pk}",
            {"receivable": receivable.pk, "amount": "1200.01", "paid_on": today().isoformat()},
        )
    assert response.status_code == 200
    assert "Only 1,200.00 is still open on this receivable." in response.content.decode()


def test_payment_recorded_from_the_receivable_page_returns_to_it(cast, world, client_as):
    receivable = world["rep_a"][Receivable]
    client = client_as(cast.rep_a)
    page = client.get(reverse("sales:receivable-detail", args=[receivable.pk]))
    assert page.context["receivable"].open == D("3000.00")
    response = client.post(
        f"{reverse('sales:payment-create')}?receivable={receivable.pk}",
        {"receivable": receivable.pk, "amount": "3000.00", "paid_on": today().isoformat()},
    )
    assert response["Location"] == reverse("sales:receivable-detail", args=[receivable.pk])
    page = client.get(reverse("sales:receivable-detail", args=[receivable.pk]))
    assert page.context["receivable"].open == D("0.00")
    assert "payment_form" not in page.context


def test_payment_form_of_an_order_offers_only_its_open_receivables(cast, world, client_as):
    order = world["rep_a"][Order]
    page = client_as(cast.rep_a).get(reverse("sales:order-detail", args=[order.pk]))
    choices = set(page.context["payment_form"].fields["receivable"].queryset)
    assert choices == {world["rep_a"][Receivable]}


def test_receivable_list_filters_overdue(cast, world, client_as):
    order = world["rep_a"][Order]
    current = ReceivableFactory(
        order=order, amount=D("10.00"), issued_on=today(), due_on=today() + datetime.timedelta(30)
    )
    client = client_as(cast.rep_a)
    shown = {
        r.pk
        for r in client.get(reverse("sales:receivable-list"), {"state": "overdue"}).context[
            "receivables"
        ]
    }
    assert current.pk not in shown
    assert world["rep_a"][Receivable].pk in shown


def test_admin_reverses_a_payment_with_a_reason(cast, world, client_as):
    payment = world["rep_b"][Payment]
    url = reverse("sales:payment-reverse", args=[payment.pk])
    for user in (cast.manager_b, cast.rep_b):
        assert client_as(user).get(url).status_code == 403
    client = client_as(cast.admin)
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert Payment.objects.filter(pk=payment.pk).exists()
    response = client.post(url, {"reason": "Bank returned it"})
    assert response.status_code == 302
    assert not Payment.objects.filter(pk=payment.pk).exists()


# --- deliveries ----------------------------------------------------------------------------


def test_delivery_flow_in_the_browser(cast, world, client_as):
    order = world["rep_a"][Order]
    client = client_as(cast.rep_a)
    response = client.post(
        f"{reverse('sales:delivery-create')}?order={order.pk}",
        {"description": "Rollout", "planned_on": days_ago(3).isoformat(), "status": "planned"},
    )
    assert response.status_code == 302
    delivery = Delivery.objects.get(order=order, description="Rollout")
    response = client.post(
        reverse("sales:delivery-update", args=[delivery.pk]),
        {
            "description": "Rollout",
            "planned_on": days_ago(3).isoformat(),
            "status": "delivered",
            "delivered_on": "",
        },
    )
    assert response.status_code == 200
    assert "needs its actual date" in response.content.decode()
    response = client.post(
        reverse("sales:delivery-update", args=[delivery.pk]),
        {
            "description": "Rollout",
            "planned_on": days_ago(3).isoformat(),
            "status": "delivered",
            "delivered_on": days_ago(1).isoformat(),
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("sales:delivery-question-create", args=[delivery.pk]),
        {"question": "Spare parts?", "raised_on": days_ago(1).isoformat()},
    )
    assert response.status_code == 302
    question = DeliveryQuestion.objects.get(delivery=delivery)
    response = client.post(
        reverse("sales:delivery-question-close", args=[question.pk]),
        {"answer": "Shipped", "closed_on": today().isoformat()},
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert not question.is_open
    page = client.get(reverse("sales:order-detail", args=[order.pk]))
    assert "Spare parts?" in page.content.decode()


# --- aging ---------------------------------------------------------------------------------


def test_aging_page_shows_visible_customers_and_totals(cast, world, client_as):
    response = client_as(cast.rep_a).get(reverse("sales:aging"), {"as_of": today().isoformat()})
    assert response.status_code == 200
    aging = response.context["aging"]
    assert {row["customer_id"] for row in aging["rows"]} == {
        world["rep_a"][Order].customer_id,
        world["shared"][Order].customer_id,
    }
    assert aging["totals"]["total"] == D("3090.00")
    assert world["rep_b"][Order].customer.name not in response.content.decode()


def test_aging_csv_export_neutralises_formula_cells(cast, client_as):
    for index, name in enumerate(["=HYPERLINK(1)", "+cmd", "-2+3", "@SUM(A1)", "Plain Co."]):
        customer = CustomerFactory(owner=cast.rep_a, name=name)
        order = OrderFactory(owner=cast.rep_a, customer=customer)
        ReceivableFactory(order=order, amount=D(f"{index + 1}00.00"))
    response = client_as(cast.rep_a).get(reverse("sales:aging-export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "Customer"
    names = [row[0] for row in rows[1:-1]]
    assert sorted(names) == sorted(["'=HYPERLINK(1)", "'+cmd", "'-2+3", "'@SUM(A1)", "Plain Co."])
    assert rows[-1][0] == "Total"
    assert rows[-1][-1] == "1500.00"


def test_aging_export_keeps_the_filters(cast, world, client_as):
    response = client_as(cast.admin).get(reverse("sales:aging-export"), {"owner": cast.rep_b.pk})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert [row[0] for row in rows[1:-1]] == [world["rep_b"][Order].customer.name]


def test_aging_xlsx_export_is_scoped_and_formats_money_for_readers(cast, world, client_as):
    import openpyxl

    response = client_as(cast.admin).get(
        reverse("sales:aging-export-xlsx"), {"owner": cast.rep_b.pk}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["A3"].value == world["rep_b"][Order].customer.name
    assert sheet["A4"].value == "Total"
    assert isinstance(sheet["B4"].value, (int, float))
    assert sheet["B4"].number_format.startswith('"¥"#,##0.00')
    rep_view = client_as(cast.rep_a).get(reverse("sales:aging-export-xlsx"))
    names = [row[0].value for row in openpyxl.load_workbook(io.BytesIO(rep_view.content)).active]
    assert world["rep_b"][Order].customer.name not in names


def test_aging_xlsx_export_refuses_a_bad_day_with_the_reason(cast, client_as):
    response = client_as(cast.admin).get(reverse("sales:aging-export-xlsx"), {"as_of": "x"})
    assert response.status_code == 400
    assert response.content


# --- query counts --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url_name", ["sales:order-list", "sales:receivable-list", "sales:payment-list", "sales:aging"]
)
def test_browser_list_query_count_does_not_grow_with_rows(cast, client_as, url_name):
    client = client_as(cast.manager_a)
    make_rows(cast, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(url_name)).status_code == 200
    make_rows(cast, 6)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse(url_name)).status_code == 200
    assert len(few) == len(many)


def test_order_detail_query_count_does_not_grow_with_receivables(cast, client_as):
    order = OrderFactory(owner=cast.rep_a, amount=D("100000.00"))
    client = client_as(cast.rep_a)
    url = reverse("sales:order-detail", args=[order.pk])

    def add(n):
        for _ in range(n):
            receivable = ReceivableFactory(order=order, amount=D("10.00"))
            PaymentFactory(receivable=receivable, amount=D("1.00"))
            DeliveryQuestionFactory(delivery=DeliveryFactory(order=order))

    add(1)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add(4)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(few) == len(many)
