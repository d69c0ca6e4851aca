"""How long a leave is, in the half-day units the rule books use.

Statutory holidays do not count (003 五(一)); make-up working weekends do.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from engine.calendar import WorkingCalendar
from engine.clock import CENTRE_TZ

HALF = Decimal("0.5")


def leave_days(calendar: WorkingCalendar, first_day: date, first_half: str, last_day: date, last_half: str) -> Decimal:
    """Working days from the first half-day to the last half-day, both included."""
    total = Decimal(0)
    day = first_day
    while day <= last_day:
        if calendar.is_working_day(day):
            total += 1
            if day == first_day and first_half == "pm":
                total -= HALF
            if day == last_day and last_half == "am":
                total -= HALF
        day += timedelta(days=1)
    return total


def leave_starts_at(first_day: date, first_half: str) -> datetime:
    return datetime.combine(first_day, time(12, 0) if first_half == "pm" else time(0, 0), CENTRE_TZ)


def sick_leave_counts_as(leave_type: str, certificate_supplied: bool) -> str:
    """Sick leave without a certificate by report-back counts as personal leave (003 二(五)1)."""
    return "事假" if leave_type == "病假" and not certificate_supplied else leave_type
