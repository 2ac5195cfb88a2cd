"""Pages that show records of apps above their own: a registry of related lists.

The customer page lists the customer's activities, opportunities and orders, whose apps sit above
``customers`` and must not be imported by it. Instead each of those apps registers a selector in
its ``AppConfig.ready()``::

    related.register("customers.Customer", "orders", order_rows_for_customer)

and the page asks :func:`related_for` for every registered list, each scoped to the reader.
"""

from __future__ import annotations

from collections.abc import Callable

_registry: dict[str, dict[str, Callable]] = {}


def register(model_label: str, name: str, selector: Callable) -> None:
    """Register ``selector(user=…, obj=…)`` as the related list ``name`` of ``model_label``
    records (``"app_label.ModelName"``). Registering a name again replaces it."""
    _registry.setdefault(model_label.lower(), {})[name] = selector


def related_for(obj, *, user) -> dict:
    """``{name: rows}`` of every list registered for ``obj``'s model, as ``user`` sees them."""
    label = obj._meta.label_lower
    return {
        name: selector(user=user, obj=obj) for name, selector in _registry.get(label, {}).items()
    }
