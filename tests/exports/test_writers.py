"""The file writers on their own: neutralised text, numbers left alone, the BOM, Chinese."""

import io
from decimal import Decimal

import openpyxl
import pytest

from apps.exports.datasets import MONEY, NUMBER, RATE, TEXT, Column
from apps.exports.writers import csv_chunks, write_xlsx
from tests.exports.conftest import read_csv

DANGEROUS = ["=1+2", "+1", "-1", "@SUM(A1)", "\tcmd", "\rcmd"]


class Rows:
    """A stand-in for a queryset: ``iterator()`` over plain records."""

    def __init__(self, records):
        self.records = records

    def iterator(self, chunk_size=None):
        return iter(self.records)


COLUMNS = [
    Column("Name", lambda r: r["name"], TEXT),
    Column("Amount", lambda r: r["amount"], MONEY),
    Column("Rate", lambda r: r["rate"], RATE),
    Column("Score", lambda r: r["score"], NUMBER),
]


def _records(names):
    return Rows(
        [
            {"name": n, "amount": Decimal("-1234.50"), "rate": Decimal("-5.0"), "score": -7}
            for n in names
        ]
    )


def _csv(names):
    return read_csv(b"".join(csv_chunks(_records(names), COLUMNS)))


def _xlsx(names):
    file = write_xlsx(_records(names), COLUMNS, title="Test")
    return openpyxl.load_workbook(io.BytesIO(file.read())).active


@pytest.mark.parametrize("text", DANGEROUS)
def test_csv_neutralises_every_dangerous_prefix(text):
    rows = _csv([text])
    assert rows[1][0] == "'" + text


@pytest.mark.parametrize("text", DANGEROUS)
def test_xlsx_neutralises_every_dangerous_prefix(text):
    sheet = _xlsx([text])
    # XML line-end handling reads a stored carriage return back as a line feed.
    assert sheet.cell(row=2, column=1).value == "'" + text.replace("\r", "\n")
    assert sheet.cell(row=2, column=1).data_type == "s"


def test_csv_leaves_negative_numbers_and_safe_text_alone():
    rows = _csv(["Wei Wang"])
    assert rows[1] == ["Wei Wang", "-1234.50", "-5.0", "-7"]


def test_xlsx_keeps_negative_numbers_as_numbers_with_money_and_percent_formats():
    sheet = _xlsx(["Wei Wang"])
    amount, rate, score = (sheet.cell(row=2, column=c) for c in (2, 3, 4))
    assert amount.value == -1234.5 and amount.data_type == "n"
    assert "¥" in amount.number_format and "#,##0.00" in amount.number_format
    assert rate.value == -5 and rate.data_type == "n" and rate.number_format == '0.0"%"'
    assert score.value == -7 and score.data_type == "n"


def test_csv_starts_with_a_bom_and_chinese_round_trips():
    content = b"".join(csv_chunks(_records(["王伟", "李娜"]), COLUMNS))
    assert content.startswith("\ufeff".encode())
    assert content.count("\ufeff".encode()) == 1
    rows = read_csv(content)
    assert [row[0] for row in rows[1:]] == ["王伟", "李娜"]


def test_csv_names_the_currency_and_percent_in_headers():
    header = _csv([])[0]
    assert header == ["Name", "Amount (CNY)", "Rate (%)", "Score"]


def test_xlsx_keeps_chinese_text():
    sheet = _xlsx(["王伟"])
    assert sheet.cell(row=2, column=1).value == "王伟"
    assert sheet.cell(row=1, column=1).value == "Name"
    assert sheet.cell(row=1, column=1).font.bold


def test_csv_chunks_every_thousand_rows():
    chunks = list(csv_chunks(_records(["a"] * 2500), COLUMNS))
    # the header, then 1000 + 1000 + 500 rows
    assert len(chunks) == 4
