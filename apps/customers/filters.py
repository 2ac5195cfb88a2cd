"""One FilterSet per list, shared by the browser list view and the API viewset."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from apps.core.choices import Grade
from apps.core.filters import FilterSet, OwnedFilterSet
from apps.customers.choices import (
    CustomerStatus,
    FeedbackStatus,
    InsightKind,
    InsightSource,
)
from apps.customers.models import (
    HIGH_RISK_BELOW,
    Contact,
    Customer,
    HealthReport,
    Industry,
    MarketInsight,
    ProductFeedback,
)


def visible_customers(request):
    if request is None:
        return Customer.objects.none()
    return Customer.objects.visible_to(request.user)


def visible_leads(request):
    # The leads app sits above this one: its model through the declared relation.
    lead_model = Customer._meta.get_field("lead").related_model
    if request is None:
        return lead_model.objects.none()
    return lead_model.objects.visible_to(request.user)


class CrmOwnedFilterSet(OwnedFilterSet):
    """OwnedFilterSet whose owner and team filters tell the API schema they take ids."""

    @extend_schema_field(OpenApiTypes.INT)
    def filter_owner(self, queryset, name, value):
        return super().filter_owner(queryset, name, value)

    @extend_schema_field(OpenApiTypes.INT)
    def filter_team(self, queryset, name, value):
        return super().filter_team(queryset, name, value)


class CustomerFilter(CrmOwnedFilterSet):
    owner_field = "owner"
    date_field = "created_at"

    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=CustomerStatus.choices)
    industry = django_filters.ModelChoiceFilter(
        label=_("Industry"), queryset=Industry.objects.all()
    )
    lead_grade = django_filters.ChoiceFilter(label=_("Lead grade"), choices=Grade.choices)
    high_risk = django_filters.BooleanFilter(
        label=_("High-risk"),
        method="filter_high_risk",
        widget=django_filters.widgets.BooleanWidget,
    )

    class Meta:
        model = Customer
        fields = [
            "q",
            "owner",
            "team",
            "status",
            "industry",
            "lead_grade",
            "high_risk",
            "date_after",
            "date_before",
        ]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(phone__icontains=value) | Q(email__icontains=value)
        )

    def filter_high_risk(self, queryset, name, value):
        if value is None:
            return queryset
        risky = Q(latest_satisfaction__lt=HIGH_RISK_BELOW)
        return queryset.filter(risky) if value else queryset.exclude(risky)


class ContactFilter(CrmOwnedFilterSet):
    owner_field = "customer__owner"
    date_field = "created_at"

    q = django_filters.CharFilter(label=_("Search"), method="search")
    customer = django_filters.ModelChoiceFilter(label=_("Customer"), queryset=visible_customers)

    class Meta:
        model = Contact
        fields = ["q", "customer", "owner", "team"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(phone__icontains=value) | Q(email__icontains=value)
        )


class IndustryFilter(FilterSet):
    q = django_filters.CharFilter(label=_("Search"), field_name="name", lookup_expr="icontains")

    class Meta:
        model = Industry
        fields = ["q"]


class HealthReportFilter(CrmOwnedFilterSet):
    owner_field = "customer__owner"
    date_field = "created_at"

    customer = django_filters.ModelChoiceFilter(label=_("Customer"), queryset=visible_customers)
    year = django_filters.NumberFilter(label=_("Year"), min_value=1, max_value=9999)
    quarter = django_filters.NumberFilter(label=_("Quarter"), min_value=1, max_value=4)
    high_risk = django_filters.BooleanFilter(
        label=_("High-risk"),
        method="filter_high_risk",
        widget=django_filters.widgets.BooleanWidget,
    )

    class Meta:
        model = HealthReport
        fields = ["customer", "year", "quarter", "high_risk", "owner", "team"]

    def filter_high_risk(self, queryset, name, value):
        if value is None:
            return queryset
        risky = Q(satisfaction__lt=HIGH_RISK_BELOW)
        return queryset.filter(risky) if value else queryset.exclude(risky)


class MarketInsightFilter(CrmOwnedFilterSet):
    owner_field = "author"
    date_field = "created_at"

    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=InsightKind.choices)
    source = django_filters.ChoiceFilter(label=_("Source"), choices=InsightSource.choices)
    industry = django_filters.ModelChoiceFilter(
        label=_("Industry"), queryset=Industry.objects.all()
    )
    customer = django_filters.ModelChoiceFilter(
        label=_("Customer"), queryset=visible_customers, field_name="customers"
    )
    lead = django_filters.ModelChoiceFilter(
        label=_("Lead"), queryset=visible_leads, field_name="leads"
    )

    class Meta:
        model = MarketInsight
        fields = [
            "q",
            "kind",
            "source",
            "industry",
            "customer",
            "lead",
            "owner",
            "team",
            "date_after",
            "date_before",
        ]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(body__icontains=value))


class ProductFeedbackFilter(CrmOwnedFilterSet):
    owner_field = "customer__owner"
    date_field = "created_at"

    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=FeedbackStatus.choices)
    customer = django_filters.ModelChoiceFilter(label=_("Customer"), queryset=visible_customers)

    class Meta:
        model = ProductFeedback
        fields = ["q", "status", "customer", "owner", "team", "date_after", "date_before"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(summary__icontains=value) | Q(detail__icontains=value))
