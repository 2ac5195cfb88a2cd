"""Training proposal API: ``/api/v1/training-proposals/`` (scoped like the list page: HR all, a
manager their teams', a rep those about them, read-only) with the actions ``accept``,
``schedule`` {date, location}, ``done`` {done_on}, ``decline`` {reason} (409 on a done or
declined proposal; If-Match on its ETag), and ``POST .../generate/`` (HR and admins)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.api.permissions import WriteRulePermission
from apps.core.api.views import ServiceViewSet
from apps.training import permissions, services
from apps.training.api.serializers import (
    DeclineSerializer,
    DoneSerializer,
    GenerateResultSerializer,
    ScheduleSerializer,
    TrainingProposalSerializer,
)
from apps.training.exceptions import ProposalClosed
from apps.training.filters import TrainingProposalFilter
from apps.training.models import TrainingProposal

CLOSED = OpenApiResponse(description=str(_("The proposal is done or declined (read-only).")))


@extend_schema(tags=["training"])
class TrainingProposalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet):
    """Training proposals: team workshops and individual courses with a mentor. Filters:
    ``status``, ``kind``, ``skill``, ``team``. HR, admins and managers run them; reps read
    those about them."""

    queryset = (
        TrainingProposal.objects.select_related("team", "person")
        .prefetch_related("participants")
        .order_by("status", "-created_at", "-pk")
    )
    serializer_class = TrainingProposalSerializer
    filterset_class = TrainingProposalFilter
    write_rule = permissions.can_manage_any
    write_denied_message = _("Only HR, admins and managers run training proposals.")
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "head", "options"]

    def handle_exception(self, exc):
        if isinstance(exc, ProposalClosed):
            return Response({"detail": exc.messages[0]}, status=status.HTTP_409_CONFLICT)
        return super().handle_exception(exc)

    @extend_schema(request=None, responses={200: TrainingProposalSerializer, 409: CLOSED})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Accept a proposed training."""
        proposal = self.get_object()
        return self.run_service(
            None, lambda data: services.proposal_accept(actor=request.user, proposal=proposal)
        )

    @extend_schema(
        request=ScheduleSerializer, responses={200: TrainingProposalSerializer, 409: CLOSED}
    )
    @action(detail=True, methods=["post"])
    def schedule(self, request, pk=None):
        """Schedule an accepted training (or move a scheduled one): date and place/link."""
        proposal = self.get_object()
        return self.run_service(
            ScheduleSerializer,
            lambda data: services.proposal_schedule(actor=request.user, proposal=proposal, **data),
        )

    @extend_schema(request=DoneSerializer, responses={200: TrainingProposalSerializer, 409: CLOSED})
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        """Mark a scheduled training done: the participants' learning log shows it."""
        proposal = self.get_object()
        return self.run_service(
            DoneSerializer,
            lambda data: services.proposal_mark_done(
                actor=request.user, proposal=proposal, done_on=data.get("done_on")
            ),
        )

    @extend_schema(
        request=DeclineSerializer, responses={200: TrainingProposalSerializer, 409: CLOSED}
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        """Decline a training that is not done, with a reason."""
        proposal = self.get_object()
        return self.run_service(
            DeclineSerializer,
            lambda data: services.proposal_decline(
                actor=request.user, proposal=proposal, reason=data["reason"]
            ),
        )


@extend_schema(tags=["training"])
class TrainingGenerateViewSet(viewsets.ViewSet):
    """``POST /api/v1/training-proposals/generate/``: generate proposals now (HR and admins;
    the monthly job does it too). Idempotent: a second run proposes nothing new."""

    permission_classes = [WriteRulePermission]
    write_rule = permissions.can_run_org
    write_denied_message = _("Only HR and admins generate proposals.")
    http_method_names = ["post", "options"]

    @extend_schema(request=None, responses={200: GenerateResultSerializer})
    def create(self, request):
        result = services.training_proposals_generate(actor=request.user)
        return Response(GenerateResultSerializer(result).data)
