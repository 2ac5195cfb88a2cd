"""``{% load charts %}{% chart spec %}`` draws a :class:`apps.dashboards.charts.ChartSpec` with
its own template (SVG plus a data table); ``None`` draws nothing.

The chart's title is the SVG's accessible name and is shown above the chart as an ``<h3>``
(charts sit in panels under a section's ``<h2>``); pick another level with
``{% chart spec heading="h4" %}``, or ``heading=""`` when the panel's own heading already
says it."""

from django import template
from django.template.loader import render_to_string

register = template.Library()

HEADINGS = {"h2", "h3", "h4", "h5", "h6", "p"}


@register.simple_tag
def chart(spec, heading="h3"):
    if spec is None:
        return ""
    if heading and heading not in HEADINGS:
        raise template.TemplateSyntaxError(
            f"chart heading must be one of {sorted(HEADINGS)}, not {heading!r}"
        )
    return render_to_string(spec.template, {"spec": spec, "heading": heading})
