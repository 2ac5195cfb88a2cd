"""The company overview is a list of panels, so a later app can add its own.

A panel builder is a function ``builder(overview) -> Panel | None`` that receives the
:class:`CompanyOverview` (the reader, the month and the month's scorecards, already loaded
once) and answers a :class:`Panel` — a title, the template that renders it and its context —
or ``None`` to show nothing. An app adds one in its ``AppConfig.ready()``::

    from apps.dashboards import panels

    panels.register_company_panel("reviews", reviews_panel, after="teams")

where the template (e.g. ``reviews/dashboard_panel.html``) renders ``{{ panel.context.… }}``.
A builder should read what it needs in a fixed number of queries (the page's query count is
asserted not to grow with the number of people). Registering a key again replaces it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class CompanyOverview:
    """What every panel of the company overview may use."""

    user: object
    period: object
    cards: list
    #: Filled by the view: the period query string, to keep links on the same month.
    query: str = ""


@dataclass
class Panel:
    key: str
    title: str
    template: str
    context: dict = field(default_factory=dict)
    #: "wide" panels span the whole row.
    wide: bool = False


_company_panels: list[tuple[str, Callable]] = []


def register_company_panel(key: str, builder: Callable, *, after: str | None = None) -> None:
    """Add ``builder`` to the company overview (at the end, or right after the panel
    ``after``); a ``key`` registered before is replaced in place."""
    for index, (existing, _builder) in enumerate(_company_panels):
        if existing == key:
            _company_panels[index] = (key, builder)
            return
    position = len(_company_panels)
    if after is not None:
        for index, (existing, _builder) in enumerate(_company_panels):
            if existing == after:
                position = index + 1
    _company_panels.insert(position, (key, builder))


def unregister_company_panel(key: str) -> None:
    _company_panels[:] = [(name, builder) for name, builder in _company_panels if name != key]


def company_panels(overview: CompanyOverview) -> list[Panel]:
    """The panels of the company overview, in order (builders answering ``None`` left out)."""
    built = (builder(overview) for _key, builder in _company_panels)
    return [panel for panel in built if panel is not None]
