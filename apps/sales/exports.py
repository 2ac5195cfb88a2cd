"""CSV export of the customer aging view. Text cells that a spreadsheet would read as a
formula (starting with = + - @, or a tab / carriage return) get a leading apostrophe."""

import csv

from django.utils.translation import gettext as _

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value):
    """``"=SUM(A1)"`` -> ``"'=SUM(A1)"``; other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_aging_csv(stream, *, aging: dict, columns: list[tuple]) -> None:
    """Write the aging table (one row per customer, then the totals row) to ``stream``."""
    writer = csv.writer(stream)
    keys = [key for key, _label in columns]
    header = [_("Customer"), *[str(label) for _key, label in columns], _("Total")]
    writer.writerow([neutralise_cell(cell) for cell in header])
    for row in aging["rows"]:
        cells = [row["customer_name"], *[f"{row[key]:.2f}" for key in keys], f"{row['total']:.2f}"]
        writer.writerow([neutralise_cell(cells[0]), *cells[1:]])
    totals = aging["totals"]
    writer.writerow([_("Total"), *[f"{totals[key]:.2f}" for key in keys], f"{totals['total']:.2f}"])
