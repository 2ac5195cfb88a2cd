from django.urls import path

from apps.reminders import views

app_name = "reminders"

urlpatterns = [
    path("", views.InboxView.as_view(), name="inbox"),
    path("read-all/", views.MarkAllReadView.as_view(), name="read-all"),
    path("<int:pk>/open/", views.ReminderOpenView.as_view(), name="reminder-open"),
    path("<int:pk>/done/", views.ReminderDoneView.as_view(), name="reminder-done"),
    path("preferences/", views.PreferencesView.as_view(), name="preferences"),
    path("rules/", views.RuleListView.as_view(), name="rule-list"),
    path("rules/<int:pk>/", views.RuleEditView.as_view(), name="rule-edit"),
    path("rules/<int:pk>/run/", views.RuleRunNowView.as_view(), name="rule-run"),
    path("runs/", views.RunLogView.as_view(), name="run-log"),
    path("calendar/", views.CalendarView.as_view(), name="calendar"),
    path(
        "calendar/<int:pk>/delete/",
        views.CalendarExceptionDeleteView.as_view(),
        name="calendar-delete",
    ),
]
