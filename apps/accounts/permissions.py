"""Who may change people and teams (built on :mod:`apps.core.permissions`).

Everyone reads the people and teams in their scope (``visible_to``); only HR and admins add
and change them.
"""

from apps.core.permissions import sees_everything

__all__ = ["can_manage_people"]


def can_manage_people(user) -> bool:
    """HR and admins add and change people and teams."""
    return sees_everything(user)
