"""Who may do what with annual grades (built on :mod:`apps.core.permissions`).

- HR and admins propose, calibrate (move a grade with a reason), finalise and reopen grades;
  they see every grade, finalised or not, and the calibration screen.
- A manager sees the *finalised* grades of the people in the teams they manage (and their own);
  a rep only their own, once finalised (:class:`apps.grades.models.AnnualGradeQuerySet`).
- Nobody changes a finalised grade: HR reopens the cycle's grades first, with a reason.
"""

from __future__ import annotations

from apps.core.permissions import is_admin, is_hr

__all__ = ["can_calibrate", "can_move", "can_view_calibration"]


def can_calibrate(user) -> bool:
    """HR and admins run the calibration: propose, move, finalise, reopen."""
    return is_admin(user) or is_hr(user)


def can_view_calibration(user) -> bool:
    """The calibration screen (every group's ranked list, unfinalised proposals): HR, admins."""
    return can_calibrate(user)


def can_move(user, grade) -> bool:
    """May ``user`` change ``grade`` by hand now? HR/admin, and only while it is not
    finalised."""
    return can_calibrate(user) and not grade.finalised
