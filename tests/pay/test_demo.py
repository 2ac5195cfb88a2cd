"""The pay demo: after load_demo, a closed run of the month before last and an open run of last
month, both with statements, and a correction of the closed month carried as an adjustment in
the open run; building again changes nothing."""

import io
import random

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from apps.pay import demo
from apps.pay.choices import PayRunStatus
from apps.pay.models import PayAdjustment, PayRun, PayStatement
from apps.performance import periods

pytestmark = pytest.mark.django_db

BUILDER = "apps.pay.demo.build"


def _builders() -> list[str]:
    builders = [path for path in settings.SALESPERF_DEMO_BUILDERS if path != BUILDER]
    after = builders.index("apps.promotions.demo.build") + 1
    return [*builders[:after], BUILDER, *builders[after:]]


def test_load_demo_builds_a_closed_and_an_open_run_with_an_adjustment(settings):
    settings.SALESPERF_DEMO_BUILDERS = _builders()
    out = io.StringIO()
    call_command("load_demo", stdout=out, seed=2026, language="en")
    last = periods.period_containing(periods.MONTH, timezone.localdate()).previous()
    closed = PayRun.objects.get(period_key=last.previous().key)
    current = PayRun.objects.get(period_key=last.key)
    assert closed.status == PayRunStatus.CLOSED and closed.closed_by.username == "hr"
    assert current.status == PayRunStatus.OPEN
    assert closed.statements.count() == current.statements.count() > 10
    assert closed.statements.filter(total__gt=0).count() == closed.statements.count()

    adjustment = PayAdjustment.objects.get()
    assert (adjustment.run, adjustment.corrected_run) == (current, closed)
    assert adjustment.amount != 0
    paid = PayStatement.objects.get(run=closed, person=adjustment.person)
    assert adjustment.paid_total == paid.computed_total
    assert adjustment.amount == adjustment.corrected_total - paid.computed_total
    carried = PayStatement.objects.get(run=current, person=adjustment.person)
    assert carried.adjustments == adjustment.amount
    assert carried.total == carried.computed_total + adjustment.amount
    assert f"adjustments in {current.period_key} of {adjustment.amount:.2f}." in out.getvalue()

    assert demo.build(random.Random(1), {"language": "en"}) == []
    assert PayRun.objects.count() == 2 and PayAdjustment.objects.count() == 1
