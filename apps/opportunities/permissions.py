"""Who may change what in the pipeline. Pure predicates over users and rows, built on the role
predicates of :mod:`apps.core.permissions`; the services enforce them (raising
``PermissionDenied``) and the views use them to refuse a page or show or hide buttons.

Reading is decided by ``visible_to`` alone. Writing:
- admin: everything;
- HR: read-only (except the pipeline settings switch);
- manager: opportunities they own and those owned by members of the teams they manage;
- rep: the opportunities they own (a credit lets a rep see a shared opportunity, not change it).
A SPIN note, proposal or risk is changed by whoever may change its opportunity.
"""

from apps.core.permissions import can_write_crm, is_admin, is_hr, manages


def can_create_opportunity(user) -> bool:
    """Reps, managers and admins open opportunities (and write pipeline records at all)."""
    return can_write_crm(user)


def can_change_opportunity(user, opportunity) -> bool:
    if not can_write_crm(user):
        return False
    return is_admin(user) or opportunity.owner_id == user.pk or manages(user, opportunity.owner)


def can_change_part(user, part) -> bool:
    """A SPIN note, proposal or risk follows its opportunity."""
    return can_change_opportunity(user, part.opportunity)


def can_move_back(user, opportunity) -> bool:
    """Moving an opportunity back a stage is for the owner's manager and admin only."""
    return is_admin(user) or manages(user, opportunity.owner)


def can_review_proposal(user, proposal) -> bool:
    """A manager of the owner's team or an admin reviews; nobody reviews their own proposal."""
    if not user.is_authenticated or proposal.author_id == user.pk:
        return False
    return is_admin(user) or manages(user, proposal.opportunity.owner)


def can_edit_pipeline_settings(user) -> bool:
    return is_admin(user) or is_hr(user)
