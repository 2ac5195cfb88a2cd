"""Who may act on reminders and their configuration (built on :mod:`apps.core.permissions`).

- An inbox is personal: only the recipient marks a reminder read or done. Someone else's
  reminder is "not found", except that HR and admins (who may know it exists) are refused.
- Rules, their runs and the working calendar's exceptions belong to nobody: HR and admins
  read and change them.
"""

from __future__ import annotations

from typing import NoReturn

from django.core.exceptions import PermissionDenied
from django.http import Http404

from apps.core.permissions import sees_everything
from apps.reminders.models import Reminder

__all__ = ["can_configure", "owns_reminder", "refuse_foreign_reminder"]


def can_configure(user) -> bool:
    """HR and admins edit and run rules and edit the holidays (calendar exceptions)."""
    return sees_everything(user)


def owns_reminder(user, reminder) -> bool:
    """Only the recipient acts on a reminder."""
    return reminder.recipient_id == user.pk


def refuse_foreign_reminder(user, pk) -> NoReturn:
    """Refuse a reminder ``user`` cannot see: 403 for HR and admins when it exists (they may
    know of it but may not act on another person's inbox), otherwise 404."""
    if sees_everything(user) and Reminder.objects.filter(pk=pk).exists():
        raise PermissionDenied
    raise Http404
