"""The survey list's filters, shared by the browser list and the API: quarter, rep, team,
status, channel."""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from apps.core.filters import IdChoiceFilter, IdFilter, OwnedFilterSet, visible_people
from apps.surveys.choices import SurveyChannel, SurveyStatus
from apps.surveys.models import Survey


class SurveyFilter(OwnedFilterSet):
    owner_field = "rep"
    date_field = "answered_at"

    period_key = django_filters.CharFilter(
        label=_("Quarter"), help_text=_("For example 2026-Q3."), max_length=16
    )
    rep = IdChoiceFilter(label=_("Rep"), queryset=visible_people, method="filter_owner")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=SurveyStatus.choices)
    channel = django_filters.ChoiceFilter(
        label=_("Answered through"), choices=SurveyChannel.choices
    )
    customer = IdFilter(field_name="customer_id", label=_("Customer"))
    owner = None  # "rep" says it

    class Meta:
        model = Survey
        fields = ["period_key", "rep", "team", "status", "channel", "customer"]

    @extend_schema_field(OpenApiTypes.INT)
    def filter_owner(self, queryset, name, value):
        return super().filter_owner(queryset, name, value)

    @extend_schema_field(OpenApiTypes.INT)
    def filter_team(self, queryset, name, value):
        return super().filter_team(queryset, name, value)
