"""Who may own a record: the one rule leads, customers, opportunities and orders share.

A rep owns what they create; a manager may give a record to themselves or to a member of a team
they manage; an admin to any active rep or manager; HR (read-only on CRM data) to nobody.
:func:`resolve_owner` applies the rule to a create or an update and words the refusal in the
caller's terms (:class:`OwnerMessages`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from apps.core.permissions import SELLING_ROLES, is_admin, is_manager, is_rep


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
    if is_admin(actor):
        return sellers
    if is_manager(actor):
        managed = User.objects.filter(team__managers=actor).values("pk")
        return sellers.filter(Q(pk=actor.pk) | Q(pk__in=managed))
    if is_rep(actor):
        return User.objects.filter(pk=actor.pk)
    return User.objects.none()


@dataclass(frozen=True)
class OwnerMessages:
    """How a refusal is worded for one kind of record (each may use ``%(name)s``, the chosen
    person)."""

    #: No owner was chosen and none can be assumed.
    required: str
    #: A manager chose someone outside the teams they manage.
    not_in_team: str
    #: An admin (or the system) chose someone who cannot own records.
    cannot_own: str
    #: A rep chose someone else on an update; ``None`` keeps the current owner silently.
    rep_hands_over: str | None = None


def resolve_owner(
    *,
    actor,
    owner,
    errors: dict,
    messages: OwnerMessages,
    field: str = "owner",
    current=None,
    default_to_actor: bool = True,
    default_to_any_actor: bool = False,
    rep_owns_own: bool = True,
):
    """The owner a new (``current=None``) or edited record gets, or ``None`` with
    ``errors[field]`` set.

    - No owner chosen: an update keeps ``current``; a create defaults to a rep or manager
      ``actor`` when ``default_to_actor`` (else ``messages.required``). With
      ``default_to_any_actor`` (orders) a create defaults to any ``actor`` (admin too), who
      is then checked like a chosen owner below.
    - A rep (``rep_owns_own``) always owns what they create and cannot hand a record over:
      on an update a different owner is refused with ``messages.rep_hands_over`` or, when that
      is ``None``, ignored.
    - Otherwise the owner must be one of :func:`assignable_owners` of ``actor`` (keeping the
      current owner is always allowed).
    """
    if owner is None:
        if current is not None:
            return current
        if actor is not None and default_to_any_actor:
            owner = actor
        elif default_to_actor and actor is not None and (is_rep(actor) or is_manager(actor)):
            return actor
        else:
            errors[field] = [messages.required]
            return None
    if rep_owns_own and actor is not None and is_rep(actor):
        if current is None:
            return actor
        if owner.pk != current.pk and messages.rep_hands_over is not None:
            errors[field] = [messages.rep_hands_over % {"name": owner}]
        return current
    if current is not None and owner.pk == current.pk:
        return owner
    if not assignable_owners(actor).filter(pk=owner.pk).exists():
        message = messages.not_in_team if is_manager(actor) else messages.cannot_own
        errors[field] = [message % {"name": owner}]
        return None
    return owner


def owner_field_refusal(actor, owner, instance=None) -> str | None:
    """Why ``actor`` may not set ``owner`` at all, or ``None`` (the API answers it with a 403
    naming the field; a choice that is merely not assignable is a 400 from
    :func:`resolve_owner`).

    A rep owns what they create and cannot hand a record over: on a create they may name only
    themselves, on an update only the current owner (``instance.owner``). ``owner`` is a user
    or their primary key as sent (``None`` or ``""``: no choice)."""
    if owner in (None, "") or actor is None or not is_rep(actor):
        return None
    chosen = str(getattr(owner, "pk", owner))
    if instance is None:
        if chosen == str(actor.pk):
            return None
        return _("A rep owns what they create: leave the owner out or name yourself.")
    if chosen == str(instance.owner_id):
        return None
    return _("Only a manager of the owner's team or an admin can change the owner.")
