"""Days left on the board, from the stored due date: counted on the Chinese calendar like
engine.time_limits.working_days_left (0 on the due day, negative when late, at least -1 once the due day closed),
across the 2026 National Day holiday (10-01 to 10-07) and its make-up Saturday 10-10."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from engine.calendar import WorkingCalendar
from engine.clock import CENTRE_TZ
from engine.time_limits import Accepted, case_clock, due_at, working_days_left
from workflows.applications.board import days_left

CALENDAR = WorkingCalendar()
DUE = WorkingCalendar.close_of(date(2026, 10, 9))  # a Friday after the holiday


def _at(day: date, hour: int = 10, minute: int = 0, second: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=CENTRE_TZ)


@pytest.mark.parametrize(("at", "left"), [
    (_at(date(2026, 9, 29)), 3),    # 09-30, 10-08, 10-09: the holiday week counts nothing
    (_at(date(2026, 10, 3)), 2),    # on a holiday: 10-08 and 10-09 still to run
    (_at(date(2026, 10, 9)), 0),    # the due day
    (_at(date(2026, 10, 9), 23, 59, 59), 0),
    (_at(date(2026, 10, 10), 0, 0, 1), -1),  # the close has passed: late at once, on the make-up Saturday too
    (_at(date(2026, 10, 11)), -1),  # Sunday: no working day lost yet, still late
    (_at(date(2026, 10, 12)), -2),
])
def test_days_left_count_working_days_and_turn_negative_at_the_close_of_the_due_day(at, left):
    assert days_left(CALENDAR, DUE, at) == left


def test_days_left_agree_with_the_case_clock():
    """The board reads the stored due date; the clock folds the events: both give the same number."""
    clock = case_clock(CALENDAR, [Accepted(date(2026, 9, 24), 5)])
    stored = due_at(CALENDAR, clock)
    for day in (date(2026, 9, 25), date(2026, 9, 30), date(2026, 10, 8), date(2026, 10, 12), date(2026, 10, 20)):
        assert days_left(CALENDAR, stored, _at(day)) == working_days_left(CALENDAR, clock, _at(day)), day
