"""Who may do what with promotion candidacies.

- HR and admins refresh the candidates, accept or return documents and decide promotions.
- The candidate (and only they) writes and submits their methodology document while it is
  awaited or returned.
"""

from apps.core.permissions import is_admin, is_hr
from apps.promotions.choices import WRITABLE, CandidateStatus


def can_manage(user) -> bool:
    return is_admin(user) or is_hr(user)


def can_write_document(user, candidate) -> bool:
    return bool(
        user.is_authenticated and candidate.person_id == user.pk and candidate.status in WRITABLE
    )


def can_review(user, candidate) -> bool:
    return can_manage(user) and candidate.status == CandidateStatus.SUBMITTED


def can_decide(user, candidate) -> bool:
    return can_manage(user) and candidate.status == CandidateStatus.ACCEPTED
