"""One FilterSet of pay statements, shared by the run page, the API (``/api/v1/pay/``) and the
pay export: month, team and person, all within the user's scope."""

import django_filters
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.core.filters import FilterSet, IdChoiceFilter, visible_people, visible_teams
from apps.pay.models import PayStatement
from apps.performance.periods import MONTH, parse_period

MONTH_FORMAT = _("Use YYYY-MM for a month, e.g. 2026-10.")


def month_key(value) -> str:
    """The month key ("2026-10") ``value`` names; ``ValidationError`` naming the format
    otherwise (a quarter or a year is not a pay month)."""
    try:
        period = parse_period(value)
    except ValueError as error:
        # The message may quote the value (with a "%" in it): pass it as a parameter.
        raise ValidationError("%(error)s", code="invalid", params={"error": str(error)}) from error
    if period.kind != MONTH:
        raise ValidationError(MONTH_FORMAT, code="invalid")
    return period.key


def validate_month(value) -> None:
    month_key(value)


class PayStatementFilter(FilterSet):
    """Statements by month (the run's), team (the statement's team) and person."""

    month = django_filters.CharFilter(
        label=_("Month"),
        method="filter_month",
        validators=[validate_month],
        help_text=_("2026-10"),
    )
    team = IdChoiceFilter(label=_("Team"), queryset=visible_teams, field_name="team")
    person = IdChoiceFilter(label=_("Person"), queryset=visible_people, field_name="person")

    class Meta:
        model = PayStatement
        fields = ["month", "team", "person"]

    def filter_month(self, queryset, name, value):
        return queryset.filter(run__period_key=month_key(value))


class RunStatementFilter(PayStatementFilter):
    """The statements of one run (its page): by team and person; the month is the run's."""

    month = None

    class Meta(PayStatementFilter.Meta):
        fields = ["team", "person"]
