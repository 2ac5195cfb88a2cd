"""Demo surveys: the finished quarter nearly all answered, the running one partly, with the
customers' health following the answers, in both languages."""

import random
import time

import pytest
from django.utils import timezone

from apps.accounts import demo as accounts_demo
from apps.core.quarters import previous_quarter, quarter_of
from apps.customers import demo as customers_demo
from apps.customers.models import HealthReport
from apps.surveys import demo as surveys_demo
from apps.surveys.models import Survey

pytestmark = pytest.mark.django_db


def _key(year, quarter):
    return f"{year:04d}-Q{quarter}"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_demo_draws_and_answers_surveys_quickly(language):
    rng = random.Random(3)
    context: dict = {"language": language}
    accounts_demo.build(rng, context)
    customers_demo.build(rng, context)
    started = time.monotonic()
    lines = surveys_demo.build(rng, context)
    assert time.monotonic() - started < 20
    current = quarter_of(timezone.localdate())
    finished = Survey.objects.filter(period_key=_key(*previous_quarter(*current)))
    running = Survey.objects.filter(period_key=_key(*current))
    assert finished.exists() and running.exists()
    assert finished.filter(status="answered").count() >= 0.7 * finished.count()
    assert running.filter(status="answered").exists()
    assert running.filter(status="pending", token_hash__isnull=False).exists()
    assert {"link", "phone"} <= set(finished.values_list("channel", flat=True))
    assert all(s.answered_at <= timezone.now() for s in finished.filter(status="answered"))
    assert {s.language for s in finished} == {language}
    # The finished quarter's health reports carry their survey's score.
    for survey in finished.filter(status="answered"):
        report = HealthReport.objects.filter(
            customer=survey.customer,
            year=previous_quarter(*current)[0],
            quarter=previous_quarter(*current)[1],
        ).first()
        if report is not None:
            assert report.satisfaction == survey.score
    assert lines and "/surveys/answer/" in lines[0]
