"""Spreadsheet cells people read (SPEC §3): amounts as numbers shown with the organisation's
currency symbol and thousands separators, rates with one decimal and a percent sign, dates as
date cells (yyyy-mm-dd). The value stays a number or a date, so a spreadsheet sums and sorts it.

CSV files are read by machines: plain numbers and ISO dates, with the currency named in the
column header (:func:`money_header`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from apps.core.formatting import currency_symbol

RATE_FORMAT = '0.0"%"'
DATE_FORMAT = "yyyy-mm-dd"
NUMBER_FORMAT = "#,##0.00"


def currency_code() -> str:
    return getattr(settings, "SALESPERF_CURRENCY", "CNY")


def money_format() -> str:
    """``"¥"#,##0.00;-"¥"#,##0.00`` for the currency of the setting ``SALESPERF_CURRENCY``."""
    symbol = currency_symbol().replace('"', "")
    return f'"{symbol}"{NUMBER_FORMAT};-"{symbol}"{NUMBER_FORMAT}'


def money_header(label) -> str:
    """A CSV column header that names the currency: "Amount (CNY)"."""
    return _("%(label)s (%(currency)s)") % {"label": label, "currency": currency_code()}


def money_cell(cell, value) -> None:
    """Write an amount to an openpyxl ``cell``: a number shown as money."""
    cell.value = None if value is None else Decimal(value)
    cell.number_format = money_format()


def rate_cell(cell, value) -> None:
    """Write a rate in percent units (``85.2``) to ``cell``: shown as ``85.2%``."""
    cell.value = None if value is None else Decimal(value)
    cell.number_format = RATE_FORMAT


def date_cell(cell, value: dt.date | None) -> None:
    cell.value = value
    cell.number_format = DATE_FORMAT
