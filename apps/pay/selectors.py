"""Reads of performance pay: a run's statements as the user may see them, totals per team, and
the steps of one statement's sum for its page."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from apps.accounts.models import Team
from apps.core.formatting import format_money, format_number
from apps.pay.models import PayPolicy, PayRun, PayStatement

ZERO = Decimal("0.00")


def statements_for_run(run: PayRun, user):
    """The statements of ``run`` that ``user`` may see, with person and team."""
    return (
        PayStatement.objects.visible_to(user)
        .filter(run=run)
        .select_related("person", "team", "run")
        .order_by("team__name", "person__username", "pk")
    )


def team_totals(run: PayRun, user) -> tuple[list[dict], dict]:
    """``(rows, grand)``: per team (``None``: people without a team) ``{"team", "people",
    "computed_total", "adjustments", "total"}`` over the statements ``user`` may see, in ONE
    aggregate query (plus one for the teams' names), and the grand total of the same keys
    (``"team": None``)."""
    sums = list(
        PayStatement.objects.visible_to(user)
        .filter(run=run)
        .order_by()
        .values("team_id")
        .annotate(
            people=Count("pk"),
            computed=Sum("computed_total"),
            adjusted=Sum("adjustments"),
            paid=Sum("total"),
        )
    )
    teams = Team.objects.in_bulk([row["team_id"] for row in sums if row["team_id"]])
    rows = [
        {
            "team": teams.get(row["team_id"]),
            "people": row["people"],
            "computed_total": row["computed"] or ZERO,
            "adjustments": row["adjusted"] or ZERO,
            "total": row["paid"] or ZERO,
        }
        for row in sums
    ]
    rows.sort(key=lambda row: (row["team"] is None, row["team"].name if row["team"] else ""))
    grand = {
        "team": None,
        "people": sum(row["people"] for row in rows),
        "computed_total": sum((row["computed_total"] for row in rows), ZERO),
        "adjustments": sum((row["adjustments"] for row in rows), ZERO),
        "total": sum((row["total"] for row in rows), ZERO),
    }
    return rows, grand


def _amount(value) -> str:
    """Money: two decimals, or four when the exact component has more (the total is the only
    rounding)."""
    value = value if value is not None else ZERO
    return format_money(value, 2 if value == round(value, 2) else 4)


def _score(value) -> str:
    return format_number(value, 2)


def _pct(value) -> str:
    return f"{format_number(value, 2).rstrip('0').rstrip('.,')} %"


def statement_steps(statement: PayStatement, policy: PayPolicy | None = None) -> list[tuple]:
    """Every input and every step of the statement's sum as ``(label, formula, amount)``
    (``amount`` ``None`` for an input line), e.g. ``("Base performance pay", "40 % ×
    ¥5,000.00", Decimal("2000"))``. ``policy`` defaults to the run's."""
    policy = policy or statement.run.policy
    s = statement
    p = _amount(s.performance_pay_standard)
    steps: list[tuple] = [
        (
            _("Monthly performance-pay standard (P)"),
            p if s.performance_pay_standard is not None else _("none: counts as 0"),
            s.performance_pay_standard,
        ),
        (
            _("Base performance pay"),
            _("%(share)s × P %(p)s") % {"share": _pct(policy.base_share), "p": p},
            s.base_pay,
        ),
        (
            _("Monthly score"),
            (
                _("%(score)s, applied %(applied)s (0 to %(cap)s)")
                % {
                    "score": _score(s.quantitative_score),
                    "applied": _score(s.quantitative_applied),
                    "cap": _score(policy.score_cap),
                }
                if s.quantitative_score is not None
                else _("none: counts as 0")
            ),
            None,
        ),
        (
            _("Performance bonus"),
            _("%(share)s × P %(p)s × %(score)s ÷ 100")
            % {
                "share": _pct(policy.performance_share),
                "p": p,
                "score": _score(s.quantitative_applied),
            },
            s.performance_bonus,
        ),
        (
            _("Quarterly review score"),
            (
                _("%(score)s (%(quarter)s), applied %(applied)s")
                % {
                    "score": _score(s.qualitative_score),
                    "quarter": s.qualitative_period,
                    "applied": _score(s.qualitative_applied),
                }
                if s.qualitative_score is not None
                else _("no finalised quarterly review: counts as 0")
            ),
            None,
        ),
        (
            _("Capability bonus"),
            _("%(share)s × P %(p)s × %(score)s ÷ 100")
            % {
                "share": _pct(policy.capability_share),
                "p": p,
                "score": _score(s.qualitative_applied),
            },
            s.capability_bonus,
        ),
        (
            _("Customer satisfaction"),
            (
                _("%(value)s (%(quarter)s); the bonus needs at least %(threshold)s")
                % {
                    "value": _score(s.satisfaction),
                    "quarter": s.satisfaction_period,
                    "threshold": _score(policy.satisfaction_threshold),
                }
                if s.satisfaction is not None
                else _("none: no satisfaction bonus")
            ),
            None,
        ),
        (
            _("Satisfaction bonus"),
            (
                _("%(rate)s × base salary %(salary)s")
                % {"rate": _pct(policy.satisfaction_bonus_rate), "salary": _amount(s.base_salary)}
                if s.satisfaction_met
                else _("not earned")
            ),
            s.satisfaction_bonus,
        ),
        (
            _("Performance pay"),
            _("the four amounts above, rounded once to the cent"),
            s.computed_total,
        ),
        (_("Adjustments for earlier months"), _("corrections of closed months"), s.adjustments),
        (_("Total"), _("performance pay + adjustments"), s.total),
    ]
    return steps
