"""``{% nav_menus as menus %}``: the navigation entries of the context grouped into menus."""

from django import template

from apps.core.navigation import menus

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_menus(context):
    request = context.get("request")
    return menus(list(context.get("nav_items") or []), request.path if request else "")
