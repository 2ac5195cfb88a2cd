"""Errors of the reviews domain."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

LOCKED_MESSAGE = _("This review is finalised and locked. HR can reopen it with a reason.")


class ReviewLocked(ValidationError):
    """A write on a finalised (locked) review: nothing was written. The API answers 409."""

    def __init__(self, message=None):
        super().__init__(message or LOCKED_MESSAGE, code="locked")
