"""Open deals past their expected close date carry a "Past close date" badge (a class and the
words, not a colour alone) on the list and on their page; won, lost and future deals do not."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.opportunities import selectors
from apps.opportunities.choices import Stage
from apps.opportunities.filters import OpportunityFilter
from apps.opportunities.models import Opportunity
from tests.factories import ActivityFactory, OpportunityFactory

pytestmark = pytest.mark.django_db

LIST = reverse("opportunities:opportunity-list")
BADGE = '<span class="badge past-close">Past close date</span>'


def _days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def _detail(client, opportunity):
    return client.get(reverse("opportunities:opportunity-detail", args=[opportunity.pk]))


@pytest.fixture
def deals(cast):
    def deal(name, stage, close_in):
        return OpportunityFactory(
            owner=cast.rep_a,
            name=name,
            stage=stage,
            expected_close_on=None if close_in is None else _days(close_in),
        )

    return {
        "late": deal("Late discovery", Stage.NEEDS_DISCOVERY, -1),
        "late_negotiation": deal("Late negotiation", Stage.NEGOTIATION, -30),
        "today": deal("Closes today", Stage.SOLUTION_DESIGN, 0),
        "future": deal("Future deal", Stage.NEGOTIATION, 10),
        "undated": deal("Undated deal", Stage.NEEDS_DISCOVERY, None),
        "won": deal("Won deal", Stage.WON, -20),
        "delivered": deal("Delivered deal", Stage.DELIVERED, -20),
        "lost": deal("Lost deal", Stage.LOST, -20),
    }


PAST = {"late", "late_negotiation"}


def test_past_close_means_open_and_before_today(deals):
    flagged = set(Opportunity.objects.filter(selectors.past_close_q()).values_list("pk", flat=True))
    assert flagged == {deals[key].pk for key in PAST}
    for key, deal in deals.items():
        assert selectors.is_past_close(deal) is (key in PAST), key


def test_list_badges_only_open_deals_past_their_close_date(cast, client_as, deals):
    response = client_as(cast.rep_a).get(LIST)
    flagged = {o.pk for o in response.context["opportunities"] if o.is_past_close}
    assert flagged == {deals[key].pk for key in PAST}
    html = response.content.decode()
    assert html.count(BADGE) == len(PAST)
    assert html.count('<tr class="past-close">') == len(PAST)


@pytest.mark.parametrize(
    ("key", "badged"),
    [
        ("late", True),
        ("late_negotiation", True),
        ("today", False),
        ("future", False),
        ("undated", False),
        ("won", False),
        ("delivered", False),
        ("lost", False),
    ],
)
def test_detail_badges_only_an_open_deal_past_its_close_date(cast, client_as, deals, key, badged):
    html = _detail(client_as(cast.rep_a), deals[key]).content.decode()
    assert (BADGE in html) is badged


def test_detail_leads_with_stage_amount_probability_close_and_next_step(cast, client_as, deals):
    deal = deals["late_negotiation"]
    ActivityFactory(
        customer=deal.customer,
        opportunity=deal,
        next_step="Send the revised quote",
        next_step_on=_days(2),
    )
    html = _detail(client_as(cast.rep_a), deal).content.decode()
    summary = html.split('class="customer-summary deal-summary"')[1].split("</section>")[0]
    for text in (
        "Negotiation",
        "¥100,000.00",  # expected amount
        "¥60,000.00",  # weighted at 60%
        "60.0%",
        _days(-30).strftime("%Y"),
        "Past close date",
        "Send the revised quote",
    ):
        assert text in summary, text
    assert html.index("deal-summary") < html.index('class="facts"')


def test_detail_without_activities_says_nothing_is_planned(cast, client_as, deals):
    html = _detail(client_as(cast.rep_a), deals["future"]).content.decode()
    summary = html.split('class="customer-summary deal-summary"')[1].split("</section>")[0]
    assert "Nothing planned yet." in summary
    assert BADGE not in html


@pytest.mark.skipif(
    "past_close" not in OpportunityFilter.base_filters,
    reason="the past_close filter is not in apps/opportunities/filters.py yet (lead merges it)",
)
def test_list_filters_open_deals_past_their_close_date(cast, client_as, deals):
    client = client_as(cast.rep_a)
    late = client.get(LIST, {"past_close": "true"})
    assert {o.pk for o in late.context["opportunities"]} == {deals[key].pk for key in PAST}
    others = client.get(LIST, {"past_close": "false"})
    assert {o.pk for o in others.context["opportunities"]} == {
        d.pk for key, d in deals.items() if key not in PAST
    }
    assert 'href="?past_close=true"' in client.get(LIST).content.decode()
