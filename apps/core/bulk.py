"""One-statement upserts on PostgreSQL, for the jobs that write thousands of rows at once
(scorecards, pay statements).

``INSERT INTO t (cols) SELECT … FROM unnest(%s::type[], …) ON CONFLICT (key) DO UPDATE SET
col = EXCLUDED.col, …`` with ONE array parameter per column: the statement's parameter count is
the number of columns, not rows × columns (a multi-row ``VALUES`` hits PostgreSQL's 65,535
bind-parameter limit at a few thousand rows), and existing rows keep their ids. Each array is
sent as a PostgreSQL array literal built with plain string operations — much cheaper than the
driver's element-by-element adaptation — and typed with the column's base type (``numeric[]``,
``varchar[]``; JSON travels as ``text[]`` and is cast to ``jsonb``), so the INSERT converts and
checks every value exactly as a ``VALUES`` insert does (a too-long string is an error, not cut).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence


def array_type(field, connection) -> str:
    """``numeric(14, 2)`` -> ``numeric[]``: the column's type without its modifiers (a JSON
    column travels as text)."""
    if field.get_internal_type() == "JSONField":
        return "text[]"
    return re.sub(r"\s*\([^)]*\)", "", field.db_type(connection)) + "[]"


def _element(value) -> str:
    if value is None:
        return "NULL"
    if value is True or value is False:
        return "t" if value else "f"
    text = str(value)  # Decimal, date and aware datetime read back as PostgreSQL expects
    if isinstance(value, str):
        text = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def array_literal(values: Sequence) -> str:
    """A PostgreSQL array literal (``{"1.50",NULL,"2026-Q3"}``) of ``values``: every element
    quoted and escaped, NULL for ``None``; the statement's ``::type[]`` cast parses it."""
    return "{" + ",".join(map(_element, values)) + "}"


def upsert_unnest(connection, model, fields: list, unique_fields: list[str], rows) -> None:
    """Insert or rewrite ``rows`` of ``model`` on ``unique_fields`` in one statement.

    ``fields`` are the concrete fields written (the key included, the id not); ``rows`` hold
    each field's value by attribute name (``rep_id``, not ``rep``), as mappings or model
    instances. PostgreSQL only."""
    quote = connection.ops.quote_name
    meta = model._meta
    keys = [meta.get_field(name).column for name in unique_fields]
    json_columns = {f.attname for f in fields if f.get_internal_type() == "JSONField"}
    names = [f"c{i}" for i in range(len(fields))]
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"
        " SELECT "
        + ", ".join(
            f"{name}::jsonb" if f.attname in json_columns else name
            for name, f in zip(names, fields, strict=True)
        )
        + f" FROM unnest({', '.join(f'%s::{array_type(f, connection)}' for f in fields)})"
        + f" AS u({', '.join(names)})"
        + f" ON CONFLICT ({', '.join(quote(c) for c in keys)}) DO UPDATE SET "
        + ", ".join(
            f"{quote(f.column)} = EXCLUDED.{quote(f.column)}"
            for f in fields
            if f.column not in keys
        )
    )
    rows = list(rows)
    read = (
        (lambda row, name: row[name])
        if rows and isinstance(rows[0], dict)
        else (lambda row, name: getattr(row, name))
    )
    params = [
        array_literal(
            [json.dumps(read(row, f.attname)) for row in rows]
            if f.attname in json_columns
            else [read(row, f.attname) for row in rows]
        )
        for f in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
