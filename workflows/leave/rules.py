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


HALF_NAMES = {"am": "上午", "pm": "下午"}
DEADLINE_DAY_REMINDER = time(8, 0)


def half_day_span(first_day: date, first_half: str, last_day: date, last_half: str) -> tuple[tuple, tuple]:
    """The leave as (first half-day, last half-day), each (day, 0 for the morning | 1 for the afternoon)."""
    return (first_day, 0 if first_half == "am" else 1), (last_day, 0 if last_half == "am" else 1)


def spans_overlap(a: tuple[tuple, tuple], b: tuple[tuple, tuple]) -> bool:
    """Two leaves collide only when they share a half-day: one's afternoon and the other's morning do not."""
    return a[0] <= b[1] and b[0] <= a[1]


def describe_span(first_day: date, first_half: str, last_day: date, last_half: str) -> str:
    """「2026-12-01 下午至 2026-12-02 上午」: how refusals name a leave's half-days."""
    start = f"{first_day} {HALF_NAMES[first_half]}"
    end = f"{last_day} {HALF_NAMES[last_half]}"
    return start if start == end else f"{start}至{end}"


def calendar_days(first_day: date, first_half: str, last_day: date, last_half: str) -> Decimal:
    """Length in calendar days, rest days and holidays included (婚假、产假: 002 2.3.5)."""
    total = Decimal((last_day - first_day).days + 1)
    return total - (HALF if first_half == "pm" else 0) - (HALF if last_half == "am" else 0)


def leave_ends_at(last_day: date, last_half: str) -> datetime:
    """A leave ending in the morning is over at noon; one ending in the afternoon at the close of that day."""
    if last_half == "am":
        return datetime.combine(last_day, time(12, 0), CENTRE_TZ)
    return WorkingCalendar.close_of(last_day)


def report_back_deadline(calendar: WorkingCalendar, last_day: date, approved_on: date) -> datetime:
    """销假 by the close of the next working day after the leave, or after its approval if that came later.

    Overstaying without reason is absence (003 三（三）). A leave approved (or a sick leave filed, 补办) after its
    last day can only be reported back once it is approved, so no absence falls on a day before that.
    """
    return calendar.deadline(max(last_day, approved_on), 1)


def deadline_day_reminder_at(deadline: datetime, now: datetime) -> datetime:
    """The morning of the deadline day (08:00), or at once when that has passed already."""
    at = datetime.combine(deadline.astimezone(CENTRE_TZ).date(), DEADLINE_DAY_REMINDER, CENTRE_TZ)
    return max(at, now)


WINDOW_POOL = "window"
DEPARTMENT_POOL = "department"
# Where a substitute comes from under each shipped rule set (the id of its leave_route_*.dmn).
# A rule set not listed here draws from the applicant's own window, the narrowest pool.
SUBSTITUTE_POOLS = {
    # 003 二（三）「由所在单位安排人员到窗口替岗」: the home department sends someone.
    "leave_route_nileke": DEPARTMENT_POOL,
    # 001 第十二条「由窗口单位安排相对固定的顶岗人员B」: the window's department arranges the B post.
    "leave_route_window_rules": DEPARTMENT_POOL,
    # 002 2.2.4「原岗位的工作由窗口负责人妥善做好安排」: the window head arranges it within the window.
    "leave_route_shenxian": WINDOW_POOL,
}


def substitute_pool(rule_set: str | None) -> str:
    return SUBSTITUTE_POOLS.get(rule_set or "", WINDOW_POOL)
