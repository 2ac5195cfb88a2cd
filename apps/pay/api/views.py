"""Pay API (SPEC §2.6):

* ``/api/v1/pay-runs/`` — HR and admins only (403 for everyone else): list, retrieve,
  ``POST`` ``{"period_key": "2026-10"}`` to open a month's run, and the actions ``recompute``,
  ``close`` (If-Match on the run's ETag) and ``correct`` ``{"reason"}``; a closed run answers
  409 to a recompute or a close.
* ``/api/v1/pay/`` — pay statements, scoped (HR and admins all, a manager their teams', a
  person their own); filters ``month`` (YYYY-MM), ``team``, ``person``.
* ``/api/v1/pay-policies/`` — every signed-in user reads; HR and admins create a version.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from apps.core.api.views import ServiceReadCreateViewSet, ServiceViewSet
from apps.pay import permissions, services
from apps.pay.api.serializers import (
    PayAdjustmentSerializer,
    PayPolicyCreateSerializer,
    PayPolicySerializer,
    PayRunCorrectSerializer,
    PayRunOpenSerializer,
    PayRunSerializer,
    PayStatementSerializer,
)
from apps.pay.exceptions import PayRunLocked
from apps.pay.filters import PayStatementFilter
from apps.pay.models import PayAdjustment, PayPolicy, PayRun, PayStatement
from apps.pay.views import DENIED, with_figures

LOCKED = OpenApiResponse(description=str(_("The pay run is closed (locked).")))


class PayRunnerPermission(BasePermission):
    """HR and admins, for reading and writing alike."""

    message = DENIED

    def has_permission(self, request, view):
        return permissions.may_run_pay(request.user)


@extend_schema(tags=["pay"])
class PayRunViewSet(ServiceReadCreateViewSet):
    """Monthly pay runs. Opening one queues its computation (``status`` queued → computing →
    open, ``progress_percent``); HR reviews, recomputes and closes it (then locked)."""

    queryset = with_figures(PayRun.objects.all()).order_by("-period_start", "-pk")
    serializer_class = PayRunSerializer
    create_serializer_class = PayRunOpenSerializer
    permission_classes = [PayRunnerPermission]
    write_rule = permissions.may_run_pay
    write_denied_message = DENIED
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "head", "options"]

    def handle_exception(self, exc):
        if isinstance(exc, PayRunLocked):
            return Response({"detail": exc.messages[0]}, status=status.HTTP_409_CONFLICT)
        return super().handle_exception(exc)

    def perform_service_create(self, data):
        return services.pay_run_open(actor=self.request.user, period_key=data["period_key"])

    @extend_schema(request=None, responses={200: PayRunSerializer, 409: LOCKED})
    @action(detail=True, methods=["post"])
    def recompute(self, request, pk=None):
        """Compute an open or failed run again (the adjustments carried in it stay)."""
        run = self.get_object()
        return self.run_service(
            None, lambda data: services.pay_run_recompute(actor=request.user, run=run)
        )

    @extend_schema(request=None, responses={200: PayRunSerializer, 409: LOCKED})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close an open run: its statements are final and it is locked."""
        run = self.get_object()
        return self.run_service(
            None, lambda data: services.pay_run_close(actor=request.user, run=run)
        )

    @extend_schema(
        request=PayRunCorrectSerializer, responses={200: PayAdjustmentSerializer(many=True)}
    )
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        """Correct a closed run: each difference to what was paid becomes an adjustment in the
        next open run (the answer lists the adjustments written; none when nothing differs)."""
        run = self.get_object()
        data = self.parse(PayRunCorrectSerializer)
        written = services.pay_run_correct(actor=request.user, run=run, reason=data["reason"])
        adjustments = PayAdjustment.objects.filter(
            pk__in=[adjustment.pk for adjustment in written]
        ).select_related("run", "corrected_run")
        return Response(PayAdjustmentSerializer(adjustments, many=True).data)


@extend_schema(tags=["pay"])
class PayStatementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet):
    """Pay statements with every input and component. HR and admins see all, a manager their
    teams', a person their own. Filters: ``month`` (YYYY-MM), ``team``, ``person``."""

    queryset = PayStatement.objects.select_related("run").order_by(
        "-run__period_start", "team__name", "person__username", "pk"
    )
    serializer_class = PayStatementSerializer
    filterset_class = PayStatementFilter
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "head", "options"]


@extend_schema(tags=["pay"])
class PayPolicyViewSet(ServiceReadCreateViewSet):
    """Pay policy versions (everyone signed in reads them); HR and admins create a new version
    from a later month."""

    queryset = PayPolicy.objects.select_related("created_by").order_by("-effective_from")
    serializer_class = PayPolicySerializer
    create_serializer_class = PayPolicyCreateSerializer
    write_rule = permissions.may_run_pay
    write_denied_message = _("Only HR and admins change the pay policy.")
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "head", "options"]

    def perform_service_create(self, data):
        return services.pay_policy_create(actor=self.request.user, **data)
