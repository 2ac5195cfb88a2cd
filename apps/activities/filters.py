"""The one FilterSet of the activity list (browser and API)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from apps.activities.choices import ActivityKind
from apps.activities.models import Activity
from apps.customers.filters import CrmOwnedFilterSet, visible_customers, visible_leads
from apps.opportunities.models import Opportunity


def visible_opportunities(request):
    if request is None:
        return Opportunity.objects.none()
    return Opportunity.objects.visible_to(request.user)


class ActivityFilter(CrmOwnedFilterSet):
    owner_field = "owner"
    date_field = "occurred_at"

    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ActivityKind.choices)
    customer = django_filters.ModelChoiceFilter(label=_("Customer"), queryset=visible_customers)
    lead = django_filters.ModelChoiceFilter(label=_("Lead"), queryset=visible_leads)
    opportunity = django_filters.ModelChoiceFilter(
        label=_("Opportunity"), queryset=visible_opportunities
    )

    class Meta:
        model = Activity
        fields = [
            "kind",
            "owner",
            "team",
            "customer",
            "lead",
            "opportunity",
            "date_after",
            "date_before",
        ]
