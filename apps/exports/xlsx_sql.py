"""XLSX written by PostgreSQL: the fast path of :func:`apps.exports.writers.write_xlsx`.

When every column of a dataset has an ``expr`` (its value as a Django expression), ONE query
computes, per row, the complete ``<row>…</row>`` of the sheet: text cells as inline strings
(illegal XML characters removed, neutralised exactly like :func:`apps.sales.exports.
neutralise_cell`, cut at Excel's 32,767 characters, then XML-escaped), money, rates and dates
as numbers with the styles of :mod:`apps.core.spreadsheets`, numbers plain, a NULL as an empty
cell (keeping its style, as openpyxl does). The rows come out of ``COPY (SELECT …) TO STDOUT``
in chunks and go straight into the zip entry of the sheet: no Python per row or per cell,
memory flat.

Every character COPY's text format would escape (backslash, tab, newline, carriage return) is
written as a character reference, and backspace, vertical tab and form feed are not allowed in
XML (removed): COPY's output is the sheet's XML, one row per line.
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from contextlib import nullcontext
from xml.sax.saxutils import quoteattr

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Case, F, Func, TextField, Value
from django.db.models.expressions import Col

from apps.core.spreadsheets import DATE_FORMAT, RATE_FORMAT, money_format
from apps.exports.datasets import DATE, MONEY, NUMBER, RATE, TEXT, Column
from apps.sales.exports import FORMULA_STARTS, neutralise_cell

#: Deflate level of the sheet: 1 was the fastest with a file of about the same size (measured
#: with ``manage.py bench_pay``).
COMPRESSLEVEL = 1
#: The largest LIMIT PostgreSQL takes (bigint).
NO_LIMIT = 2**63 - 1
#: Bytes gathered from COPY before they are written to the zip entry.
WRITE_SIZE = 256 * 1024
#: Excel's limit of characters in a cell (openpyxl cuts there too).
MAX_CELL_CHARS = 32767
#: Characters XML 1.0 does not allow (NUL never reaches PostgreSQL text).
ILLEGAL_XML = "[\x01-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"
#: A text starting with one of ``FORMULA_STARTS`` gets a leading apostrophe.
FORMULA_START = "^[" + "".join(c for c in FORMULA_STARTS if c != "-") + "-]"
#: A text that needs any of the above (or an escape below).
NEEDS_WORK = "[\x01-\x1f&<>\\\\\ufffe\uffff]|" + FORMULA_START
#: Escaped in this order (``&`` first); the last four are also what COPY would escape.
XML_ESCAPES = (
    ("&", "&amp;"),
    ("<", "&lt;"),
    (">", "&gt;"),
    ("\\", "&#92;"),
    ("\t", "&#9;"),
    ("\n", "&#10;"),
    ("\r", "&#13;"),
)

#: Style indices of ``styles.xml``.
STYLE = {MONEY: 1, RATE: 2, DATE: 3}
BOLD = 4

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
TEXT_OPEN = '<c t="inlineStr"><is><t xml:space="preserve">'
TEXT_CLOSE = "</t></is></c>"


def supported(columns: list[Column], connection) -> bool:
    """PostgreSQL through psycopg 3 (for COPY), and an expression for every column."""
    return (
        all(column.expr is not None for column in columns)
        and connection.vendor == "postgresql"
        and getattr(connection.Database, "__name__", "") == "psycopg"
    )


# --- The cells, in SQL ---------------------------------------------------------------------


def _cheap(expr) -> bool:
    """A column or a ``Case`` of literals over columns: cheap to compute twice."""
    if isinstance(expr, Col | F | Value):
        return True
    if isinstance(expr, Case):
        return _cheap(expr.default) and all(_cheap(when.result) for when in expr.cases)
    return False


def _short(field) -> bool:
    """A ``CharField`` short enough never to be cut: ``left()`` costs more than everything
    else a text cell does, so it runs only where a text may be that long."""
    bounded = getattr(field, "max_length", None)
    return field.get_internal_type() == "CharField" and bool(bounded) and bounded <= MAX_CELL_CHARS


def _text_cell(value, expr) -> tuple[str, list]:
    """Illegal characters removed, then neutralised (also a formula start the removal
    uncovered), then cut (as openpyxl cuts, after the apostrophe), then XML-escaped."""
    sql, params = value
    short = _short(expr.output_field)

    def cut(text):
        return text if short else f"left({text}, {MAX_CELL_CHARS})"

    escaped = cut(
        f"regexp_replace(regexp_replace(NULLIF(({sql})::text, ''), %s::text, '', 'g'),"
        " %s::text, %s::text)"
    )
    escaped_params = [*params, ILLEGAL_XML, FORMULA_START, "'\\&"]
    for char, reference in XML_ESCAPES:
        escaped = f"replace({escaped}, %s::text, %s::text)"
        escaped_params += [char, reference]
    text, text_params = escaped, escaped_params
    if _cheap(expr):
        # Most texts need none of it: one regular expression tells (a third of the work).
        text = (
            f"CASE WHEN ({sql})::text ~ %s::text THEN {escaped}"
            f" ELSE {cut(f'NULLIF(({sql})::text, {chr(39) * 2})')} END"
        )
        text_params = [*params, NEEDS_WORK, *escaped_params, *params]
    return f"COALESCE('{TEXT_OPEN}' || {text} || '{TEXT_CLOSE}', '<c/>')", text_params


def _number_cell(value, expr, style: int | None) -> tuple[str, list]:
    """A number as text: decimals without their trailing zeros (``trim_scale``, PostgreSQL
    13+): ``2000.0000000000`` is written ``2000``, as openpyxl writes the Decimal (read back as
    an int), and the sheet is smaller."""
    sql, params = value
    if expr.output_field.get_internal_type() == "DecimalField":
        sql = f"trim_scale({sql})"
    attrs = f' s="{style}"' if style else ""
    return f"COALESCE('<c{attrs}><v>' || ({sql})::text || '</v></c>', '<c{attrs}/>')", params


def _date_cell(value, expr) -> tuple[str, list]:
    """Excel serial days (1899-12-30 = 0), one less up to 1900-02-28 (openpyxl's to_excel)."""
    sql, params = value
    day = f"({sql})::date"
    days = (
        f"({day} - DATE '1899-12-30' - CASE WHEN {day} BETWEEN DATE '1899-12-31'"
        " AND DATE '1900-02-28' THEN 1 ELSE 0 END)"
    )
    style = STYLE[DATE]
    return (
        f"COALESCE('<c s=\"{style}\"><v>' || {days}::text || '</v></c>', '<c s=\"{style}\"/>')",
        [*params, *params],
    )


def _cell(kind: str, value, expr) -> tuple[str, list]:
    if kind == TEXT:
        return _text_cell(value, expr)
    if kind == DATE:
        return _date_cell(value, expr)
    if kind in (MONEY, RATE, NUMBER):
        return _number_cell(value, expr, STYLE.get(kind))
    raise ValueError(f"Unknown kind of cell: {kind}")


#: ``concat()`` takes at most 100 arguments.
CONCAT_ARGS = 90


def _concat(parts: list[str]) -> str:
    """One ``concat()`` (the row built once; a chain of ``||`` copies it at every cell)."""
    while len(parts) > CONCAT_ARGS:
        parts = [
            f"concat({', '.join(parts[i : i + CONCAT_ARGS])})"
            for i in range(0, len(parts), CONCAT_ARGS)
        ]
    return f"concat({', '.join(parts)})"


class XmlRow(Func):
    """The ``<row>`` of the columns' expressions. Each expression is compiled once and the
    cells are written around it here (a tree of expressions per cell took milliseconds to
    resolve)."""

    def __init__(self, columns: list[Column]):
        super().__init__(*(column.expr for column in columns), output_field=TextField())
        self.kinds = [column.kind for column in columns]

    def as_sql(self, compiler, connection, **extra_context):
        parts, params = ["'<row>'"], []
        for kind, expr in zip(self.kinds, self.get_source_expressions(), strict=True):
            sql, cell_params = _cell(kind, compiler.compile(expr), expr)
            parts.append(sql)
            params += cell_params
        parts.append("'</row>'")
        return _concat(parts), params


def row_expression(columns: list[Column]):
    return XmlRow(columns)


# --- The static parts ----------------------------------------------------------------------


def xml_text(value) -> str:
    """A text cell's content as :func:`_text_cell` writes it, for the header in Python."""
    text = neutralise_cell(re.sub(ILLEGAL_XML, "", str(value)))[:MAX_CELL_CHARS]
    for char, reference in XML_ESCAPES:
        text = text.replace(char, reference)
    return text


def header_row(columns: list[Column]) -> str:
    cells = "".join(
        f'<c t="inlineStr" s="{BOLD}"><is><t xml:space="preserve">{xml_text(column.header)}'
        f"{TEXT_CLOSE}"
        for column in columns
    )
    return f"<row>{cells}</row>"


def sheet_title(title) -> str:
    """openpyxl's limits: 31 characters, none of ``\\ * ? : / [ ]``."""
    cleaned = "".join(" " if char in "\\*?:/[]" else char for char in str(title))
    return cleaned[:31].strip() or "Sheet1"


CONTENT_TYPES = (
    XML_DECL + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
    '+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.styles+xml"/></Types>'
)
ROOT_RELS = (
    XML_DECL + f'<Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" Type="{REL_NS}/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK_RELS = (
    XML_DECL + f'<Relationships xmlns="{PKG_REL_NS}">'
    f'<Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{REL_NS}/styles" Target="styles.xml"/></Relationships>'
)
SHEET_HEAD = (
    XML_DECL + f'<worksheet xmlns="{MAIN_NS}"><sheetViews><sheetView workbookViewId="0"/>'
    '</sheetViews><sheetFormatPr defaultRowHeight="15"/><sheetData>'
)
SHEET_TAIL = (
    '</sheetData><pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5"'
    ' footer="0.5"/></worksheet>'
)


def workbook_xml(title) -> str:
    return (
        XML_DECL + f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><bookViews><workbookView/>'
        f'</bookViews><sheets><sheet name={quoteattr(sheet_title(title))} sheetId="1"'
        ' r:id="rId1"/></sheets></workbook>'
    )


def styles_xml() -> str:
    formats = [(164, money_format()), (165, RATE_FORMAT), (166, DATE_FORMAT)]
    numfmts = "".join(
        f'<numFmt numFmtId="{number}" formatCode={quoteattr(code)}/>' for number, code in formats
    )
    font = '<sz val="11"/><name val="Calibri"/><family val="2"/>'
    plain = 'fontId="0" fillId="0" borderId="0" xfId="0"'
    xfs = [
        f'<xf numFmtId="0" {plain}/>',
        f'<xf numFmtId="164" {plain} applyNumberFormat="1"/>',
        f'<xf numFmtId="165" {plain} applyNumberFormat="1"/>',
        f'<xf numFmtId="166" {plain} applyNumberFormat="1"/>',
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>',
    ]
    return (
        XML_DECL + f'<styleSheet xmlns="{MAIN_NS}">'
        f'<numFmts count="{len(formats)}">{numfmts}</numFmts>'
        f'<fonts count="2"><font>{font}</font><font><b/>{font}</font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        f'</cellStyleXfs><cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    )


# --- The file ------------------------------------------------------------------------------


def copy_rows(queryset, columns: list[Column], out) -> None:
    """Write the ``<row>`` lines of ``queryset`` to ``out`` with one ``COPY``."""
    rows = queryset.annotate(_xlsx_row=row_expression(columns)).values_list("_xlsx_row")
    # A LIMIT (of no effect) lets PostgreSQL build the rows' XML after the ORDER BY's sort
    # (the planner postpones costly expressions past a sort only under a LIMIT): the sort
    # then holds the plain columns in memory, not the XML spilled to disk.
    rows = rows[:NO_LIMIT]
    try:
        sql, params = rows.query.get_compiler(using=rows.db).as_sql()
    except EmptyResultSet:
        return
    statement = f"COPY ({sql}) TO STDOUT"
    with connections[rows.db].cursor() as cursor:
        # Logged like any query (CaptureQueriesContext, DEBUG), though it bypasses execute().
        debug = getattr(cursor, "debug_sql", None)
        logged = debug(statement, params) if debug else nullcontext()
        with logged, cursor.cursor.copy(statement, params) as copy:
            pending, size = [], 0
            for data in copy:
                pending.append(data)
                size += len(data)
                if size >= WRITE_SIZE:
                    out.write(b"".join(pending))
                    pending, size = [], 0
            if pending:
                out.write(b"".join(pending))


def write_xlsx(queryset, columns: list[Column], *, title: str):
    """Write the rows to an anonymous temporary file (deleted when closed) and return it,
    positioned at the start."""
    file = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    with zipfile.ZipFile(
        file, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=COMPRESSLEVEL
    ) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", workbook_xml(title))
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", styles_xml())
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write((SHEET_HEAD + header_row(columns)).encode("utf-8"))
            copy_rows(queryset, columns, sheet)
            sheet.write(SHEET_TAIL.encode("utf-8"))
    file.seek(0)
    return file
