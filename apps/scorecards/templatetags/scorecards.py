from django import template

register = template.Library()


@register.filter
def field_value(obj, name):
    """``obj.<name>`` (for looping over KPI columns)."""
    return getattr(obj, name, None)


@register.filter
def kpi_cell(scorecard, kpi):
    """The ``kpi_scores`` entry of ``kpi`` (empty when the scheme does not weigh it)."""
    return (scorecard.kpi_scores or {}).get(kpi) or {}
