"""Pipeline API on the shared write path (:mod:`apps.core.api.views`): reads within
``visible_to`` (404 outside), writes parsed by an input serializer and made by one service
call, answered with the output serializer. HR reads only."""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ParseError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from apps.core.api.field_rules import refuse_unknown_fields
from apps.core.api.permissions import WriteRulePermission
from apps.core.api.views import ServiceModelViewSet, ServiceReadCreateViewSet, ServiceSchema
from apps.core.ownership import owner_field_refusal
from apps.core.versions import (
    STALE_MESSAGE,
    BadIfMatch,
    StaleVersionError,
    etag,
    if_match_versions,
)
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


class PipelineViewSet(ServiceModelViewSet):
    """Everyone signed in reads within their scope; reps, managers and admins write."""

    write_rule = permissions.can_create_opportunity


class OpportunityViewSet(PipelineViewSet):
    """Opportunities you may see: your own, your teams' (managers), all (HR, admin), and those
    you hold a credit share in."""

    queryset = Opportunity.objects.select_related("customer", "owner", "lead").prefetch_related(
        Prefetch("credits", queryset=OpportunityCredit.objects.order_by("-percent", "rep_id"))
    )
    serializer_class = OpportunitySerializer
    create_serializer_class = OpportunityCreateSerializer
    update_serializer_class = OpportunityUpdateSerializer
    filterset_class = OpportunityFilter
    ordering_fields = ["created_at", "expected_amount", "expected_close_on", "stage", "name"]
    #: ``credits`` is replaced with PUT.
    http_method_names = [*ServiceModelViewSet.http_method_names, "put"]
    #: The stage moves through ``move``; the credit split is replaced through ``credits``.
    field_routes = {"stage": "move", "lost_reason": "move", "credits": "credits"}
    #: A rep owns what they create and cannot hand an opportunity over (403 naming ``owner``).
    field_rules = {"owner": owner_field_refusal}

    def perform_service_create(self, data):
        data.setdefault("owner", self.request.user)
        return services.opportunity_create(actor=self.request.user, **data)

    def perform_service_update(self, opportunity, data):
        return services.opportunity_update(actor=self.request.user, opportunity=opportunity, **data)

    @extend_schema(request=MoveSerializer, responses=OpportunitySerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Move to another stage: ``{"stage", "note", "lost_reason"}``."""
        opportunity = self.get_object()
        return self.run_service(
            MoveSerializer,
            lambda data: services.opportunity_move(
                actor=request.user,
                opportunity=opportunity,
                to_stage=data["stage"],
                note=data["note"],
                lost_reason=data["lost_reason"],
            ),
            instance=opportunity,
        )

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
        ``[{"rep": id, "percent": "30.00"}, ...]`` totalling exactly 100. The split is part of
        the opportunity: the answer's ``ETag`` is the opportunity's version, a PUT with a stale
        ``If-Match`` is a 412 (nothing written) and a changed split raises the version."""
        opportunity = self.get_object()
        if request.method == "PUT":
            context = {
                **self.get_serializer_context(),
                "credit_reps": services.creditable_reps(request.user, opportunity),
            }
            payload = OpportunityCreditSerializer(data=request.data, many=True, context=context)
            refuse_unknown_fields(request.data, payload)
            payload.is_valid(raise_exception=True)
            services.opportunity_set_credits(
                actor=request.user, opportunity=opportunity, credits=payload.validated_data
            )
            opportunity = self.get_queryset().get(pk=opportunity.pk)
        self.etag_version = opportunity.version
        rows = [
            {"rep": rep_id, "percent": f"{percent:.2f}"}
            for rep_id, percent in services.opportunity_credit_split(opportunity)
        ]
        return Response(OpportunityCreditOutputSerializer(rows, many=True).data)


class SpinNoteViewSet(PipelineViewSet):
    """SPIN notes of the opportunities you may see."""

    queryset = SpinNote.objects.select_related("opportunity", "author")
    serializer_class = SpinNoteSerializer
    create_serializer_class = SpinNoteInputSerializer
    update_serializer_class = SpinNoteUpdateSerializer
    filterset_class = SpinNoteFilter
    ordering_fields = ["created_at"]

    def perform_service_create(self, data):
        return services.spin_note_create(
            actor=self.request.user, opportunity=data.pop("opportunity"), **data
        )

    def perform_service_update(self, note, data):
        return services.spin_note_update(actor=self.request.user, note=note, **data)


class ProposalViewSet(ServiceReadCreateViewSet):
    """Proposals with their ROI and pre-review state. Create with JSON or multipart (to attach
    a file); ``submit`` sends one for review; ``review`` approves or rejects it."""

    write_rule = permissions.can_create_opportunity
    queryset = Proposal.objects.select_related("opportunity", "author", "reviewed_by")
    serializer_class = ProposalSerializer
    create_serializer_class = ProposalInputSerializer
    filterset_class = ProposalFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    ordering_fields = ["created_at"]
    field_routes = {"review_status": ("submit", "review"), "review_comment": "review"}

    def perform_service_create(self, data):
        return services.proposal_create(
            actor=self.request.user, opportunity=data.pop("opportunity"), **data
        )

    @extend_schema(request=None, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        proposal = self.get_object()
        return self.run_service(
            None, lambda data: services.proposal_submit(actor=request.user, proposal=proposal)
        )

    @extend_schema(request=ProposalReviewSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        proposal = self.get_object()
        return self.run_service(
            ProposalReviewSerializer,
            lambda data: services.proposal_review(actor=request.user, proposal=proposal, **data),
        )


class RiskViewSet(PipelineViewSet):
    """The risk register of the opportunities you may see."""

    queryset = Risk.objects.select_related("opportunity")
    serializer_class = RiskSerializer
    create_serializer_class = RiskInputSerializer
    update_serializer_class = RiskUpdateSerializer
    filterset_class = RiskFilter
    ordering_fields = ["created_at", "status"]

    def perform_service_create(self, data):
        return services.risk_create(
            actor=self.request.user, opportunity=data.pop("opportunity"), **data
        )

    def perform_service_update(self, risk, data):
        return services.risk_update(actor=self.request.user, risk=risk, **data)


class PipelineSettingsViewSet(viewsets.GenericViewSet):
    """The organisation's pipeline switches at ``/api/v1/pipeline-settings/``: GET reads them,
    PUT/PATCH change them (HR and admin; audited)."""

    queryset = PipelineSettings.objects.all()
    serializer_class = PipelineSettingsSerializer
    permission_classes = [WriteRulePermission]
    #: The schema documents the ``ETag`` of every answer, ``If-Match`` and the 412 on writes.
    schema = ServiceSchema()
    versioned_singleton = True
    write_rule = permissions.can_edit_pipeline_settings
    pagination_class = None
    filter_backends = []

    @classmethod
    def as_view(cls, actions=None, **initkwargs):
        # A single row has no list: the router's list route reads and writes the one object.
        if actions == {"get": "list"}:
            actions = {"get": "read", "put": "write", "patch": "write"}
        return super().as_view(actions, **initkwargs)

    def get_object(self):
        # The one row, for OPTIONS (the metadata asks for the object behind a PUT) and writes.
        row = PipelineSettings.current()
        self.check_object_permissions(self.request, row)
        return row

    def list(self, request, *args, **kwargs):  # the router needs it; as_view remaps GET
        return self.read(request)

    def _answer(self, row):
        """The settings with their version as ``ETag`` (send it back in ``If-Match``)."""
        response = Response(self.get_serializer(row).data)
        response["ETag"] = etag(row.version)
        return response

    def read(self, request, *args, **kwargs):
        return self._answer(PipelineSettings.current())

    @extend_schema(request=PipelineSettingsSerializer, responses=PipelineSettingsSerializer)
    def write(self, request, *args, **kwargs):
        payload = self.get_serializer(
            PipelineSettings.current(), data=request.data, partial=request.method == "PATCH"
        )
        refuse_unknown_fields(request.data, payload, output=payload.fields)
        payload.is_valid(raise_exception=True)
        try:
            expected = if_match_versions(request.headers.get("If-Match"))
        except BadIfMatch:
            raise ParseError(_('If-Match must be the ETag of the record, e.g. "3".')) from None
        try:
            row = services.pipeline_settings_update(
                actor=request.user,
                solution_pre_review=payload.validated_data.get(
                    "solution_pre_review", PipelineSettings.current().solution_pre_review
                ),
                expected_version=expected,
            )
        except StaleVersionError as exc:
            # Settings changed since the If-Match version: nothing written (412).
            response = Response(
                {
                    "detail": str(STALE_MESSAGE),
                    "current": self.get_serializer(exc.current).data,
                },
                status=status.HTTP_412_PRECONDITION_FAILED,
            )
            response["ETag"] = etag(exc.current.version)
            return response
        return self._answer(row)
