"""Exports of the customer aging view.

* CSV, for machines: plain numbers, the currency named in the amount headers ("Current (CNY)").
* XLSX, for people: amounts are numbers shown as money (``"¥"#,##0.00``), the day a date cell.

Text cells that a spreadsheet would read as a formula (starting with = + - @, or a tab /
carriage return) get a leading apostrophe in both.
"""

import csv

from django.utils.translation import gettext as _

from apps.core.spreadsheets import date_cell, money_cell, money_header

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise_cell(value):
    """``"=SUM(A1)"`` -> ``"'=SUM(A1)"``; other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_aging_csv(stream, *, aging: dict, columns: list[tuple]) -> None:
    """Write the aging table (one row per customer, then the totals row) to ``stream``."""
    writer = csv.writer(stream)
    keys = [key for key, _label in columns]
    header = [
        _("Customer"),
        *[money_header(label) for _key, label in columns],
        money_header(_("Total")),
    ]
    writer.writerow([neutralise_cell(cell) for cell in header])
    for row in aging["rows"]:
        cells = [row["customer_name"], *[f"{row[key]:.2f}" for key in keys], f"{row['total']:.2f}"]
        writer.writerow([neutralise_cell(cells[0]), *cells[1:]])
    totals = aging["totals"]
    writer.writerow([_("Total"), *[f"{totals[key]:.2f}" for key in keys], f"{totals['total']:.2f}"])


def write_aging_xlsx(stream, *, aging: dict, columns: list[tuple]) -> None:
    """Write the aging table as an XLSX workbook to ``stream``: the day it is computed for,
    then one row per customer and the totals row, amounts as money cells."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    keys = [key for key, _label in columns]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Aging")[:31]
    sheet.append([_("As of")])
    date_cell(sheet.cell(row=1, column=2), aging["as_of"])
    header = [_("Customer"), *[str(label) for _key, label in columns], _("Total")]
    sheet.append([neutralise_cell(cell) for cell in header])
    for cell in sheet[2]:
        cell.font = Font(bold=True)

    def amounts_row(name, values, bold=False):
        sheet.append([neutralise_cell(name)])
        row = sheet.max_row
        for column, value in enumerate(values, start=2):
            money_cell(sheet.cell(row=row, column=column), value)
        if bold:
            for cell in sheet[row]:
                cell.font = Font(bold=True)

    for row in aging["rows"]:
        amounts_row(row["customer_name"], [*[row[key] for key in keys], row["total"]])
    totals = aging["totals"]
    amounts_row(_("Total"), [*[totals[key] for key in keys], totals["total"]], bold=True)
    sheet.column_dimensions["A"].width = 32
    for index in range(2, len(keys) + 3):
        sheet.column_dimensions[sheet.cell(row=2, column=index).column_letter].width = 16
    sheet.freeze_panes = "B3"
    workbook.save(stream)
