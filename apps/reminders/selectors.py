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
    """One row per rule with the user's choice (defaults: inbox on, e-mail on) and the digest."""
    from apps.reminders.services import rules_ensure

    rules = rules_ensure()
    chosen = {p.rule_id: p for p in NotificationPreference.objects.filter(user=user)}
    rows = []
    for code, definition in registry.items():
        rule = rules[code]
        pref = chosen.get(rule.pk)
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


def rule_rows(*, user):
    from apps.reminders.services import rules_ensure

    rules_ensure()
    return ReminderRule.objects.visible_to(user).filter(code__in=list(registry))


def run_log(*, user):
    return RuleRun.objects.visible_to(user).select_related("rule")
