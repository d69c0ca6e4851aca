"""Every Excel export goes through here: one sheet, a bold header, formula cells neutralised as in CSV.

openpyxl stores a string starting with "=" as a formula, so text someone typed is passed through the same
`neutralise` as the CSV exports (csv_export.py): shown, never run, when the register is opened in Excel or WPS.
"""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from workflows.runtime.csv_export import neutralise


def xlsx_bytes(title: str, header: list[str], rows: Iterable[Iterable[Any]]) -> bytes:
    """The .xlsx file: the header in bold on the first row, the rows below it."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]  # Excel's limit on a sheet name
    sheet.append([neutralise(cell) for cell in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([neutralise(cell) for cell in row])
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
