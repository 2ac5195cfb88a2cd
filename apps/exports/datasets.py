"""What HR may export: a small registry of datasets (SPEC §3).

A :class:`Dataset` names its rows (a scoped queryset), its columns (a header and how to read a
row's value, with the kind of cell), the FilterSet of the list it comes from and who may export
it. A new export (e.g. pay) is one more :func:`register` call, nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, CharField, F, Func, TextField, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.permissions import is_admin, is_hr
from apps.grades.filters import GradeFilter
from apps.grades.models import AnnualGrade
from apps.pay.choices import MissingInput, PayRunStatus
from apps.pay.filters import PayStatementFilter
from apps.pay.models import PayRun, PayStatement
from apps.performance.choices import Kpi
from apps.scorecards.filters import ScorecardFilter
from apps.scorecards.models import Scorecard

#: Kinds of cells: text is neutralised; money, rate (percent units), number and date stay
#: numbers and dates.
TEXT, MONEY, RATE, NUMBER, DATE = "text", "money", "rate", "number", "date"
#: ``apps.accounts.models.CJK`` for PostgreSQL's regular expressions (the characters).
CJK_PATTERN = "[\u4e00-\u9fff]"


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[object], object]
    kind: str = TEXT
    #: The same value as a Django expression over the dataset's model, when SQL can compute it
    #: (``F("person__username")``, a ``Case`` of translated labels): a dataset whose every
    #: column has one is written to XLSX by PostgreSQL (:mod:`apps.exports.xlsx_sql`).
    expr: object = None


class SqlTemplate(Func):
    """SQL written by hand around expressions: ``{0}``, ``{1}``… in ``template`` are the
    compiled ``expressions`` (one may appear several times); pass literals as ``Value()``."""

    PLACEHOLDER = re.compile(r"\{(\d+)\}")

    def __init__(self, template: str, *expressions, output_field=None):
        super().__init__(*expressions, output_field=output_field or TextField())
        self.sql_template = template

    def as_sql(self, compiler, connection, **extra_context):
        compiled = [compiler.compile(expression) for expression in self.get_source_expressions()]
        params: list = []

        def substitute(match):
            sql, part_params = compiled[int(match.group(1))]
            params.extend(part_params)
            return f"({sql})"

        # A literal "%" of the template must reach the driver doubled, like Django's own SQL.
        return self.PLACEHOLDER.sub(substitute, self.sql_template.replace("%", "%%")), params


#: What Python's ``str.strip()`` strips, for ``btrim`` (names are shown stripped).
PY_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def display_name(prefix: str):
    """SQL of ``str(user)`` for the user at ``prefix`` (``"person"``): the full name the way
    ``User.get_full_name`` writes it (Chinese family name first, no space), else the
    username."""
    return SqlTemplate(
        "COALESCE(NULLIF(CASE WHEN ({1} || {0}) ~ {3}"
        " THEN btrim({1} || {0}, {4}) ELSE btrim({0} || ' ' || {1}, {4}) END, ''), {2})",
        F(f"{prefix}__first_name"),
        F(f"{prefix}__last_name"),
        F(f"{prefix}__username"),
        Value(CJK_PATTERN),
        Value(PY_WHITESPACE),
        # first name, a space, last name (150 each) or the username (150)
        output_field=CharField(max_length=301),
    )


def labels(field: str, choices, *, max_length: int):
    """SQL of ``get_<field>_display()``: the label of the stored value (the value itself, at
    most ``max_length`` characters, when it has none), in the current language."""
    whens = [When(**{field: value}, then=Value(str(label))) for value, label in choices]
    longest = max([max_length, *(len(str(label)) for _value, label in choices)])
    return Case(*whens, default=F(field), output_field=CharField(max_length=longest))


def yes_no(field: str, yes: str, no: str):
    """SQL of ``yes if <field> else no``."""
    return Case(
        When(**{field: True}, then=Value(yes)),
        default=Value(no),
        output_field=CharField(max_length=max(len(yes), len(no))),
    )


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


def missing_labels(field: str = "missing"):
    """SQL of :func:`_missing`: the labels of the codes in the JSON list, joined by "; "."""
    choices = list(MissingInput.choices)
    whens = " ".join(f"WHEN {{{2 * i + 1}}} THEN {{{2 * i + 2}}}" for i in range(len(choices)))
    values = [Value(item) for code, label in choices for item in (code, str(label))]
    # Most lists are empty: no subquery for them.
    return SqlTemplate(
        "CASE WHEN jsonb_typeof({0}) = 'array' AND {0} <> '[]'::jsonb THEN"
        f" (SELECT string_agg(COALESCE(CASE m.code {whens} ELSE m.code END, 'None'), '; '"
        " ORDER BY m.n) FROM jsonb_array_elements_text({0}) WITH ORDINALITY AS m(code, n)) END",
        F(field),
        *values,
    )


STATUS_LENGTH = PayRun._meta.get_field("status").max_length


def _pay_columns() -> list[Column]:
    yes, no = _("Yes"), _("No")

    def field(name, header, kind=TEXT, read=None):
        return Column(header, read or _field(name), kind, F(name))

    return [
        Column(_("Month"), lambda s: s.run.period_key, TEXT, F("run__period_key")),
        Column(
            _("Run status"),
            lambda s: s.run.get_status_display(),
            TEXT,
            labels("run__status", PayRunStatus.choices, max_length=STATUS_LENGTH),
        ),
        Column(
            _("Policy version"), lambda s: s.run.policy_version, NUMBER, F("run__policy_version")
        ),
        Column(_("Person"), lambda s: _name(s.person), TEXT, display_name("person")),
        Column(_("Username"), lambda s: s.person.username, TEXT, F("person__username")),
        Column(_("Team"), lambda s: s.team.name if s.team_id else "", TEXT, F("team__name")),
        field("performance_pay_standard", _("Monthly performance-pay standard"), MONEY),
        field("base_salary", _("Monthly base salary"), MONEY),
        field("quantitative_score", _("Monthly score"), NUMBER),
        field("quantitative_applied", _("Monthly score applied"), NUMBER),
        field("qualitative_score", _("Quarterly review score"), NUMBER),
        field("qualitative_period", _("Quarter of the review")),
        field("qualitative_applied", _("Quarterly score applied"), NUMBER),
        field("satisfaction", _("Customer satisfaction"), NUMBER),
        field("satisfaction_period", _("Quarter of the satisfaction")),
        Column(
            _("Satisfaction bonus earned"),
            lambda s: yes if s.satisfaction_met else no,
            TEXT,
            yes_no("satisfaction_met", yes, no),
        ),
        field("base_pay", _("Base performance pay"), MONEY, _exact("base_pay")),
        field("performance_bonus", _("Performance bonus"), MONEY, _exact("performance_bonus")),
        field("capability_bonus", _("Capability bonus"), MONEY, _exact("capability_bonus")),
        field("satisfaction_bonus", _("Satisfaction bonus"), MONEY, _exact("satisfaction_bonus")),
        field("computed_total", _("Performance pay"), MONEY),
        field("adjustments", _("Adjustments"), MONEY),
        field("total", _("Total"), MONEY),
        Column(_("Missing inputs"), _missing, TEXT, missing_labels()),
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
