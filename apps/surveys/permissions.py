"""Who may do what with a satisfaction survey (SPEC §0, §2.3), built on
:mod:`apps.core.permissions`.

Only the customer's own answers count: the customer through a one-time link, or HR or the
rep's manager typing in a phone interview. The rep the survey is about — a rep, or a manager
about their own customers — never answers, records or sees its link. HR (and admins) cancel.
Reading is ``Survey.objects.visible_to`` (:class:`apps.surveys.models.SurveyQuerySet`).
The services enforce these rules (``require``); the views and viewsets ask them first.
"""

from django.utils.translation import gettext as _

from apps.core.permissions import is_admin, is_hr, is_manager, is_rep, manages

__all__ = [
    "can_cancel",
    "can_handle",
    "can_record",
    "cancel_denied_message",
    "handle_denied_message",
    "may_manage_surveys",
]


def may_manage_surveys(user) -> bool:
    """May ``user`` send links or record interviews at all (HR, admins, managers)?"""
    return is_admin(user) or is_hr(user) or is_manager(user)


def can_handle(user, survey) -> bool:
    """May ``user`` send this survey's link or record its phone interview? HR and admins
    always; a manager for the people of their teams, never about their own customers."""
    if user is None or survey is None:
        return False
    if survey.rep_id == user.pk:
        return False
    if is_admin(user) or is_hr(user):
        return True
    return is_manager(user) and manages(user, survey.rep)


can_record = can_handle


def handle_denied_message(user, survey) -> str:
    if survey is not None and user is not None and survey.rep_id == user.pk:
        return _(
            "This survey is about your own customer: only the customer answers it, through "
            "the link or a phone interview with HR or your manager, so you cannot see its "
            "link or record answers."
        )
    if is_rep(user):
        return _(
            "Only the customer answers the satisfaction survey (through its link or a phone "
            "interview with HR or your manager): a rep cannot see survey links or record "
            "answers."
        )
    return _("Only HR or the rep's manager can send survey links and record phone interviews.")


def can_cancel(user, survey=None) -> bool:
    """HR and admins cancel a survey (with a reason); it then never counts."""
    if survey is not None and user is not None and survey.rep_id == user.pk:
        return False
    return is_admin(user) or is_hr(user)


def cancel_denied_message() -> str:
    return _("Only HR can cancel a survey.")
