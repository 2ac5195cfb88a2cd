"""Errors of the PIP domain."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CLOSED_MESSAGE = _("This improvement plan is closed and can no longer be changed.")


class PipClosed(ValidationError):
    """A change to a closed plan: nothing was written. The API answers 409."""

    def __init__(self, message=None):
        super().__init__(message or CLOSED_MESSAGE, code="closed")
