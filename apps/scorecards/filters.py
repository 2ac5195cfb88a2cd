"""The one FilterSet of scorecard lists, shared by the browser list and the API."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy as _

from apps.core.filters import FilterSet, visible_people, visible_teams
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


#: The rep's name as shown (full name, else username), to sort by.
REP_NAME = Case(
    When(Q(rep__first_name="") & Q(rep__last_name=""), then=F("rep__username")),
    default=Concat("rep__first_name", Value(" "), "rep__last_name"),
)

#: ``?ordering=`` keys of the list (prefix ``-`` for descending) and what they sort by.
ORDERING_FIELDS = {
    "rep": (REP_NAME, "rep__username"),
    "team": ("rep__team__name",),
    "sales": ("sales",),
    "sales_achievement_rate": ("sales_achievement_rate",),
    "sales_growth_rate": ("sales_growth_rate",),
    "new_customers": ("new_customers_weighted",),
    "retention_rate": ("retention_rate",),
    "collection_rate": ("collection_rate",),
    "score": ("score",),
}
ORDERING_LABELS = {
    "rep": _("Rep"),
    "team": _("Team"),
    "sales": _("Sales"),
    "sales_achievement_rate": _("Sales achievement rate"),
    "sales_growth_rate": _("Sales growth rate"),
    "new_customers": _("New customers (grade-weighted)"),
    "retention_rate": _("Customer retention rate"),
    "collection_rate": _("Collection rate"),
    "score": _("Score"),
}
#: After the chosen order: a stable one, so pages do not overlap.
TIE_BREAK = ("rep__team__name", "rep__username", "pk")


class ScorecardOrdering(django_filters.OrderingFilter):
    """Sorts by one of :data:`ORDERING_FIELDS`, either way, with undefined values (null)
    last in both directions, then by team, username and id."""

    def __init__(self, *args, **kwargs):
        choices = []
        for key, label in ORDERING_LABELS.items():
            choices.append((key, label))
            choices.append((f"-{key}", _("%(field)s (descending)") % {"field": label}))
        kwargs.setdefault("choices", choices)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        ordering = []
        for param in value:
            if not param:
                continue
            descending = param.startswith("-")
            for field in ORDERING_FIELDS[param.lstrip("-")]:
                expression = F(field) if isinstance(field, str) else field
                ordering.append(
                    expression.desc(nulls_last=True)
                    if descending
                    else expression.asc(nulls_last=True)
                )
        return qs.order_by(*ordering, *TIE_BREAK)


#: A scorecard with something to score: a target, sales (this period or last year),
#: customers, or receivables in the period.
def _nonzero(field: str) -> Q:
    return Q(**{f"{field}__gt": 0}) | Q(**{f"{field}__lt": 0})


HAS_FIGURES = (
    Q(sales_target__isnull=False)
    | _nonzero("sales")
    | _nonzero("sales_last_year")
    | Q(new_customers__gt=0)
    | Q(customers_at_start__gt=0)
    | _nonzero("receivable_due")
    | _nonzero("collected")
)


class ScorecardFilter(FilterSet):
    """Scorecards by period key, period kind, rep and team (all within the user's scope),
    sorted by ``ordering``. People with no figures in the period (typically managers who do
    not sell) are left out unless ``include_empty`` is set or the rep is asked for by name."""

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
    include_empty = django_filters.BooleanFilter(
        label=_("Include people with no figures"),
        method="filter_include_empty",
        widget=forms.CheckboxInput,
        help_text=_(
            "Also list people with no target, sales, customers or receivables in the period."
        ),
    )
    ordering = ScorecardOrdering(label=_("Sort by"), widget=forms.HiddenInput)

    class Meta:
        model = Scorecard
        fields = ["period", "kind", "rep", "team", "include_empty", "ordering"]

    def filter_period(self, queryset, name, value):
        return queryset.filter(period_key=parse_period(value).key)

    def filter_include_empty(self, queryset, name, value):
        return queryset  # applied in filter_queryset (it acts when the box is NOT ticked)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = getattr(self.form, "cleaned_data", {})
        if not data.get("include_empty") and not data.get("rep"):
            queryset = queryset.filter(HAS_FIGURES)
        return queryset


class RecomputeJobFilter(FilterSet):
    period = django_filters.CharFilter(label=_("Period"), field_name="period_key")

    class Meta:
        model = RecomputeJob
        fields = ["period", "status"]
