"""An application's time limit folded from its events: pauses, extensions, 即办, joint reviews' silent consent.

2026 calendar (the `holidays` package): Fri 09-25 中秋 and 10-01..10-07 国庆 are off; Sun 09-20 and
Sat 10-10 are make-up working days (调休).
"""

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

import pytest

from engine.calendar import WorkingCalendar
from engine.clock import CENTRE_TZ
from engine.time_limits import (
    REPORTED,
    SPECIAL_PROCEDURE,
    SUPPLEMENT,
    Accepted,
    CoReview,
    Extended,
    PauseEnded,
    PauseStarted,
    TimeLimitError,
    case_clock,
    due_at,
    due_on,
    is_overdue,
    paused_working_days,
    review_due_at,
    review_is_overdue,
    silence_is_consent,
    silent_consent_at,
    working_days_left,
)

ACCEPTED = Accepted(date(2026, 9, 21), 10)  # Monday; due Mon 10-12 across 中秋, 国庆 and Sat 10-10
ONE_MICROSECOND = timedelta(microseconds=1)


@pytest.fixture
def cal() -> WorkingCalendar:
    return WorkingCalendar()


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=CENTRE_TZ)


def close(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=CENTRE_TZ)


def approved(on: date, days: int) -> Extended:
    return Extended(on, days, reason="需现场踏勘", approved_by="王建国", approver_is_centre_leader=True)


# --- due date -------------------------------------------------------------------------------


def test_due_date_is_the_close_of_the_last_working_day(cal):
    # 09-22..24 (3), 09-28..30 (6), 10-08, 10-09, Sat 10-10 made up (9), Mon 10-12 (10).
    clock = case_clock(cal, [ACCEPTED])
    assert due_on(cal, clock) == date(2026, 10, 12)
    assert due_at(cal, clock) == datetime(2026, 10, 12, 23, 59, 59, tzinfo=CENTRE_TZ)
    assert due_at(cal, clock) == cal.deadline(ACCEPTED.on, ACCEPTED.promised_days)


def test_supplement_pause_continues_with_the_remaining_working_days(cal):
    # Notice on Thu 09-24 (day 3 still counts); materials arrive Fri 10-09: 09-28..30, 10-08, 10-09 are paused.
    # The 7 remaining days run from 10-09, not counting it: Sat 10-10, 10-12..16, 10-19.
    clock = case_clock(cal, [ACCEPTED, PauseStarted(date(2026, 9, 24), SUPPLEMENT), PauseEnded(date(2026, 10, 9))])
    assert paused_working_days(cal, clock, at(date(2026, 10, 9))) == 5
    assert due_on(cal, clock) == date(2026, 10, 19)


@pytest.mark.parametrize("kind", [SUPPLEMENT, REPORTED])
@pytest.mark.parametrize(("starts", "ends"), [
    (date(2026, 9, 24), date(2026, 10, 9)),  # across 中秋 and 国庆
    (date(2026, 9, 30), date(2026, 10, 10)),  # ends on the make-up Saturday
    (date(2026, 9, 21), date(2026, 9, 21)),  # notice and materials on the day of acceptance: nothing paused
    (date(2026, 9, 22), date(2026, 9, 27)),  # ends on a rest day
    (date(2026, 10, 12), date(2026, 10, 20)),  # starts on the original due day
])
def test_due_date_moves_by_exactly_the_paused_working_days(cal, kind, starts, ends):
    original = due_on(cal, case_clock(cal, [ACCEPTED]))
    clock = case_clock(cal, [ACCEPTED, PauseStarted(starts, kind), PauseEnded(ends)])
    paused = paused_working_days(cal, clock, at(ends))
    assert paused == cal.working_days_between(starts, ends)
    assert cal.working_days_between(original, due_on(cal, clock)) == paused


def test_two_pauses_add_up(cal):
    events = [
        ACCEPTED,
        PauseStarted(date(2026, 9, 22), SUPPLEMENT), PauseEnded(date(2026, 9, 24)),  # 09-23, 09-24
        PauseStarted(date(2026, 9, 29), SPECIAL_PROCEDURE, "专家评审", date(2026, 10, 9)),
        PauseEnded(date(2026, 10, 10)),  # 09-30, 10-08, 10-09, 10-10
    ]
    clock = case_clock(cal, events)
    assert paused_working_days(cal, clock, at(date(2026, 10, 12))) == 6
    assert due_on(cal, clock) == cal.add_working_days(date(2026, 10, 12), 6) == date(2026, 10, 20)


@pytest.mark.parametrize(("accepted", "due", "pause_starts"), [
    (ACCEPTED, date(2026, 10, 12), date(2026, 10, 14)),
    (Accepted(date(2026, 10, 12), 4), date(2026, 10, 16), date(2026, 10, 17)),  # the rest day after the due Friday
])
def test_pause_after_the_limit_ran_out_does_not_move_the_due_date(cal, accepted, due, pause_starts):
    clock = case_clock(cal, [accepted, PauseStarted(pause_starts, REPORTED)])
    assert due_on(cal, clock) == due
    assert is_overdue(cal, clock, at(pause_starts))
    assert working_days_left(cal, clock, at(pause_starts + timedelta(days=10))) == working_days_left(
        cal, clock, at(pause_starts))


def test_pause_begun_on_the_due_day_leaves_the_case_due_when_it_ends(cal):
    clock = case_clock(cal, [ACCEPTED, PauseStarted(date(2026, 10, 12), SUPPLEMENT)])
    assert working_days_left(cal, clock, at(date(2026, 10, 15))) == 0
    assert not is_overdue(cal, clock, at(date(2026, 10, 15)))
    resumed = case_clock(cal, [ACCEPTED, PauseStarted(date(2026, 10, 12), SUPPLEMENT), PauseEnded(date(2026, 10, 15))])
    assert due_on(cal, resumed) == date(2026, 10, 15)


def test_due_date_is_unknown_while_the_pause_lasts(cal):
    clock = case_clock(cal, [ACCEPTED, PauseStarted(date(2026, 9, 24), SUPPLEMENT)])
    assert clock.open_pause is not None
    assert due_on(cal, clock) is None
    assert due_at(cal, clock) is None
    assert not is_overdue(cal, clock, at(date(2026, 12, 31)))


# --- 即办 ------------------------------------------------------------------------------------


def test_on_the_spot_item_is_due_the_same_day(cal):
    clock = case_clock(cal, [Accepted(date(2026, 10, 9), 0)])
    assert due_at(cal, clock) == close(date(2026, 10, 9))
    assert working_days_left(cal, clock, at(date(2026, 10, 9), 9)) == 0
    assert not is_overdue(cal, clock, close(date(2026, 10, 9)))
    assert is_overdue(cal, clock, close(date(2026, 10, 9)) + timedelta(seconds=1))


# --- working days left and overdue ------------------------------------------------------------


@pytest.mark.parametrize(("day", "left"), [
    (date(2026, 9, 21), 10),
    (date(2026, 9, 25), 7),  # 中秋: nothing lost
    (date(2026, 10, 5), 4),  # 国庆
    (date(2026, 10, 10), 1),  # the make-up Saturday counts
    (date(2026, 10, 11), 1),
    (date(2026, 10, 12), 0),  # the due day
    (date(2026, 10, 13), -1),
    (date(2026, 10, 16), -4),
    (date(2026, 10, 19), -5),
])
def test_working_days_left(cal, day, left):
    assert working_days_left(cal, case_clock(cal, [ACCEPTED]), at(day)) == left


@pytest.mark.parametrize(("moment", "overdue"), [
    (datetime(2026, 10, 12, 0, 0, tzinfo=CENTRE_TZ), False),
    (datetime(2026, 10, 12, 23, 59, 59, tzinfo=CENTRE_TZ), False),
    (datetime(2026, 10, 12, 23, 59, 59, tzinfo=CENTRE_TZ) + ONE_MICROSECOND, True),
    (datetime(2026, 10, 12, 15, 59, 59, tzinfo=UTC), False),  # 23:59:59 in Shanghai
    (datetime(2026, 10, 12, 16, 0, 0, tzinfo=UTC), True),  # midnight in Shanghai
])
def test_overdue_only_after_the_close_of_the_due_day(cal, moment, overdue):
    assert is_overdue(cal, case_clock(cal, [ACCEPTED]), moment) is overdue


def test_overdue_on_the_rest_day_after_the_due_day_shows_minus_one(cal):
    # Due Fri 10-16 (accepted Mon 10-12 with 4 days); Sat 10-17 loses no working day yet but the limit is past.
    clock = case_clock(cal, [Accepted(date(2026, 10, 12), 4)])
    assert due_on(cal, clock) == date(2026, 10, 16)
    assert working_days_left(cal, clock, at(date(2026, 10, 16))) == 0
    assert is_overdue(cal, clock, at(date(2026, 10, 17)))
    assert working_days_left(cal, clock, at(date(2026, 10, 17))) == -1
    assert working_days_left(cal, clock, at(date(2026, 10, 19))) == -1
    assert working_days_left(cal, clock, at(date(2026, 10, 20))) == -2


def test_working_days_left_are_frozen_while_paused(cal):
    clock = case_clock(cal, [ACCEPTED, PauseStarted(date(2026, 9, 24), SUPPLEMENT)])
    frozen = [working_days_left(cal, clock, at(date(2026, 9, 24) + timedelta(days=n))) for n in range(0, 40)]
    assert frozen == [7] * 40
    assert paused_working_days(cal, clock, at(date(2026, 10, 9))) == 5
    resumed = case_clock(cal, [ACCEPTED, PauseStarted(date(2026, 9, 24), SUPPLEMENT), PauseEnded(date(2026, 10, 9))])
    assert working_days_left(cal, resumed, at(date(2026, 10, 9))) == 7
    assert working_days_left(cal, resumed, at(date(2026, 10, 10))) == 6
    assert working_days_left(cal, resumed, at(date(2026, 10, 19))) == 0


def test_a_moment_before_the_last_event_is_refused(cal):
    clock = case_clock(cal, [ACCEPTED, PauseStarted(date(2026, 9, 24), SUPPLEMENT)])
    with pytest.raises(ValueError, match="2026-09-23"):
        working_days_left(cal, clock, at(date(2026, 9, 23)))


# --- event sequences refused ------------------------------------------------------------------


def test_overlapping_pauses_are_refused_naming_the_event(cal):
    events = [
        ACCEPTED,
        PauseStarted(date(2026, 9, 24), SUPPLEMENT),
        PauseStarted(date(2026, 9, 28), SPECIAL_PROCEDURE, "现场检测", date(2026, 10, 9)),
    ]
    refusal = r"第 3 个事件（2026-09-28 起特别程序暂停）：2026-09-24 起的补正材料暂停尚未结束"
    with pytest.raises(TimeLimitError, match=refusal):
        case_clock(cal, events)


@pytest.mark.parametrize(("events", "message"), [
    ([PauseStarted(date(2026, 9, 24), SUPPLEMENT)], "计时须从受理开始"),
    ([ACCEPTED, PauseEnded(date(2026, 9, 24))], "没有正在进行的暂停"),
    ([ACCEPTED, Accepted(date(2026, 9, 22), 5)], "已于 2026-09-21 受理"),
    ([ACCEPTED, PauseStarted(date(2026, 9, 24), REPORTED), PauseEnded(date(2026, 9, 23))], "早于上一个事件"),
    ([], "尚未受理"),
])
def test_impossible_sequences_are_refused(cal, events, message):
    with pytest.raises(TimeLimitError, match=message):
        case_clock(cal, events)


@pytest.mark.parametrize(("reason", "planned_end"), [("", date(2026, 10, 9)), ("听证", None), ("  ", None)])
def test_special_procedure_needs_a_reason_and_a_planned_end(reason, planned_end):
    with pytest.raises(TimeLimitError, match="特别程序须写明事由和预计结束日期"):
        PauseStarted(date(2026, 9, 24), SPECIAL_PROCEDURE, reason, planned_end)


def test_unknown_pause_kind_is_refused():
    with pytest.raises(TimeLimitError, match="未知的暂停类别"):
        PauseStarted(date(2026, 9, 24), "休假")


# --- extensions -------------------------------------------------------------------------------


@pytest.mark.parametrize(("approved_by", "is_leader"), [("", True), ("张三", False), ("", False)])
def test_unapproved_extension_is_refused(approved_by, is_leader):
    with pytest.raises(TimeLimitError, match="延时办理须经中心领导审批"):
        Extended(date(2026, 10, 8), 3, "需现场踏勘", approved_by=approved_by, approver_is_centre_leader=is_leader)


def test_extension_needs_a_reason_for_the_applicant():
    with pytest.raises(TimeLimitError, match="理由"):
        Extended(date(2026, 10, 8), 3, reason=" ", approved_by="王建国", approver_is_centre_leader=True)


def test_approved_extension_moves_the_due_date_by_its_working_days(cal):
    clock = case_clock(cal, [ACCEPTED, approved(date(2026, 10, 8), 3)])
    assert clock.total_days == 13
    assert due_on(cal, clock) == date(2026, 10, 15)
    assert cal.working_days_between(date(2026, 10, 12), due_on(cal, clock)) == 3
    assert working_days_left(cal, clock, at(date(2026, 10, 12))) == 3


def test_extension_and_pause_together(cal):
    events = [ACCEPTED, PauseStarted(date(2026, 9, 24), SUPPLEMENT), PauseEnded(date(2026, 10, 9)),
              approved(date(2026, 10, 12), 2)]
    assert due_on(cal, case_clock(cal, events)) == date(2026, 10, 21)  # 10-19 + 2 working days


def test_extension_after_the_due_day_is_refused(cal):
    with pytest.raises(TimeLimitError, match="第 2 个事件.*2026-10-12 届满"):
        case_clock(cal, [ACCEPTED, approved(date(2026, 10, 13), 3)])


def test_extension_on_the_due_day_is_accepted(cal):
    assert due_on(cal, case_clock(cal, [ACCEPTED, approved(date(2026, 10, 12), 1)])) == date(2026, 10, 13)


# --- 联办件: silent consent --------------------------------------------------------------------

# Informed Mon 09-28 with 5 working days: 09-29, 09-30, 10-08, 10-09, Sat 10-10 (调休) is the last day.
REVIEW = CoReview("住建局", date(2026, 9, 28), 5, silent_consent=True)
LAST_DAY_CLOSE = datetime(2026, 10, 10, 23, 59, 59, tzinfo=CENTRE_TZ)
CONSENT_MOMENT = datetime(2026, 10, 11, 0, 0, tzinfo=CENTRE_TZ)


def test_review_deadline_is_the_close_of_its_last_working_day(cal):
    assert review_due_at(cal, REVIEW) == LAST_DAY_CLOSE


def test_silent_consent_moment_is_the_first_instant_after_the_close(cal):
    assert silent_consent_at(cal, REVIEW) == CONSENT_MOMENT
    assert silent_consent_at(cal, REVIEW) - review_due_at(cal, REVIEW) == timedelta(seconds=1)


@pytest.mark.parametrize(("moment", "consent"), [
    (datetime(2026, 10, 9, 12, 0, tzinfo=CENTRE_TZ), False),
    (LAST_DAY_CLOSE, False),
    (CONSENT_MOMENT - ONE_MICROSECOND, False),
    (CONSENT_MOMENT, True),
    (datetime(2026, 10, 10, 15, 59, 59, tzinfo=UTC), False),  # 23:59:59 in Shanghai
    (datetime(2026, 10, 10, 16, 0, tzinfo=UTC), True),  # midnight in Shanghai
    (datetime(2026, 11, 1, tzinfo=CENTRE_TZ), True),
])
def test_silence_counts_as_consent_only_from_that_moment(cal, moment, consent):
    assert silence_is_consent(cal, REVIEW, moment) is consent
    assert not review_is_overdue(cal, REVIEW, moment)


def test_without_silent_consent_silence_never_consents_and_the_review_goes_overdue(cal):
    review = CoReview("消防大队", date(2026, 9, 28), 5, silent_consent=False)
    assert silent_consent_at(cal, review) is None
    assert not silence_is_consent(cal, review, datetime(2027, 1, 1, tzinfo=CENTRE_TZ))
    assert not review_is_overdue(cal, review, LAST_DAY_CLOSE)
    assert review_is_overdue(cal, review, CONSENT_MOMENT)


def test_each_co_department_has_its_own_deadline(cal):
    informed_late = CoReview("环保局", date(2026, 9, 30), 5, silent_consent=True)
    assert review_due_at(cal, informed_late) == datetime(2026, 10, 13, 23, 59, 59, tzinfo=CENTRE_TZ)
    assert silence_is_consent(cal, REVIEW, CONSENT_MOMENT)
    assert not silence_is_consent(cal, informed_late, CONSENT_MOMENT)


# --- purity -----------------------------------------------------------------------------------


def test_the_module_imports_no_django():
    code = "import sys, engine.time_limits; print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
