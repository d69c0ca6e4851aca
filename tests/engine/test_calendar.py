"""Working days as the centre counts them: China's holidays, 调休 weekends and admin overrides."""

from datetime import UTC, date, datetime, timedelta

import pytest

from engine.calendar import WorkingCalendar, centre_day
from engine.clock import CENTRE_TZ


@pytest.fixture
def cal() -> WorkingCalendar:
    return WorkingCalendar()


# --- is_working_day -------------------------------------------------------------------------


def test_make_up_saturday_after_national_day_is_a_working_day(cal):
    assert date(2026, 10, 10).weekday() == 5  # a Saturday
    assert cal.is_working_day(date(2026, 10, 10))


def test_make_up_sunday_before_national_day_is_a_working_day(cal):
    assert date(2026, 9, 20).weekday() == 6
    assert cal.is_working_day(date(2026, 9, 20))


@pytest.mark.parametrize("day", range(1, 8))
def test_national_day_week_is_not_working(cal, day):
    assert not cal.is_working_day(date(2026, 10, day))


def test_mid_autumn_friday_is_not_working(cal):
    assert not cal.is_working_day(date(2026, 9, 25))


@pytest.mark.parametrize("day", [date(2026, 10, 17), date(2026, 10, 18), date(2026, 11, 14), date(2026, 11, 15)])
def test_ordinary_weekend_is_not_working(cal, day):
    assert day.weekday() >= 5
    assert not cal.is_working_day(day)


@pytest.mark.parametrize("day", [date(2026, 9, 28), date(2026, 10, 8), date(2026, 10, 12), date(2026, 11, 13)])
def test_ordinary_weekday_is_working(cal, day):
    assert cal.is_working_day(day)


# --- add_working_days -----------------------------------------------------------------------


def test_five_working_days_from_mid_autumn_friday_cross_national_day(cal):
    # Received on Friday 2026-09-25 (itself a holiday, and never counted):
    # 09-28, 09-29, 09-30 are days 1-3; 10-01..10-07 is the holiday week; 10-08, 10-09 are days 4-5.
    assert cal.add_working_days(date(2026, 9, 25), 5) == date(2026, 10, 9)
    assert [cal.add_working_days(date(2026, 9, 25), n) for n in range(1, 7)] == [
        date(2026, 9, 28), date(2026, 9, 29), date(2026, 9, 30),
        date(2026, 10, 8), date(2026, 10, 9), date(2026, 10, 10),
    ]


def test_add_working_days_does_not_count_the_start_day(cal):
    monday = date(2026, 11, 9)
    assert cal.add_working_days(monday, 1) == date(2026, 11, 10)
    assert cal.add_working_days(monday, 5) == date(2026, 11, 16)  # over an ordinary weekend


def test_add_zero_working_days_is_the_start_day(cal):
    assert cal.add_working_days(date(2026, 11, 9), 0) == date(2026, 11, 9)


def test_add_negative_working_days_is_refused(cal):
    with pytest.raises(ValueError):
        cal.add_working_days(date(2026, 11, 9), -1)


def test_next_working_day(cal):
    assert cal.next_working_day(date(2026, 10, 1)) == date(2026, 10, 8)
    assert cal.next_working_day(date(2026, 10, 9)) == date(2026, 10, 9)
    assert cal.next_working_day(date(2026, 10, 11)) == date(2026, 10, 12)


# --- deadline -------------------------------------------------------------------------------


def test_deadline_is_close_of_the_last_working_day_in_shanghai(cal):
    due = cal.deadline(date(2026, 9, 25), 5)
    assert due == datetime(2026, 10, 9, 23, 59, 59, tzinfo=CENTRE_TZ)
    assert due.utcoffset() == timedelta(hours=8)
    assert due.isoformat() == "2026-10-09T23:59:59+08:00"


def test_deadline_from_a_datetime_counts_by_the_shanghai_date(cal):
    # 17:30 UTC on Thursday 10-08 is already 01:30 on Friday 10-09 in Shanghai.
    received = datetime(2026, 10, 8, 17, 30, tzinfo=UTC)
    assert cal.deadline(received, 1) == datetime(2026, 10, 10, 23, 59, 59, tzinfo=CENTRE_TZ)
    assert cal.deadline(received.astimezone(CENTRE_TZ), 1) == cal.deadline(date(2026, 10, 9), 1)


def test_deadline_from_a_naive_datetime_takes_it_as_shanghai_time(cal):
    # Late on Thursday evening in the centre, whatever zone the server runs in.
    assert cal.deadline(datetime(2026, 10, 8, 23, 30), 1) == datetime(2026, 10, 9, 23, 59, 59, tzinfo=CENTRE_TZ)


@pytest.mark.parametrize(("moment", "day"), [
    (datetime(2026, 10, 8, 15, 59, 59, tzinfo=UTC), date(2026, 10, 8)),  # 23:59:59 in Shanghai
    (datetime(2026, 10, 8, 16, 0, tzinfo=UTC), date(2026, 10, 9)),  # midnight in Shanghai
    (datetime(2026, 10, 8, 23, 30), date(2026, 10, 8)),  # naive: already centre time
])
def test_centre_day_is_the_date_in_shanghai(moment, day):
    assert centre_day(moment) == day


def test_close_of_is_one_second_before_midnight(cal):
    close = WorkingCalendar.close_of(date(2026, 10, 9))
    assert close + timedelta(seconds=1) == datetime(2026, 10, 10, tzinfo=CENTRE_TZ)


# --- overrides ------------------------------------------------------------------------------


def test_library_does_not_know_2028_national_day_week():
    # The package only has the statutory days for 2028; the State Council's schedule comes later.
    assert WorkingCalendar().is_working_day(date(2028, 10, 5))
    assert not WorkingCalendar().is_working_day(date(2028, 9, 30))  # a Saturday


def test_extra_holidays_and_working_days_win_over_the_library():
    cal = WorkingCalendar(
        extra_holidays=[date(2028, 10, 5), date(2028, 10, 6)],
        extra_working_days=[date(2028, 9, 30)],
    )
    assert not cal.is_working_day(date(2028, 10, 5))
    assert not cal.is_working_day(date(2028, 10, 6))
    assert cal.is_working_day(date(2028, 9, 30))
    # Fri 09-29, Sat 09-30 (made up), then 10-01..10-08 off (library + overrides + weekend), Mon 10-09.
    assert cal.add_working_days(date(2028, 9, 28), 3) == date(2028, 10, 9)


def test_override_can_turn_a_library_holiday_into_a_working_day():
    cal = WorkingCalendar(extra_working_days=[date(2026, 10, 7)])
    assert cal.is_working_day(date(2026, 10, 7))
    assert cal.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 7)


def test_override_can_close_an_ordinary_weekday():
    cal = WorkingCalendar(extra_holidays=[date(2026, 11, 10)])
    assert not cal.is_working_day(date(2026, 11, 10))
    assert cal.add_working_days(date(2026, 11, 9), 1) == date(2026, 11, 11)


def test_a_date_both_holiday_and_working_day_is_refused():
    with pytest.raises(ValueError, match="2028-10-05"):
        WorkingCalendar(extra_holidays=[date(2028, 10, 5)], extra_working_days=[date(2028, 10, 5)])


def test_overrides_accept_any_iterable():
    cal = WorkingCalendar(extra_holidays=(d for d in [date(2026, 11, 10)]))
    assert not cal.is_working_day(date(2026, 11, 10))


# --- counting -------------------------------------------------------------------------------


def test_working_days_in_counts_both_ends(cal):
    assert cal.working_days_in(date(2026, 9, 28), date(2026, 10, 10)) == 6  # 09-28..30, 10-08..10
    assert cal.working_days_in(date(2026, 10, 1), date(2026, 10, 7)) == 0
    assert cal.working_days_in(date(2026, 10, 9), date(2026, 10, 9)) == 1
    assert cal.working_days_in(date(2026, 10, 11), date(2026, 10, 11)) == 0


def test_working_days_in_an_empty_range_is_zero(cal):
    assert cal.working_days_in(date(2026, 10, 9), date(2026, 10, 8)) == 0


def test_working_days_between_excludes_the_start(cal):
    assert cal.working_days_between(date(2026, 9, 25), date(2026, 10, 9)) == 5
    assert cal.working_days_between(date(2026, 9, 28), date(2026, 9, 29)) == 1
    assert cal.working_days_between(date(2026, 10, 9), date(2026, 10, 9)) == 0


def test_working_days_between_is_negative_backwards(cal):
    assert cal.working_days_between(date(2026, 10, 9), date(2026, 9, 25)) == -5


def test_working_days_between_inverts_add_working_days(cal):
    start = date(2026, 9, 18)
    for n in range(0, 25):
        assert cal.working_days_between(start, cal.add_working_days(start, n)) == n
