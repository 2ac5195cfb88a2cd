"""What HR may export: a small registry of datasets (SPEC §3).

A :class:`Dataset` names its rows (a scoped queryset), its columns (a header and how to read a
row's value, with the kind of cell), the FilterSet of the list it comes from and who may export
it. A new export (e.g. pay) is one more :func:`register` call, nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.permissions import is_admin, is_hr
from apps.grades.filters import GradeFilter
from apps.grades.models import AnnualGrade
from apps.pay.choices import MissingInput
from apps.pay.filters import PayStatementFilter
from apps.pay.models import PayStatement
from apps.performance.choices import Kpi
from apps.scorecards.filters import ScorecardFilter
from apps.scorecards.models import Scorecard

#: Kinds of cells: text is neutralised; money, rate (percent units), number and date stay
#: numbers and dates.
TEXT, MONEY, RATE, NUMBER, DATE = "text", "money", "rate", "number", "date"


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[object], object]
    kind: str = TEXT


@dataclass(frozen=True)
class Dataset:
    key: str
    label: str
    #: ``rows(user)``: the records, scoped with ``visible_to`` and ordered.
    rows: Callable
    #: ``columns()``: the columns, built in the language of the request.
    columns: Callable[[], list[Column]]
    filterset_class: type
    #: ``may_export(user)``; the message of the 403 otherwise.
    may_export: Callable[[object], bool]
    denied_message: str = gettext_lazy("Only HR and admins may export this data.")

    def filterset(self, data, request):
        return self.filterset_class(data, queryset=self.rows(request.user), request=request)


DATASETS: dict[str, Dataset] = {}


def register(dataset: Dataset) -> Dataset:
    DATASETS[dataset.key] = dataset
    return dataset


def get(key) -> Dataset | None:
    return DATASETS.get(key)


def available_to(user) -> list[Dataset]:
    return [dataset for dataset in DATASETS.values() if dataset.may_export(user)]


def hr_or_admin(user) -> bool:
    return is_hr(user) or is_admin(user)


def _name(user) -> str:
    return "" if user is None else str(user)


def _team(user) -> str:
    team = getattr(user, "team", None) if user is not None else None
    return "" if team is None else team.name


# --- grades --------------------------------------------------------------------------------


def _grade_rows(user):
    return (
        AnnualGrade.objects.visible_to(user)
        .select_related("person__team", "calibrated_by")
        .order_by("-year", "group_key", "rank", "person__username", "pk")
    )


def _grade_columns() -> list[Column]:
    yes, no = _("Yes"), _("No")
    return [
        Column(_("Year"), lambda g: g.year, NUMBER),
        Column(_("Person"), lambda g: _name(g.person)),
        Column(_("Team"), lambda g: _team(g.person)),
        Column(_("Calibration group"), lambda g: g.group_label),
        Column(_("Rank"), lambda g: g.rank, NUMBER),
        Column(_("Annual score"), lambda g: g.score, NUMBER),
        Column(_("Quantitative score"), lambda g: g.quantitative_score, NUMBER),
        Column(_("Qualitative score"), lambda g: g.qualitative_score, NUMBER),
        # The letter (A, B, C): short, and sorts and filters in a spreadsheet.
        Column(_("Proposed grade"), lambda g: g.proposed_grade),
        Column(_("Grade"), lambda g: g.grade),
        Column(_("Calibrated by"), lambda g: _name(g.calibrated_by)),
        Column(_("Reason for the change"), lambda g: g.reason),
        Column(_("Finalised"), lambda g: yes if g.finalised else no),
    ]


# --- scorecards ----------------------------------------------------------------------------

#: Each KPI's value on the scorecard and its kind of cell.
KPI_VALUES = {
    Kpi.SALES_ACHIEVEMENT_RATE: ("sales_achievement_rate", RATE),
    Kpi.SALES_GROWTH_RATE: ("sales_growth_rate", RATE),
    Kpi.NEW_CUSTOMERS: ("new_customers_weighted", NUMBER),
    Kpi.RETENTION_RATE: ("retention_rate", RATE),
    Kpi.COLLECTION_RATE: ("collection_rate", RATE),
    Kpi.CUSTOMER_SATISFACTION: ("customer_satisfaction", NUMBER),
    Kpi.TEAM_COLLABORATION: ("team_collaboration", NUMBER),
    Kpi.CAPABILITY_GROWTH: ("capability_growth", NUMBER),
}


def _decimal(value):
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


def _kpi_score(kpi):
    def read(card):
        return _decimal(((card.kpi_scores or {}).get(kpi) or {}).get("score"))

    return read


def _field(name):
    return lambda card: getattr(card, name)


def _scorecard_rows(user):
    return (
        Scorecard.objects.visible_to(user)
        .select_related("rep__team", "weight_scheme")
        .order_by("-period_start", "rep__team__name", "rep__username", "pk")
    )


def _scorecard_columns() -> list[Column]:
    columns = [
        Column(_("Person"), lambda c: _name(c.rep)),
        Column(_("Team"), lambda c: _team(c.rep)),
        Column(_("Period"), lambda c: c.period_key),
        Column(_("Sales"), _field("sales"), MONEY),
        Column(_("Sales target"), _field("sales_target"), MONEY),
    ]
    for kpi, (field, kind) in KPI_VALUES.items():
        label = str(kpi.label)
        columns.append(Column(label, _field(field), kind))
        columns.append(Column(_("%(kpi)s: score") % {"kpi": label}, _kpi_score(kpi.value), NUMBER))
    columns += [
        Column(_("Total score"), _field("score"), NUMBER),
        Column(
            _("Weight scheme"),
            lambda c: c.weight_scheme.name if c.weight_scheme_id else "",
        ),
        Column(_("Scheme version"), _field("weight_scheme_version"), NUMBER),
    ]
    return columns


# --- pay ---------------------------------------------------------------------------------


def _pay_rows(user):
    return (
        PayStatement.objects.visible_to(user)
        .select_related("run", "person", "team")
        .order_by("-run__period_start", "team__name", "person__username", "pk")
    )


def _missing(statement) -> str:
    labels = dict(MissingInput.choices)
    return "; ".join(str(labels.get(code, code)) for code in statement.missing or [])


CENT = Decimal("0.01")


def _exact(name):
    """A pay component, kept exact (up to 10 decimals), without its trailing zeros."""

    def read(statement):
        value = getattr(statement, name)
        if value is None:
            return None
        cents = value.quantize(CENT)
        return cents if cents == value else value.normalize()

    return read


def _pay_columns() -> list[Column]:
    yes, no = _("Yes"), _("No")
    return [
        Column(_("Month"), lambda s: s.run.period_key),
        Column(_("Run status"), lambda s: s.run.get_status_display()),
        Column(_("Policy version"), lambda s: s.run.policy_version, NUMBER),
        Column(_("Person"), lambda s: _name(s.person)),
        Column(_("Username"), lambda s: s.person.username),
        Column(_("Team"), lambda s: s.team.name if s.team_id else ""),
        Column(_("Monthly performance-pay standard"), _field("performance_pay_standard"), MONEY),
        Column(_("Monthly base salary"), _field("base_salary"), MONEY),
        Column(_("Monthly score"), _field("quantitative_score"), NUMBER),
        Column(_("Monthly score applied"), _field("quantitative_applied"), NUMBER),
        Column(_("Quarterly review score"), _field("qualitative_score"), NUMBER),
        Column(_("Quarter of the review"), _field("qualitative_period")),
        Column(_("Quarterly score applied"), _field("qualitative_applied"), NUMBER),
        Column(_("Customer satisfaction"), _field("satisfaction"), NUMBER),
        Column(_("Quarter of the satisfaction"), _field("satisfaction_period")),
        Column(_("Satisfaction bonus earned"), lambda s: yes if s.satisfaction_met else no),
        Column(_("Base performance pay"), _exact("base_pay"), MONEY),
        Column(_("Performance bonus"), _exact("performance_bonus"), MONEY),
        Column(_("Capability bonus"), _exact("capability_bonus"), MONEY),
        Column(_("Satisfaction bonus"), _exact("satisfaction_bonus"), MONEY),
        Column(_("Performance pay"), _field("computed_total"), MONEY),
        Column(_("Adjustments"), _field("adjustments"), MONEY),
        Column(_("Total"), _field("total"), MONEY),
        Column(_("Missing inputs"), _missing),
    ]


register(
    Dataset(
        key="grades",
        label=gettext_lazy("Annual grades"),
        rows=_grade_rows,
        columns=_grade_columns,
        filterset_class=GradeFilter,
        may_export=hr_or_admin,
    )
)
register(
    Dataset(
        key="scorecards",
        label=gettext_lazy("Scorecards"),
        rows=_scorecard_rows,
        columns=_scorecard_columns,
        filterset_class=ScorecardFilter,
        may_export=hr_or_admin,
    )
)
register(
    Dataset(
        key="pay",
        label=gettext_lazy("Performance pay"),
        rows=_pay_rows,
        columns=_pay_columns,
        filterset_class=PayStatementFilter,
        may_export=hr_or_admin,
        denied_message=gettext_lazy("Only HR and admins may export pay."),
    )
)
