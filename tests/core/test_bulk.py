"""``apps.core.bulk.upsert_unnest``: PostgreSQL's one-statement upsert from array literals (the
scorecard jobs use it; its scorecard cases are in tests/scorecards/test_upsert.py, and every
kind of value — text, JSON, exact decimals, booleans, NULLs, datetimes — goes through it in
tests/pay/test_services.py). Here the literals and the type checks."""

from decimal import Decimal as D

import pytest
from django.db import connection

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
