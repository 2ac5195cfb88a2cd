"""Pipeline API. Viewsets read within ``visible_to`` (404 outside), parse input with a
serializer, call one service and answer with the output serializer. HR reads only."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.response import Response

from apps.core.api.views import ScopedViewSetMixin
from apps.opportunities import permissions, selectors, services
from apps.opportunities.api.serializers import (
    MoveSerializer,
    OpportunityCreateSerializer,
    OpportunityCreditOutputSerializer,
    OpportunityCreditSerializer,
    OpportunitySerializer,
    OpportunityUpdateSerializer,
    PipelineSettingsSerializer,
    ProposalInputSerializer,
    ProposalReviewSerializer,
    ProposalSerializer,
    RiskInputSerializer,
    RiskSerializer,
    RiskUpdateSerializer,
    SpinNoteInputSerializer,
    SpinNoteSerializer,
    SpinNoteUpdateSerializer,
    StageChangeSerializer,
)
from apps.opportunities.filters import (
    OpportunityFilter,
    ProposalFilter,
    RiskFilter,
    SpinNoteFilter,
)
from apps.opportunities.models import (
    Opportunity,
    OpportunityCredit,
    PipelineSettings,
    Proposal,
    Risk,
    SpinNote,
)


class PipelineWriters(BasePermission):
    """Everyone signed in reads within their scope; reps, managers and admins write."""

    def has_permission(self, request, view):
        if not request.user.is_authenticated:
            return False
        return request.method in SAFE_METHODS or permissions.can_create_opportunity(request.user)


class PipelineSettingsEditors(BasePermission):
    """Everyone signed in reads the switch; HR and admin change it."""

    def has_permission(self, request, view):
        if not request.user.is_authenticated:
            return False
        return request.method in SAFE_METHODS or permissions.can_edit_pipeline_settings(
            request.user
        )


class ScopedGenericViewSet(ScopedViewSetMixin, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated, PipelineWriters]


class OpportunityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """Opportunities you may see: your own, your teams' (managers), all (HR, admin), and those
    you hold a credit share in."""

    queryset = Opportunity.objects.select_related("customer", "owner", "lead").prefetch_related(
        Prefetch("credits", queryset=OpportunityCredit.objects.order_by("-percent", "rep_id"))
    )
    serializer_class = OpportunitySerializer
    filterset_class = OpportunityFilter
    ordering_fields = ["created_at", "expected_amount", "expected_close_on", "stage", "name"]

    def _answer(self, opportunity, code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=opportunity.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    @extend_schema(request=OpportunityCreateSerializer, responses={201: OpportunitySerializer})
    def create(self, request, *args, **kwargs):
        payload = OpportunityCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        data.setdefault("owner", request.user)
        opportunity = services.opportunity_create(actor=request.user, **data)
        return self._answer(opportunity, status.HTTP_201_CREATED)

    @extend_schema(request=OpportunityUpdateSerializer, responses=OpportunitySerializer)
    def partial_update(self, request, *args, **kwargs):
        opportunity = self.get_object()
        payload = OpportunityUpdateSerializer(
            data=request.data, partial=True, context=self.get_serializer_context()
        )
        payload.is_valid(raise_exception=True)
        services.opportunity_update(
            actor=request.user, opportunity=opportunity, **payload.validated_data
        )
        return self._answer(opportunity)

    @extend_schema(request=MoveSerializer, responses=OpportunitySerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Move to another stage: ``{"stage", "note", "lost_reason"}``."""
        opportunity = self.get_object()
        payload = MoveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        services.opportunity_move(
            actor=request.user,
            opportunity=opportunity,
            to_stage=data["stage"],
            note=data["note"],
            lost_reason=data["lost_reason"],
        )
        return self._answer(opportunity)

    @extend_schema(responses=StageChangeSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="stage-history", pagination_class=None)
    def stage_history(self, request, pk=None):
        """Every stage change, oldest first, with who and when."""
        opportunity = self.get_object()
        rows = selectors.stage_history(opportunity=opportunity)
        return Response(StageChangeSerializer(rows, many=True).data)

    @extend_schema(
        methods=["GET"], request=None, responses=OpportunityCreditOutputSerializer(many=True)
    )
    @extend_schema(
        methods=["PUT"],
        request=OpportunityCreditSerializer(many=True),
        responses=OpportunityCreditOutputSerializer(many=True),
    )
    @action(detail=True, methods=["get", "put"], pagination_class=None, filterset_class=None)
    def credits(self, request, pk=None):
        """The credit split: GET reads it, PUT replaces it with
        ``[{"rep": id, "percent": "30.00"}, ...]`` totalling exactly 100."""
        opportunity = self.get_object()
        if request.method == "PUT":
            context = {
                **self.get_serializer_context(),
                "credit_reps": services.creditable_reps(request.user, opportunity),
            }
            payload = OpportunityCreditSerializer(data=request.data, many=True, context=context)
            payload.is_valid(raise_exception=True)
            services.opportunity_set_credits(
                actor=request.user, opportunity=opportunity, credits=payload.validated_data
            )
            opportunity = self.get_queryset().get(pk=opportunity.pk)
        rows = [
            {"rep": rep_id, "percent": f"{percent:.2f}"}
            for rep_id, percent in services.opportunity_credit_split(opportunity)
        ]
        return Response(OpportunityCreditOutputSerializer(rows, many=True).data)


class SpinNoteViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """SPIN notes of the opportunities you may see."""

    queryset = SpinNote.objects.select_related("opportunity", "author")
    serializer_class = SpinNoteSerializer
    filterset_class = SpinNoteFilter
    ordering_fields = ["created_at"]

    @extend_schema(request=SpinNoteInputSerializer, responses={201: SpinNoteSerializer})
    def create(self, request, *args, **kwargs):
        payload = SpinNoteInputSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        note = services.spin_note_create(
            actor=request.user, opportunity=data.pop("opportunity"), **data
        )
        return Response(self.get_serializer(note).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SpinNoteUpdateSerializer, responses=SpinNoteSerializer)
    def partial_update(self, request, *args, **kwargs):
        note = self.get_object()
        payload = SpinNoteUpdateSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        note = services.spin_note_update(actor=request.user, note=note, **payload.validated_data)
        return Response(self.get_serializer(note).data)


class ProposalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """Proposals with their ROI and pre-review state. Create with JSON or multipart (to attach
    a file); ``submit`` sends one for review; ``review`` approves or rejects it."""

    queryset = Proposal.objects.select_related("opportunity", "author", "reviewed_by")
    serializer_class = ProposalSerializer
    filterset_class = ProposalFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    ordering_fields = ["created_at"]

    @extend_schema(request=ProposalInputSerializer, responses={201: ProposalSerializer})
    def create(self, request, *args, **kwargs):
        payload = ProposalInputSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        proposal = services.proposal_create(
            actor=request.user, opportunity=data.pop("opportunity"), **data
        )
        return Response(self.get_serializer(proposal).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        proposal = services.proposal_submit(actor=request.user, proposal=self.get_object())
        return Response(self.get_serializer(proposal).data)

    @extend_schema(request=ProposalReviewSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        proposal = self.get_object()
        payload = ProposalReviewSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        proposal = services.proposal_review(
            actor=request.user, proposal=proposal, **payload.validated_data
        )
        return Response(self.get_serializer(proposal).data)


class RiskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """The risk register of the opportunities you may see."""

    queryset = Risk.objects.select_related("opportunity")
    serializer_class = RiskSerializer
    filterset_class = RiskFilter
    ordering_fields = ["created_at", "status"]

    @extend_schema(request=RiskInputSerializer, responses={201: RiskSerializer})
    def create(self, request, *args, **kwargs):
        payload = RiskInputSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        risk = services.risk_create(actor=request.user, opportunity=data.pop("opportunity"), **data)
        return Response(self.get_serializer(risk).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RiskUpdateSerializer, responses=RiskSerializer)
    def partial_update(self, request, *args, **kwargs):
        risk = self.get_object()
        payload = RiskUpdateSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        risk = services.risk_update(actor=request.user, risk=risk, **payload.validated_data)
        return Response(self.get_serializer(risk).data)


class PipelineSettingsViewSet(viewsets.GenericViewSet):
    """The organisation's pipeline switches at ``/api/v1/pipeline-settings/``: GET reads them,
    PUT/PATCH change them (HR and admin; audited)."""

    queryset = PipelineSettings.objects.all()
    serializer_class = PipelineSettingsSerializer
    permission_classes = [IsAuthenticated, PipelineSettingsEditors]
    pagination_class = None
    filter_backends = []

    @classmethod
    def as_view(cls, actions=None, **initkwargs):
        # A single row has no list: the router's list route reads and writes the one object.
        if actions == {"get": "list"}:
            actions = {"get": "read", "put": "write", "patch": "write"}
        return super().as_view(actions, **initkwargs)

    def list(self, request, *args, **kwargs):  # the router needs it; as_view remaps GET
        return self.read(request)

    def read(self, request, *args, **kwargs):
        return Response(self.get_serializer(PipelineSettings.current()).data)

    @extend_schema(request=PipelineSettingsSerializer, responses=PipelineSettingsSerializer)
    def write(self, request, *args, **kwargs):
        payload = self.get_serializer(
            PipelineSettings.current(), data=request.data, partial=request.method == "PATCH"
        )
        payload.is_valid(raise_exception=True)
        row = services.pipeline_settings_update(
            actor=request.user,
            solution_pre_review=payload.validated_data.get(
                "solution_pre_review", PipelineSettings.current().solution_pre_review
            ),
        )
        return Response(self.get_serializer(row).data)
