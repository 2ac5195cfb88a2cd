"""Errors of training proposals."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CLOSED_MESSAGE = _("This training proposal is done or declined and can no longer be changed.")


class ProposalClosed(ValidationError):
    """A change to a done or declined proposal: nothing was written. The API answers 409."""

    def __init__(self, message=None):
        super().__init__(message or CLOSED_MESSAGE, code="closed")
