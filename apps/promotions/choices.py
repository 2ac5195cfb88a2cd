from django.db import models
from django.utils.translation import gettext_lazy as _


class CandidateStatus(models.TextChoices):
    """Where a promotion candidacy stands (SPEC §2.6)."""

    AWAITING = "awaiting", _("Awaiting methodology document")
    SUBMITTED = "submitted", _("Document submitted")
    RETURNED = "returned", _("Returned for rework")
    ACCEPTED = "accepted", _("Document accepted")
    PROMOTED = "promoted", _("Promoted")
    NOT_PROMOTED = "not_promoted", _("Not promoted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


#: The candidate may write (and submit) the document.
WRITABLE = (CandidateStatus.AWAITING, CandidateStatus.RETURNED)
#: A decision was taken or the document was accepted: refresh never withdraws these.
SETTLED = (CandidateStatus.ACCEPTED, CandidateStatus.PROMOTED, CandidateStatus.NOT_PROMOTED)
