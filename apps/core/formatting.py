"""Numbers as the reader's language writes them: thousands separators, the organisation's
currency symbol, percentages with one decimal (SPEC §3). Pages and the exports people read
(CSV/XLSX) use these; the API stays plain (decimal strings, ISO dates).

``None`` and empty values read "—". Rounding is half up, as accountants round.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.utils import formats

EMPTY = "—"

#: Symbols of the currencies the setting ``SALESPERF_CURRENCY`` may name; any other ISO code
#: is written as the code and a space ("SGD 1,000.00").
CURRENCY_SYMBOLS = {
    "CNY": "¥",
    "JPY": "¥",
    "USD": "$",
    "HKD": "HK$",
    "EUR": "€",
    "GBP": "£",
}


def to_decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def currency_symbol() -> str:
    code = getattr(settings, "SALESPERF_CURRENCY", "CNY")
    return CURRENCY_SYMBOLS.get(code, f"{code} ")


def format_number(value, places: int = 2) -> str:
    """``1222550.5`` → ``1,222,550.50`` (grouped, ``places`` decimals, the active language's
    separators)."""
    number = to_decimal(value)
    if number is None:
        return EMPTY
    quantum = Decimal(1).scaleb(-places)
    number = number.quantize(quantum, rounding=ROUND_HALF_UP)
    return formats.number_format(number, places, use_l10n=True, force_grouping=True)


def format_money(value, places: int = 2) -> str:
    """``1222550`` → ``¥1,222,550.00``; negative amounts lead with the sign (``-¥20.00``)."""
    number = to_decimal(value)
    if number is None:
        return EMPTY
    text = format_number(abs(number), places)
    sign = "-" if number < 0 and text.strip("0.,") else ""
    return f"{sign}{currency_symbol()}{text}"


def format_percent(value, places: int = 1) -> str:
    """A rate already in percent (``85.234``) → ``85.2%``."""
    number = to_decimal(value)
    if number is None:
        return EMPTY
    return f"{format_number(number, places)}%"


def format_date_range(start, end_exclusive) -> str:
    """A period as people write it, its last day included (the day before ``end_exclusive``):
    ``1–30 Nov 2026`` / ``2026年11月1日–11月30日``; ``1 Oct – 31 Dec 2026`` /
    ``2026年10月1日–12月31日``; across years ``1 Dec 2026 – 31 Jan 2027``. One day reads as
    that day. ``None`` at either end reads "—"."""
    import datetime as dt

    if start is None or end_exclusive is None:
        return EMPTY
    last = end_exclusive - dt.timedelta(days=1)
    if last <= start:
        return formats.date_format(start, "DATE_FORMAT")
    year_first = formats.get_format("DATE_FORMAT").lstrip().startswith(("Y", "y"))
    if start.year != last.year:
        dash = "–" if year_first else " – "
        return f"{formats.date_format(start)}{dash}{formats.date_format(last)}"
    if year_first:  # 2026年11月1日–11月30日
        return f"{formats.date_format(start)}–{formats.date_format(last, 'MONTH_DAY_FORMAT')}"
    if start.month == last.month:  # 1–30 Nov 2026
        return f"{start.day}–{formats.date_format(last)}"
    return f"{formats.date_format(start, 'MONTH_DAY_FORMAT')} – {formats.date_format(last)}"
