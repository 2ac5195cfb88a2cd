"""Errors of the grades domain."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

LOCKED_MESSAGE = _("These grades are finalised and locked. HR can reopen them with a reason.")


class GradeLocked(ValidationError):
    """A change to a finalised (locked) grade: nothing was written. The API answers 409."""

    def __init__(self, message=None):
        super().__init__(message or LOCKED_MESSAGE, code="locked")
