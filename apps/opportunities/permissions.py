"""Who may change what in the pipeline. Pure predicates over users and rows; the services
enforce them (raising ``PermissionDenied``) and the views use them to show or hide buttons.

Reading is decided by ``visible_to`` alone. Writing:
- admin: everything;
- HR: read-only (except the pipeline settings switch);
- manager: opportunities they own and those owned by members of the teams they manage;
- rep: the opportunities they own (a credit lets a rep see a shared opportunity, not change it).
"""

from apps.core.choices import Role


def is_admin(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role == Role.ADMIN))


def manages_owner(user, owner) -> bool:
    """``user`` is a manager of the team ``owner`` works in."""
    if not user.is_authenticated or user.role != Role.MANAGER or owner.team_id is None:
        return False
    return user.managed_teams.filter(pk=owner.team_id).exists()


def can_create_opportunity(user) -> bool:
    return bool(user.is_authenticated and user.role in (Role.REP, Role.MANAGER)) or is_admin(user)


def can_change_opportunity(user, opportunity) -> bool:
    if not user.is_authenticated:
        return False
    if is_admin(user):
        return True
    if user.role == Role.HR:
        return False
    if opportunity.owner_id == user.pk:
        return True
    return manages_owner(user, opportunity.owner)


def can_move_back(user, opportunity) -> bool:
    """Moving an opportunity back a stage is for the owner's manager and admin only."""
    return is_admin(user) or manages_owner(user, opportunity.owner)


def can_review_proposal(user, proposal) -> bool:
    """A manager of the owner's team or an admin reviews; nobody reviews their own proposal."""
    if not user.is_authenticated or proposal.author_id == user.pk:
        return False
    return is_admin(user) or manages_owner(user, proposal.opportunity.owner)


def can_edit_pipeline_settings(user) -> bool:
    return bool(user.is_authenticated and (is_admin(user) or user.role == Role.HR))
