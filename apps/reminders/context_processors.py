from apps.reminders.selectors import unread_count


def unread_reminders(request) -> dict:
    """``unread_reminders``: the signed-in user's unread open inbox reminders (one query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_reminders": 0}
    return {"unread_reminders": unread_count(user=user)}
