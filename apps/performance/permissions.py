"""Who may write performance data (built on :mod:`apps.core.permissions`).

- Weight schemes and period settings are organisation-wide reference data: everyone reads
  them, HR and admins configure them.
- Targets: HR and admins set anyone's; a manager those of the members of the teams they manage
  (not their own); a rep nobody's.
- PDCA notes: a rep keeps their own; their managers read them.

``user=None`` stands for the system (demo data, migrations, jobs) where a rule says so.
"""

from __future__ import annotations

from apps.accounts.models import Team
from apps.core.choices import Role
from apps.core.permissions import is_admin, is_hr, is_manager, sees_everything

__all__ = [
    "can_configure",
    "can_write_targets",
    "keeps_pdca_notes",
    "may_set_targets_for",
    "may_set_team_targets",
    "target_setter_teams",
]


def can_configure(user) -> bool:
    """HR and admins configure KPI weight schemes and period settings."""
    return is_admin(user) or is_hr(user)


def can_write_targets(user) -> bool:
    """Managers, HR and admins set targets (whose targets: :func:`may_set_targets_for`)."""
    return is_admin(user) or is_hr(user) or is_manager(user)


def target_setter_teams(user):
    """The teams whose reps' targets ``user`` may set: HR/admin (and the system) all, a
    manager the teams they manage, anyone else none."""
    if user is None or sees_everything(user):
        return Team.objects.all()
    if user.is_authenticated and user.role == Role.MANAGER:
        return Team.objects.filter(managers=user)
    return Team.objects.none()


def may_set_team_targets(user, team) -> bool:
    """May ``user`` set the targets of ``team``'s reps?"""
    return team is not None and target_setter_teams(user).filter(pk=team.pk).exists()


def may_set_targets_for(user, rep) -> bool:
    """HR and admins set anyone's targets; a manager those of the members of their teams
    (not their own); a rep nobody's."""
    if user is None or sees_everything(user):
        return True
    if not user.is_authenticated or user.role != Role.MANAGER or rep.pk == user.pk:
        return False
    return rep.team_id is not None and target_setter_teams(user).filter(pk=rep.team_id).exists()


def keeps_pdca_notes(user) -> bool:
    """Reps (by role) keep their own PDCA notes; nobody else writes them."""
    return user is not None and user.is_authenticated and user.role == Role.REP
