"""Reading lead import files (CSV and XLSX) into rows of text, with line numbers.

Only the file format is checked here (size, header, row count); what the values mean is
checked by ``apps.leads.services.lead_import``.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _

#: Limits of one import file.
MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 10_000

#: The columns an import file may have (the API's field names); the first row names them.
IMPORT_COLUMNS = (
    "company_name",
    "contact_name",
    "phone",
    "email",
    "industry",
    "company_size",
    "need_match",
    "decision_complexity",
    "source",
    "referred_by",
    "owner",
    "notes",
)
REQUIRED_COLUMNS = ("company_name", "company_size", "need_match", "decision_complexity", "source")


@dataclass(frozen=True)
class ImportRowError:
    line: int  # line of the file (1 = the header row); 0 = the file as a whole
    field: str
    message: str

    def as_dict(self) -> dict:
        return {"line": self.line, "field": self.field, "message": self.message}


class ImportFileError(Exception):
    """The file cannot be read as a lead import at all."""

    def __init__(self, errors: list[ImportRowError]):
        super().__init__("; ".join(error.message for error in errors))
        self.errors = errors


@dataclass(frozen=True)
class ImportRow:
    line: int
    values: dict[str, str]


def too_large() -> ImportRowError:
    """The one problem of a file over :data:`MAX_IMPORT_BYTES`."""
    return ImportRowError(
        0,
        "file",
        _("The file is too large: at most %(size)s MB may be imported at once.")
        % {"size": MAX_IMPORT_BYTES // (1024 * 1024)},
    )


def read_import_file(*, file_name: str, data: bytes) -> list[ImportRow]:
    """The data rows of a CSV or XLSX file (blank rows skipped), or ``ImportFileError``."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportFileError([too_large()])
    if not data.strip():
        raise ImportFileError([ImportRowError(0, "file", _("The file is empty."))])
    name = (file_name or "").lower()
    if name.endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        lines = _xlsx_lines(data)
    elif name.endswith((".csv", ".txt")) or "." not in name:
        lines = _csv_lines(data)
    else:
        raise ImportFileError(
            [ImportRowError(0, "file", _("Upload a .csv or .xlsx file (Excel: save as .xlsx)."))]
        )
    return _rows(lines)


def _csv_lines(data: bytes):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise ImportFileError(
            [ImportRowError(0, "file", _("The file is not text: save it as CSV (UTF-8)."))]
        )
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    start = 1
    try:
        for record in reader:
            yield start, record
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ImportFileError(
            [ImportRowError(start, "file", _("The CSV cannot be read: %(error)s") % {"error": exc})]
        ) from exc


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value)


def _xlsx_lines(data: bytes):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(
            [ImportRowError(0, "file", _("The file is not a readable .xlsx workbook."))]
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_cell_text(value) for value in row]
    finally:
        workbook.close()


def _rows(lines) -> list[ImportRow]:
    lines = iter(lines)
    header = None
    for _number, cells in lines:
        if any(cell.strip() for cell in cells):
            header = [cell.strip().lower().replace(" ", "_") for cell in cells]
            header_line = _number
            break
    if header is None:
        raise ImportFileError([ImportRowError(0, "file", _("The file is empty."))])

    errors = []
    seen: set[str] = set()
    for name in header:
        if not name:
            continue
        if name not in IMPORT_COLUMNS:
            errors.append(
                ImportRowError(
                    header_line,
                    name,
                    _("Unknown column %(name)s. Columns: %(columns)s.")
                    % {"name": name, "columns": ", ".join(IMPORT_COLUMNS)},
                )
            )
        elif name in seen:
            errors.append(
                ImportRowError(
                    header_line, name, _("The column %(name)s appears twice.") % {"name": name}
                )
            )
        seen.add(name)
    for name in REQUIRED_COLUMNS:
        if name not in seen:
            errors.append(
                ImportRowError(
                    header_line,
                    name,
                    _("The required column %(name)s is missing.") % {"name": name},
                )
            )
    if errors:
        raise ImportFileError(errors)

    rows = []
    for number, cells in lines:
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) >= MAX_IMPORT_ROWS:
            raise ImportFileError(
                [
                    ImportRowError(
                        number,
                        "file",
                        _("Too many rows: at most %(count)s leads may be imported at once.")
                        % {"count": f"{MAX_IMPORT_ROWS:,}"},
                    )
                ]
            )
        values = {
            name: (cells[index].strip() if index < len(cells) else "")
            for index, name in enumerate(header)
            if name
        }
        rows.append(ImportRow(line=number, values=values))
    if not rows:
        raise ImportFileError([ImportRowError(0, "file", _("The file has no data rows."))])
    return rows
