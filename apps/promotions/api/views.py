"""Promotions API: ``/api/v1/promotion-candidates/?year=`` (scoped like the list page) with the
candidate's ``submit`` and HR's ``accept``, ``return`` and ``decide`` (If-Match), and the
document's file at ``…/<id>/document/``."""

from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from apps.core.api.views import ServiceViewSet
from apps.promotions import selectors, services
from apps.promotions.api.serializers import (
    DecideSerializer,
    PromotionCandidateSerializer,
    ReturnSerializer,
    SubmitSerializer,
)
from apps.promotions.exceptions import CandidacyLocked
from apps.promotions.filters import CandidateFilter
from apps.promotions.models import PromotionCandidate

LOCKED = OpenApiResponse(description=str(_("The candidacy is not in a state that allows this.")))


@extend_schema(tags=["promotions"])
class PromotionCandidateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet):
    """Promotion candidates (everyone with a finalised grade A of a year). HR and admins see
    all, a manager their teams', a rep their own. Filters: ``year``, ``team``, ``status``."""

    queryset = PromotionCandidate.objects.select_related("person", "document").order_by(
        "-year", "person__username", "pk"
    )
    serializer_class = PromotionCandidateSerializer
    filterset_class = CandidateFilter
    http_method_names = ["get", "post", "head", "options"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    lookup_value_regex = r"\d+"

    def handle_exception(self, exc):
        if isinstance(exc, CandidacyLocked):
            return Response({"detail": exc.messages[0]}, status=status.HTTP_409_CONFLICT)
        return super().handle_exception(exc)

    @extend_schema(
        request=SubmitSerializer, responses={200: PromotionCandidateSerializer, 409: LOCKED}
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """The candidate hands in their methodology document (``title``, ``text``, ``file``)."""
        candidate = self.get_object()
        return self.run_service(
            SubmitSerializer,
            lambda data: (
                services.document_save(actor=request.user, candidate=candidate, submit=True, **data)
                and candidate
            ),
            instance=candidate,
        )

    @extend_schema(request=None, responses={200: PromotionCandidateSerializer, 409: LOCKED})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """HR accepts the submitted document: it joins the team's training material."""
        candidate = self.get_object()
        return self.run_service(
            None,
            lambda data: services.document_accept(actor=request.user, candidate=candidate),
            instance=candidate,
        )

    @extend_schema(
        request=ReturnSerializer, responses={200: PromotionCandidateSerializer, 409: LOCKED}
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_document(self, request, pk=None):
        """HR returns the submitted document for rework, with a ``reason``."""
        candidate = self.get_object()
        return self.run_service(
            ReturnSerializer,
            lambda data: services.document_return(
                actor=request.user, candidate=candidate, reason=data["reason"]
            ),
            instance=candidate,
        )

    @extend_schema(
        request=DecideSerializer, responses={200: PromotionCandidateSerializer, 409: LOCKED}
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """HR decides the promotion (``promoted`` true/false) with a ``reason``."""
        candidate = self.get_object()
        return self.run_service(
            DecideSerializer,
            lambda data: services.candidate_decide(
                actor=request.user,
                candidate=candidate,
                promoted=data["promoted"],
                reason=data["reason"],
            ),
            instance=candidate,
        )

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def document(self, request, pk=None):
        """The methodology document's file (for those who may read the document)."""
        document = selectors.readable_document(request.user, pk)
        if document is None or not document.file:
            raise Http404
        return FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=document.file_name or document.file.name.rsplit("/", 1)[-1],
        )
