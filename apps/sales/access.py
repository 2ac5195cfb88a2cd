"""Who may write sales records. Reading is ``visible_to`` (owner scope plus credit holders);
writing is narrower:

- HR reads everything and writes nothing (403);
- an admin writes everything;
- a rep or manager writes the orders whose owner is in their scope (a rep: their own; a
  manager: their own and their teams'). Holding a credit on an order lets a rep see it, not
  change it.
"""

from django.db.models import Q

from apps.accounts.models import User
from apps.core import ownership
from apps.core.choices import Role
from apps.core.scoping import sees_everything, visible_user_ids

#: Roles that may own or share an order.
SELLING_ROLES = (Role.REP, Role.MANAGER)


def is_admin(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role == Role.ADMIN))


def can_write_sales(user) -> bool:
    """Any signed-in seller or admin; HR (and anyone else) is read-only."""
    if not user.is_authenticated:
        return False
    return is_admin(user) or user.role in SELLING_ROLES


def can_edit_order(user, order) -> bool:
    """May ``user`` change ``order`` and its deliveries, receivables and payments?"""
    if not can_write_sales(user):
        return False
    if is_admin(user) or sees_everything(user):
        return True
    return User.objects.filter(pk=order.owner_id, pk__in=visible_user_ids(user)).exists()


def writable_orders(user, queryset):
    """``queryset`` (already visible to ``user``) narrowed to the orders ``user`` may change."""
    if not can_write_sales(user):
        return queryset.none()
    if is_admin(user):
        return queryset
    return queryset.filter(owner__in=visible_user_ids(user))


def assignable_owners(user):
    """People ``user`` may make the owner of an order (see :mod:`apps.core.ownership`); nobody
    for those who may not write sales data."""
    if not can_write_sales(user):
        return User.objects.none()
    return ownership.assignable_owners(user)


def creditable_people(user, owner=None):
    """People who may hold a credit on an order ``user`` writes: active sellers in ``user``'s
    scope or in the owner's team (so a rep can share a deal with a teammate)."""
    active_sellers = User.objects.filter(is_active=True, role__in=SELLING_ROLES)
    if not can_write_sales(user):
        return User.objects.none()
    if is_admin(user):
        return active_sellers
    q = Q(pk__in=visible_user_ids(user))
    team_id = getattr(owner, "team_id", None) or getattr(user, "team_id", None)
    if team_id:
        q |= Q(team_id=team_id)
    return active_sellers.filter(q)
