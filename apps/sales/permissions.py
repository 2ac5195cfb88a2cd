"""Who may write sales records, built on the role predicates of :mod:`apps.core.permissions`.
The services enforce these rules (``PermissionDenied``); the views and viewsets use them to
refuse a page (403) and to show or hide buttons. Reading is ``visible_to`` alone (owner scope
plus credit holders); writing is narrower:

- HR reads everything and writes nothing (403);
- an admin writes everything;
- a rep or manager writes the orders whose owner is in their scope (a rep: their own; a
  manager: their own and their teams'). Holding a credit on an order lets a rep see it, not
  change it. Deliveries, questions, receivables and payments follow their order.
- only an admin reverses a payment.
"""

from django.db.models import Q

from apps.accounts.models import User
from apps.core.permissions import (
    SELLING_ROLES,
    can_write_crm,
    is_admin,
    owner_in_scope,
)
from apps.core.scoping import visible_user_ids

__all__ = [
    "can_edit_delivery",
    "can_edit_delivery_question",
    "can_edit_order",
    "can_reverse_payment",
    "can_write_crm",
    "creditable_people",
    "is_admin",
    "writable_orders",
]


def can_edit_order(user, order) -> bool:
    """May ``user`` change ``order`` and its deliveries, receivables and payments?"""
    return can_write_crm(user) and owner_in_scope(user, order.owner_id)


def can_edit_delivery(user, delivery) -> bool:
    return can_edit_order(user, delivery.order)


def can_edit_delivery_question(user, question) -> bool:
    return can_edit_order(user, question.delivery.order)


def can_reverse_payment(user, payment=None) -> bool:
    """Reversing (deleting) a payment is for an admin only."""
    return is_admin(user)


def writable_orders(user, queryset):
    """``queryset`` (already visible to ``user``) narrowed to the orders ``user`` may change."""
    if not can_write_crm(user):
        return queryset.none()
    if is_admin(user):
        return queryset
    return queryset.filter(owner__in=visible_user_ids(user))


def creditable_people(user, owner=None):
    """People who may hold a credit on an order ``user`` writes: active sellers in ``user``'s
    scope or in the owner's team (so a rep can share a deal with a teammate)."""
    active_sellers = User.objects.filter(is_active=True, role__in=SELLING_ROLES)
    if not can_write_crm(user):
        return User.objects.none()
    if is_admin(user):
        return active_sellers
    q = Q(pk__in=visible_user_ids(user))
    team_id = getattr(owner, "team_id", None) or getattr(user, "team_id", None)
    if team_id:
        q |= Q(team_id=team_id)
    return active_sellers.filter(q)
