"""Writing a dataset's rows as CSV or XLSX without holding them in memory.

* CSV (for machines): a UTF-8 byte order mark first, so Excel and WPS read Chinese correctly;
  plain numbers and ISO dates, the currency named in money headers. Yielded in chunks from
  ``queryset.iterator()``.
* XLSX (for people): money cells in the organisation's currency format, rates shown as
  percent, numbers as numbers; written to a temporary file that is then streamed. On
  PostgreSQL, a dataset whose every column has an ``expr`` is written by the database
  (:mod:`apps.exports.xlsx_sql`: one ``COPY`` of ready-made rows, ~25× faster); otherwise
  openpyxl's write-only mode, row by row.

Text cells that a spreadsheet would read as a formula (``=`` ``+`` ``-`` ``@``, tab, carriage
return) get a leading apostrophe in both; numbers are never touched (−5 stays a number).
"""

from __future__ import annotations

import csv
import io
import tempfile

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import gettext as _

from apps.core.spreadsheets import date_cell, money_cell, money_header, rate_cell
from apps.exports import xlsx_sql
from apps.exports.datasets import DATE, MONEY, RATE, TEXT, Column
from apps.sales.exports import XLSX_CONTENT_TYPE, neutralise_cell

__all__ = ["BOM", "CHUNK_SIZE", "XLSX_CONTENT_TYPE", "csv_chunks", "write_xlsx"]

BOM = "\ufeff"
#: Rows read from the database at a time, and rows per chunk of CSV yielded.
CHUNK_SIZE = 1000


def csv_header(column: Column) -> str:
    if column.kind == MONEY:
        return money_header(column.header)
    if column.kind == RATE:
        return _("%(label)s (%%)") % {"label": column.header}
    return column.header


def _csv_value(column: Column, value):
    if value is None:
        return ""
    if column.kind == TEXT:
        return neutralise_cell(str(value))
    if column.kind == DATE:
        return value.isoformat()
    return value


def csv_chunks(queryset, columns: list[Column]):
    """Yield the CSV file as encoded chunks: BOM and header, then rows in chunks."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise_cell(str(csv_header(column))) for column in columns])
    yield (BOM + buffer.getvalue()).encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    pending = 0
    for record in queryset.iterator(chunk_size=CHUNK_SIZE):
        writer.writerow([_csv_value(column, column.value(record)) for column in columns])
        pending += 1
        if pending >= CHUNK_SIZE:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    if pending:
        yield buffer.getvalue().encode("utf-8")


def write_xlsx(queryset, columns: list[Column], *, title: str):
    """Write the rows to an anonymous temporary file (deleted when closed) and return it,
    positioned at the start."""
    alias = getattr(queryset, "db", DEFAULT_DB_ALIAS)  # any iterable of rows, elsewhere
    if xlsx_sql.supported(columns, connections[alias]):
        return xlsx_sql.write_xlsx(queryset, columns, title=title)
    return write_xlsx_openpyxl(queryset, columns, title=title)


def write_xlsx_openpyxl(queryset, columns: list[Column], *, title: str):
    """:func:`write_xlsx` in Python, with openpyxl (any database, any column)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(title)[:31])
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=neutralise_cell(str(column.header)))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    writers = {MONEY: money_cell, RATE: rate_cell, DATE: date_cell}
    for record in queryset.iterator(chunk_size=CHUNK_SIZE):
        row = []
        for column in columns:
            value = column.value(record)
            write = writers.get(column.kind)
            if write is not None:
                cell = WriteOnlyCell(sheet)
                write(cell, value)
                row.append(cell)
            elif column.kind == TEXT:
                row.append(None if value in (None, "") else neutralise_cell(str(value)))
            else:
                row.append(value)
        sheet.append(row)
    file = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    workbook.save(file)
    file.seek(0)
    return file
