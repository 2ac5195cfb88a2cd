"""The one FilterSet of the lead list, shared by the browser list view and the API viewset."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from apps.core.filters import OwnedFilterSet
from apps.customers.models import Industry
from apps.leads.choices import Grade, LeadSource, LeadStatus
from apps.leads.models import Lead


class LeadFilter(OwnedFilterSet):
    owner_field = "owner"
    date_field = "created_at"

    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=LeadStatus.choices)
    grade = django_filters.ChoiceFilter(
        label=_("Grade"), choices=Grade.choices, method="filter_grade"
    )
    source = django_filters.ChoiceFilter(label=_("Source"), choices=LeadSource.choices)
    industry = django_filters.ModelChoiceFilter(
        label=_("Industry"), queryset=Industry.objects.all()
    )

    class Meta:
        model = Lead
        fields = [
            "q",
            "owner",
            "team",
            "status",
            "grade",
            "source",
            "industry",
            "date_after",
            "date_before",
        ]

    @extend_schema_field(OpenApiTypes.INT)
    def filter_team(self, queryset, name, value):
        return super().filter_team(queryset, name, value)

    @extend_schema_field({"type": "string", "pattern": "^[ABC]$", "description": "A, B or C"})
    def filter_grade(self, queryset, name, value):
        return queryset.filter(grade=value) if value else queryset

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(company_name__icontains=value)
            | Q(contact_name__icontains=value)
            | Q(phone__icontains=value)
            | Q(email__icontains=value)
        )
