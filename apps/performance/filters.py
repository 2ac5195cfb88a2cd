"""One FilterSet per list, shared by the browser list view and the API viewset."""

import django_filters
from django import forms
from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from apps.core.filters import BusinessDateFilter, FilterSet, OwnedFilterSet, visible_people
from apps.performance import periods
from apps.performance.choices import Cycle, PeriodKind
from apps.performance.models import PdcaNote, PeriodSetting, Target, WeightScheme


class PeriodKeyField(forms.CharField):
    """A period key, normalised ("2026-q4" -> "2026-Q4"); a bad key is a form error."""

    def clean(self, value):
        value = super().clean(value)
        if value:
            try:
                value = periods.parse_period(value).key
            except ValueError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return value


class PeriodKeyFilter(django_filters.CharFilter):
    """A period key ("2026-10", "2026-Q4", "2026"); a bad key is a form error, not a 500."""

    field_class = PeriodKeyField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Period"))
        kwargs.setdefault("field_name", "period_key")
        kwargs.setdefault(
            "help_text", _("A month (2026-10), a quarter (2026-Q4) or a year (2026).")
        )
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        return qs.filter(**{self.field_name: value})


class TargetFilter(OwnedFilterSet):
    """Targets by period key, kind, rep (``rep`` or ``owner``), team and period start date."""

    owner_field = "rep"
    date_field = "period_start"

    owner = None  # called ``rep`` here
    period = PeriodKeyFilter()
    period_kind = django_filters.ChoiceFilter(label=_("Kind"), choices=PeriodKind.choices)
    rep = django_filters.ModelChoiceFilter(
        label=_("Rep"), queryset=visible_people, method="filter_owner"
    )
    q = django_filters.CharFilter(label=_("Search"), method="search")

    class Meta:
        model = Target
        fields = ["period", "period_kind", "rep", "team", "q"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(rep__username__icontains=value)
            | Q(rep__first_name__icontains=value)
            | Q(rep__last_name__icontains=value)
        )


class PdcaNoteFilter(OwnedFilterSet):
    owner_field = "rep"
    date_field = "period_start"

    owner = None  # called ``rep`` here
    period = PeriodKeyFilter(label=_("Quarter"))
    rep = django_filters.ModelChoiceFilter(
        label=_("Rep"), queryset=visible_people, method="filter_owner"
    )
    q = django_filters.CharFilter(label=_("Search"), method="search")

    class Meta:
        model = PdcaNote
        fields = ["period", "rep", "team", "q"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(plan__icontains=value)
            | Q(do__icontains=value)
            | Q(check_notes__icontains=value)
            | Q(act__icontains=value)
        )


class WeightSchemeFilter(FilterSet):
    """Schemes by cycle and preset; ``in_force_on`` keeps the version of each cycle in force on
    that date."""

    cycle = django_filters.ChoiceFilter(label=_("Cycle"), choices=Cycle.choices)
    in_force_on = BusinessDateFilter(
        label=_("In force on"),
        method="filter_in_force_on",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = WeightScheme
        fields = ["cycle", "in_force_on"]

    def filter_in_force_on(self, queryset, name, value):
        latest = (
            WeightScheme.objects.filter(cycle=OuterRef("cycle"), effective_from__lte=value)
            .order_by("-effective_from")
            .values("pk")[:1]
        )
        return queryset.filter(pk=Subquery(latest))


class PeriodSettingFilter(FilterSet):
    period = PeriodKeyFilter()
    period_kind = django_filters.ChoiceFilter(label=_("Kind"), choices=PeriodKind.choices)

    class Meta:
        model = PeriodSetting
        fields = ["period", "period_kind"]
