"""Scorecards API: scoped read-only scorecards and jobs, and the recompute request."""

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from apps.core.api.views import ScopedReadOnlyViewSet, ServiceViewSet
from apps.performance.periods import parse_period
from apps.scorecards import services
from apps.scorecards.api.serializers import (
    RecomputeAcceptedSerializer,
    RecomputeJobSerializer,
    RecomputeRequestSerializer,
    ScorecardSerializer,
)
from apps.scorecards.filters import RecomputeJobFilter, ScorecardFilter
from apps.scorecards.models import RecomputeJob, Scorecard
from apps.scorecards.permissions import can_recompute


class ScorecardViewSet(ScopedReadOnlyViewSet):
    """Scorecards the user may see; ``?period=2026-10&rep=ID&team=ID&kind=month``."""

    queryset = Scorecard.objects.select_related("rep").order_by("-period_start", "rep_id", "pk")
    serializer_class = ScorecardSerializer
    filterset_class = ScorecardFilter


class RecomputeViewSet(ServiceViewSet):
    """``POST /api/v1/scorecards/recompute/ {"period": "2026-10"}`` -> 202 with the job.

    HR, admins and managers only (403 otherwise); a bad period is a 400 naming ``period``."""

    serializer_class = RecomputeRequestSerializer
    create_serializer_class = RecomputeRequestSerializer
    write_rule = can_recompute
    write_denied_message = _("Only HR, admins and managers may recompute scorecards.")

    @extend_schema(
        request=RecomputeRequestSerializer,
        responses={202: RecomputeAcceptedSerializer},
        description="Queue a recompute of every scorecard of a period (HR, admin, managers).",
    )
    def create(self, request):
        data = self.parse(self.create_serializer_class)
        try:  # say exactly why a key is refused (e.g. outside the business dates)
            parse_period(data["period"])
        except ValueError as error:
            raise ValidationError({"period": [str(error)]}) from error
        job = services.recompute_job_create(period_key=data["period"], requested_by=request.user)
        url = reverse("recompute-job-detail", kwargs={"pk": job.pk})
        return Response({"job": job.pk, "status_url": url}, status=status.HTTP_202_ACCEPTED)


class RecomputeJobViewSet(ScopedReadOnlyViewSet):
    """Recompute jobs and their progress (a manager sees the jobs they queued)."""

    queryset = RecomputeJob.objects.all()
    serializer_class = RecomputeJobSerializer
    filterset_class = RecomputeJobFilter
