"""One FilterSet for the plan list, shared by the browser list and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from apps.core.filters import IdChoiceFilter, OwnedFilterSet, visible_people
from apps.pips.choices import PipStatus
from apps.pips.models import Pip


class PipFilter(OwnedFilterSet):
    """Plans by status, team and person."""

    owner_field = "person"
    date_field = "start_date"

    owner = None  # called ``person`` here
    date_after = None
    date_before = None
    status = django_filters.ChoiceFilter(label=_("Status"), choices=PipStatus.choices)
    person = IdChoiceFilter(label=_("Person"), queryset=visible_people, method="filter_owner")

    class Meta:
        model = Pip
        fields = ["status", "team", "person"]
