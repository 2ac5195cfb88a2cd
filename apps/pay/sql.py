"""The pay arithmetic as SQL expressions, for computing a chunk in ONE statement on PostgreSQL.

:func:`apps.pay.calculations.pay_breakdown` is the REFERENCE: this module restates the same
formula as SQL so that PostgreSQL computes and writes a chunk's statements in one
``INSERT … SELECT … ON CONFLICT`` without the rows travelling to Python and back. Other
databases (SQLite) keep the Python path. ``tests/pay/test_sql_compute.py`` checks, field by
field over random inputs and the edge cases, that both give the same statements; change both
together or not at all.

Exactness. PostgreSQL ``numeric`` addition and multiplication are exact (the result carries the
sum of the operands' scales); division is not (it stops at a computed scale), so every
"÷ 100" of the reference is written as "× 0.01", which is the same number exactly. The
components have at most 10 decimals (P and the shares 2 each, the scores 2 each) and are
written to ``numeric(24, 10)`` columns unchanged, as the Python ``Decimal`` values are.

Rounding. The reference rounds the gross to the cent half up (``ROUND_HALF_UP``: ties away from
zero); PostgreSQL's ``round(numeric, 2)`` rounds ties away from zero too, so the two agree for
every sign (and the gross is never negative anyway: P, the salary, the shares, the applied
scores and the bonus rate are all ≥ 0).
"""

from __future__ import annotations

from apps.pay.calculations import PayTerms
from apps.pay.choices import MissingInput

#: The columns of ``services.input_rows(..., run_id=…, paired=True)``, in order.
PAIRED_COLUMNS = (
    "person_id",
    "team_id",
    "standard",
    "salary",
    "quantitative",
    "qualitative_pair",
    "satisfaction_pair",
    "carried",
)


def unpacked_inputs(inputs_sql: str) -> str:
    """The input rows as ``input_rows`` (without ``paired``) has them — person_id, team_id,
    standard, salary, quantitative, qualitative, qualitative_key, satisfaction,
    satisfaction_key, carried — from the paired rows ``inputs_sql``: each ``text[]`` pair
    split into its value (``numeric``; the text of a ``numeric`` converts back exactly) and its
    quarter key (NULL pair: no such row, both NULL). ``OFFSET 0`` keeps the rows a subquery of
    their own, so each pair's lookup runs once per row, not once per use."""
    columns = ", ".join(PAIRED_COLUMNS)
    return (
        "(SELECT p.person_id, p.team_id, p.standard, p.salary, p.quantitative,"
        " p.qualitative_pair[1]::numeric AS qualitative, p.qualitative_pair[2] AS qualitative_key,"
        " p.satisfaction_pair[1]::numeric AS satisfaction,"
        " p.satisfaction_pair[2] AS satisfaction_key, p.carried"
        f" FROM (SELECT * FROM ({inputs_sql}) AS p0({columns}) OFFSET 0) AS p)"
    )


#: ``PayTerms`` field -> its column in the one-row ``t`` relation of the statement.
TERMS = (
    "base_share",
    "performance_share",
    "capability_share",
    "score_cap",
    "satisfaction_threshold",
    "satisfaction_bonus_rate",
)


def terms_relation(terms: PayTerms) -> tuple[str, list]:
    """A one-row relation ``t`` of the policy's figures (``numeric`` parameters)."""
    sql = "(SELECT " + ", ".join(f"%s::numeric AS {name}" for name in TERMS) + ") AS t"
    return sql, [getattr(terms, name) for name in TERMS]


def applied_score_sql(column: str) -> str:
    """:func:`apps.pay.calculations.applied_score`: clamped to 0 … cap, NULL counts as 0."""
    return f"LEAST(GREATEST(COALESCE({column}, 0), 0), t.score_cap)"


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


def breakdown_select(source: str) -> str:
    """:func:`apps.pay.calculations.pay_breakdown` as a SELECT over ``source`` (a FROM clause
    giving the inputs ``i`` — standard, salary, quantitative, qualitative, satisfaction, … —
    and the terms ``t``): every input column, then ``quantitative_applied``,
    ``qualitative_applied``, ``satisfaction_met``, the four exact components and ``gross``.

    In three steps, each a subquery kept whole by ``OFFSET 0`` (otherwise the planner inlines
    each step's expressions into every use and computes them several times per row)."""
    scores = (
        f"SELECT i.*, t.*, {applied_score_sql('i.quantitative')} AS quantitative_applied,"
        f" {applied_score_sql('i.qualitative')} AS qualitative_applied,"
        " COALESCE(i.satisfaction >= t.satisfaction_threshold, false) AS satisfaction_met"
        f" FROM {source} OFFSET 0"
    )
    components = (
        "SELECT a.*,"
        " COALESCE(a.standard, 0) * a.base_share * 0.01 AS base_pay,"
        " COALESCE(a.standard, 0) * a.performance_share * 0.01 * a.quantitative_applied * 0.01"
        " AS performance_bonus,"
        " COALESCE(a.standard, 0) * a.capability_share * 0.01 * a.qualitative_applied * 0.01"
        " AS capability_bonus,"
        " CASE WHEN a.satisfaction_met"
        " THEN COALESCE(a.salary, 0) * a.satisfaction_bonus_rate * 0.01 ELSE 0 END"
        " AS satisfaction_bonus"
        f" FROM ({scores}) AS a OFFSET 0"
    )
    return (
        "SELECT b.*,"
        " b.base_pay + b.performance_bonus + b.capability_bonus + b.satisfaction_bonus AS gross"
        f" FROM ({components}) AS b OFFSET 0"
    )


def compute_statements(
    *, table: str, inputs: tuple[str, list], terms: PayTerms, run_id: int, now, quote
) -> tuple[str, list]:
    """The ONE statement that computes and upserts the statements of the input rows
    ``inputs`` (SQL and parameters of ``input_rows(..., run_id=run_id, paired=True)``):
    ``INSERT INTO {table} (…) SELECT <the arithmetic> FROM (<inputs>) … ON CONFLICT (run_id,
    person_id) DO UPDATE`` (existing rows keep their ids). ``adjustments`` is the sum carried
    in the run, ``total`` the rounded gross plus it; ``missing`` the codes as
    ``services._missing``."""
    inputs_sql, inputs_params = inputs
    terms_sql, terms_params = terms_relation(terms)
    source = f"{unpacked_inputs(inputs_sql)} AS i CROSS JOIN {terms_sql}"
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
        "missing": missing_sql("r"),
        "computed_at": "%s",
    }
    keys = ("run_id", "person_id")
    sql = (
        f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)})"
        f" SELECT {', '.join(columns.values())}"
        f" FROM ({breakdown_select(source)}) AS r"
        f" ON CONFLICT ({', '.join(quote(c) for c in keys)}) DO UPDATE SET "
        + ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in columns if c not in keys)
    )
    # Parameter order follows the text: run_id, computed_at (select list), then the source.
    return sql, [run_id, now, *inputs_params, *terms_params]
