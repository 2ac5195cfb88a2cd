"""A KPI's value or target reads in its unit (``KPI_UNITS``, one definition): the
``kpi_value`` filter and :func:`format_kpi_value` the review meeting formats with."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from apps.performance.choices import KPI_UNITS, Kpi
from apps.performance.templatetags.kpi_format import format_kpi_value


def test_every_kpi_has_a_unit():
    assert set(KPI_UNITS) == set(Kpi)
    # The qualitative ratings (SPEC §2.3) read as scores.
    assert {kpi for kpi, unit in KPI_UNITS.items() if unit == "score"} == {
        Kpi.CUSTOMER_SATISFACTION,
        Kpi.TEAM_COLLABORATION,
        Kpi.CAPABILITY_GROWTH,
    }


@pytest.mark.parametrize(
    ("kpi", "value", "text"),
    [
        (Kpi.SALES_ACHIEVEMENT_RATE, Decimal("100"), "100.0%"),
        (Kpi.SALES_GROWTH_RATE, Decimal("-3.25"), "-3.3%"),
        (Kpi.RETENTION_RATE, "85.24", "85.2%"),
        (Kpi.COLLECTION_RATE, Decimal("95"), "95.0%"),
        (Kpi.NEW_CUSTOMERS, Decimal("3"), "3.00"),
        (Kpi.NEW_CUSTOMERS, Decimal("1234.5"), "1,234.50"),
        (Kpi.CUSTOMER_SATISFACTION, Decimal("90"), "90.0"),
        (Kpi.TEAM_COLLABORATION, "72.25", "72.3"),
        (Kpi.CAPABILITY_GROWTH, 80, "80.0"),
        ("not_a_kpi", Decimal("7"), "7.00"),
    ],
)
def test_a_value_reads_in_its_kpis_unit(kpi, value, text):
    with translation.override("en"):
        assert format_kpi_value(value, kpi) == text


@pytest.mark.parametrize("kpi", [Kpi.COLLECTION_RATE, Kpi.NEW_CUSTOMERS, Kpi.TEAM_COLLABORATION])
@pytest.mark.parametrize("value", [None, ""])
def test_no_value_reads_as_a_dash(kpi, value):
    assert format_kpi_value(value, kpi) == "—"


def test_the_template_filter_formats_by_the_kpi_given():
    template = Template(
        "{% load kpi_format %}{% for kpi, target in rows %}{{ target|kpi_value:kpi }};{% endfor %}"
    )
    rows = [
        (Kpi.SALES_ACHIEVEMENT_RATE, Decimal("100")),
        (Kpi.NEW_CUSTOMERS, Decimal("3")),
        (Kpi.CUSTOMER_SATISFACTION, Decimal("90")),
        (Kpi.RETENTION_RATE, None),
    ]
    with translation.override("en"):
        assert template.render(Context({"rows": rows})) == "100.0%;3.00;90.0;—;"
