"""Lost updates under real concurrency: two writers with the same expected version at the same
moment, exactly one wins; the other is refused (it waited on the row lock, then saw the new
version).

Runs on PostgreSQL only (SQLite serialises writers on the whole database, so there is no race
to test there); CI points DATABASE_URL to PostgreSQL."""

from decimal import Decimal

import pytest
from django.db import connection

from apps.core.versions import StaleVersionError
from apps.leads import services as lead_services
from apps.leads.models import Lead
from apps.performance import services as performance_services
from apps.performance.models import Target
from tests.factories import LeadFactory, TargetFactory
from tests.sales.test_concurrency import race

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (SQLite skipped)"
    ),
]


def test_two_concurrent_lead_saves_with_the_same_version_exactly_one_succeeds(cast):
    lead = LeadFactory(owner=cast.rep_a, notes="original")

    def save(actor, notes):
        return lambda: lead_services.lead_update(
            actor=actor, lead=lead, notes=notes, expected_version=1
        )

    results = race([save(cast.rep_a, "rep's"), save(cast.manager_a, "manager's")])
    winners = [r for r in results if isinstance(r, Lead)]
    refusals = [r for r in results if isinstance(r, StaleVersionError)]
    assert (len(winners), len(refusals)) == (1, 1), results
    lead.refresh_from_db()
    assert lead.version == 2
    assert lead.notes == winners[0].notes
    assert refusals[0].current_values["notes"] == winners[0].notes


def test_two_concurrent_target_saves_with_the_same_version_exactly_one_succeeds(cast):
    target = TargetFactory(rep=cast.rep_a, period_key="2026-Q4", sales_target=Decimal("100"))

    def save(actor, amount):
        return lambda: performance_services.target_set(
            actor=actor,
            rep=cast.rep_a,
            period_key="2026-Q4",
            sales_target=amount,
            expected_version=1,
        )

    results = race([save(cast.manager_a, "200"), save(cast.hr, "300")])
    winners = [r for r in results if isinstance(r, Target)]
    refusals = [r for r in results if isinstance(r, StaleVersionError)]
    assert (len(winners), len(refusals)) == (1, 1), results
    target.refresh_from_db()
    assert (target.version, target.sales_target) == (2, winners[0].sales_target)
