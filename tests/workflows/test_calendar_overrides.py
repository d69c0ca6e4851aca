"""Calendar overrides an administrator enters win over the statutory calendar, at once."""

from __future__ import annotations

from datetime import date

from workflows.org.models import CalendarOverride
from workflows.org.selectors import working_calendar


def test_an_override_entered_now_is_used_by_the_next_deadline(db):
    wednesday = date(2028, 3, 1)  # a year the holidays package may not know in full
    assert working_calendar().is_working_day(wednesday)
    CalendarOverride.objects.create(day=wednesday, kind=CalendarOverride.HOLIDAY, note="临时放假")
    assert not working_calendar().is_working_day(wednesday)
    assert working_calendar().add_working_days(date(2028, 2, 29), 1) == date(2028, 3, 2)
    saturday = date(2028, 3, 4)
    CalendarOverride.objects.create(day=saturday, kind=CalendarOverride.WORKING_DAY, note="调休上班")
    assert working_calendar().add_working_days(date(2028, 3, 3), 1) == saturday
