"""Who may do what with training proposals (built on :mod:`apps.core.permissions`).

- HR and admins see and manage every proposal, generate proposals and edit the settings.
- A manager sees, accepts, schedules, declines and marks done the proposals of the teams they
  manage (workshops of the team, individual proposals of its people).
- A rep sees the proposals that concern them (their own individual ones, the workshops they
  take part in), read-only (:class:`~apps.training.models.TrainingProposalQuerySet`).
- Nobody changes a done or declined proposal.
"""

from __future__ import annotations

from apps.core.permissions import is_admin, is_hr, is_manager

__all__ = ["can_manage", "can_manage_any", "can_run_org"]


def can_run_org(user) -> bool:
    """HR and admins: every proposal, the generation and the settings."""
    return is_admin(user) or is_hr(user)


def can_manage_any(user) -> bool:
    """May run proposals at all (which: :func:`can_manage`)."""
    return can_run_org(user) or is_manager(user)


def can_manage(user, proposal) -> bool:
    """May accept, schedule, decline and mark done ``proposal`` (whatever its status)."""
    if can_run_org(user):
        return True
    if not is_manager(user):
        return False
    team_id = proposal.team_id
    if team_id is None and proposal.person_id is not None:
        if proposal.person_id == user.pk:
            return False
        team_id = proposal.person.team_id
    return team_id is not None and user.managed_teams.filter(pk=team_id).exists()
