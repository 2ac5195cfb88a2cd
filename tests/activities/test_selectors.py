"""Activity reads: scoping and the set-based helpers the reminders app uses."""

import datetime

import pytest
from django.utils import timezone

from apps.activities.models import Activity
from apps.activities.selectors import last_visit_on, visits_since
from apps.core.related import related_for
from tests.factories import ActivityFactory, CustomerFactory, LeadFactory, OpportunityFactory

pytestmark = pytest.mark.django_db


def _at(days_ago):
    return timezone.now() - datetime.timedelta(days=days_ago)


def test_visits_since_returns_customers_with_a_visit_on_or_after_the_date(
    cast, django_assert_num_queries
):
    visited = CustomerFactory(owner=cast.rep_a)
    called_only = CustomerFactory(owner=cast.rep_a)
    visited_long_ago = CustomerFactory(owner=cast.rep_a)
    ActivityFactory(customer=visited, kind="visit", occurred_at=_at(2))
    ActivityFactory(customer=called_only, kind="call", occurred_at=_at(1))
    ActivityFactory(customer=visited_long_ago, kind="visit", occurred_at=_at(30))
    since = timezone.localdate() - datetime.timedelta(days=2)
    ids = [visited.pk, called_only.pk, visited_long_ago.pk]
    with django_assert_num_queries(1):
        assert visits_since(customer_ids=ids, since=since) == {visited.pk}
    assert visits_since(customer_ids=[], since=since) == set()


def test_last_visit_on_gives_the_latest_visit_per_customer(cast, django_assert_num_queries):
    customer = CustomerFactory(owner=cast.rep_a)
    ActivityFactory(customer=customer, kind="visit", occurred_at=_at(10))
    latest = ActivityFactory(customer=customer, kind="visit", occurred_at=_at(3))
    ActivityFactory(customer=customer, kind="call", occurred_at=_at(1))
    with django_assert_num_queries(1):
        assert last_visit_on(customer_ids=[customer.pk]) == {customer.pk: latest.occurred_at}


def test_rep_sees_others_activities_on_their_own_records_but_edits_only_their_own(cast):
    customer = CustomerFactory(owner=cast.rep_a)
    by_manager = ActivityFactory(customer=customer, owner=cast.manager_a)
    lead_activity = ActivityFactory(
        customer=None, lead=LeadFactory(owner=cast.rep_a), owner=cast.manager_a
    )
    foreign = ActivityFactory(customer=CustomerFactory(owner=cast.rep_b))
    visible = set(Activity.objects.visible_to(cast.rep_a))
    assert visible == {by_manager, lead_activity}
    assert foreign not in visible
    assert not Activity.objects.editable_by(cast.rep_a).exists()
    assert set(Activity.objects.editable_by(cast.manager_a)) == {by_manager, lead_activity}


@pytest.mark.parametrize(
    ("role", "count"), [("rep_a", 1), ("manager_a", 2), ("hr", 3), ("admin", 3)]
)
def test_activity_scoping_per_role(cast, role, count):
    for rep in (cast.rep_a, cast.rep_a2, cast.rep_b):
        ActivityFactory(customer=CustomerFactory(owner=rep))
    assert Activity.objects.visible_to(getattr(cast, role)).count() == count


def test_the_opportunity_page_lists_the_opportunitys_activities_the_reader_sees(cast):
    opportunity = OpportunityFactory(owner=cast.rep_a)
    mine = ActivityFactory(customer=None, opportunity=opportunity, owner=cast.rep_a)
    ActivityFactory(customer=None, opportunity=OpportunityFactory(owner=cast.rep_a))
    assert list(related_for(opportunity, user=cast.rep_a)["activities"]) == [mine]
    assert list(related_for(opportunity, user=cast.rep_b)["activities"]) == []


def test_the_customer_page_lists_the_customers_activities_the_reader_sees(cast):
    customer = CustomerFactory(owner=cast.rep_a)
    visit = ActivityFactory(customer=customer)
    ActivityFactory(customer=CustomerFactory(owner=cast.rep_a))
    assert list(related_for(customer, user=cast.rep_a)["activities"]) == [visit]
    assert list(related_for(customer, user=cast.rep_b)["activities"]) == []
