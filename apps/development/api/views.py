from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from apps.core.api.views import ServiceModelViewSet
from apps.development import permissions, services
from apps.development.api.serializers import (
    CaseInputSerializer,
    CaseUpdateSerializer,
    CollaborationRatingSerializer,
    LearningEntrySerializer,
    LearningInputSerializer,
    LearningUpdateSerializer,
    RatingInputSerializer,
    RatingUpdateSerializer,
    SalesCaseSerializer,
)
from apps.development.filters import CaseFilter, LearningFilter, RatingFilter
from apps.development.models import CollaborationRating, LearningEntry, SalesCase

WRITES = ("POST", "PATCH", "PUT", "DELETE")


@extend_schema(tags=["development"])
class CollaborationRatingViewSet(ServiceModelViewSet):
    """Quarterly collaboration ratings (1–5). A rep lists the ratings they gave — never those
    about themselves; a manager also those about their team's reps; HR and admins all. POST
    gives a rating (a second one for the same person and quarter changes it; ``rater_role``
    comes from the relationship); PATCH changes your own. Filters: period_key, rated,
    rater_role."""

    queryset = CollaborationRating.objects.select_related("rated", "rater").order_by(
        "-period_key", "rated", "pk"
    )
    serializer_class = CollaborationRatingSerializer
    filterset_class = RatingFilter
    ordering_fields = ["period_key", "created_at"]
    create_serializer_class = RatingInputSerializer
    update_serializer_class = RatingUpdateSerializer
    #: Admins pass to the body checks (an unknown key is a 400 for everyone); the service then
    #: refuses them the rating itself (403), as it does HR here.
    write_rule = permissions.can_rate_or_admin

    def get_object(self):
        instance = super().get_object()
        if self.request.method in WRITES and instance.rater_id != self.request.user.pk:
            raise PermissionDenied(_("You can change only the ratings you gave."))
        return instance

    def perform_service_create(self, data):
        return services.rating_save(actor=self.request.user, **data)

    def perform_service_update(self, instance, data):
        return services.rating_save(
            actor=self.request.user,
            rated=instance.rated,
            period_key=instance.period_key,
            cross_department=data.get("cross_department", instance.cross_department),
            knowledge_sharing=data.get("knowledge_sharing", instance.knowledge_sharing),
            comment=data.get("comment", instance.comment),
        )


class DeleteMixin:
    http_method_names = [*ServiceModelViewSet.http_method_names, "delete"]

    def perform_service_delete(self, instance):
        raise NotImplementedError

    @extend_schema(responses={204: OpenApiResponse(description="Deleted.")})
    def destroy(self, request, *args, **kwargs):
        self.perform_service_delete(self.get_object())
        self.etag_version = None
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["development"])
class LearningEntryViewSet(DeleteMixin, ServiceModelViewSet):
    """The learning log: courses, certifications, course exams, sandbox exercises (scored
    0–100 per skill) and competitor-analysis meetings. Everyone writes their own; managers read
    their team's, HR everyone's. Filters: owner (person), team, kind, skill,
    date_after/date_before."""

    queryset = LearningEntry.objects.select_related("rep").order_by("-on", "-pk")
    serializer_class = LearningEntrySerializer
    filterset_class = LearningFilter
    ordering_fields = ["on", "created_at"]
    create_serializer_class = LearningInputSerializer
    update_serializer_class = LearningUpdateSerializer
    write_rule = permissions.can_write_learning

    def get_object(self):
        instance = super().get_object()
        if self.request.method in WRITES and not permissions.can_edit_learning(
            self.request.user, instance
        ):
            raise PermissionDenied(_("Only the person whose learning log it is can change it."))
        return instance

    def perform_service_create(self, data):
        return services.learning_create(actor=self.request.user, **data)

    def perform_service_update(self, instance, data):
        return services.learning_update(actor=self.request.user, entry=instance, **data)

    def perform_service_delete(self, instance):
        services.learning_delete(actor=self.request.user, entry=instance)


@extend_schema(tags=["development"])
class SalesCaseViewSet(DeleteMixin, ServiceModelViewSet):
    """The case library of the weekly sales meeting: everyone reads and shares; the author
    edits their own, a manager their team's, HR all. Filters: q (title, summary, lessons,
    tags), kind, tag, team."""

    queryset = SalesCase.objects.select_related("author").order_by(
        "-meeting_on", "-created_at", "-pk"
    )
    serializer_class = SalesCaseSerializer
    filterset_class = CaseFilter
    ordering_fields = ["meeting_on", "created_at"]
    create_serializer_class = CaseInputSerializer
    update_serializer_class = CaseUpdateSerializer
    write_rule = permissions.can_share_case

    def get_object(self):
        instance = super().get_object()
        if self.request.method in WRITES and not permissions.can_edit_case(
            self.request.user, instance
        ):
            raise PermissionDenied(
                _("Only the author, a manager of their team or HR can change this case.")
            )
        return instance

    def perform_service_create(self, data):
        return services.case_create(actor=self.request.user, **data)

    def perform_service_update(self, instance, data):
        return services.case_update(actor=self.request.user, case=instance, **data)

    def perform_service_delete(self, instance):
        services.case_delete(actor=self.request.user, case=instance)
