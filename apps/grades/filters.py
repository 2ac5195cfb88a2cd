"""One FilterSet for the grades list, shared by the browser list and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from apps.core.filters import IdChoiceFilter, OwnedFilterSet, visible_people
from apps.grades.choices import Grade
from apps.grades.models import AnnualGrade
from apps.grades.selectors import annual_cycles


def _annual_cycles(request):
    return annual_cycles()


class GradeFilter(OwnedFilterSet):
    """Grades by year, team, grade, person and annual cycle."""

    owner_field = "person"
    date_field = "created_at"

    owner = None  # called ``rep`` here
    date_after = None
    date_before = None
    year = django_filters.NumberFilter(label=_("Year"), min_value=2000, max_value=2100)
    grade = django_filters.ChoiceFilter(label=_("Grade"), choices=Grade.choices)
    rep = IdChoiceFilter(label=_("Person"), queryset=visible_people, method="filter_owner")
    cycle = IdChoiceFilter(label=_("Annual review cycle"), queryset=_annual_cycles)

    class Meta:
        model = AnnualGrade
        fields = ["year", "team", "grade", "rep", "cycle"]
