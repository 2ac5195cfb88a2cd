"""Fixtures the leads tests share."""

import pytest

from tests.factories import IndustryFactory, LeadFactory, NurtureTouchFactory


@pytest.fixture
def rubric_form() -> dict:
    """A valid rubric: 1-2-3 points for every question, A from 7 points, B from 6."""
    return {
        "size_small": 1,
        "size_medium": 2,
        "size_large": 3,
        "need_low": 1,
        "need_medium": 2,
        "need_high": 3,
        "chain_complex": 1,
        "chain_moderate": 2,
        "chain_simple": 3,
        "a_min_total": 7,
        "b_min_total": 6,
    }


@pytest.fixture
def make_nurtured_leads(cast):
    """``make(count)`` adds ``count`` of rep_a's C leads (one industry), each with a nurture
    touch: enough rows for a list's query count to grow if it were not prefetched."""
    industry = IndustryFactory()

    def make(count):
        for _ in range(count):
            lead = LeadFactory(owner=cast.rep_a, industry=industry, grade_c=True)
            NurtureTouchFactory(lead=lead)

    return make
