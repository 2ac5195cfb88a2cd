from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from apps.core.api.views import ScopedModelViewSet
from apps.leads import selectors, services
from apps.leads.api.permissions import LeadPermission
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
from apps.leads.imports import MAX_IMPORT_BYTES, ImportRowError
from apps.leads.models import Lead
from apps.leads.services import DuplicateLeadError, LeadImportError, duplicate_message


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


class LeadViewSet(ScopedModelViewSet):
    """Leads, A leads first. Everyone reads within their scope; reps, managers and admins write
    (HR: 403). Grades come from the rubric and change only through ``override-grade``."""

    queryset = Lead.objects.none()
    serializer_class = LeadSerializer
    filterset_class = LeadFilter
    permission_classes = [LeadPermission]
    http_method_names = ["get", "post", "patch", "head", "options"]
    ordering_fields = ["created_at", "company_name", "grade", "status"]

    def get_queryset(self):
        return selectors.lead_list(user=self.request.user)

    def _respond(self, lead, status_code=status.HTTP_200_OK):
        return Response(
            self.get_serializer(self.get_queryset().get(pk=lead.pk)).data, status=status_code
        )

    @extend_schema(
        request=LeadInputSerializer,
        responses={
            201: LeadSerializer,
            400: OpenApiResponse(DuplicateErrorSerializer, description=_("Possible duplicates")),
        },
    )
    def create(self, request, *args, **kwargs):
        payload = LeadInputSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        try:
            lead = services.lead_create(actor=request.user, **payload.validated_data)
        except DuplicateLeadError as exc:
            return duplicate_response(exc)
        return self._respond(lead, status.HTTP_201_CREATED)

    @extend_schema(
        request=LeadUpdateSerializer,
        responses={
            200: LeadSerializer,
            400: OpenApiResponse(DuplicateErrorSerializer, description=_("Possible duplicates")),
        },
    )
    def partial_update(self, request, *args, **kwargs):
        lead = self.get_object()
        payload = LeadUpdateSerializer(
            data=request.data, partial=True, context={"request": request}
        )
        payload.is_valid(raise_exception=True)
        fields = dict(payload.validated_data)
        confirm = fields.pop("confirm_duplicate", False)
        if fields.get("owner", lead.owner) is None:
            fields.pop("owner")
        try:
            lead = services.lead_update(
                actor=request.user, lead=lead, confirm_duplicate=confirm, **fields
            )
        except DuplicateLeadError as exc:
            return duplicate_response(exc)
        return self._respond(lead)

    @extend_schema(request=TransitionSerializer, responses=LeadSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        lead = self.get_object()
        payload = TransitionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        lead = services.lead_transition(actor=request.user, lead=lead, **payload.validated_data)
        return self._respond(lead)

    @extend_schema(request=OverrideGradeSerializer, responses=LeadSerializer)
    @action(detail=True, methods=["post"], url_path="override-grade")
    def override_grade(self, request, pk=None):
        lead = self.get_object()
        payload = OverrideGradeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        lead = services.lead_override_grade(actor=request.user, lead=lead, **payload.validated_data)
        return self._respond(lead)

    @extend_schema(request=ConvertSerializer, responses={201: ConversionResultSerializer})
    @action(detail=True, methods=["post"])
    def convert(self, request, pk=None):
        lead = self.get_object()
        payload = ConvertSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        result = services.lead_convert(actor=request.user, lead=lead, **payload.validated_data)
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
        payload = NurtureTouchInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        touch = services.nurture_touch_create(
            actor=request.user, lead=lead, **payload.validated_data
        )
        return Response(NurtureTouchSerializer(touch).data, status=status.HTTP_201_CREATED)


class LeadImportViewSet(viewsets.ViewSet):
    """``POST /api/v1/leads/import/`` with a multipart ``file`` (CSV or XLSX, header row = the
    lead fields). Every bad row is reported (line, field, message); with any bad row nothing is
    imported."""

    permission_classes = [LeadPermission]
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
        upload = payload.validated_data["file"]
        try:
            if upload.size > MAX_IMPORT_BYTES:
                raise LeadImportError(
                    [
                        ImportRowError(
                            0,
                            "file",
                            _("The file is too large: at most %(size)s MB may be imported at once.")
                            % {"size": MAX_IMPORT_BYTES // (1024 * 1024)},
                        )
                    ]
                )
            leads = services.lead_import(
                actor=request.user, file_name=upload.name, data=upload.read()
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
