"""``apps.core.bulk.upsert_unnest``: PostgreSQL's one-statement upsert from array literals (the
scorecard jobs use it; its scorecard cases are in tests/scorecards/test_upsert.py). Here every
kind of value through a model with text, JSON, exact decimals, booleans, NULLs and datetimes: a
pay statement."""

from decimal import Decimal as D

import pytest
from django.db import connection
from django.utils import timezone

from apps.core.bulk import array_literal, upsert_unnest
from apps.pay.models import PayStatement
from tests.concurrency import require_postgres
from tests.pay.conftest import OCTOBER, cycles, inputs, open_and_compute  # noqa: F401 — fixtures

pytestmark = pytest.mark.services

UNIQUE = ["run", "person"]


def _fields():
    meta = PayStatement._meta
    return [f for f in meta.concrete_fields if f is not meta.pk]


def test_array_literals_quote_and_escape_every_element():
    assert array_literal([D("1.50"), None, "2026-Q3"]) == '{"1.50",NULL,"2026-Q3"}'
    assert array_literal(['a"b\\c,{', ""]) == '{"a\\"b\\\\c,{",""}'
    assert array_literal([True, False]) == "{t,f}"


@pytest.mark.django_db
def test_the_upsert_writes_values_exactly_and_rewrites_on_the_key(inputs):  # noqa: F811
    require_postgres()
    run = open_and_compute(inputs.hr, OCTOBER)
    statement = run.statements.get(person=inputs.rep_a)
    now = timezone.now()
    row = {f.attname: getattr(statement, f.attname) for f in _fields()}
    row.update(
        qualitative_period='a"b\\c,{',
        satisfaction_period="",
        base_pay=D("0.0000000001"),
        quantitative_score=None,
        missing=["quantitative", 'x"y'],
        satisfaction_met=False,
        computed_at=now,
    )
    upsert_unnest(connection, PayStatement, _fields(), UNIQUE, [row])
    statement.refresh_from_db()
    assert statement.qualitative_period == 'a"b\\c,{'
    assert statement.satisfaction_period == ""
    assert statement.base_pay == D("0.0000000001")
    assert statement.quantitative_score is None
    assert statement.missing == ["quantitative", 'x"y']
    assert statement.satisfaction_met is False
    assert statement.computed_at == now
    # Rewritten in place: the same id, no new row.
    assert run.statements.count() == 5
    assert run.statements.get(person=inputs.rep_a).pk == statement.pk


@pytest.mark.django_db
def test_a_too_long_text_is_refused_not_cut(inputs):  # noqa: F811
    """The arrays are typed with the columns' base types, so the INSERT checks each value as a
    VALUES insert would: a quarter key longer than its column is an error."""
    from django.db import DataError, transaction

    require_postgres()
    run = open_and_compute(inputs.hr, OCTOBER)
    statement = run.statements.get(person=inputs.rep_a)
    row = {f.attname: getattr(statement, f.attname) for f in _fields()}
    row["qualitative_period"] = "2026-Q3-too-long"
    with pytest.raises(DataError), transaction.atomic():
        upsert_unnest(connection, PayStatement, _fields(), UNIQUE, [row])
    statement.refresh_from_db()
    assert statement.qualitative_period != "2026-Q3-too-long"
