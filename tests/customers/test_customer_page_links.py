"""The customer page links into the pipeline and orders: cross-sell and new order in one click."""

from django.urls import reverse

from tests.factories import CustomerFactory, OpportunityFactory


def test_customer_page_offers_cross_sell_and_links_opportunities(cast, client_as):
    customer = CustomerFactory(owner=cast.rep_a)
    opportunity = OpportunityFactory(customer=customer, owner=cast.rep_a)
    page = client_as(cast.rep_a).get(reverse("customers:customer-detail", args=[customer.pk]))
    html = page.content.decode()
    assert f"{reverse('opportunities:opportunity-create')}?customer={customer.pk}" in html
    assert f"{reverse('sales:order-create')}?customer={customer.pk}" in html
    assert reverse("opportunities:opportunity-detail", args=[opportunity.pk]) in html


def test_hr_sees_no_create_buttons_on_a_customer(cast, client_as):
    customer = CustomerFactory(owner=cast.rep_a)
    html = client_as(cast.hr).get(reverse("customers:customer-detail", args=[customer.pk]))
    assert f"{reverse('sales:order-create')}?customer=" not in html.content.decode()
