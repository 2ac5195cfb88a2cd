"""Aging exports: XLSX for people (money cells with the currency symbol, a date cell), CSV for
machines (plain numbers, the currency named in the headers)."""

import csv
import datetime as dt
import io
from decimal import Decimal as D

import openpyxl
from django.test import override_settings
from django.utils import translation

from apps.sales.exports import write_aging_csv, write_aging_xlsx

COLUMNS = [("current", "Current"), ("d1_30", "1–30 days")]
AGING = {
    "as_of": dt.date(2026, 11, 29),
    "rows": [
        {
            "customer_name": "=Acme",
            "current": D("1222550.00"),
            "d1_30": D("0"),
            "total": D("1222550.00"),
        },
        {
            "customer_name": "Beta",
            "current": D("-20.00"),
            "d1_30": D("100.50"),
            "total": D("80.50"),
        },
    ],
    "totals": {"current": D("1222530.00"), "d1_30": D("100.50"), "total": D("1222630.50")},
}


def _xlsx():
    stream = io.BytesIO()
    with translation.override("en"):
        write_aging_xlsx(stream, aging=AGING, columns=COLUMNS)
    stream.seek(0)
    return openpyxl.load_workbook(stream).active


def test_xlsx_amounts_are_numbers_shown_as_money_with_the_currency_symbol():
    sheet = _xlsx()
    cell = sheet["B3"]
    assert cell.value == 1222550
    assert isinstance(cell.value, (int, float))
    assert cell.number_format == '"¥"#,##0.00;-"¥"#,##0.00'
    assert sheet["B4"].value == -20
    assert sheet["D5"].value == 1222630.5  # the totals row
    assert sheet["D5"].number_format.startswith('"¥"#,##0.00')


@override_settings(SALESPERF_CURRENCY="USD")
def test_xlsx_money_format_follows_the_currency_setting():
    assert _xlsx()["B3"].number_format == '"$"#,##0.00;-"$"#,##0.00'


def test_xlsx_day_is_a_date_cell_and_text_is_neutralised():
    sheet = _xlsx()
    assert sheet["B1"].value == dt.datetime(2026, 11, 29)
    assert sheet["B1"].number_format == "yyyy-mm-dd"
    assert sheet["A3"].value == "'=Acme"
    assert [c.value for c in sheet[2]] == ["Customer", "Current", "1–30 days", "Total"]


def test_csv_stays_plain_and_names_the_currency_in_the_headers():
    stream = io.StringIO()
    with translation.override("en"):
        write_aging_csv(stream, aging=AGING, columns=COLUMNS)
    rows = list(csv.reader(io.StringIO(stream.getvalue())))
    assert rows[0] == ["Customer", "Current (CNY)", "1–30 days (CNY)", "Total (CNY)"]
    assert rows[1] == ["'=Acme", "1222550.00", "0.00", "1222550.00"]
    assert rows[-1][-1] == "1222630.50"
