"""The demo builder and the recompute_scorecards command."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from apps.scorecards.demo import build, demo_periods
from apps.scorecards.models import RecomputeJob, Scorecard
from tests.factories import CustomerFactory, RepFactory
from tests.scorecards.helpers import order

pytestmark = pytest.mark.django_db


def test_demo_periods_are_25_months_9_quarters_and_3_years():
    keys = [p.key for p in demo_periods(datetime.date(2026, 11, 27))]
    assert keys[0] == "2024-11" and keys[24] == "2026-11"
    assert keys[25:34] == [
        "2024-Q4",
        "2025-Q1",
        "2025-Q2",
        "2025-Q3",
        "2025-Q4",
        "2026-Q1",
        "2026-Q2",
        "2026-Q3",
        "2026-Q4",
    ]
    assert keys[34:] == ["2024", "2025", "2026"]


def test_demo_build_computes_a_scorecard_per_rep_and_period():
    rep = RepFactory()
    lines = build(None, {})
    assert Scorecard.objects.filter(rep=rep).count() == 37
    assert "37 computed" in lines[0]


def test_command_recomputes_the_months_of_a_quarter_with_a_progress_bar():
    rep = RepFactory()
    order(rep, CustomerFactory(owner=rep), "100.00", "2026-11-05")
    out = StringIO()
    call_command("recompute_scorecards", "--period", "2026-Q4", "--kind", "month", stdout=out)
    assert set(Scorecard.objects.values_list("period_key", flat=True)) == {
        "2026-10",
        "2026-11",
        "2026-12",
    }
    assert Scorecard.objects.get(period_key="2026-11").sales == 100
    assert "[##############################] 100%" in out.getvalue()
    assert set(RecomputeJob.objects.values_list("status", flat=True)) == {"done"}


def test_command_refuses_a_bad_period():
    with pytest.raises(CommandError, match="not a period"):
        call_command("recompute_scorecards", "--period", "2026-13")
