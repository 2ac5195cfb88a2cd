"""Filters of the review lists, shared by the browser pages and the API viewsets."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.filters import FilterSet, IdChoiceFilter, OwnedFilterSet, visible_people
from apps.reviews.choices import CycleKind, CycleStatus, ReviewStatus
from apps.reviews.models import Review, ReviewCycle


def visible_cycles(request):
    if request is None:
        return ReviewCycle.objects.none()
    return ReviewCycle.objects.visible_to(request.user)


class ReviewFilter(OwnedFilterSet):
    """Reviews by cycle, kind, period, person, team and status (``q``: the person's name)."""

    owner_field = "person"
    date_field = "created_at"

    owner = None  # called ``person`` here
    date_after = None
    date_before = None
    cycle = IdChoiceFilter(label=_("Review cycle"), queryset=visible_cycles)
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), field_name="cycle__kind", choices=CycleKind.choices
    )
    period = django_filters.CharFilter(
        label=_("Period"),
        field_name="cycle__period_key",
        method="filter_period",
        help_text=_("A quarter (2026-Q3) or a year (2026)."),
    )
    person = IdChoiceFilter(label=_("Person"), queryset=visible_people, method="filter_owner")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ReviewStatus.choices)
    q = django_filters.CharFilter(label=_("Search"), method="search")

    class Meta:
        model = Review
        fields = ["cycle", "kind", "period", "team", "person", "status", "q"]

    def filter_period(self, queryset, name, value):
        return queryset.filter(cycle__period_key=value.strip().upper())

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(person__username__icontains=value)
            | Q(person__first_name__icontains=value)
            | Q(person__last_name__icontains=value)
        )


class ReviewCycleFilter(FilterSet):
    """Cycles by kind, status and period."""

    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=CycleKind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=CycleStatus.choices)
    period = django_filters.CharFilter(
        label=_("Period"),
        field_name="period_key",
        method="filter_period",
        help_text=_("A quarter (2026-Q3) or a year (2026)."),
    )

    class Meta:
        model = ReviewCycle
        fields = ["kind", "status", "period"]

    def filter_period(self, queryset, name, value):
        return queryset.filter(period_key=value.strip().upper())
