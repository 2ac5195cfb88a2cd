"""Who may do what with scorecards (reading is scoped by ``visible_to``), built on the role
predicates of :mod:`apps.core.permissions`."""

from apps.core.permissions import is_admin, is_hr, is_manager


def can_recompute(user) -> bool:
    """HR, admin and managers may queue a recompute (it recomputes the whole period for
    everyone: the result does not depend on who asks). Reps may not."""
    return is_hr(user) or is_admin(user) or is_manager(user)
