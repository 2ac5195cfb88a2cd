"""Numbers and dates as the reader's language writes them (apps/core/formatting.py)."""

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.utils import translation

from apps.core.formatting import format_money, format_number, format_percent


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_money_is_grouped_by_three_with_the_currency_symbol_in_both_languages(language):
    with translation.override(language):
        assert format_money(Decimal("1222550")) == "¥1,222,550.00"
        assert format_money(Decimal("-20.5")) == "-¥20.50"
        assert format_money(Decimal("0.004")) == "¥0.00"


def test_money_rounds_half_up_and_reads_a_dash_when_missing():
    assert format_money(Decimal("10.005")) == "¥10.01"
    assert format_money(None) == "—"
    assert format_money("") == "—"
    assert format_money("not a number") == "—"


@override_settings(SALESPERF_CURRENCY="USD")
def test_money_follows_the_currency_setting():
    assert format_money(Decimal("1500")) == "$1,500.00"


@override_settings(SALESPERF_CURRENCY="SGD")
def test_a_currency_without_a_symbol_is_written_as_its_code():
    assert format_money(Decimal("1500")) == "SGD 1,500.00"


def test_percent_has_one_decimal_and_numbers_take_their_places():
    assert format_percent(Decimal("85.25")) == "85.3%"
    assert format_percent(Decimal("100")) == "100.0%"
    assert format_percent(None) == "—"
    assert format_number(12345, 0) == "12,345"
    assert format_number(Decimal("1234.5")) == "1,234.50"


@pytest.mark.parametrize(
    ("language", "long_date"), [("en", "29 Nov 2026"), ("zh-hans", "2026年11月29日")]
)
def test_filters_and_dates_in_templates_follow_the_language(language, long_date):
    template = Template(
        "{% load formatting %}{{ amount|money }} {{ rate|percent }} {{ count|number:0 }} "
        '{{ day|date }} {{ day|date:"SHORT_DATE_FORMAT" }}'
    )
    context = Context(
        {
            "amount": Decimal("1222550.00"),
            "rate": "85.24",
            "count": 1234,
            "day": datetime.date(2026, 11, 29),
        }
    )
    with translation.override(language):
        assert template.render(context) == f"¥1,222,550.00 85.2% 1,234 {long_date} 2026-11-29"
