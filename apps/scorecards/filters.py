"""The one FilterSet of scorecard lists, shared by the browser list and the API."""

import django_filters
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.core.filters import visible_people, visible_teams
from apps.performance.periods import parse_period
from apps.scorecards.choices import PeriodKind
from apps.scorecards.models import RecomputeJob, Scorecard


def validate_period_key(value):
    try:
        parse_period(value)
    except ValueError as error:
        raise ValidationError(
            _("Use YYYY-MM for a month (2026-10), YYYY-Qn for a quarter or YYYY for a year."),
            code="invalid",
        ) from error


class ScorecardFilter(django_filters.FilterSet):
    """Scorecards by period key, period kind, rep and team (all within the user's scope)."""

    period = django_filters.CharFilter(
        label=_("Period"),
        method="filter_period",
        validators=[validate_period_key],
        help_text=_("2026-10, 2026-Q4 or 2026"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), field_name="period_kind", choices=PeriodKind.choices
    )
    rep = django_filters.ModelChoiceFilter(label=_("Rep"), queryset=visible_people)
    team = django_filters.ModelChoiceFilter(
        label=_("Team"), queryset=visible_teams, field_name="rep__team"
    )

    class Meta:
        model = Scorecard
        fields = ["period", "kind", "rep", "team"]

    def filter_period(self, queryset, name, value):
        return queryset.filter(period_key=parse_period(value).key)


class RecomputeJobFilter(django_filters.FilterSet):
    period = django_filters.CharFilter(label=_("Period"), field_name="period_key")

    class Meta:
        model = RecomputeJob
        fields = ["period", "status"]
