"""Scorecards API: scoped read-only scorecards and jobs, and the recompute request."""

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.api.pagination import StandardPagination
from apps.core.api.views import ScopedReadOnlyViewSet, ServiceViewSet
from apps.performance.periods import parse_period
from apps.scorecards import selectors, services
from apps.scorecards.api.serializers import (
    RecomputeAcceptedSerializer,
    RecomputeJobSerializer,
    RecomputeRequestSerializer,
    ScorecardSerializer,
    ScorecardSourcesSerializer,
    SourceRowSerializer,
)
from apps.scorecards.filters import RecomputeJobFilter, ScorecardFilter
from apps.scorecards.models import RecomputeJob, Scorecard
from apps.scorecards.permissions import can_recompute


class ScorecardViewSet(ScopedReadOnlyViewSet):
    """Scorecards the user may see; ``?period=2026-10&rep=ID&team=ID&kind=month``,
    ``&ordering=-score`` (undefined values last), ``&include_empty=true`` to list people with
    no figures in the period too (they are left out unless asked for by ``rep``)."""

    queryset = Scorecard.objects.select_related("rep").order_by("-period_start", "rep_id", "pk")
    serializer_class = ScorecardSerializer
    filterset_class = ScorecardFilter
    # The FilterSet sorts (``ordering``, shared with the browser list): no second sorter.
    filter_backends = [DjangoFilterBackend]

    def filter_queryset(self, queryset):
        if self.action != "list":  # a scorecard by id is found whatever its figures
            return queryset
        return super().filter_queryset(queryset)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "kpi",
                OpenApiTypes.STR,
                enum=[*selectors.KPI_SECTIONS, *selectors.QUALITATIVE_SECTIONS],
                required=True,
                description="The KPI to explain (the qualitative ones of quarters and years only).",
            ),
            OpenApiParameter(
                "section",
                OpenApiTypes.STR,
                enum=[*selectors.SECTION_FIELDS, *selectors.QUALITATIVE_SECTION_FIELDS],
                description="The KPI's section (default its first): orders, orders_last_year "
                "(growth), developed, at_start, lost (retention), receivables, payments, "
                "surveys (satisfaction), ratings (collaboration), learning, goals "
                "(capability).",
            ),
            OpenApiParameter("page", OpenApiTypes.INT),
            OpenApiParameter("page_size", OpenApiTypes.INT),
        ],
        responses={200: ScorecardSourcesSerializer},
        description="The records behind one KPI of the scorecard (read today), a page at a "
        "time, with totals that equal the scorecard's figures unless it is stale.",
    )
    @action(detail=True, methods=["get"], pagination_class=StandardPagination)
    def sources(self, request, pk=None):
        scorecard = self.get_object()
        kpi = request.query_params.get("kpi", "")
        kpis = selectors.sources_kpis(scorecard)
        if kpi not in kpis:
            choices = ", ".join(kpis)
            raise ValidationError(
                {"kpi": [_("Choose one of: %(choices)s.") % {"choices": choices}]}
            )
        section = request.query_params.get("section") or None
        if section is not None and section not in kpis[kpi]:
            choices = ", ".join(kpis[kpi])
            raise ValidationError(
                {"section": [_("Choose one of: %(choices)s.") % {"choices": choices}]}
            )
        sources = selectors.scorecard_sources(scorecard, kpi, section, viewer=request.user)
        page = self.paginate_queryset(sources.rows)
        rows = [selectors.source_row(sources.section, record) for record in page]
        response = self.get_paginated_response(SourceRowSerializer(rows, many=True).data)
        response.data.update(
            kpi=sources.kpi,
            section=sources.section,
            sections=list(sources.sections),
            totals={
                name: None if value is None else str(value)
                for name, value in sources.totals.items()
            },
            figure={
                name: None if value is None else str(value)
                for name, value in sources.figures.items()
            },
            value=None if sources.value is None else str(sources.value),
            target=None if sources.target is None else str(sources.target),
            stale=sources.stale,
        )
        return response


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
