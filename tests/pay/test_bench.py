"""``manage.py bench_pay`` at a small size: the JSON line has every figure, one statement per
generated rep, and the generated rows are dropped afterwards."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from apps.accounts.models import User
from apps.pay.models import PayRun, PayStatement
from apps.reviews.models import Review
from apps.scorecards.models import Scorecard

KEYS = {
    "reps",
    "run_s",
    "bare_sql_s",
    "ratio",
    "queries",
    "statements",
    "peak_rss_mb",
    "xlsx_s",
    "copy_s",
    "xlsx_ratio",
    "xlsx_rows",
}


# Not inside a test transaction: the command migrates and commits like a real run.
@pytest.mark.django_db(transaction=True)
def test_bench_pays_every_generated_rep_and_drops_them_afterwards():
    out = StringIO()
    call_command("bench_pay", reps=20, repeat=1, period="2026-10", stdout=out)
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert set(result) >= KEYS
    assert result["reps"] == 20
    assert result["statements"] == result["xlsx_rows"] == 20
    assert result["status"] == "open" and result["chunks"] == 1
    assert result["run_s"] > 0 and result["bare_sql_s"] >= 0 and result["queries"] > 0
    assert not User.objects.filter(username__startswith="bench_pay_").exists()
    assert not (
        PayRun.objects.exists()
        or PayStatement.objects.exists()
        or Scorecard.objects.exists()
        or Review.objects.exists()
    )


@pytest.mark.django_db(transaction=True)
def test_the_query_count_does_not_depend_on_the_number_of_people():
    def queries(reps):
        out = StringIO()
        call_command("bench_pay", reps=reps, repeat=1, period="2026-10", stdout=out)
        return json.loads(out.getvalue().strip().splitlines()[-1])["queries"]

    assert queries(5) == queries(40)
