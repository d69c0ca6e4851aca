"""Every CSV export goes through here: UTF-8 with a byte-order mark, formula cells neutralised.

A cell a spreadsheet would read as a formula (starting with = + - @, a tab or a carriage return) is prefixed
with an apostrophe, so text a complainant or official typed (facts, reasons, names) is shown, never run, when
the 台帐 is opened in Excel or WPS (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from io import StringIO
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: Any) -> Any:
    """`'=1+1` for "=1+1"; numbers, dates and harmless text unchanged."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def csv_bytes(header: list[str], rows: Iterable[Iterable[Any]]) -> bytes:
    """The CSV file: UTF-8 with a byte-order mark, so Excel opens the Chinese correctly."""
    out = StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(cell) for cell in header])
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")
