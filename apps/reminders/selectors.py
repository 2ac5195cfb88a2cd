from apps.reminders.choices import ReminderStatus
from apps.reminders.models import (
    DigestPreference,
    NotificationPreference,
    Reminder,
    ReminderRule,
    RuleRun,
)
from apps.reminders.rules import registry


def reminder_list(*, user):
    """``user``'s own inbox (whatever their role), newest due first among the open ones."""
    return (
        Reminder.objects.visible_to(user)
        .in_inbox()
        .select_related("rule")
        .order_by("status", "due_on", "-pk")
    )


def unread_count(*, user) -> int:
    if not user.is_authenticated:
        return 0
    return Reminder.objects.filter(
        recipient=user, in_inbox=True, read_at__isnull=True, status=ReminderStatus.OPEN
    ).count()


def preference_rows(*, user) -> tuple[list[dict], bool]:
    """One row per rule with the user's choice (defaults: inbox on, e-mail on) and the digest.

    Reads only: callers make sure the rule rows exist (``services.rules_ensure``)."""
    chosen = {
        p.rule.code: p
        for p in NotificationPreference.objects.filter(user=user).select_related("rule")
    }
    rows = []
    for code, definition in registry.items():
        pref = chosen.get(code)
        rows.append(
            {
                "code": code,
                "name": definition.name,
                "description": definition.description,
                "inbox": pref.inbox if pref else True,
                "email": pref.email if pref else True,
            }
        )
    digest = DigestPreference.objects.filter(user=user, digest=True).exists()
    return rows, digest


def preferences_version(*, user) -> int:
    """The version of ``user``'s reminder preferences as one setting (their rule rows and the
    digest; 0 before the first save): what the form and the API's ``ETag`` carry."""
    versions = [
        *NotificationPreference.objects.filter(user=user).values_list("version", flat=True),
        *DigestPreference.objects.filter(user=user).values_list("version", flat=True),
    ]
    return sum(versions)


def rule_rows(*, user):
    """The rows of the registered rules (callers make sure they exist: ``rules_ensure``)."""
    return ReminderRule.objects.visible_to(user).filter(code__in=list(registry))


def run_log(*, user):
    return RuleRun.objects.visible_to(user).select_related("rule")
