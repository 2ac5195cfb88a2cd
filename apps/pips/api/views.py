"""PIP API: ``/api/v1/pips/`` (scoped like the list page: HR all, a manager their teams', a rep
their own) with the actions ``complete``, ``log-session``, ``mark-missed`` and ``outcome``
(If-Match on the plan's ETag), and ``POST /api/v1/pips/`` to open a plan by hand."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.api.views import ServiceCreateMixin, ServiceViewSet
from apps.pips import permissions, services
from apps.pips.api.serializers import (
    PipCompleteSerializer,
    PipOpenSerializer,
    PipOutcomeSerializer,
    PipSerializer,
    SessionLogSerializer,
    SessionMissedSerializer,
)
from apps.pips.exceptions import PipClosed
from apps.pips.filters import PipFilter
from apps.pips.models import CoachingSession, Pip

CLOSED = OpenApiResponse(description=str(_("The plan is closed (read-only).")))


@extend_schema(tags=["pips"])
class PipViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceCreateMixin, ServiceViewSet
):
    """Performance improvement plans with their weekly coaching sessions. Filters: ``status``,
    ``team``, ``person``. HR and managers open and run plans; reps read their own."""

    queryset = (
        Pip.objects.select_related("person")
        .prefetch_related("sessions")
        .order_by("status", "-start_date", "-pk")
    )
    serializer_class = PipSerializer
    create_serializer_class = PipOpenSerializer
    filterset_class = PipFilter
    write_rule = permissions.can_open
    write_denied_message = _("Only HR and managers run improvement plans.")
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "head", "options"]

    def handle_exception(self, exc):
        if isinstance(exc, PipClosed):
            return Response({"detail": exc.messages[0]}, status=status.HTTP_409_CONFLICT)
        return super().handle_exception(exc)

    def perform_service_create(self, data):
        return services.pip_open(
            actor=self.request.user, person=data["person"], reason=data.get("reason", "")
        )

    def _session(self, pip, number) -> CoachingSession:
        session = pip.sessions.filter(number=number).first()
        if session is None:
            raise ValidationError({"session": [_("This plan has no session with that number.")]})
        return session

    @extend_schema(request=PipCompleteSerializer, responses={200: PipSerializer, 409: CLOSED})
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Complete a proposed plan (goals, support, start date on a working day): it starts
        and its weekly sessions are scheduled."""
        pip = self.get_object()
        return self.run_service(
            PipCompleteSerializer,
            lambda data: services.pip_complete(actor=request.user, pip=pip, **data),
        )

    @extend_schema(request=SessionLogSerializer, responses={200: PipSerializer, 409: CLOSED})
    @action(detail=True, methods=["post"], url_path="log-session")
    def log_session(self, request, pk=None):
        """Log a held session (by its number): held on, notes, agreed actions."""
        pip = self.get_object()

        def call(data):
            session = self._session(pip, data.pop("session"))
            services.session_log(actor=request.user, session=session, **data)
            return pip

        return self.run_service(SessionLogSerializer, call)

    @extend_schema(request=SessionMissedSerializer, responses={200: PipSerializer, 409: CLOSED})
    @action(detail=True, methods=["post"], url_path="mark-missed")
    def mark_missed(self, request, pk=None):
        """Mark a scheduled session missed (by its number); HR is told."""
        pip = self.get_object()

        def call(data):
            session = self._session(pip, data.pop("session"))
            services.session_mark_missed(
                actor=request.user, session=session, reason=data.get("reason", "")
            )
            return pip

        return self.run_service(SessionMissedSerializer, call)

    @extend_schema(request=PipOutcomeSerializer, responses={200: PipSerializer, 409: CLOSED})
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        """Record the outcome at the end: passed or failed closes the plan; extended adds three
        months of sessions (once)."""
        pip = self.get_object()
        return self.run_service(
            PipOutcomeSerializer,
            lambda data: services.pip_record_outcome(
                actor=request.user, pip=pip, outcome=data["outcome"], note=data.get("note", "")
            ),
        )
