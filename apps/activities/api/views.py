from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import PermissionDenied

from apps.activities import permissions, services
from apps.activities.api.serializers import (
    ActivityInputSerializer,
    ActivitySerializer,
    ActivityUpdateSerializer,
)
from apps.activities.filters import ActivityFilter
from apps.activities.models import Activity
from apps.core.api.views import ServiceModelViewSet
from apps.core.ownership import owner_field_refusal


@extend_schema(tags=["activities"])
class ActivityViewSet(ServiceModelViewSet):
    """Calls, visits, meetings, demos and e-mails. Filters: owner, team, date_after/date_before
    (occurred), kind, customer, lead, opportunity."""

    queryset = Activity.objects.select_related("owner").order_by("-occurred_at", "-pk")
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilter
    ordering_fields = ["occurred_at", "created_at"]
    create_serializer_class = ActivityInputSerializer
    update_serializer_class = ActivityUpdateSerializer
    write_rule = permissions.can_write_crm
    #: A rep logs their own activities (403 naming ``owner``).
    field_rules = {"owner": owner_field_refusal}

    def get_object(self):
        instance = super().get_object()
        if self.request.method not in ("GET", "HEAD", "OPTIONS") and not (
            permissions.can_edit_activity(self.request.user, instance)
        ):
            raise PermissionDenied
        return instance

    def perform_service_create(self, data):
        return services.activity_create(actor=self.request.user, **data)

    def perform_service_update(self, instance, data):
        return services.activity_update(actor=self.request.user, activity=instance, **data)
