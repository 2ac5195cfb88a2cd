"""Filter pieces every list shares: owner, team and date ranges, scoped to what the user sees."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from apps.accounts.models import Team, User
from apps.core.dates import BusinessDateField
from apps.core.forms import use_filter_prompts


class FilterSet(django_filters.FilterSet):
    """A FilterSet whose browser form reads as filters: every select starts with "All", every
    date filter is a date picker (:func:`apps.core.forms.use_filter_prompts`). Every filter set
    of a list people use inherits it (directly or through :class:`OwnedFilterSet`)."""

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_filter_prompts_applied", False):
            form._filter_prompts_applied = True
            use_filter_prompts(form)
        return form


def visible_people(request):
    if request is None:
        return User.objects.none()
    return User.objects.visible_to(request.user)


def visible_teams(request):
    if request is None:
        return Team.objects.none()
    return Team.objects.visible_to(request.user)


@extend_schema_field(OpenApiTypes.INT)
class IdChoiceFilter(django_filters.ModelChoiceFilter):
    """A ModelChoiceFilter that the API documents as an integer id."""


#: The largest id a database column holds (a bigint); a larger one is refused, never queried.
MAX_ID = 2**63 - 1


class IdField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """A record id given as a number (e.g. ``?order=12``): a whole number from 1 up to the
    largest id a database holds; anything else is a form error (a 400 in the API)."""

    field_class = IdField


class BusinessDateFilter(django_filters.DateFilter):
    """A date filter limited to the business date range (:mod:`apps.core.dates`): a date
    outside it is a form error in the browser and a 400 in the API, never a 500. The browser
    shows a date picker."""

    field_class = BusinessDateField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        super().__init__(*args, **kwargs)


class OwnedFilterSet(FilterSet):
    """Base FilterSet for records that belong to a rep.

    Subclasses set ``owner_field`` (path to the owning user) and ``date_field`` (the date the
    ``*_after`` / ``*_before`` range filters apply to); both the browser list view and the API
    viewset use the subclass.
    """

    owner_field = "owner"
    date_field = "created_at"

    owner = IdChoiceFilter(label=_("Owner"), queryset=visible_people, method="filter_owner")
    team = IdChoiceFilter(label=_("Team"), queryset=visible_teams, method="filter_team")
    date_after = BusinessDateFilter(label=_("From"), method="filter_date_after")
    date_before = BusinessDateFilter(label=_("To"), method="filter_date_before")

    def _date_lookup(self, op):
        field = self.date_field
        model_field = self.queryset.model._meta.get_field(field.split("__")[0])
        suffix = "__date" if model_field.get_internal_type() == "DateTimeField" else ""
        return f"{field}{suffix}__{op}"

    def filter_owner(self, queryset, name, value):
        return queryset.filter(**{self.owner_field: value})

    def filter_team(self, queryset, name, value):
        return queryset.filter(**{f"{self.owner_field}__team": value})

    def filter_date_after(self, queryset, name, value):
        return queryset.filter(**{self._date_lookup("gte"): value})

    def filter_date_before(self, queryset, name, value):
        return queryset.filter(**{self._date_lookup("lte"): value})
