"""Helpers shared by the demo builders (``apps/*/demo.py``, run by ``load_demo``).

The demo company exists in Chinese (the default of ``load_demo``) and in English. Every builder
keeps its words in a table per language (``{"zh-hans": {...}, "en": {...}}``) whose lists have
the same lengths in both languages, and draws *positions* from the seeded generator: the same
seed gives the same numbers in both languages, only the words differ.
"""

import datetime
from contextlib import contextmanager

from django.utils import timezone

LANGUAGES = ("zh-hans", "en")
DEFAULT_LANGUAGE = "zh-hans"
#: How far back the demo history goes.
HISTORY_DAYS = 730


def language(context: dict) -> str:
    """The demo language of ``context`` (a builder called on its own, as in tests: English)."""
    return context.get("language") or "en"


def words(context: dict, table: dict) -> dict:
    """The words of ``table`` in the demo language."""
    return table[language(context)]


def day_between(rng, start: datetime.date, end: datetime.date) -> datetime.date:
    """A random day in [start, end] (``start`` when the range is empty)."""
    span = (end - start).days
    return start if span <= 0 else start + datetime.timedelta(days=rng.randint(0, span))


def at_office_hours(rng, day: datetime.date) -> datetime.datetime:
    """An aware time on ``day`` between 9:00 and 17:45 (never after now)."""
    moment = datetime.datetime.combine(
        day, datetime.time(rng.randint(9, 17), rng.choice([0, 15, 30, 45]))
    )
    return min(timezone.now(), timezone.make_aware(moment))


@contextmanager
def historic_timestamps(*models):
    """Let the demo write past creation times: switch off ``auto_now``/``auto_now_add`` of the
    given models' date-time fields while bulk-creating (one INSERT instead of an UPDATE per
    row), and switch them back on afterwards."""
    fields = [
        field
        for model in models
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]
    saved = [(field.auto_now, field.auto_now_add) for field in fields]
    try:
        for field in fields:
            field.auto_now = field.auto_now_add = False
        yield
    finally:
        for field, (auto_now, auto_now_add) in zip(fields, saved, strict=True):
            field.auto_now, field.auto_now_add = auto_now, auto_now_add
