"""REST routes of this app, registered on the one /api/v1/ router."""


def register(router):
    from apps.reminders.api import views

    router.register("reminders", views.ReminderViewSet, basename="reminder")
    router.register(
        "reminder-preferences", views.ReminderPreferenceViewSet, basename="reminder-preference"
    )
