"""Who may see what: the one place that turns a user into a queryset filter.

Every model that belongs to a rep uses :class:`ScopedQuerySet` (directly or through
``ScopedManager``) and names the path to that rep in ``owner_lookup``. UI views, API viewsets,
exports and selectors all call ``Model.objects.visible_to(user)``; nothing else filters by role.

Rules (SPEC §0):
- rep: own records;
- manager: own records and those of the members of the teams they manage;
- HR and admin: everything.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from apps.core.choices import ORGANISATION_WIDE_ROLES, Role


def sees_everything(user) -> bool:
    return bool(
        user.is_authenticated
        and (user.is_superuser or getattr(user, "role", None) in ORGANISATION_WIDE_ROLES)
    )


def visible_user_ids(user):
    """A subquery of the ids of the people whose records ``user`` may see.

    Returns ``None`` when the user sees everyone (HR, admin), so callers can skip the filter.
    """
    from apps.accounts.models import User

    if not user.is_authenticated:
        return User.objects.none().values("pk")
    if sees_everything(user):
        return None
    if user.role == Role.MANAGER:
        return User.objects.filter(Q(pk=user.pk) | Q(team__managers=user)).values("pk")
    return User.objects.filter(pk=user.pk).values("pk")


class ScopedQuerySet(models.QuerySet):
    #: Path from the model to the user who owns a row (e.g. ``"owner"`` or ``"order__owner"``).
    owner_lookup: str = "owner"

    def visible_q(self, user) -> Q | None:
        """The filter for ``user``; ``None`` means no restriction. Override for extra rules."""
        ids = visible_user_ids(user)
        if ids is None:
            return None
        return Q(**{f"{self.owner_lookup}__in": ids})

    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        q = self.visible_q(user)
        return self if q is None else self.filter(q)


def scoped_queryset(owner_lookup: str) -> type[ScopedQuerySet]:
    """A ScopedQuerySet subclass for models whose owner sits at ``owner_lookup``."""
    return type(f"ScopedQuerySet_{owner_lookup}", (ScopedQuerySet,), {"owner_lookup": owner_lookup})
