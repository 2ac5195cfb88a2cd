"""Who may own a record: the one rule leads, customers, opportunities and orders share.

A rep owns what they create; a manager may give a record to themselves or to a member of a team
they manage; an admin to any active rep or manager; HR (read-only on CRM data) to nobody.
"""

from django.db.models import Q

from apps.core.choices import Role

SELLING_ROLES = (Role.REP, Role.MANAGER)


def assignable_owners(actor):
    """The active reps and managers ``actor`` may make the owner of a record.

    ``actor=None`` stands for the system (imports, demo data, jobs) and may assign anyone.
    """
    from apps.accounts.models import User

    sellers = User.objects.filter(is_active=True, role__in=SELLING_ROLES)
    if actor is None:
        return sellers
    if not actor.is_authenticated:
        return User.objects.none()
    if actor.is_superuser or actor.role == Role.ADMIN:
        return sellers
    if actor.role == Role.MANAGER:
        return sellers.filter(Q(pk=actor.pk) | Q(team__managers=actor)).distinct()
    if actor.role == Role.REP:
        return User.objects.filter(pk=actor.pk)
    return User.objects.none()
