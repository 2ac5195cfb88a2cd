"""Registered reminder rules. Import a module here to register its rule."""

from apps.reminders.rules import (  # noqa: F401,E402  (registration side effect)
    deliveries,
    health,
    leads,
    receivables,
    reviews,
    satisfaction,
    satisfaction_decline,
)
from apps.reminders.rules.base import Candidate, Param, Rule, RunContext, registry  # noqa: F401

__all__ = ["Candidate", "Param", "Rule", "RunContext", "registry"]
