"""Working days as a Chinese official counts them.

China's statutory holidays and make-up working weekends (调休) come from the `holidays`
package; an administrator's overrides cover years the package does not know yet.
One counting rule everywhere: N working days *from* a date do not count that date, and a
deadline ends at the close of its last working day (Asia/Shanghai).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

import holidays

from engine.clock import CENTRE_TZ

_END_OF_DAY = time(23, 59, 59)


class WorkingCalendar:
    def __init__(
        self,
        extra_holidays: Iterable[date] = (),
        extra_working_days: Iterable[date] = (),
    ) -> None:
        self._extra_holidays = frozenset(extra_holidays)
        self._extra_working_days = frozenset(extra_working_days)
        self._china = holidays.China()
        both = self._extra_holidays & self._extra_working_days
        if both:
            day = min(both).isoformat()
            raise ValueError(f"{day} 不能同时是假日和工作日")

    def is_working_day(self, day: date) -> bool:
        if day in self._extra_working_days:
            return True
        if day in self._extra_holidays:
            return False
        return self._china.is_working_day(day)

    def add_working_days(self, start: date, n: int) -> date:
        """The date n working days after `start`, not counting `start` itself."""
        if n < 0:
            raise ValueError("n must be >= 0")
        day = start
        while n:
            day += timedelta(days=1)
            if self.is_working_day(day):
                n -= 1
        return day

    def working_days_before(self, end: date, n: int) -> date:
        """The working day n working days before `end`: the day from which `end` is n working days away."""
        if n < 0:
            raise ValueError("n must be >= 0")
        day = end
        while n:
            day -= timedelta(days=1)
            if self.is_working_day(day):
                n -= 1
        return day

    def next_working_day(self, day: date) -> date:
        """`day` itself when it is a working day, else the first one after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(1 for i in range(1, (end - start).days + 1) if self.is_working_day(start + timedelta(days=i)))

    def working_days_in(self, first: date, last: date) -> int:
        """Working days in [first, last], both included."""
        return sum(1 for i in range((last - first).days + 1) if self.is_working_day(first + timedelta(days=i)))

    def warning_from(self, due: datetime, n: int) -> datetime:
        """When only `n` working days are left before a deadline: the close of the working day n working days before
        its day (a deadline at the close of Friday has two working days left once Wednesday has closed)."""
        return self.close_of(self.working_days_before(centre_day(due), n))

    @staticmethod
    def close_of(day: date) -> datetime:
        return datetime.combine(day, _END_OF_DAY, CENTRE_TZ)

    def deadline(self, start: date | datetime, n: int) -> datetime:
        """Close of the n-th working day after `start` (a datetime counts by its local date)."""
        if isinstance(start, datetime):
            start = centre_day(start)
        return self.close_of(self.add_working_days(start, n))


def centre_day(moment: datetime) -> date:
    """The centre's calendar date at `moment`; a naive datetime is already centre time, not the server's zone."""
    return (moment.astimezone(CENTRE_TZ) if moment.tzinfo else moment).date()


def statutory_conflict(day: date, working: bool) -> str | None:
    """Why marking `day` a working day (or a holiday) contradicts the statutory calendar; None if it does not.

    An override normally adds what the `holidays` package does not know yet (a new year's holidays and
    make-up days). Turning a statutory holiday into a working day, or a make-up working day (调休) into a
    holiday, overrules the State Council's notice: the administrator must confirm it on purpose.
    """
    china = holidays.China(language="zh_CN")
    if working and day in china:
        return f"{day.isoformat()} 是法定节假日（{china.get(day)}）"
    if not working and day.weekday() >= 5 and china.is_working_day(day):
        return f"{day.isoformat()} 是调休上班日"
    return None


HOLIDAY = "holiday"  # a statutory holiday or a rest day moved by the State Council's notice
MAKE_UP = "make_up"  # 调休: a weekend day worked in exchange


def statutory_days(year: int) -> dict[date, tuple[str, str]]:
    """The statutory calendar of `year` as the installed `holidays` package knows it: {day: (HOLIDAY or MAKE_UP,
    the Chinese name)}; every other day is an ordinary working day or weekend."""
    china = holidays.China(years=year, language="zh_CN")
    days = {day: (HOLIDAY, name) for day, name in china.items()}
    for day in getattr(china, "weekend_workdays", ()):
        if day.year == year:
            days[day] = (MAKE_UP, "调休上班")
    return days


def statutory_year_known(year: int) -> bool:
    """Whether the installed `holidays` package holds the State Council's notice for `year`.

    The package computes the festivals of any year from the lunar calendar, but the notice (the days off around
    them and the make-up working weekends) is data it learns each winter; a year without it has no Spring Festival,
    or no arrangement of its own in the package.
    """
    china = holidays.China(years=year)
    if not any("Spring Festival" in name for name in china.values()):
        return False
    arranged = getattr(holidays.countries.china.ChinaStaticHolidays, "special_public_holidays", {})
    return year in arranged or any(day.year == year for day in getattr(china, "weekend_workdays", ()))
