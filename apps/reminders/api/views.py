from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.api.views import ServiceViewSet
from apps.reminders import permissions, selectors, services
from apps.reminders.api.serializers import (
    PreferencesInputSerializer,
    PreferencesSerializer,
    ReminderSerializer,
)
from apps.reminders.filters import ReminderFilter
from apps.reminders.models import Reminder


class ReminderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet):
    """The signed-in user's own reminders (HR and admin included: an inbox is personal).
    Filters: ``status``, ``rule`` (code), ``unread``, ``due_after``, ``due_before``."""

    queryset = Reminder.objects.select_related("rule", "content_type")
    serializer_class = ReminderSerializer
    filterset_class = ReminderFilter
    ordering_fields = ["due_on", "created_at", "status"]

    def get_queryset(self):
        return super().get_queryset().in_inbox().order_by("status", "due_on", "-pk")

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            pk = self.kwargs.get("pk")
            if not (str(pk).isascii() and str(pk).isdigit()):  # "null", "abc": no such id
                raise
            permissions.refuse_foreign_reminder(self.request.user, int(pk))

    @extend_schema(request=None, responses=ReminderSerializer)
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        reminder = self.get_object()
        return self.run_service(
            None,
            lambda _data: services.reminder_mark_done(actor=request.user, reminder=reminder),
        )

    @extend_schema(request=None, responses=ReminderSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        reminder = self.get_object()
        return self.run_service(
            None,
            lambda _data: services.reminder_mark_read(actor=request.user, reminder=reminder),
        )


class ReminderPreferenceViewSet(ServiceViewSet):
    """The signed-in user's delivery choices per rule and the daily digest switch.
    ``GET`` reads them; ``POST`` changes the rules and/or the digest it names."""

    serializer_class = PreferencesSerializer
    create_serializer_class = PreferencesInputSerializer
    #: The schema documents the ``ETag`` of every answer, ``If-Match`` and the 412 on POST.
    versioned_singleton = True
    pagination_class = None
    filter_backends: list = []

    def _state(self):
        services.rules_ensure()
        rows, digest = selectors.preference_rows(user=self.request.user)
        return {
            "digest": digest,
            "rules": rows,
            "version": selectors.preferences_version(user=self.request.user),
        }

    def _answer(self):
        """The preferences, their version (one for the rule rows and the digest) as ``ETag``."""
        state = self._state()
        self.etag_version = state["version"]
        return Response(PreferencesSerializer(state).data)

    def stale_representation(self, exc):
        return exc.current.version, PreferencesSerializer(self._state()).data

    @extend_schema(responses=PreferencesSerializer)
    def list(self, request, *args, **kwargs):
        return self._answer()

    @extend_schema(request=PreferencesInputSerializer, responses={200: PreferencesSerializer})
    def create(self, request, *args, **kwargs):
        data = self.parse(self.create_serializer_class)
        current = self._state()
        choices = {
            row["code"]: {"inbox": row["inbox"], "email": row["email"]}
            for row in data.get("rules", [])
        }
        services.preferences_update(
            user=request.user,
            choices=choices,
            digest=data.get("digest", current["digest"]),
            expected_version=self.if_match_expected(),
        )
        return self._answer()
