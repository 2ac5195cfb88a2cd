"""Reviews API: review cycles and annual weight schemes (everyone reads; HR and admins write)
and reviews (scoped: own, team, all) with their steps as POST actions. Every write goes
through ``apps.reviews.services``; a finalised review answers 409 with a message."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.api.views import ServiceModelViewSet, ServiceViewSet
from apps.reviews import permissions, services
from apps.reviews.api.serializers import (
    AnnualSchemeInputSerializer,
    AnnualSchemeSerializer,
    AnnualSchemeUpdateSerializer,
    ReasonSerializer,
    ReviewCycleInputSerializer,
    ReviewCycleSerializer,
    ReviewCycleUpdateSerializer,
    ReviewPartSerializer,
    ReviewSerializer,
    WaiveSerializer,
)
from apps.reviews.exceptions import ReviewLocked
from apps.reviews.filters import ReviewCycleFilter, ReviewFilter
from apps.reviews.models import AnnualScheme, Review, ReviewCycle, ReviewIndicator

CYCLES_DENIED = _("Only HR and admins open and change review cycles.")
LOCKED_RESPONSE = OpenApiResponse(
    description=str(_("The review is finalised and locked: HR must reopen it first.")),
    response={"type": "object", "properties": {"detail": {"type": "string"}}},
)


class AnnualSchemeViewSet(ServiceModelViewSet):
    """Annual weight schemes (mean quarterly score / annual growth / capability, product
    default 60 / 20 / 20), in force from a date. Everyone reads; HR and admins write."""

    queryset = AnnualScheme.objects.order_by("-effective_from", "-pk")
    serializer_class = AnnualSchemeSerializer
    create_serializer_class = AnnualSchemeInputSerializer
    update_serializer_class = AnnualSchemeUpdateSerializer
    write_rule = permissions.can_manage_cycles
    write_denied_message = _("Only HR and admins set annual weight schemes.")
    lookup_value_regex = r"\d+"

    def perform_service_create(self, data):
        return services.annual_scheme_create(actor=self.request.user, **data)

    def perform_service_update(self, instance, data):
        return services.annual_scheme_update(
            actor=self.request.user, scheme=instance, expected_version=None, **data
        )


class ReviewCycleViewSet(ServiceModelViewSet):
    """Quarterly 360° and annual review cycles. ``POST`` opens one (HR/admin) and creates its
    reviews (and, for a quarter, draws the customer surveys); ``PATCH`` changes weights and
    deadlines (weights are refused once a review is finalised); ``close`` closes it.
    Filters: ``?kind=&status=&period=``."""

    queryset = ReviewCycle.objects.prefetch_related("teams").order_by("-period_key", "-pk")
    serializer_class = ReviewCycleSerializer
    create_serializer_class = ReviewCycleInputSerializer
    update_serializer_class = ReviewCycleUpdateSerializer
    filterset_class = ReviewCycleFilter
    write_rule = permissions.can_manage_cycles
    write_denied_message = CYCLES_DENIED
    lookup_value_regex = r"\d+"

    def perform_service_create(self, data):
        data["teams"] = list(data.get("teams") or [])
        data["seed"] = data.get("seed") or None
        return services.cycle_open(actor=self.request.user, **data)

    def perform_service_update(self, instance, data):
        return services.cycle_update(
            actor=self.request.user, cycle=instance, expected_version=None, **data
        )

    @extend_schema(request=None, responses=ReviewCycleSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the cycle: no more self or manager edits."""
        cycle = self.get_object()
        return self.run_service(
            None,
            lambda data: services.cycle_close(
                actor=request.user, cycle=cycle, expected_version=None
            ),
            instance=cycle,
        )


def _scores(data) -> dict:
    return {row["kpi"]: (row.get("score"), row.get("comment", "")) for row in data["scores"]}


class ReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet):
    """Reviews: a rep sees their own, a manager their teams', HR and admins all. The steps are
    POST actions (send ``If-Match`` with the ETag you read; a stale one is a 412): the person
    saves and submits the self part, the manager (or HR) the manager part, HR waives a part
    (with a reason), finalises (locks) and reopens (with a reason). A write on a finalised
    review is a 409. Filters: ``?cycle=&kind=&period=&team=&person=&status=&q=``."""

    queryset = (
        Review.objects.select_related("cycle", "person")
        .prefetch_related(
            Prefetch(
                "indicators", queryset=ReviewIndicator.objects.order_by("-weight", "kpi", "pk")
            )
        )
        .order_by("-cycle__period_key", "-cycle_id", "person__username", "pk")
    )
    serializer_class = ReviewSerializer
    filterset_class = ReviewFilter
    lookup_value_regex = r"\d+"

    def handle_exception(self, exc):
        if isinstance(exc, ReviewLocked):
            return Response({"detail": exc.messages[0]}, status=status.HTTP_409_CONFLICT)
        return super().handle_exception(exc)

    def _part(self, request, service):
        review = self.get_object()
        return self.run_service(
            ReviewPartSerializer,
            lambda data: service(
                actor=request.user,
                review=review,
                expected_version=None,
                summary=data.get("summary"),
                scores=_scores(data),
            ),
            instance=review,
        )

    def _step(self, request, service, serializer_class=None):
        review = self.get_object()
        return self.run_service(
            serializer_class,
            lambda data: service(actor=request.user, review=review, expected_version=None, **data),
            instance=review,
        )

    @extend_schema(
        request=ReviewPartSerializer, responses={200: ReviewSerializer, 409: LOCKED_RESPONSE}
    )
    @action(detail=True, methods=["post"], url_path="save-self")
    def save_self(self, request, pk=None):
        """The person saves their self part (draft)."""
        return self._part(request, services.review_save_self)

    @extend_schema(request=None, responses={200: ReviewSerializer, 409: LOCKED_RESPONSE})
    @action(detail=True, methods=["post"], url_path="submit-self")
    def submit_self(self, request, pk=None):
        """The person submits their self part (every indicator scored)."""
        return self._step(request, services.review_submit_self)

    @extend_schema(
        request=ReviewPartSerializer, responses={200: ReviewSerializer, 409: LOCKED_RESPONSE}
    )
    @action(detail=True, methods=["post"], url_path="save-manager")
    def save_manager(self, request, pk=None):
        """The manager (or HR) saves the manager part (draft)."""
        return self._part(request, services.review_save_manager)

    @extend_schema(request=None, responses={200: ReviewSerializer, 409: LOCKED_RESPONSE})
    @action(detail=True, methods=["post"], url_path="submit-manager")
    def submit_manager(self, request, pk=None):
        """The manager (or HR) submits the manager part (every indicator scored)."""
        return self._step(request, services.review_submit_manager)

    @extend_schema(request=WaiveSerializer, responses={200: ReviewSerializer, 409: LOCKED_RESPONSE})
    @action(detail=True, methods=["post"])
    def waive(self, request, pk=None):
        """HR waives a part with a reason; the other weights renormalise."""
        return self._step(request, services.review_waive_part, WaiveSerializer)

    @extend_schema(request=None, responses={200: ReviewSerializer, 409: LOCKED_RESPONSE})
    @action(detail=True, methods=["post"])
    def finalise(self, request, pk=None):
        """HR finalises (locks) the review; refused while a part is missing and not waived."""
        return self._step(request, services.review_finalise)

    @extend_schema(request=ReasonSerializer, responses=ReviewSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """HR reopens a finalised review with a reason."""
        return self._step(request, services.review_reopen, ReasonSerializer)
