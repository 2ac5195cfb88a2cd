"""Role predicates: the one place that says who is an admin, who is HR, who sells and who may
write CRM data. Every app's ``permissions.py`` builds its object-level rules from these, and the
browser views and API viewsets of the shared write path (:mod:`apps.core.views`,
:mod:`apps.core.api.views`) call those rules. Reading is decided by ``visible_to`` alone
(:mod:`apps.core.scoping`).

Rules (SPEC §0):
- admin (role admin, or a superuser): everything;
- HR: reads everything, writes no CRM data (HR's own writes are reference data and reviews);
- managers and reps ("sellers"): write the records of the people in their scope.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from apps.core.choices import Role
from apps.core.scoping import sees_everything, visible_user_ids

#: Roles that own, sell and get scorecards.
SELLING_ROLES = (Role.REP, Role.MANAGER)

__all__ = [
    "SELLING_ROLES",
    "can_write_crm",
    "is_admin",
    "is_hr",
    "is_manager",
    "is_rep",
    "is_seller",
    "manages",
    "owner_in_scope",
    "require",
    "sees_everything",
]


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_admin(user) -> bool:
    """A superuser or a user with the admin role."""
    return _signed_in(user) and (user.is_superuser or user.role == Role.ADMIN)


def is_hr(user) -> bool:
    return _signed_in(user) and not user.is_superuser and user.role == Role.HR


def is_manager(user) -> bool:
    return _signed_in(user) and not user.is_superuser and user.role == Role.MANAGER


def is_rep(user) -> bool:
    return _signed_in(user) and not user.is_superuser and user.role == Role.REP


def is_seller(user) -> bool:
    """A rep or a manager (not an admin, even one who also has a selling role)."""
    return is_rep(user) or is_manager(user)


def can_write_crm(user) -> bool:
    """May ``user`` create and change CRM records at all (leads, customers, pipeline,
    activities, orders)? Sellers and admins may; HR reads only; inactive users nothing."""
    return is_admin(user) or is_seller(user)


def manages(user, owner) -> bool:
    """``user`` is a manager of the team ``owner`` works in."""
    if not is_manager(user) or owner is None or getattr(owner, "team_id", None) is None:
        return False
    return user.managed_teams.filter(pk=owner.team_id).exists()


def owner_in_scope(user, owner_id) -> bool:
    """Is the person ``owner_id`` among those whose records ``user`` sees (themself, the members
    of the teams they manage, or everyone for HR and admin)?"""
    if not _signed_in(user):
        return False
    if owner_id == user.pk:
        return True
    ids = visible_user_ids(user)
    if ids is None:
        return True
    return ids.filter(pk=owner_id).exists()


def require(allowed: bool, message) -> None:
    """Raise ``PermissionDenied(message)`` (a 403 in the browser and the API) unless
    ``allowed``."""
    if not allowed:
        raise PermissionDenied(message)
