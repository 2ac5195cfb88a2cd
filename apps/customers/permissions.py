"""Who may change customer data (built on :mod:`apps.core.permissions`).

Everyone reads the customers, contacts, health reports, insights and feedback in their scope
(``visible_to``); sellers and admins change them, HR reads only (SPEC §0). Industries are
shared reference data: managers, HR and admins add them, reps pick from the list.
The services enforce these rules (``require``); the views and viewsets ask them first.
"""

from django.utils.translation import gettext as _

from apps.core.ownership import OwnerMessages
from apps.core.permissions import can_write_crm, is_admin, is_hr, is_manager

__all__ = [
    "can_add_industry",
    "can_write_crm",
    "may_write",
    "owner_messages",
    "satisfaction_refusal",
    "write_denied_message",
]


def may_write(actor) -> bool:
    """Services: may ``actor`` change CRM data? ``None`` is the system (demo data, jobs)."""
    return actor is None or can_write_crm(actor)


def write_denied_message() -> str:
    return _("You may read customer data but not change it.")


def satisfaction_refusal() -> str:
    """Why nobody types a health report's satisfaction in (SPEC §2.3)."""
    return _(
        "The satisfaction comes from the customer's own survey answers (a survey link or a "
        "phone interview by HR or the manager); it cannot be typed in."
    )


def can_add_industry(user) -> bool:
    """Managers, HR and admins add industries; reps pick from the list."""
    return is_admin(user) or is_manager(user) or is_hr(user)


def owner_messages() -> OwnerMessages:
    """How :func:`apps.core.ownership.resolve_owner` words a refused owner of a customer
    record (customers and the activities logged on them)."""
    return OwnerMessages(
        required=_("Choose who owns this record."),
        not_in_team=_("%(name)s is not in a team you manage; choose yourself or one of your reps."),
        cannot_own=_(
            "%(name)s cannot own customer records: choose an active sales rep or manager."
        ),
        rep_hands_over=_("Only a manager or an admin can reassign a customer."),
    )
