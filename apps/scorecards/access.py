"""Who may do what with scorecards (reading is scoped by ``visible_to``)."""

from apps.core.choices import Role
from apps.core.scoping import sees_everything


def can_recompute(user) -> bool:
    """HR, admin and managers may queue a recompute (it recomputes the whole period for
    everyone: the result does not depend on who asks). Reps may not."""
    return bool(user.is_authenticated and (sees_everything(user) or user.role == Role.MANAGER))
