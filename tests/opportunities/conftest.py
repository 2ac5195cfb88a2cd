"""Shared setup of the pipeline's browser and API tests."""

from decimal import Decimal

import pytest

from tests.factories import OpportunityCreditFactory, OpportunityFactory

#: Which of the ``book`` opportunities each role sees in the list.
VISIBLE = [
    ("rep_a", {"a", "shared"}),
    ("rep_a2", {"a2"}),
    ("rep_b", {"b", "shared"}),
    # rep_a (team Alpha) holds a credit in rep_b's deal: Alpha's manager sees it too.
    ("manager_a", {"a", "a2", "shared"}),
    ("manager_b", {"b", "shared"}),
    ("hr", {"a", "a2", "b", "shared"}),
    ("admin", {"a", "a2", "b", "shared"}),
]


@pytest.fixture
def book(cast):
    """One opportunity per rep, plus rep_b's opportunity shared with rep_a by credit."""
    shared = OpportunityFactory(owner=cast.rep_b, name="Shared deal")
    OpportunityCreditFactory(opportunity=shared, rep=cast.rep_b, percent=Decimal("60"))
    OpportunityCreditFactory(opportunity=shared, rep=cast.rep_a, percent=Decimal("40"))
    return {
        "a": OpportunityFactory(owner=cast.rep_a, name="Alpha deal"),
        "a2": OpportunityFactory(owner=cast.rep_a2, name="Alpha two deal"),
        "b": OpportunityFactory(owner=cast.rep_b, name="Bravo deal"),
        "shared": shared,
    }
