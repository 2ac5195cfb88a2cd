"""Who may rate, log learning, set goals and edit cases (built on :mod:`apps.core.permissions`).

- Collaboration ratings: a rep rates the other reps of their team (as a peer); a manager rates
  the reps of the teams they manage (as the manager). Nobody rates themself; HR and admins do
  not rate. The rater's role comes from this relationship, never from what was sent.
- Learning log: each person keeps their own (an admin may correct any entry); managers read
  their team's, HR everyone's.
- Capability goals: set and updated by the rep or a manager of their team (or an admin).
- Case library: everyone reads and shares cases; the author edits their own, a manager the
  cases of their team's people, HR and admins all.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apps.core.choices import Role
from apps.core.permissions import is_admin, is_hr, is_manager, is_rep, is_seller, manages
from apps.development.choices import RaterRole

__all__ = [
    "can_edit_case",
    "can_edit_learning",
    "can_rate",
    "can_set_goal",
    "can_share_case",
    "can_write_learning",
    "rater_role_for",
]

RATE_DENIED = _("Only sales reps and their managers give collaboration ratings.")


def can_rate(user) -> bool:
    """Reps and managers give collaboration ratings."""
    return is_seller(user)


def can_rate_or_admin(user) -> bool:
    return can_rate(user) or is_admin(user)


def rater_role_for(rater, rated) -> str | None:
    """How ``rater`` rates ``rated``: ``manager`` when they manage the rated rep's team,
    ``peer`` when both are reps of the same team, ``None`` when they may not rate them."""
    if rater is None or rated is None or rater.pk == rated.pk:
        return None
    if getattr(rated, "role", None) != Role.REP or not rated.is_active or rated.team_id is None:
        return None
    if manages(rater, rated):
        return RaterRole.MANAGER
    if is_rep(rater) and rater.team_id == rated.team_id:
        return RaterRole.PEER
    return None


def can_write_learning(user) -> bool:
    """Sellers keep a learning log; admins may correct one."""
    return is_seller(user) or is_admin(user)


def can_edit_learning(user, entry) -> bool:
    return bool(user.is_authenticated) and (entry.rep_id == user.pk or is_admin(user))


def can_set_goal(user, rep) -> bool:
    """The rep themself, a manager of their team, or an admin."""
    if rep is None or not user.is_authenticated:
        return False
    if is_admin(user):
        return True
    if rep.pk == user.pk:
        return is_seller(user)
    return manages(user, rep)


def can_share_case(user) -> bool:
    """Everyone signed in may add a case to the library."""
    return bool(user is not None and user.is_authenticated and user.is_active)


def can_edit_case(user, case) -> bool:
    if not can_share_case(user):
        return False
    if is_admin(user) or is_hr(user):
        return True
    if case.author_id is not None and case.author_id == user.pk:
        return True
    return is_manager(user) and case.author is not None and manages(user, case.author)
