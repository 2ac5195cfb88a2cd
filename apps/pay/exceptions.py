"""Errors of the pay domain."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

LOCKED_MESSAGE = _("This pay run is closed and can no longer be changed.")


class PayRunLocked(ValidationError):
    """A change to a closed pay run: nothing was written. The API answers 409."""

    def __init__(self, message=None):
        super().__init__(message or LOCKED_MESSAGE, code="locked")
