"""The rule machinery: a rule is a class with a code, default parameters, the set of records
that need a reminder today (``candidates``) and the test that closes reminders whose condition
has gone (``resolved``). The runner (``apps.reminders.services.rule_run``) does the rest:
creating reminders on their natural key, closing, e-mailing and logging. A new reminder (PIP
coaching, review deadlines) is a new subclass registered here, not new machinery."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from apps.reminders.calendar import WorkingCalendar


@dataclass(frozen=True)
class Param:
    """One editable parameter of a rule: its label, kind (int, decimal, int_list) and range."""

    label: str
    kind: str = "int"
    minimum: Decimal | int | None = 0
    maximum: Decimal | int | None = None
    help_text: str = ""

    def parse(self, raw):
        """The cleaned value, or raise ``ValueError`` with a message for the user."""
        if self.kind == "int_list":
            items = raw if isinstance(raw, list) else str(raw).replace(";", ",").split(",")
            values = [self._one(item, int) for item in items if str(item).strip() != ""]
            if not values:
                raise ValueError(_("Enter at least one whole number."))
            if len(set(values)) != len(values):
                raise ValueError(_("Enter each number once."))
            return sorted(values)
        if self.kind == "decimal":
            return str(self._one(raw, Decimal))
        return self._one(raw, int)

    def _one(self, raw, cast):
        try:
            text = str(raw).strip()
            value = cast(text)
            if cast is int and str(value) != text.lstrip("+"):
                raise ValueError
        except (ValueError, TypeError, InvalidOperation):
            raise ValueError(
                _("Enter a whole number.") if cast is int else _("Enter a number.")
            ) from None
        if self.minimum is not None and value < self.minimum:
            raise ValueError(
                _("Enter a value of at least %(min)s.") % {"min": self.minimum}
            ) from None
        if self.maximum is not None and value > self.maximum:
            raise ValueError(_("Enter a value of at most %(max)s.") % {"max": self.maximum})
        return value

    def display(self, value) -> str:
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return str(value)


@dataclass
class Candidate:
    """A reminder that should exist: for ``object_id`` of the rule's model, to one person."""

    object_id: int
    recipient_id: int
    due_on: datetime.date
    details: dict = field(default_factory=dict)
    link: str = ""
    level: int = 0


@dataclass(frozen=True)
class RunContext:
    today: datetime.date
    calendar: WorkingCalendar
    params: dict


class Rule:
    code: str = ""
    name: str = ""
    description: str = ""
    #: The model of the records the reminders point at ("app_label.Model").
    model: str = ""
    defaults: dict = {}
    params: dict[str, Param] = {}
    #: Default crontab of the rule's scheduled job (minute, hour), local time.
    schedule: tuple[str, str] = ("0", "7")
    #: An existing reminder for the same record, recipient and level whose due date lies within
    #: this many days of a candidate's is the same occurrence, so no second one is made: an
    #: edited calendar (or parameter) moves due dates and must not repeat a reminder. ``None``:
    #: one reminder per record, recipient and level, ever. ``0``: only the exact natural key.
    same_occurrence_days: int | None = 0

    def candidates(self, ctx: RunContext) -> Iterable[Candidate]:
        raise NotImplementedError

    def resolved(self, ctx: RunContext, open_reminders: list, candidates: list) -> set[int]:
        """The ids of ``open_reminders`` (this rule's open reminders) whose condition is gone.

        ``candidates`` are this run's :meth:`candidates` (a reminder still called for is not
        resolved)."""
        raise NotImplementedError

    def title(self, details: dict, level: int) -> str:
        raise NotImplementedError

    def get_model(self):
        from django.apps import apps

        return apps.get_model(self.model)

    def clean_params(self, raw: dict) -> tuple[dict, dict]:
        """(cleaned, errors) for the editable parameters; ``errors`` maps name -> [message]."""
        cleaned, errors = {}, {}
        for name, spec in self.params.items():
            try:
                cleaned[name] = spec.parse(raw.get(name, self.defaults.get(name)))
            except ValueError as exc:
                errors[name] = [str(exc)]
        if not errors:
            errors.update(self.validate_together(cleaned))
        return cleaned, errors

    def validate_together(self, cleaned: dict) -> dict:
        return {}


def managers_of(user_ids: Iterable[int]) -> dict[int, list[int]]:
    """The managers of each person's team (one query), without the person themself."""
    from apps.accounts.models import User

    out: dict[int, list[int]] = defaultdict(list)
    rows = User.objects.filter(pk__in=set(user_ids), team__managers__isnull=False).values_list(
        "pk", "team__managers"
    )
    for user_id, manager_id in rows:
        if manager_id != user_id:
            out[user_id].append(manager_id)
    return out


class Registry(dict):
    def register(self, rule_class: type[Rule]) -> type[Rule]:
        self[rule_class.code] = rule_class()
        return rule_class


registry = Registry()
