"""Grades API: ``/api/v1/grades/?year=2026`` (scoped like the list page) and HR's actions:
``POST /api/v1/grades/<id>/calibrate/`` (one grade, If-Match) and, on a whole annual cycle,
``POST /api/v1/grades/propose/``, ``/finalise/`` and ``/reopen/`` (body ``{"cycle": id}``)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.api.field_rules import refuse_unknown_fields
from apps.core.api.permissions import WriteRulePermission
from apps.core.api.views import ServiceViewSet
from apps.grades import permissions, services
from apps.grades.api.serializers import (
    AnnualGradeSerializer,
    CalibrateSerializer,
    CycleResultSerializer,
    CycleSerializer,
    ReopenSerializer,
)
from apps.grades.exceptions import GradeLocked
from apps.grades.filters import GradeFilter
from apps.grades.models import AnnualGrade

LOCKED = OpenApiResponse(
    description=str(_("The grades are finalised (locked): HR reopens them first.")),
)


@extend_schema(tags=["grades"])
class GradeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet):
    """Annual grades. HR and admins see all; a manager the finalised grades of their teams; a
    rep their own once finalised. Filters: ``year``, ``team``, ``grade``, ``rep``, ``cycle``.
    HR and admins propose, calibrate (move one grade with a reason), finalise and reopen."""

    queryset = AnnualGrade.objects.select_related("person").order_by(
        "-year", "group_key", "rank", "person__username", "pk"
    )
    serializer_class = AnnualGradeSerializer
    filterset_class = GradeFilter
    write_rule = permissions.can_calibrate
    write_denied_message = _("Only HR and admins calibrate and finalise grades.")
    http_method_names = ["get", "post", "head", "options"]
    lookup_value_regex = r"\d+"
    field_routes = {"grade": "calibrate", "reason": "calibrate"}

    def handle_exception(self, exc):
        if isinstance(exc, GradeLocked):
            return Response({"detail": exc.messages[0]}, status=status.HTTP_409_CONFLICT)
        return super().handle_exception(exc)

    @extend_schema(
        request=CalibrateSerializer,
        responses={200: AnnualGradeSerializer, 409: LOCKED},
    )
    @action(detail=True, methods=["post"])
    def calibrate(self, request, pk=None):
        """Move the grade (``grade`` and a ``reason``); send ``If-Match`` with the ETag read."""
        grade = self.get_object()
        return self.run_service(
            CalibrateSerializer,
            lambda data: services.grade_move(
                actor=request.user,
                grade=grade,
                new_grade=data["grade"],
                reason=data["reason"],
            ),
            instance=grade,
        )


class _CycleActionViewSet(viewsets.ViewSet):
    """``POST`` on a whole annual cycle (``{"cycle": id, …}``); answers the cycle's counts. A
    write with no record of its own: the shared write rule, no queryset to scope."""

    permission_classes = [WriteRulePermission]
    write_rule = permissions.can_calibrate
    write_denied_message = GradeViewSet.write_denied_message
    input_serializer = CycleSerializer

    def handle_exception(self, exc):
        if isinstance(exc, GradeLocked):
            return Response({"detail": exc.messages[0]}, status=status.HTTP_409_CONFLICT)
        return super().handle_exception(exc)

    def perform(self, cycle, data) -> int:
        raise NotImplementedError

    def create(self, request):
        payload = self.input_serializer(data=request.data, context={"request": request})
        refuse_unknown_fields(request.data, payload)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        cycle = data.pop("cycle")
        changed = self.perform(cycle, data)
        grades = AnnualGrade.objects.filter(cycle=cycle)
        body = {
            "cycle": cycle.pk,
            "changed": changed,
            "grades": grades.count(),
            "finalised": grades.exists() and not grades.filter(finalised=False).exists(),
        }
        return Response(CycleResultSerializer(body).data)


@extend_schema(tags=["grades"])
@extend_schema_view(
    create=extend_schema(
        request=CycleSerializer, responses={200: CycleResultSerializer, 409: LOCKED}
    )
)
class GradeProposeViewSet(_CycleActionViewSet):
    """Propose the grades of an annual cycle by forced distribution (idempotent; grades HR
    moved keep their grade and reason). 409 once finalised."""

    def perform(self, cycle, data):
        return services.grades_propose(cycle=cycle, actor=self.request.user)


@extend_schema(tags=["grades"])
@extend_schema_view(
    create=extend_schema(
        request=CycleSerializer, responses={200: CycleResultSerializer, 409: LOCKED}
    )
)
class GradeFinaliseViewSet(_CycleActionViewSet):
    """Finalise (lock) every grade of an annual cycle, in all its groups."""

    def perform(self, cycle, data):
        return services.grades_finalise(cycle=cycle, actor=self.request.user)


@extend_schema(tags=["grades"])
@extend_schema_view(
    create=extend_schema(request=ReopenSerializer, responses={200: CycleResultSerializer})
)
class GradeReopenViewSet(_CycleActionViewSet):
    """Reopen the finalised grades of an annual cycle; ``reason`` is required."""

    input_serializer = ReopenSerializer

    def perform(self, cycle, data):
        return services.grades_reopen(cycle=cycle, actor=self.request.user, reason=data["reason"])
