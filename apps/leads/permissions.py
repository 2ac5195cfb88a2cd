"""Who may do what with leads, built on the role predicates of :mod:`apps.core.permissions`.

Reading is decided by ``Lead.objects.visible_to`` alone; these rules decide writing. The
browser views and API viewsets check them up front, and the services enforce them again.
"""

from __future__ import annotations

from apps.core.permissions import can_write_crm, is_admin, is_rep, manages, sees_everything

__all__ = ["can_edit_rubric", "can_override_grade", "can_write_leads", "is_admin", "is_rep"]


def can_write_leads(user) -> bool:
    """Reps, managers and admins create and work leads; HR only reads them."""
    return can_write_crm(user)


def can_override_grade(user, lead) -> bool:
    """An admin, or a manager of a team the lead's owner works in."""
    return is_admin(user) or manages(user, lead.owner)


def can_edit_rubric(user) -> bool:
    """HR and admins change the grading rubric."""
    return sees_everything(user)
