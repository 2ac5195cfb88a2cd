from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action

from apps.core.api.views import ServiceCreateMixin, ServiceModelViewSet, ServiceViewSet
from apps.core.ownership import owner_field_refusal
from apps.customers import permissions, selectors, services
from apps.customers.api.serializers import (
    ContactInputSerializer,
    ContactSerializer,
    ContactUpdateSerializer,
    CustomerInputSerializer,
    CustomerSerializer,
    CustomerUpdateSerializer,
    HealthReportInputSerializer,
    HealthReportSerializer,
    HealthReportUpdateSerializer,
    IndustrySerializer,
    MarketInsightInputSerializer,
    MarketInsightSerializer,
    MarketInsightUpdateSerializer,
    MarkLostSerializer,
    ProductFeedbackInputSerializer,
    ProductFeedbackSerializer,
    ProductFeedbackUpdateSerializer,
    ReactivateSerializer,
)
from apps.customers.filters import (
    ContactFilter,
    CustomerFilter,
    HealthReportFilter,
    IndustryFilter,
    MarketInsightFilter,
    ProductFeedbackFilter,
)
from apps.customers.models import (
    Contact,
    Customer,
    HealthReport,
    Industry,
    MarketInsight,
    ProductFeedback,
)


@extend_schema(tags=["customers"])
class CustomerViewSet(ServiceModelViewSet):
    """Customers within the caller's scope. Filters: owner, team, date_after/date_before
    (created), status, industry, lead_grade, high_risk, q (name, phone, e-mail)."""

    queryset = Customer.objects.select_related("owner", "industry").order_by("name", "pk")
    serializer_class = CustomerSerializer
    filterset_class = CustomerFilter
    ordering_fields = ["name", "created_at", "latest_satisfaction"]
    create_serializer_class = CustomerInputSerializer
    update_serializer_class = CustomerUpdateSerializer
    write_rule = permissions.can_write_crm
    #: Losing and winning back a customer are their own actions.
    field_routes = {
        "status": ("mark-lost", "reactivate"),
        "lost_on": "mark-lost",
        "lost_reason": "mark-lost",
    }
    #: A rep owns what they create and cannot hand a customer over (403 naming ``owner``).
    field_rules = {"owner": owner_field_refusal}

    def perform_service_create(self, data):
        return services.customer_create(actor=self.request.user, **data)

    def perform_service_update(self, instance, data):
        return services.customer_update(actor=self.request.user, customer=instance, **data)

    @extend_schema(request=MarkLostSerializer, responses=CustomerSerializer)
    @action(detail=True, methods=["post"], url_path="mark-lost")
    def mark_lost(self, request, pk=None):
        customer = self.get_object()
        return self.run_service(
            MarkLostSerializer,
            lambda data: services.customer_mark_lost(actor=request.user, customer=customer, **data),
            instance=customer,
        )

    @extend_schema(request=ReactivateSerializer, responses=CustomerSerializer)
    @action(detail=True, methods=["post"])
    def reactivate(self, request, pk=None):
        customer = self.get_object()
        return self.run_service(
            ReactivateSerializer,
            lambda data: services.customer_reactivate(
                actor=request.user, customer=customer, **data
            ),
            instance=customer,
        )


@extend_schema(tags=["customers"])
class ContactViewSet(ServiceModelViewSet):
    queryset = Contact.objects.order_by("customer_id", "-is_primary", "name")
    serializer_class = ContactSerializer
    filterset_class = ContactFilter
    create_serializer_class = ContactInputSerializer
    update_serializer_class = ContactUpdateSerializer
    write_rule = permissions.can_write_crm

    def perform_service_create(self, data):
        return services.contact_create(actor=self.request.user, **data)

    def perform_service_update(self, instance, data):
        return services.contact_update(actor=self.request.user, contact=instance, **data)


@extend_schema(tags=["customers"])
class IndustryViewSet(mixins.ListModelMixin, ServiceCreateMixin, ServiceViewSet):
    """Industries (shared reference data, no owner): everyone lists; managers, HR and admins
    add. Reps pick from the list."""

    queryset = Industry.objects.order_by("name")
    serializer_class = IndustrySerializer
    create_serializer_class = IndustrySerializer
    filterset_class = IndustryFilter
    write_rule = permissions.can_add_industry
    pagination_class = None

    def get_queryset(self):
        # Reference data: every industry is visible to everyone (no ``visible_to``).
        return self.queryset.all()

    def perform_service_create(self, data):
        return services.industry_create(actor=self.request.user, name=data["name"])


@extend_schema(tags=["customers"])
class HealthReportViewSet(ServiceModelViewSet):
    """Quarterly health reports. Their satisfaction is read-only: it comes from the customer's
    answered survey of the quarter (``/api/v1/surveys/``), never from the report's author."""

    queryset = HealthReport.objects.order_by("-year", "-quarter", "pk")
    serializer_class = HealthReportSerializer
    filterset_class = HealthReportFilter
    create_serializer_class = HealthReportInputSerializer
    update_serializer_class = HealthReportUpdateSerializer
    write_rule = permissions.can_write_crm
    field_rules = {"satisfaction": lambda user, value, instance: permissions.satisfaction_refusal()}

    def perform_service_create(self, data):
        return services.health_report_create(actor=self.request.user, **data)

    def perform_service_update(self, instance, data):
        return services.health_report_update(actor=self.request.user, report=instance, **data)


@extend_schema(tags=["customers"])
class MarketInsightViewSet(ServiceModelViewSet):
    queryset = MarketInsight.objects.all()
    serializer_class = MarketInsightSerializer
    filterset_class = MarketInsightFilter
    create_serializer_class = MarketInsightInputSerializer
    update_serializer_class = MarketInsightUpdateSerializer
    write_rule = permissions.can_write_crm

    def get_queryset(self):
        # insight_list scopes the insights and the linked records they show.
        return selectors.insight_list(user=self.request.user).order_by("-created_at", "-pk")

    def perform_service_create(self, data):
        return services.insight_create(actor=self.request.user, **data)

    def perform_service_update(self, instance, data):
        return services.insight_update(actor=self.request.user, insight=instance, **data)


@extend_schema(tags=["customers"])
class ProductFeedbackViewSet(ServiceModelViewSet):
    queryset = ProductFeedback.objects.order_by("-created_at", "-pk")
    serializer_class = ProductFeedbackSerializer
    filterset_class = ProductFeedbackFilter
    create_serializer_class = ProductFeedbackInputSerializer
    update_serializer_class = ProductFeedbackUpdateSerializer
    write_rule = permissions.can_write_crm

    def perform_service_create(self, data):
        return services.feedback_create(actor=self.request.user, **data)

    def perform_service_update(self, instance, data):
        return services.feedback_update(actor=self.request.user, feedback=instance, **data)
