"""Bounds on input that every process family shares: dates, uploaded file names, row ids.

Django validators (they raise django.core.exceptions.ValidationError), so forms and DRF serializers both run them
and answer with the message instead of storing the value or failing later: a year-9999 leave overflows the
working-day arithmetic, and a quote or CR/LF in a file name ends up in a download's Content-Disposition header.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The centre's records (leave, sanctions, the yearly ledger) all fall in these years; the ledger's year filter
# uses the same bounds.
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2100, 12, 31)

# The largest id a BigAutoField row can have: a longer number names no row and overflows the database driver.
MAX_ROW_ID = 2**63 - 1

QUOTES = frozenset("\"'")


def within_service_years(day: date) -> None:
    """Refuse a date outside 2000–2100 (year 1, year 9999, …) before any arithmetic runs on it."""
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ValidationError(
            _("The date must lie between %(earliest)s and %(latest)s."),
            code="date_out_of_range",
            params={"earliest": EARLIEST_DAY.isoformat(), "latest": LATEST_DAY.isoformat()},
        )


def check_upload_name(name: str) -> None:
    """Refuse an uploaded file's name with control characters (NUL, CR, LF, …) or quotes.

    Only the name: what a file may contain is checked separately (content types, sizes).
    """
    if not name or not name.strip():
        raise ValidationError(_("The file has no name."), code="upload_name_empty")
    for char in name:
        if ord(char) < 0x20 or ord(char) == 0x7F:
            raise ValidationError(_("The file name %(name)s contains a control character (NUL, CR, LF, …)."),
                                  code="upload_name_control", params={"name": repr(name)})
        if char in QUOTES:
            raise ValidationError(_("The file name %(name)s contains quotes."), code="upload_name_quote",
                                  params={"name": name})
