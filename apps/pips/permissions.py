"""Who may do what with improvement plans (built on :mod:`apps.core.permissions`).

- HR and admins see every plan, open one by hand for any rep, complete, log and close any plan.
- A manager sees the plans of the people in the teams they manage, opens one by hand for them,
  completes the proposal, logs sessions and records the outcome.
- A rep sees only their own running or closed plan, read-only (:class:`PipQuerySet`).
- Nobody changes a closed plan.
"""

from __future__ import annotations

from apps.core.permissions import is_admin, is_hr, is_manager, manages

__all__ = ["can_manage", "can_open", "can_run_org"]


def can_run_org(user) -> bool:
    """HR and admins: every plan."""
    return is_admin(user) or is_hr(user)


def can_open(user) -> bool:
    """May open plans at all (for whom: :func:`can_manage_person`)."""
    return can_run_org(user) or is_manager(user)


def can_manage_person(user, person) -> bool:
    """May open and run a plan of ``person``: HR/admin, or a manager of their team (never of
    themself)."""
    if person is None:
        return False
    if can_run_org(user):
        return True
    return person.pk != user.pk and manages(user, person)


def can_manage(user, pip) -> bool:
    """May complete, log and close ``pip`` (while it is not closed)."""
    return not pip.is_closed and can_manage_person(user, pip.person)
