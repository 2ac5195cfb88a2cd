"""The performance demo: schemes, targets near the demo sales, period settings, PDCA notes."""

import random

import pytest
from django.utils import timezone

from apps.accounts.models import User
from apps.core.choices import Role
from apps.performance import demo, periods
from apps.performance.models import PdcaNote, PeriodSetting, Target, WeightScheme
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def test_demo_builds_targets_for_every_rep_and_period(cast):
    OrderFactory(owner=cast.rep_a)
    context = {
        "reps": [cast.rep_a, cast.rep_a2, cast.rep_b],
        "teams": [cast.team_a, cast.team_b],
    }
    assert demo.build(random.Random(3), context) == []
    today = timezone.localdate()
    assert set(WeightScheme.objects.values_list("cycle", flat=True)) == {
        "monthly",
        "quarterly",
        "annual",
    }
    # 25 months + 9 quarters + 3 years per rep.
    assert Target.objects.count() == 3 * 37
    current_month = periods.period_containing("month", today).key
    target = Target.objects.get(rep=cast.rep_a, period_key=current_month)
    assert target.set_by == cast.manager_a
    assert target.sales_target > 0
    assert target.new_customer_sales_target + target.repeat_sales_target == target.sales_target
    assert PeriodSetting.objects.filter(period_kind="quarter").count() == 9
    assert {s.growth_target for s in PeriodSetting.objects.all()} == {15}
    assert PdcaNote.objects.exists()
    # Running it again adds nothing.
    demo.build(random.Random(3), context)
    assert Target.objects.count() == 3 * 37


def test_demo_without_reps_only_creates_the_schemes(db):
    assert demo.build(random.Random(1), {}) == []
    assert WeightScheme.objects.count() == 3
    assert not Target.objects.exists()
    assert not User.objects.filter(role=Role.REP).exists()
