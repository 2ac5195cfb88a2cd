"""A KPI's value or target as its unit reads (:data:`apps.performance.choices.KPI_UNITS`):
``{% load kpi_format %}`` then ``{{ item.target|kpi_value:item.kpi }}`` → ``100.0%`` for a
rate, ``90.0`` for a qualitative score, ``3.00`` for the grade-weighted new customers.

Views that format KPI figures in Python use :func:`format_kpi_value`, the same formatting."""

from django import template

from apps.core.formatting import format_number, format_percent
from apps.performance.choices import KPI_UNITS

register = template.Library()

#: Decimals of each non-percent unit (a rate reads with ``format_percent``'s one decimal).
UNIT_PLACES = {"score": 1, "number": 2}


def format_kpi_value(value, kpi: str) -> str:
    """``value`` (a KPI value or target) of ``kpi`` written in the KPI's unit; ``None`` and
    empty values read "—", a KPI without a unit reads as a number with two decimals."""
    unit = KPI_UNITS.get(kpi, "number")
    if unit == "percent":
        return format_percent(value)
    return format_number(value, UNIT_PLACES.get(unit, 2))


@register.filter
def kpi_value(value, kpi):
    """``{{ item.target|kpi_value:item.kpi }}``: see :func:`format_kpi_value`."""
    return format_kpi_value(value, kpi)
