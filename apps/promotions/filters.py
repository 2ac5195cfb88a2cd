"""One FilterSet for the candidate list, shared by the browser list and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from apps.core.filters import OwnedFilterSet
from apps.promotions.choices import CandidateStatus
from apps.promotions.models import PromotionCandidate


class CandidateFilter(OwnedFilterSet):
    """Candidates by year, team and status."""

    owner_field = "person"
    owner = None
    date_after = None
    date_before = None
    year = django_filters.NumberFilter(label=_("Year"), min_value=2000, max_value=2100)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=CandidateStatus.choices)

    class Meta:
        model = PromotionCandidate
        fields = ["year", "team", "status"]
