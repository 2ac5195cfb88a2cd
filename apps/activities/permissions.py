"""Who may log and change activities (built on :mod:`apps.core.permissions`).

Everyone reads the activities in their scope (``visible_to``); sellers and admins log them, HR
reads only. An activity is changed by the person who logged it, their managers, or an admin;
the owner of the customer it was logged on sees it but does not edit it. Refusals are worded as
for customer data (:mod:`apps.customers.permissions`).
"""

from apps.activities.models import Activity
from apps.core.permissions import can_write_crm
from apps.customers.permissions import may_write, owner_messages, write_denied_message

__all__ = [
    "can_edit_activity",
    "can_write_crm",
    "may_write",
    "owner_messages",
    "write_denied_message",
]


def can_edit_activity(user, activity: Activity) -> bool:
    """``user`` may write CRM data and logged ``activity`` or manages whoever did."""
    return (
        can_write_crm(user) and Activity.objects.editable_by(user).filter(pk=activity.pk).exists()
    )
