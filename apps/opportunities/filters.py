"""One FilterSet per list, shared by the browser list view and the API viewset."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from apps.core.filters import OwnedFilterSet, visible_people, visible_teams
from apps.customers.models import Customer
from apps.opportunities.choices import OpportunityKind, ReviewStatus, RiskKind, RiskStatus, Stage
from apps.opportunities.models import Opportunity, Proposal, Risk, SpinNote
from apps.opportunities.selectors import past_close_q


def visible_customers(request):
    if request is None:
        return Customer.objects.none()
    return Customer.objects.visible_to(request.user)


def visible_opportunities(request):
    if request is None:
        return Opportunity.objects.none()
    return Opportunity.objects.visible_to(request.user)


@extend_schema_field(OpenApiTypes.INT)
class IdChoiceFilter(django_filters.ModelChoiceFilter):
    """A model choice given by id (so the API schema can name its type)."""


class OpportunityFilter(OwnedFilterSet):
    """Owner, team, created-at range, stage, kind, customer and a free-text search."""

    owner_field = "owner"
    date_field = "created_at"

    team = IdChoiceFilter(label=_("Team"), queryset=visible_teams, method="filter_team")
    q = django_filters.CharFilter(label=_("Search"), method="search")
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=Stage.choices)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=OpportunityKind.choices)
    customer = django_filters.ModelChoiceFilter(label=_("Customer"), queryset=visible_customers)
    past_close = django_filters.BooleanFilter(
        label=_("Past close date"), method="filter_past_close"
    )

    class Meta:
        model = Opportunity
        fields = [
            "q",
            "stage",
            "kind",
            "customer",
            "owner",
            "team",
            "past_close",
            "date_after",
            "date_before",
        ]

    def filter_past_close(self, queryset, name, value):
        """Open deals whose expected close date has gone by (``true``) or the others."""
        if value is None:
            return queryset
        past = past_close_q()
        return queryset.filter(past) if value else queryset.exclude(past)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(customer__name__icontains=value))


class OpportunityChildFilter(OwnedFilterSet):
    """Base of the lists hanging off an opportunity (SPIN notes, proposals, risks)."""

    owner_field = "opportunity__owner"
    date_field = "created_at"

    owner = IdChoiceFilter(label=_("Owner"), queryset=visible_people, method="filter_owner")
    team = IdChoiceFilter(label=_("Team"), queryset=visible_teams, method="filter_team")

    opportunity = django_filters.ModelChoiceFilter(
        label=_("Opportunity"), queryset=visible_opportunities
    )


class SpinNoteFilter(OpportunityChildFilter):
    class Meta:
        model = SpinNote
        fields = ["opportunity", "owner", "team", "date_after", "date_before"]


class ProposalFilter(OpportunityChildFilter):
    review_status = django_filters.ChoiceFilter(label=_("Review"), choices=ReviewStatus.choices)

    class Meta:
        model = Proposal
        fields = ["opportunity", "review_status", "owner", "team", "date_after", "date_before"]


class RiskFilter(OpportunityChildFilter):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=RiskKind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=RiskStatus.choices)

    class Meta:
        model = Risk
        fields = ["opportunity", "kind", "status", "owner", "team", "date_after", "date_before"]
