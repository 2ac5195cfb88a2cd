"""Template filters for numbers people read: ``{% load formatting %}`` then
``{{ order.amount|money }}``, ``{{ card.collection_rate|percent }}``, ``{{ count|number:0 }}``.
See :mod:`apps.core.formatting`."""

from django import template

from apps.core import formatting

register = template.Library()


@register.filter
def money(value, places=2):
    return formatting.format_money(value, int(places))


@register.filter
def number(value, places=2):
    return formatting.format_number(value, int(places))


@register.filter
def percent(value, places=1):
    return formatting.format_percent(value, int(places))


@register.filter
def date_range(start, end_exclusive):
    """``{{ period.start|date_range:period.end }}`` → ``1–30 Nov 2026`` (the end is exclusive:
    the day before it is the last day shown)."""
    return formatting.format_date_range(start, end_exclusive)
