from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

LOCKED_MESSAGE = _("This candidacy is decided and locked.")


class CandidacyLocked(ValidationError):
    """A change to a decided candidacy: nothing was written. The API answers 409."""

    def __init__(self, message=None):
        super().__init__(message or LOCKED_MESSAGE, code="locked")
