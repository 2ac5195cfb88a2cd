"""Reading lead import files (CSV and XLSX) into rows of text, with line numbers.

Only the file format is checked here (size, header, row count); what the values mean is
checked by ``apps.leads.services.lead_import``.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import unicodedata
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


#: Byte order marks and the encodings they announce (Excel's "Unicode text" is UTF-16).
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: Without a byte order mark: UTF-8 (Excel "CSV UTF-8", LibreOffice, WPS), then GB18030
#: (Excel and WPS "CSV" on a Chinese Windows: GBK/GB2312 are subsets of it).
_FALLBACK_ENCODINGS = ("utf-8", "gb18030")
#: Delimiters a CSV may use; the header row tells which (the most frequent outside quotes).
_DELIMITERS = (",", ";", "\t")
_ALLOWED_CONTROLS = frozenset("\t\n\r")


def _unreadable() -> ImportFileError:
    return ImportFileError(
        [
            ImportRowError(
                0,
                "file",
                _(
                    "The file's text encoding cannot be read: save it as CSV in UTF-8 "
                    "(Excel: “CSV UTF-8”) or GB18030, or as .xlsx."
                ),
            )
        ]
    )


def _looks_like_text(text: str, *, strict: bool) -> bool:
    """No NUL (UTF-16 without a BOM, a binary file); with ``strict`` (a guessed legacy
    encoding) no control, private-use or unassigned character either: those come from
    reading a file in the wrong encoding."""
    if "\x00" in text:
        return False
    if not strict:
        return True
    return not any(
        unicodedata.category(char) in {"Cc", "Co", "Cn", "Cs"} and char not in _ALLOWED_CONTROLS
        for char in text
    )


def decode_csv(data: bytes) -> str:
    """The text of a CSV file: UTF-8 (with or without a BOM), UTF-16 with a BOM or GB18030;
    ``ImportFileError`` for anything else (never a half-read file)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            candidates = [(encoding, False)]
            break
    else:
        candidates = [(encoding, encoding != "utf-8") for encoding in _FALLBACK_ENCODINGS]
    for encoding, strict in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text, strict=strict):
            return text
        break  # decodable but not text: a wrong guess, not a file to half-read
    raise _unreadable()


def _delimiter(header: str) -> str:
    """The delimiter of a CSV, from its header row: the candidate found most often outside
    quotes (a comma when there is none)."""
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    for char in header:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(_DELIMITERS, key=lambda candidate: counts[candidate])
    return best if counts[best] else ","


class _ImportDialect(csv.excel):
    """Excel's CSV (quotes doubled inside quoted fields) with the file's delimiter."""

    skipinitialspace = True


def _csv_lines(data: bytes):
    text = decode_csv(data)
    # Only the delimiter comes from the file: sniffing the whole dialect from the header row
    # (which has no quotes) turned off doubled quotes and corrupted "Acme ""Best"" Ltd".
    header = next((line for line in text.splitlines() if line.strip()), "")
    dialect = type("FileDialect", (_ImportDialect,), {"delimiter": _delimiter(header)})
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
