from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from apps.core.api.permissions import WriteRulePermission
from apps.core.api.views import ServiceModelViewSet
from apps.core.ownership import owner_field_refusal
from apps.leads import selectors, services
from apps.leads.api.serializers import (
    ConversionResultSerializer,
    ConvertSerializer,
    DuplicateErrorSerializer,
    ImportErrorSerializer,
    ImportResultSerializer,
    LeadImportSerializer,
    LeadInputSerializer,
    LeadSerializer,
    LeadUpdateSerializer,
    NurtureTouchInputSerializer,
    NurtureTouchSerializer,
    OverrideGradeSerializer,
    TransitionSerializer,
)
from apps.leads.filters import LeadFilter
from apps.leads.models import Lead
from apps.leads.permissions import can_write_leads
from apps.leads.services import DuplicateLeadError, LeadImportError, duplicate_message

DUPLICATES = OpenApiResponse(DuplicateErrorSerializer, description=_("Possible duplicates"))


def duplicate_response(exc: DuplicateLeadError) -> Response:
    message = duplicate_message(exc.matches)
    return Response(
        {
            "detail": message,
            "confirm_duplicate": [
                _('%(message)s Send "confirm_duplicate": true to save it anyway.')
                % {"message": message}
            ],
            "duplicates": [match.as_dict() for match in exc.matches],
        },
        status=status.HTTP_400_BAD_REQUEST,
    )


class LeadViewSet(ServiceModelViewSet):
    """Leads, A leads first. Everyone reads within their scope; reps, managers and admins write
    (HR: 403). Grades come from the rubric and change only through ``override-grade``."""

    queryset = Lead.objects.none()
    serializer_class = LeadSerializer
    create_serializer_class = LeadInputSerializer
    update_serializer_class = LeadUpdateSerializer
    filterset_class = LeadFilter
    write_rule = can_write_leads
    ordering_fields = ["created_at", "company_name", "grade", "status"]
    #: Grades come from the rubric or an override; the status moves through ``transition``.
    field_routes = {
        "grade": "override-grade",
        "grade_override": "override-grade",
        "override_reason": "override-grade",
        "status": "transition",
        "disqualified_reason": "transition",
    }
    #: A rep owns what they create and cannot hand a lead over (403 naming ``owner``).
    field_rules = {"owner": owner_field_refusal}

    def get_queryset(self):
        return selectors.lead_list(user=self.request.user)

    # A likely duplicate is a 400 naming the matches (send ``confirm_duplicate`` to save).

    @extend_schema(request=LeadInputSerializer, responses={201: LeadSerializer, 400: DUPLICATES})
    def create(self, request, *args, **kwargs):
        try:
            return super().create(request, *args, **kwargs)
        except DuplicateLeadError as exc:
            return duplicate_response(exc)

    @extend_schema(request=LeadUpdateSerializer, responses={200: LeadSerializer, 400: DUPLICATES})
    def partial_update(self, request, *args, **kwargs):
        try:
            return super().partial_update(request, *args, **kwargs)
        except DuplicateLeadError as exc:
            return duplicate_response(exc)

    def perform_service_create(self, data):
        return services.lead_create(actor=self.request.user, **data)

    def perform_service_update(self, lead, data):
        confirm = data.pop("confirm_duplicate", False)
        return services.lead_update(
            actor=self.request.user, lead=lead, confirm_duplicate=confirm, **data
        )

    # --- actions (the lead first: an out-of-scope id is a 404 before the body is read) -----

    @extend_schema(request=TransitionSerializer, responses=LeadSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        lead = self.get_object()
        return self.run_service(
            TransitionSerializer,
            lambda data: services.lead_transition(actor=request.user, lead=lead, **data),
        )

    @extend_schema(request=OverrideGradeSerializer, responses=LeadSerializer)
    @action(detail=True, methods=["post"], url_path="override-grade")
    def override_grade(self, request, pk=None):
        lead = self.get_object()
        return self.run_service(
            OverrideGradeSerializer,
            lambda data: services.lead_override_grade(actor=request.user, lead=lead, **data),
        )

    @extend_schema(request=ConvertSerializer, responses={201: ConversionResultSerializer})
    @action(detail=True, methods=["post"])
    def convert(self, request, pk=None):
        lead = self.get_object()
        data = self.parse(ConvertSerializer)
        result = services.lead_convert(actor=request.user, lead=lead, **data)
        return Response(
            {
                "lead": result.lead.pk,
                "customer": result.customer.pk,
                "opportunity": result.opportunity.pk,
                "customer_created": result.customer_created,
            },
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(methods=["GET"], request=None, responses=NurtureTouchSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=NurtureTouchInputSerializer,
        responses={201: NurtureTouchSerializer},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def touches(self, request, pk=None):
        lead = self.get_object()
        if request.method == "GET":
            touches = selectors.lead_touches(lead=lead)
            return Response(NurtureTouchSerializer(touches, many=True).data)
        data = self.parse(NurtureTouchInputSerializer)
        touch = services.nurture_touch_create(actor=request.user, lead=lead, **data)
        return Response(NurtureTouchSerializer(touch).data, status=status.HTTP_201_CREATED)


class LeadImportViewSet(viewsets.ViewSet):
    """``POST /api/v1/leads/import/`` with a multipart ``file`` (CSV or XLSX, header row = the
    lead fields). Every bad row is reported (line, field, message); with any bad row nothing is
    imported."""

    permission_classes = [WriteRulePermission]
    write_rule = can_write_leads
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": LeadImportSerializer},
        responses={
            201: ImportResultSerializer,
            400: OpenApiResponse(ImportErrorSerializer, description=_("Rows with problems")),
        },
    )
    def create(self, request):
        payload = LeadImportSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            leads = services.lead_import_upload(
                actor=request.user, upload=payload.validated_data["file"]
            )
        except LeadImportError as exc:
            return Response(
                {
                    "detail": exc.messages[0],
                    "errors": [error.as_dict() for error in exc.row_errors],
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(
            {"imported": len(leads), "ids": [lead.pk for lead in leads]},
            status=status.HTTP_201_CREATED,
        )
