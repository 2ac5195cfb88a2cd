"""The pay arithmetic as SQL expressions, for computing a chunk in ONE statement on PostgreSQL.

:func:`apps.pay.calculations.pay_breakdown` is the REFERENCE: this module restates the same
formula as SQL so that PostgreSQL computes and writes a chunk's statements in one
``INSERT … SELECT … ON CONFLICT`` without the rows travelling to Python and back. Other
databases (SQLite) keep the Python path. ``tests/pay/test_sql_compute.py`` checks, field by
field over random inputs and the edge cases, that both give the same statements; change both
together or not at all.

Exactness. PostgreSQL ``numeric`` addition and multiplication are exact (the result carries the
sum of the operands' scales); division is not (it stops at a computed scale), so every
"÷ 100" of the reference is a multiplication by a power of ten instead, folded into the
policy's factors (:func:`rates`: 50.00 % of P × score ÷ 100 is × 0.005000 × score), which is
the same number exactly. The components have at most 10 decimals (P 2, a factor 6, a score 2)
and are written to ``numeric(24, 10)`` columns unchanged, as the Python ``Decimal`` values are.

Rounding. The reference rounds the gross to the cent half up (``ROUND_HALF_UP``: ties away from
zero); PostgreSQL's ``round(numeric, 2)`` rounds ties away from zero too, so the two agree for
every sign (and the gross is never negative anyway: P, the salary, the shares, the applied
scores and the bonus rate are all ≥ 0).
"""

from __future__ import annotations

from decimal import Decimal

from apps.pay.calculations import PayTerms
from apps.pay.choices import MissingInput
from apps.pay.models import PayAdjustment

#: Multiplying by it is dividing by 100, exactly.
PERCENT = Decimal("0.01")


def _table(model) -> str:
    return model._meta.db_table


def _column(model, name: str) -> str:
    return model._meta.get_field(name).column


def inputs_select(*, period, quarter_key: str, run_id: int, person_ids, quote) -> tuple[str, list]:
    """``services.input_rows(period=…, person_ids=…, run_id=…)`` as ONE bare SELECT: for each
    person of ``person_ids`` their team, P and base salary, the month's score, the latest
    finalised quarterly review of a quarter up to ``quarter_key`` (latest quarter, then latest
    review) with its quarter, the latest quarter scorecard with a satisfaction ending by the
    month's end with its quarter, and the sum of the adjustments carried in run ``run_id``.

    Columns: person_id, team_id, standard, salary, quantitative, qualitative,
    qualitative_key, satisfaction, satisfaction_key, carried. Each pick is a ``LATERAL`` join
    (one index lookup per person giving value and key together), the way the benchmark's bare
    SQL reads the same inputs. ``tests/pay/test_sql_compute.py`` holds the picks equal to
    ``input_rows`` (older and later quarters, reviews not finalised, other months)."""
    from apps.accounts.models import EmployeeProfile, User
    from apps.reviews.choices import CycleKind, ReviewStatus
    from apps.reviews.models import Review, ReviewCycle
    from apps.scorecards.choices import PeriodKind
    from apps.scorecards.models import Scorecard

    q = quote
    user, profile = q(_table(User)), q(_table(EmployeeProfile))
    card, review, cycle = q(_table(Scorecard)), q(_table(Review)), q(_table(ReviewCycle))
    adjustment = q(_table(PayAdjustment))

    def col(model, name):
        return q(_column(model, name))

    sql = (
        "SELECT u.{u_id} AS person_id, u.{u_team} AS team_id,"
        " p.{p_standard} AS standard, p.{p_salary} AS salary,"
        " m.score AS quantitative, r.score AS qualitative, r.period_key AS qualitative_key,"
        " s.satisfaction, s.period_key AS satisfaction_key, a.carried"
        f" FROM {user} u"
        f" LEFT JOIN {profile} p ON p.{{p_user}} = u.{{u_id}}"
        " LEFT JOIN LATERAL ("
        f"SELECT c.{{c_score}} AS score FROM {card} c"
        " WHERE c.{c_rep} = u.{u_id} AND c.{c_kind} = %s AND c.{c_key} = %s LIMIT 1"
        ") m ON true"
        " LEFT JOIN LATERAL ("
        f"SELECT rv.{{r_score}} AS score, rc.{{rc_key}} AS period_key FROM {review} rv"
        f" JOIN {cycle} rc ON rc.{{rc_id}} = rv.{{r_cycle}}"
        " WHERE rv.{r_person} = u.{u_id} AND rv.{r_status} = %s AND rc.{rc_kind} = %s"
        " AND rc.{rc_key} <= %s AND rv.{r_score} IS NOT NULL"
        " ORDER BY rc.{rc_key} DESC, rv.{r_id} DESC LIMIT 1"
        ") r ON true"
        " LEFT JOIN LATERAL ("
        f"SELECT c.{{c_satisfaction}} AS satisfaction, c.{{c_key}} AS period_key FROM {card} c"
        " WHERE c.{c_rep} = u.{u_id} AND c.{c_kind} = %s AND c.{c_end} <= %s"
        " AND c.{c_satisfaction} IS NOT NULL ORDER BY c.{c_end} DESC LIMIT 1"
        ") s ON true"
        " LEFT JOIN LATERAL ("
        f"SELECT sum(j.{{j_amount}}) AS carried FROM {adjustment} j"
        " WHERE j.{j_person} = u.{u_id} AND j.{j_run} = %s"
        ") a ON true"
        " WHERE u.{u_id} = ANY(%s::bigint[])"
    ).format(
        u_id=col(User, "id"),
        u_team=col(User, "team"),
        p_user=col(EmployeeProfile, "user"),
        p_standard=col(EmployeeProfile, "monthly_performance_pay"),
        p_salary=col(EmployeeProfile, "monthly_base_salary"),
        c_score=col(Scorecard, "score"),
        c_rep=col(Scorecard, "rep"),
        c_kind=col(Scorecard, "period_kind"),
        c_key=col(Scorecard, "period_key"),
        c_end=col(Scorecard, "period_end"),
        c_satisfaction=col(Scorecard, "customer_satisfaction"),
        r_score=col(Review, "score"),
        r_cycle=col(Review, "cycle"),
        r_person=col(Review, "person"),
        r_status=col(Review, "status"),
        r_id=col(Review, "id"),
        rc_id=col(ReviewCycle, "id"),
        rc_key=col(ReviewCycle, "period_key"),
        rc_kind=col(ReviewCycle, "kind"),
        j_amount=col(PayAdjustment, "amount"),
        j_person=col(PayAdjustment, "person"),
        j_run=col(PayAdjustment, "run"),
    )
    params = [
        PeriodKind.MONTH.value,
        period.key,
        ReviewStatus.FINALISED.value,
        CycleKind.QUARTER.value,
        quarter_key,
        PeriodKind.QUARTER.value,
        period.end,
        run_id,
        list(person_ids),
    ]
    return sql, params


def applied_score_sql(column: str) -> str:
    """:func:`apps.pay.calculations.applied_score`: clamped to 0 … cap, NULL counts as 0."""
    return f"LEAST(GREATEST(COALESCE({column}, 0), 0), %s::numeric)"


def missing_sql(i: str) -> str:
    """``services._missing`` over the relation ``{i}`` as a JSON array of the codes, in the
    same order: P and salary missing when NULL or 0 (``not value``), the scores when NULL."""
    checks = (
        (f"COALESCE({i}.standard, 0) = 0", MissingInput.PAY_STANDARD),
        (f"COALESCE({i}.salary, 0) = 0", MissingInput.BASE_SALARY),
        (f"{i}.quantitative IS NULL", MissingInput.QUANTITATIVE),
        (f"{i}.qualitative IS NULL", MissingInput.QUALITATIVE),
        (f"{i}.satisfaction IS NULL", MissingInput.SATISFACTION),
    )
    # The codes are fixed identifiers ([a-z_]), safe as literals.
    items = ", ".join(f"CASE WHEN {cond} THEN '{code.value}' END" for cond, code in checks)
    return f"to_jsonb(array_remove(ARRAY[{items}]::text[], NULL))"


def rates(terms: PayTerms) -> dict[str, Decimal]:
    """The policy's percentages as the factors the SQL multiplies by, exactly: a share of P
    (÷ 100), a share of P times a score in percent (÷ 100 ÷ 100), the bonus share of the salary
    (÷ 100). Multiplying by them is the reference's "× share ÷ 100 (× score ÷ 100)" exactly:
    ``Decimal`` multiplication by a power of ten is exact, and so is ``numeric``'s."""
    return {
        "base": terms.base_share * PERCENT,
        "performance": terms.performance_share * PERCENT * PERCENT,
        "capability": terms.capability_share * PERCENT * PERCENT,
        "satisfaction": terms.satisfaction_bonus_rate * PERCENT,
    }


def breakdown_select(inputs: tuple[str, list], terms: PayTerms) -> tuple[str, list]:
    """:func:`apps.pay.calculations.pay_breakdown` over the rows of ``inputs`` (SQL and
    parameters of :func:`inputs_select`) as a SELECT giving every input column, then
    ``quantitative_applied``, ``qualitative_applied``, ``satisfaction_met``, ``missing``, the
    four exact components and ``gross``.

    In two steps, each a subquery kept whole by ``OFFSET 0`` (otherwise the planner inlines a
    step's expressions into every use and computes them several times per row): the applied
    scores (used by a column and a component), then the components (used by a column and the
    gross)."""
    inputs_sql, inputs_params = inputs
    factor = rates(terms)
    applied = (
        "SELECT i.*,"
        f" {applied_score_sql('i.quantitative')} AS quantitative_applied,"
        f" {applied_score_sql('i.qualitative')} AS qualitative_applied,"
        " COALESCE(i.satisfaction >= %s::numeric, false) AS satisfaction_met,"
        f" {missing_sql('i')} AS missing"
        f" FROM ({inputs_sql}) AS i OFFSET 0"
    )
    components = (
        "SELECT a.*,"
        " COALESCE(a.standard, 0) * %s::numeric AS base_pay,"
        " COALESCE(a.standard, 0) * %s::numeric * a.quantitative_applied AS performance_bonus,"
        " COALESCE(a.standard, 0) * %s::numeric * a.qualitative_applied AS capability_bonus,"
        " CASE WHEN a.satisfaction_met THEN COALESCE(a.salary, 0) * %s::numeric ELSE 0 END"
        " AS satisfaction_bonus"
        f" FROM ({applied}) AS a OFFSET 0"
    )
    sql = (
        "SELECT b.*,"
        " b.base_pay + b.performance_bonus + b.capability_bonus + b.satisfaction_bonus AS gross"
        f" FROM ({components}) AS b"
    )
    # Parameter order follows the text: the components' factors, the applied step's cap (twice)
    # and threshold, then the inputs.
    params = [
        factor["base"],
        factor["performance"],
        factor["capability"],
        factor["satisfaction"],
        terms.score_cap,
        terms.score_cap,
        terms.satisfaction_threshold,
        *inputs_params,
    ]
    return sql, params


def compute_statements(
    *, table: str, inputs: tuple[str, list], terms: PayTerms, run_id: int, now, quote
) -> tuple[str, list]:
    """The ONE statement that computes and upserts the statements of the input rows
    ``inputs`` (SQL and parameters of :func:`inputs_select` for run ``run_id``):
    ``INSERT INTO {table} (…) SELECT <the arithmetic> FROM (<inputs>) … ON CONFLICT (run_id,
    person_id) DO UPDATE`` (existing rows keep their ids). ``adjustments`` is the sum carried
    in the run, ``total`` the rounded gross plus it; ``missing`` the codes as
    ``services._missing``."""
    source_sql, source_params = breakdown_select(inputs, terms)
    columns = {
        "run_id": "%s",
        "person_id": "r.person_id",
        "team_id": "r.team_id",
        "performance_pay_standard": "r.standard",
        "base_salary": "r.salary",
        "quantitative_score": "r.quantitative",
        "qualitative_score": "r.qualitative",
        "qualitative_period": "COALESCE(r.qualitative_key, '')",
        "satisfaction": "r.satisfaction",
        "satisfaction_period": "COALESCE(r.satisfaction_key, '')",
        "quantitative_applied": "r.quantitative_applied",
        "qualitative_applied": "r.qualitative_applied",
        "satisfaction_met": "r.satisfaction_met",
        "base_pay": "r.base_pay",
        "performance_bonus": "r.performance_bonus",
        "capability_bonus": "r.capability_bonus",
        "satisfaction_bonus": "r.satisfaction_bonus",
        "computed_total": "round(r.gross, 2)",
        "adjustments": "COALESCE(r.carried, 0)",
        "total": "round(r.gross, 2) + COALESCE(r.carried, 0)",
        "missing": "r.missing",
        "computed_at": "%s",
    }
    keys = ("run_id", "person_id")
    sql = (
        f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)})"
        f" SELECT {', '.join(columns.values())}"
        f" FROM ({source_sql}) AS r"
        f" ON CONFLICT ({', '.join(quote(c) for c in keys)}) DO UPDATE SET "
        + ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in columns if c not in keys)
    )
    # Parameter order follows the text: run_id, computed_at (select list), then the source.
    return sql, [run_id, now, *source_params]
