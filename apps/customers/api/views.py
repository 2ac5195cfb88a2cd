from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.api.views import ScopedModelViewSet
from apps.customers import selectors, services
from apps.customers.api.permissions import CrmWritePermission, IndustryPermission
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

WRITE_METHODS = ["get", "post", "patch", "head", "options"]


class CrmViewSet(ScopedModelViewSet):
    """Scoped reads; writes through services (HR: 403). Subclasses name the input serializers
    and the two service calls."""

    permission_classes = [CrmWritePermission]
    http_method_names = WRITE_METHODS
    create_serializer_class = None
    update_serializer_class = None

    def perform_service_create(self, data):
        raise NotImplementedError

    def perform_service_update(self, instance, data):
        raise NotImplementedError

    def _respond(self, instance, status_code=status.HTTP_200_OK):
        instance = self.get_queryset().get(pk=instance.pk)
        return Response(self.get_serializer(instance).data, status=status_code)

    def create(self, request, *args, **kwargs):
        payload = self.create_serializer_class(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        instance = self.perform_service_create(dict(payload.validated_data))
        return self._respond(instance, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        instance = self.get_object()
        payload = self.update_serializer_class(
            data=request.data, partial=True, context={"request": request}
        )
        payload.is_valid(raise_exception=True)
        self.perform_service_update(instance, dict(payload.validated_data))
        return self._respond(instance)


@extend_schema(tags=["customers"])
class CustomerViewSet(CrmViewSet):
    """Customers within the caller's scope. Filters: owner, team, date_after/date_before
    (created), status, industry, lead_grade, high_risk, q (name, phone, e-mail)."""

    queryset = Customer.objects.select_related("owner", "industry").order_by("name", "pk")
    serializer_class = CustomerSerializer
    filterset_class = CustomerFilter
    ordering_fields = ["name", "created_at", "latest_satisfaction"]
    create_serializer_class = CustomerInputSerializer
    update_serializer_class = CustomerUpdateSerializer

    @extend_schema(request=CustomerInputSerializer, responses={201: CustomerSerializer})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    @extend_schema(request=CustomerUpdateSerializer, responses=CustomerSerializer)
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    def perform_service_create(self, data):
        return services.customer_create(actor=self.request.user, **data)

    def perform_service_update(self, instance, data):
        return services.customer_update(actor=self.request.user, customer=instance, **data)

    @extend_schema(request=MarkLostSerializer, responses=CustomerSerializer)
    @action(detail=True, methods=["post"], url_path="mark-lost")
    def mark_lost(self, request, pk=None):
        customer = self.get_object()
        payload = MarkLostSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.customer_mark_lost(
            actor=request.user,
            customer=customer,
            lost_on=payload.validated_data["lost_on"],
            reason=payload.validated_data["reason"],
        )
        return self._respond(customer)

    @extend_schema(request=ReactivateSerializer, responses=CustomerSerializer)
    @action(detail=True, methods=["post"])
    def reactivate(self, request, pk=None):
        customer = self.get_object()
        payload = ReactivateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.customer_reactivate(
            actor=request.user, customer=customer, reason=payload.validated_data["reason"]
        )
        return self._respond(customer)


@extend_schema(tags=["customers"])
class ContactViewSet(CrmViewSet):
    queryset = Contact.objects.order_by("customer_id", "-is_primary", "name")
    serializer_class = ContactSerializer
    filterset_class = ContactFilter
    create_serializer_class = ContactInputSerializer
    update_serializer_class = ContactUpdateSerializer

    @extend_schema(request=ContactInputSerializer, responses={201: ContactSerializer})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    @extend_schema(request=ContactUpdateSerializer, responses=ContactSerializer)
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    def perform_service_create(self, data):
        return services.contact_create(actor=self.request.user, **data)

    def perform_service_update(self, instance, data):
        return services.contact_update(actor=self.request.user, contact=instance, **data)


@extend_schema(tags=["customers"])
class IndustryViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Industries (shared reference data, no owner): everyone lists; managers, HR and admins
    add. Reps pick from the list."""

    queryset = Industry.objects.order_by("name")
    serializer_class = IndustrySerializer
    filterset_class = IndustryFilter
    permission_classes = [IndustryPermission]
    pagination_class = None

    @extend_schema(request=IndustrySerializer, responses={201: IndustrySerializer})
    def create(self, request, *args, **kwargs):
        payload = IndustrySerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        industry = services.industry_create(actor=request.user, name=payload.validated_data["name"])
        return Response(IndustrySerializer(industry).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["customers"])
class HealthReportViewSet(CrmViewSet):
    """Quarterly health reports. Saving one refreshes the customer's latest satisfaction."""

    queryset = HealthReport.objects.order_by("-year", "-quarter", "pk")
    serializer_class = HealthReportSerializer
    filterset_class = HealthReportFilter
    create_serializer_class = HealthReportInputSerializer
    update_serializer_class = HealthReportUpdateSerializer

    @extend_schema(request=HealthReportInputSerializer, responses={201: HealthReportSerializer})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    @extend_schema(request=HealthReportUpdateSerializer, responses=HealthReportSerializer)
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    def perform_service_create(self, data):
        return services.health_report_create(actor=self.request.user, **data)

    def perform_service_update(self, instance, data):
        return services.health_report_update(actor=self.request.user, report=instance, **data)


@extend_schema(tags=["customers"])
class MarketInsightViewSet(CrmViewSet):
    queryset = MarketInsight.objects.all()
    serializer_class = MarketInsightSerializer
    filterset_class = MarketInsightFilter
    create_serializer_class = MarketInsightInputSerializer
    update_serializer_class = MarketInsightUpdateSerializer

    def get_queryset(self):
        # insight_list scopes the insights and the linked records they show.
        return selectors.insight_list(user=self.request.user).order_by("-created_at", "-pk")

    @extend_schema(request=MarketInsightInputSerializer, responses={201: MarketInsightSerializer})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    @extend_schema(request=MarketInsightUpdateSerializer, responses=MarketInsightSerializer)
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    def perform_service_create(self, data):
        return services.insight_create(actor=self.request.user, **data)

    def perform_service_update(self, instance, data):
        return services.insight_update(actor=self.request.user, insight=instance, **data)


@extend_schema(tags=["customers"])
class ProductFeedbackViewSet(CrmViewSet):
    queryset = ProductFeedback.objects.order_by("-created_at", "-pk")
    serializer_class = ProductFeedbackSerializer
    filterset_class = ProductFeedbackFilter
    create_serializer_class = ProductFeedbackInputSerializer
    update_serializer_class = ProductFeedbackUpdateSerializer

    @extend_schema(
        request=ProductFeedbackInputSerializer, responses={201: ProductFeedbackSerializer}
    )
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    @extend_schema(request=ProductFeedbackUpdateSerializer, responses=ProductFeedbackSerializer)
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    def perform_service_create(self, data):
        return services.feedback_create(actor=self.request.user, **data)

    def perform_service_update(self, instance, data):
        return services.feedback_update(actor=self.request.user, feedback=instance, **data)
