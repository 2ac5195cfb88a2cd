from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.api.views import ServiceViewSet
from apps.surveys import permissions, services
from apps.surveys.api.serializers import (
    CancelSerializer,
    InterviewSerializer,
    IssuedLinkSerializer,
    IssueLinkSerializer,
    SurveySerializer,
)
from apps.surveys.filters import SurveyFilter
from apps.surveys.models import Survey


@extend_schema(tags=["surveys"])
class SurveyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet):
    """Customer satisfaction surveys (staff side). HR and admins see all, managers their
    teams', a rep only the answered surveys of their own customers. Sending a link and recording
    a phone interview: HR or the rep's manager, never the rep the survey is about; cancelling:
    HR. The customer answers on the public link page, not here."""

    queryset = Survey.objects.select_related("customer").order_by("-period_key", "rep_id", "pk")
    serializer_class = SurveySerializer
    filterset_class = SurveyFilter
    write_rule = permissions.may_manage_surveys
    ordering_fields = ["period_key", "score", "answered_at"]

    @property
    def write_denied_message(self):
        return permissions.handle_denied_message(self.request.user, None)

    @extend_schema(request=IssueLinkSerializer, responses=IssuedLinkSerializer)
    @action(detail=True, methods=["post"], url_path="issue-link")
    def issue_link(self, request, pk=None):
        survey = self.get_object()
        data = self.parse(IssueLinkSerializer)
        token = services.survey_issue_link(survey=survey, actor=request.user, **data)
        survey = self.get_queryset().get(pk=survey.pk)
        self.etag_version = survey.version
        link = request.build_absolute_uri(reverse("surveys:answer", args=[token]))
        body = {"link": link, "expires_at": survey.expires_at, "survey": survey}
        response = Response(IssuedLinkSerializer(body, context=self.get_serializer_context()).data)
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(request=InterviewSerializer, responses=SurveySerializer)
    @action(detail=True, methods=["post"], url_path="record-interview")
    def record_interview(self, request, pk=None):
        survey = self.get_object()
        return self.run_service(
            InterviewSerializer,
            lambda data: services.survey_record_interview(
                actor=request.user, survey=survey, **data
            ),
            instance=survey,
        )

    @extend_schema(request=CancelSerializer, responses=SurveySerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        survey = self.get_object()
        return self.run_service(
            CancelSerializer,
            lambda data: services.survey_cancel(actor=request.user, survey=survey, **data),
            instance=survey,
        )
