"""Who may do what with review cycles and reviews (SPEC §0, §2.5).

- Cycles and annual schemes: HR and admins open, change and close them; everyone signed in
  reads them.
- Self part: only the person themself, while the review is not finalised.
- Manager part: the review's reviewing manager (the manager of the person's team when the
  cycle was opened) or any manager of the person's team; HR and admins may also do it (acting
  for a missing manager). A rep never; nobody does the manager part of their own review.
- Waive a part, finalise, reopen: HR and admins only (SPEC: HR finalises).
- Reading: ``Review.objects.visible_to`` (own, team, all).
"""

from __future__ import annotations

from apps.core.permissions import is_admin, is_hr, is_manager, manages, owner_in_scope

__all__ = [
    "can_edit_manager",
    "is_hr_or_admin",
    "is_manager_rater",
    "is_self_rater",
    "can_edit_self",
    "can_finalise",
    "can_manage_cycles",
    "can_reopen",
    "can_view",
    "can_waive",
]


def _hr_or_admin(user) -> bool:
    return is_admin(user) or is_hr(user)


def is_hr_or_admin(user) -> bool:
    """HR and admins run the review process (cycles, waivers, finalising, reopening)."""
    return _hr_or_admin(user)


def is_self_rater(user, review) -> bool:
    """The person reviewed (whatever the review's state)."""
    return user is not None and user.is_authenticated and user.pk == review.person_id


def is_manager_rater(user, review) -> bool:
    """The reviewing manager, a manager of the person's team, or HR/admin — never the person
    themself, never a rep (whatever the review's state)."""
    if user is None or not user.is_authenticated or user.pk == review.person_id:
        return False
    if _hr_or_admin(user):
        return True
    if not is_manager(user):
        return False
    return review.manager_id == user.pk or manages(user, review.person)


def can_manage_cycles(user) -> bool:
    """HR and admins open, change and close cycles and annual schemes."""
    return _hr_or_admin(user)


def can_view(user, review) -> bool:
    """``user`` sees ``review`` (the same rule as ``Review.objects.visible_to``)."""
    return owner_in_scope(user, review.person_id)


def _part_open(review, part: str) -> bool:
    """The part may still be written: not locked, not waived, not submitted (unless the
    review was reopened), a quarterly review of an open cycle."""
    from apps.reviews.choices import CycleKind, CycleStatus, ReviewStatus

    if review.locked or part in (review.waivers or {}):
        return False
    cycle = review.cycle
    if cycle.kind != CycleKind.QUARTER or cycle.status != CycleStatus.OPEN:
        return False
    submitted = getattr(review, f"{part}_submitted_at")
    return not submitted or review.status == ReviewStatus.REOPENED


def can_edit_self(user, review) -> bool:
    """Only the person themself writes their self part, while it is open (not locked, not
    submitted unless reopened, not waived, the cycle open)."""
    return is_self_rater(user, review) and _part_open(review, "self")


def can_edit_manager(user, review) -> bool:
    """The reviewing manager (or a manager of the person's team), or HR/admin; never the
    person themself, never a rep; while the manager part is open."""
    return is_manager_rater(user, review) and _part_open(review, "manager")


def can_waive(user, review) -> bool:
    """HR and admins waive a part of a quarterly review (with a reason), while it is not
    locked."""
    from apps.reviews.choices import CycleKind

    return _hr_or_admin(user) and not review.locked and review.cycle.kind == CycleKind.QUARTER


def can_finalise(user, review) -> bool:
    """HR and admins finalise (SPEC §2.5), while the review is not yet finalised."""
    return _hr_or_admin(user) and not review.locked


def can_reopen(user, review) -> bool:
    """HR and admins reopen a finalised review (with a reason)."""
    return _hr_or_admin(user) and review.locked
