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
