"""Periods read as people write them, the last day included (the stored end is exclusive)."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation

from apps.core.formatting import format_date_range

D = dt.date


@pytest.mark.parametrize(
    ("start", "end", "english", "chinese"),
    [
        (D(2026, 11, 1), D(2026, 12, 1), "1–30 Nov 2026", "2026年11月1日–11月30日"),
        (D(2026, 10, 1), D(2027, 1, 1), "1 Oct – 31 Dec 2026", "2026年10月1日–12月31日"),
        (D(2026, 12, 1), D(2027, 2, 1), "1 Dec 2026 – 31 Jan 2027", "2026年12月1日–2027年1月31日"),
        (D(2026, 11, 29), D(2026, 11, 30), "29 Nov 2026", "2026年11月29日"),
    ],
)
def test_date_range_in_both_languages(start, end, english, chinese):
    with translation.override("en"):
        assert format_date_range(start, end) == english
    with translation.override("zh-hans"):
        assert format_date_range(start, end) == chinese


def test_missing_end_reads_as_a_dash():
    assert format_date_range(D(2026, 11, 1), None) == "—"


def test_template_filter():
    template = Template("{% load formatting %}{{ start|date_range:end }}")
    with translation.override("en"):
        text = template.render(Context({"start": D(2026, 11, 1), "end": D(2026, 12, 1)}))
    assert text == "1–30 Nov 2026"
