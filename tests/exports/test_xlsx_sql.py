"""On PostgreSQL, an XLSX whose every column has an SQL expression is written by the database
(``apps.exports.xlsx_sql``): opened with openpyxl, it is the file the openpyxl writer makes,
cell by cell (values, number formats, the bold header), dangerous text neutralised the same way;
it streams in bounded memory and a flat number of queries. Elsewhere openpyxl writes it."""

import datetime
import io
import tracemalloc
import zipfile
from decimal import Decimal
from unittest import mock

import openpyxl
import pytest
from django.db import connection
from django.db.models import F, Value
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.core.choices import Role
from apps.exports import datasets, writers, xlsx_sql
from apps.exports.datasets import DATE, MONEY, NUMBER, RATE, TEXT, Column
from apps.exports.models import ExportLog
from apps.pay.choices import PayRunStatus
from apps.pay.models import PayPolicy, PayRun, PayStatement
from tests.concurrency import require_postgres
from tests.factories import RepFactory, TeamFactory

pytestmark = [pytest.mark.django_db, pytest.mark.services]

DOWNLOAD = reverse("exports:export-download")
MB = 1024 * 1024
OCTOBER = "2026-10"
#: Text people type that a spreadsheet or XML would misread.
TRICKY = [
    "=SUM(A1:A9)",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1)",
    "\tleading tab",
    "\rleading CR",
    'Fish & Chips <b>"bold"</b> it\'s',
    "王伟 销售一部",
    "  padded  ",
    "back\\slash\nnew line\r\nCRLF",
    "plain",
]


def _run(period_key=OCTOBER, status=PayRunStatus.OPEN) -> PayRun:
    policy = PayPolicy.objects.order_by("version").first() or PayPolicy.objects.create(
        version=1, effective_from=datetime.date(2020, 1, 1)
    )
    year, month = map(int, period_key.split("-"))
    start = datetime.date(year, month, 1)
    return PayRun.objects.create(
        period_key=period_key,
        period_start=start,
        period_end=(start + datetime.timedelta(days=32)).replace(day=1),
        status=status,
        policy=policy,
        policy_version=policy.version,
    )


def _statement(run, person, team, n, **values) -> PayStatement:
    """A statement with every kind of value, varied by ``n``; ``values`` override."""
    fields = {
        "run": run,
        "person": person,
        "team": team,
        "performance_pay_standard": Decimal("5000.00") + n,
        "base_salary": Decimal("12345678.90") if n % 3 else None,
        "quantitative_score": Decimal("83.33") if n % 4 else None,
        "qualitative_score": Decimal("-12.50"),
        "qualitative_period": TRICKY[n % len(TRICKY)][:8] if n % 5 else "",
        "satisfaction": Decimal("91.20"),
        "satisfaction_period": "2026-Q3",
        "quantitative_applied": Decimal("83.33"),
        "qualitative_applied": Decimal("100.00"),
        "satisfaction_met": bool(n % 2),
        "base_pay": Decimal("2000.0000000000"),
        "performance_bonus": Decimal("2083.2512345678"),
        "capability_bonus": Decimal("-0.0000000001") * n,
        "satisfaction_bonus": Decimal("0"),
        "computed_total": Decimal("4083.25"),
        "adjustments": Decimal("-150.75"),
        "total": Decimal("3932.50"),
        "missing": [["quantitative", "qualitative"], [], ["unknown_code"], ["satisfaction"]][n % 4],
        "computed_at": timezone.now(),
    }
    fields.update(values)
    return PayStatement(**fields)


@pytest.fixture
def tricky_pay(cast):
    """Statements of October for people and teams named with everything that could go wrong."""
    run = _run()
    people = [cast.rep_a, cast.rep_a2, cast.rep_b]
    for n, text in enumerate(TRICKY):
        team = TeamFactory(name=text)
        people.append(
            RepFactory(
                username=f"u{n}{text[:3]}".replace("\t", "t").replace("\r", "r").strip(),
                first_name=text if n % 3 else "伟",
                last_name="" if n % 3 else "王",
                team=team,
            )
        )
    people.append(RepFactory(username="-nameless", first_name="", last_name="", team=None))
    people.append(RepFactory(username="spaces", first_name=" ", last_name="\u3000", team=None))
    PayStatement.objects.bulk_create(
        _statement(run, person, person.team, n) for n, person in enumerate(people)
    )
    # Another month, filtered out of the export of October.
    other = _run("2026-09", PayRunStatus.CLOSED)
    PayStatement.objects.bulk_create([_statement(other, cast.rep_a, cast.team_a, 1)])
    return run


def _request(rf, user, **params):
    request = rf.get(DOWNLOAD, params)
    request.user = user
    return request


def _filtered(rf, user, **params):
    dataset = datasets.get("pay")
    request = _request(rf, user, **params)
    filterset = dataset.filterset(request.GET, request)
    assert filterset.is_valid(), filterset.errors
    return dataset, filterset.qs


def _cells(file):
    sheet = openpyxl.load_workbook(file).active
    return [
        [(cell.value, cell.number_format, bool(cell.font and cell.font.b)) for cell in row]
        for row in sheet.iter_rows()
    ], sheet.title


def _as_xml_reads(value):
    """An XML parser reads a raw carriage return as a line feed: what openpyxl's own file
    gives back for text with CRs (ours writes ``&#13;`` and keeps them)."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def _both(queryset, columns, title="Performance pay"):
    fast = xlsx_sql.write_xlsx(queryset, columns, title=title)
    slow = writers.write_xlsx_openpyxl(queryset, columns, title=title)
    with fast, slow:
        return _cells(fast), _cells(slow)


def _assert_same(fast, slow):
    (fast_rows, fast_title), (slow_rows, slow_title) = fast, slow
    assert fast_title == slow_title
    assert len(fast_rows) == len(slow_rows)
    width = max(len(row) for row in slow_rows)
    for number, (ours, theirs) in enumerate(zip(fast_rows, slow_rows, strict=True), start=1):
        ours = ours + [(None, "General", False)] * (width - len(ours))
        theirs = theirs + [(None, "General", False)] * (width - len(theirs))
        for column, (a, b) in enumerate(zip(ours, theirs, strict=True), start=1):
            value_a, format_a, bold_a = a
            value_b, format_b, bold_b = b
            where = f"row {number}, column {column}: {a!r} != {b!r}"
            assert _as_xml_reads(value_a) == value_b, where
            assert type(value_a) is type(value_b), where
            assert (format_a, bold_a) == (format_b, bold_b), where


def test_the_pay_dataset_can_be_written_by_postgresql():
    columns = datasets.get("pay").columns()
    assert all(column.expr is not None for column in columns)


def test_the_fast_file_is_the_openpyxl_file_cell_by_cell(rf, cast, tricky_pay):
    require_postgres()
    dataset, queryset = _filtered(rf, cast.hr, month=OCTOBER)
    fast, slow = _both(queryset, dataset.columns(), title=dataset.label)
    _assert_same(fast, slow)
    rows = fast[0]
    assert len(rows) == 1 + 3 + len(TRICKY) + 2  # the header, October only
    header = [value for value, _format, _bold in rows[0]]
    assert header == [str(column.header) for column in dataset.columns()]
    assert all(bold for _value, _format, bold in rows[0])
    texts = [value for row in rows[1:] for value, _f, _b in row if isinstance(value, str)]
    assert not [text for text in texts if text[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert (
        "'=SUM(A1:A9)" in texts
        and "'=SUM(A1:" in texts
        and "'-nameless" in texts
        and "'\tleading tab" in texts
    )
    # Ours keeps the carriage returns people typed (openpyxl's own file turns them into LFs).
    assert "'\rleading CR" in texts and "back\\slash\nnew line\r\nCRLF" in texts
    assert 'Fish & Chips <b>"bold"</b> it\'s' in texts and "王伟" in texts
    assert "  padded  " in texts
    total = [column.header for column in dataset.columns()].index("Total")
    assert {row[total][1] for row in rows[1:]} == {xlsx_sql.money_format()}


def test_each_value_is_the_python_value_of_its_column(rf, cast, tricky_pay):
    """Not only the same as openpyxl: the values the CSV has (neutralised text, exact amounts
    as numbers, NULL as an empty cell)."""
    require_postgres()
    dataset, queryset = _filtered(rf, cast.hr, month=OCTOBER)
    columns = dataset.columns()
    with xlsx_sql.write_xlsx(queryset, columns, title="pay") as file:
        rows, _title = _cells(file)
    records = list(queryset)
    assert len(rows) == 1 + len(records)
    for record, row in zip(records, rows[1:], strict=True):
        for column, (value, _format, _bold) in zip(columns, row, strict=True):
            expected = column.value(record)
            if column.kind == TEXT:
                expected = None if expected in (None, "") else writers.neutralise_cell(expected)
                assert value == expected, column.header
            elif expected is None:
                assert value is None, column.header
            else:
                assert value == pytest.approx(float(expected), rel=1e-15), column.header


def test_dates_rates_numbers_and_literals_match_openpyxl(rf, cast, tricky_pay):
    require_postgres()
    _dataset, queryset = _filtered(rf, cast.hr, month=OCTOBER)
    columns = [
        Column("Month start", lambda s: s.run.period_start, DATE, F("run__period_start")),
        Column(
            "Long ago", lambda s: datetime.date(1900, 2, 1), DATE, Value(datetime.date(1900, 2, 1))
        ),
        Column(
            "Leap bug", lambda s: datetime.date(1900, 3, 1), DATE, Value(datetime.date(1900, 3, 1))
        ),
        Column(
            "No date",
            lambda s: None,
            DATE,
            Value(None, output_field=PayRun._meta.get_field("period_start")),
        ),
        Column("Rate", lambda s: s.satisfaction, RATE, F("satisfaction")),
        Column("Score", lambda s: s.quantitative_score, NUMBER, F("quantitative_score")),
        Column("Version", lambda s: s.run.policy_version, NUMBER, F("run__policy_version")),
        Column("Money", lambda s: s.base_salary, MONEY, F("base_salary")),
        Column("=Header & <more>", lambda s: s.person.username, TEXT, F("person__username")),
        # cut at Excel's 32,767 characters after the apostrophe, like openpyxl
        Column("Long", lambda s: "=" + "x" * 40_000, TEXT, Value("=" + "x" * 40_000)),
        Column("Control", lambda s: "=ok", TEXT, Value("\x01=ok\x0b")),
    ]
    _assert_same(
        *_both(queryset, columns, title="Dates of 2026-10 and a title longer than 31 characters")
    )


def test_a_sheet_title_keeps_to_excels_rules():
    assert xlsx_sql.sheet_title("Pay: 2026/10 [draft]") == "Pay  2026 10  draft"
    assert xlsx_sql.sheet_title("x" * 40) == "x" * 31
    assert xlsx_sql.sheet_title("") == "Sheet1"


def test_an_empty_export_is_a_valid_workbook(rf, cast, tricky_pay):
    require_postgres()
    dataset, queryset = _filtered(rf, cast.hr, month="2027-12")
    fast, slow = _both(queryset, dataset.columns())
    _assert_same(fast, slow)
    assert len(fast[0]) == 1
    _fast, none = _both(queryset.none(), dataset.columns())
    assert len(none[0]) == 1


def test_the_download_uses_postgresql_and_is_a_proper_package(client_as, cast, tricky_pay):
    require_postgres()
    with mock.patch.object(xlsx_sql, "write_xlsx", wraps=xlsx_sql.write_xlsx) as fast:
        response = client_as(cast.hr).get(
            DOWNLOAD, {"dataset": "pay", "format": "xlsx", "month": OCTOBER}
        )
        content = b"".join(response.streaming_content)
    assert response.status_code == 200 and fast.call_count == 1
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.testzip() is None
        names = set(archive.namelist())
    assert {"[Content_Types].xml", "xl/workbook.xml", "xl/styles.xml"} <= names
    assert "xl/worksheets/sheet1.xml" in names
    assert ExportLog.objects.get().row_count == 3 + len(TRICKY) + 2


def test_columns_without_sql_or_other_databases_use_openpyxl():
    columns = datasets.get("pay").columns()
    assert xlsx_sql.supported(columns, connection) == (connection.vendor == "postgresql")
    partial = [*columns, Column("Python only", lambda s: "x")]
    assert not xlsx_sql.supported(partial, connection)


# --- Many rows -------------------------------------------------------------------------------


def bulk_pay(count: int, *, run, team, start: int = 0) -> None:
    """``count`` people with a statement of ``run`` each: two bulk inserts."""
    User.objects.bulk_create(
        User(username=f"bulk-pay-{n}", role=Role.REP, team=team, first_name="伟", last_name="王")
        for n in range(start, start + count)
    )
    people = User.objects.filter(username__startswith="bulk-pay-").exclude(pay_statements__run=run)
    PayStatement.objects.bulk_create(
        (_statement(run, person, team, n) for n, person in enumerate(people.iterator())),
        batch_size=2000,
    )


def _download(client):
    tracemalloc.start()
    try:
        response = client.get(DOWNLOAD, {"dataset": "pay", "format": "xlsx", "month": OCTOBER})
        assert response.status_code == 200
        size = sum(len(chunk) for chunk in response.streaming_content)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, size


def test_ten_thousand_rows_in_bounded_memory(client_as, cast):
    require_postgres()
    run = _run()
    client = client_as(cast.hr)
    _download(client)  # warm up: session, imports, first queries
    bulk_pay(2_000, run=run, team=cast.team_a)
    small_peak, small_size = _download(client)
    bulk_pay(8_000, run=run, team=cast.team_a, start=2_000)
    large_peak, large_size = _download(client)

    assert ExportLog.objects.order_by("pk").last().row_count == 10_000
    assert large_size > 4 * small_size
    assert large_peak < 4 * MB
    assert large_peak < 1.6 * small_peak


def test_the_number_of_queries_does_not_grow_with_rows(client_as, cast):
    require_postgres()
    run = _run()
    client = client_as(cast.hr)
    counts = []
    for start, count in ((0, 50), (50, 1_450)):
        bulk_pay(count, run=run, team=cast.team_a, start=start)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(DOWNLOAD, {"dataset": "pay", "format": "xlsx", "month": OCTOBER})
            for _chunk in response.streaming_content:
                pass
        counts.append(len(queries))
        assert any(query["sql"].startswith("COPY (") for query in queries.captured_queries)
    assert ExportLog.objects.order_by("pk").last().row_count == 1_500
    assert counts[0] == counts[1]
