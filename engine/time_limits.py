"""An application's promised time limit (承诺时限), recomputed from its dated events.

Sources (seed 003, 尼勒克县行政服务中心管理暂行办法): 第十一条 分类办理 (即办件 done on the spot, 承诺件 within
the promised time, 补办件, 上报件, 联办件), 第十二条 限时办结, 第十六条 联席会议 (视为同意); 限时办结制 三 (an
extension needs a centre leader's approval and the reason told to the applicant); 一次性告知制 and seed 001
窗口服务制度 10 第二十五条 (补正材料通知书: the applicant's time is not the centre's).

The clock is never a counter someone updates: it is folded from the case's events (accepted, pauses, approved
extensions), so any case's due date can be recomputed and audited, and a calendar override announced later
moves it the same way for every case. Counting reuses engine.calendar's one rule: N working days from a date
do not count that date, and a deadline ends at the close of its last working day (Asia/Shanghai). A pause is
the same rule read backwards: the day it starts still counts, the working days after it up to and including
the day it ends do not, and the remaining working days continue from that day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from engine.calendar import WorkingCalendar, centre_day
from engine.clock import CENTRE_TZ

SUPPLEMENT = "补正材料"  # 一次性告知制: waiting for the applicant's missing materials
REPORTED = "上报审批"  # 第十一条(六) 上报件: waiting for the higher authority's answer
SPECIAL_PROCEDURE = "特别程序"  # hearing, testing, expert review: time the law excludes
PAUSE_KINDS = (SUPPLEMENT, REPORTED, SPECIAL_PROCEDURE)


class TimeLimitError(ValueError):
    """An event the clock refuses; the message, in Chinese, names the event and why."""


@dataclass(frozen=True)
class Accepted:
    """受理: the clock starts; `promised_days` working days, 0 for a 即办件 (due the same day)."""

    on: date
    promised_days: int

    def __post_init__(self) -> None:
        if self.promised_days < 0:
            raise TimeLimitError(f"承诺时限不能为负数（{self.promised_days} 个工作日）")

    def describe(self) -> str:
        return f"{self.on.isoformat()} 受理"


@dataclass(frozen=True)
class PauseStarted:
    """The clock stops: 补正材料, 上报审批, or a 特别程序 that must say why and until when it is planned."""

    on: date
    kind: str
    reason: str = ""
    planned_end: date | None = None

    def __post_init__(self) -> None:
        if self.kind not in PAUSE_KINDS:
            raise TimeLimitError(f"未知的暂停类别“{self.kind}”")
        if self.kind == SPECIAL_PROCEDURE and (not self.reason.strip() or self.planned_end is None):
            raise TimeLimitError("特别程序须写明事由和预计结束日期")
        if self.planned_end is not None and self.planned_end < self.on:
            raise TimeLimitError(f"预计结束日期 {self.planned_end.isoformat()} 早于暂停开始日期 {self.on.isoformat()}")

    def describe(self) -> str:
        return f"{self.on.isoformat()} 起{self.kind}暂停"


@dataclass(frozen=True)
class PauseEnded:
    """The materials arrived, the higher authority answered, the special procedure ended: the clock runs on."""

    on: date

    def describe(self) -> str:
        return f"{self.on.isoformat()} 恢复计时"


@dataclass(frozen=True)
class Extended:
    """延时 (限时办结制 三): counts only when a centre leader approved it, with the reason told to the applicant."""

    on: date
    working_days: int
    reason: str
    approved_by: str
    approver_is_centre_leader: bool

    def __post_init__(self) -> None:
        if not self.approved_by.strip() or not self.approver_is_centre_leader:
            raise TimeLimitError("延时办理须经中心领导审批")
        if not self.reason.strip():
            raise TimeLimitError("延时办理须写明理由并告知申请人")
        if self.working_days < 1:
            raise TimeLimitError(f"延时天数须至少 1 个工作日（{self.working_days}）")

    def describe(self) -> str:
        return f"{self.on.isoformat()} 延时 {self.working_days} 个工作日"


ClockEvent = Accepted | PauseStarted | PauseEnded | Extended


@dataclass(frozen=True)
class Pause:
    """Working days in (starts_on, ends_on] do not count; `ends_on` is None while the pause lasts."""

    kind: str
    starts_on: date
    ends_on: date | None
    reason: str = ""
    planned_end: date | None = None


@dataclass(frozen=True)
class CaseClock:
    """What a case's events say about its time, built only by case_clock so it never holds an impossible log."""

    accepted_on: date
    promised_days: int
    last_event_on: date
    extension_days: int = 0
    pauses: tuple[Pause, ...] = ()

    @property
    def total_days(self) -> int:
        """The promised working days plus every approved extension."""
        return self.promised_days + self.extension_days

    @property
    def open_pause(self) -> Pause | None:
        """The pause still lasting (the clock is stopped), if any."""
        return self.pauses[-1] if self.pauses and self.pauses[-1].ends_on is None else None


def case_clock(calendar: WorkingCalendar, events: Iterable[ClockEvent]) -> CaseClock:
    """Fold a case's events, in the order they happened, into its clock; refuse a sequence that cannot be.

    The first event is the acceptance (the clock starts at 受理, not at the first visit); events never go
    back in time; pauses never overlap (one pause at a time, so no working day is excluded twice); an
    extension comes before the due date has passed, since approving one later would erase a lateness the
    rule book punishes (限时办结制 五 2).
    """
    clock: CaseClock | None = None
    for number, event in enumerate(events, 1):
        where = f"第 {number} 个事件（{event.describe()}）"
        if clock is None:
            if not isinstance(event, Accepted):
                raise TimeLimitError(f"{where}：计时须从受理开始")
            clock = CaseClock(event.on, event.promised_days, event.on)
            continue
        if event.on < clock.last_event_on:
            raise TimeLimitError(f"{where}：早于上一个事件（{clock.last_event_on.isoformat()}）")
        clock = _apply(calendar, clock, event, where)
    if clock is None:
        raise TimeLimitError("尚未受理，没有办理时限")
    return clock


def _apply(calendar: WorkingCalendar, clock: CaseClock, event: ClockEvent, where: str) -> CaseClock:
    open_pause = clock.open_pause
    if isinstance(event, Accepted):
        raise TimeLimitError(f"{where}：该件已于 {clock.accepted_on.isoformat()} 受理")
    if isinstance(event, PauseStarted):
        if open_pause is not None:
            raise TimeLimitError(
                f"{where}：{open_pause.starts_on.isoformat()} 起的{open_pause.kind}暂停尚未结束，暂停不能重叠")
        pause = Pause(event.kind, event.on, None, event.reason, event.planned_end)
        return replace(clock, last_event_on=event.on, pauses=(*clock.pauses, pause))
    if isinstance(event, PauseEnded):
        if open_pause is None:
            raise TimeLimitError(f"{where}：没有正在进行的暂停")
        ended = replace(open_pause, ends_on=event.on)
        return replace(clock, last_event_on=event.on, pauses=(*clock.pauses[:-1], ended))
    due = due_on(calendar, clock)
    if due is not None and event.on > due:
        raise TimeLimitError(f"{where}：办理时限已于 {due.isoformat()} 届满，不能再延时")
    return replace(clock, last_event_on=event.on, extension_days=clock.extension_days + event.working_days)


def due_on(calendar: WorkingCalendar, clock: CaseClock) -> date | None:
    """The last working day of the limit; None while a pause lasts that began by the due day.

    Walks the running stretches between pauses with engine.calendar's counting, so a pause moves the due date
    by exactly its working days, and 即办 (0 days) is due on the day of acceptance. A pause begun on the due day
    itself (before its close) leaves 0 days: the case is then due on the day the pause ends.
    """
    remaining = clock.total_days
    cursor = clock.accepted_on
    for pause in clock.pauses:
        if calendar.add_working_days(cursor, remaining) < pause.starts_on:
            break  # the limit ran out before this pause: the case stays as late as it was
        remaining -= calendar.working_days_between(cursor, pause.starts_on)
        if pause.ends_on is None:
            return None
        cursor = pause.ends_on
    return calendar.add_working_days(cursor, remaining)


def due_at(calendar: WorkingCalendar, clock: CaseClock) -> datetime | None:
    """The close of the last working day (Asia/Shanghai); None while the clock is paused short of it."""
    day = due_on(calendar, clock)
    return None if day is None else calendar.close_of(day)


def paused_working_days(calendar: WorkingCalendar, clock: CaseClock, at: datetime) -> int:
    """Working days excluded by pauses up to `at` (an open pause counts up to `at`'s day)."""
    day = _query_day(clock, at)
    return sum(_paused_until(calendar, pause, day) for pause in clock.pauses)


def working_days_left(calendar: WorkingCalendar, clock: CaseClock, at: datetime) -> int:
    """Working days still to run after `at`'s day: 0 on the due day, negative once overdue, frozen while paused.

    A case past the close of its due day is overdue even on the rest day that follows, before any working
    day is lost; it then shows -1, not 0, so a board sorting by days left never puts it among today's cases.
    """
    day = _query_day(clock, at)
    used = calendar.working_days_between(clock.accepted_on, day) - paused_working_days(calendar, clock, at)
    left = clock.total_days - max(used, 0)
    return min(left, -1) if is_overdue(calendar, clock, at) else left


def is_overdue(calendar: WorkingCalendar, clock: CaseClock, at: datetime) -> bool:
    """第十二条: past the close of the due day. A pause begun after that does not make the case timely again."""
    due = due_at(calendar, clock)
    return due is not None and at > due


def _paused_until(calendar: WorkingCalendar, pause: Pause, day: date) -> int:
    end = day if pause.ends_on is None else min(pause.ends_on, day)
    return max(calendar.working_days_between(pause.starts_on, end), 0)


def _query_day(clock: CaseClock, at: datetime) -> date:
    """`at`'s centre date. The clock answers for now and later: a moment before its last event would need
    an older fold of the log (what was known then), not this one."""
    day = centre_day(at)
    if day < clock.last_event_on:
        raise ValueError(f"{day.isoformat()} 早于最后一个事件（{clock.last_event_on.isoformat()}）")
    return day


# --- 联办件: co-department reviews -------------------------------------------------------------


@dataclass(frozen=True)
class CoReview:
    """One co-department's review of a joint item (第十一条(四) 联办件), informed by the lead department.

    `silent_consent` is copied from the service item when the review opens: the seeds make silence count as
    consent only where a rule says so (第十六条, the joint meeting), some matters never, and a later edit of
    the catalogue must not change what a running review means.
    """

    department: str
    informed_on: date
    working_days: int
    silent_consent: bool

    def __post_init__(self) -> None:
        if self.working_days < 0:
            raise TimeLimitError(f"{self.department} 的审查时限不能为负数（{self.working_days} 个工作日）")


def review_due_at(calendar: WorkingCalendar, review: CoReview) -> datetime:
    """The close of the review's last working day."""
    return calendar.deadline(review.informed_on, review.working_days)


def silent_consent_at(calendar: WorkingCalendar, review: CoReview) -> datetime | None:
    """The first instant after the close of the last working day (midnight that ends it); None when the item
    does not allow silent consent. 视为同意 is never recorded before this moment."""
    if not review.silent_consent:
        return None
    last_day = calendar.add_working_days(review.informed_on, review.working_days)
    return datetime.combine(last_day + timedelta(days=1), time(0), CENTRE_TZ)


def silence_is_consent(calendar: WorkingCalendar, review: CoReview, at: datetime) -> bool:
    """Whether a department that has not answered by `at` counts as consenting (视为同意) yet."""
    moment = silent_consent_at(calendar, review)
    return moment is not None and at >= moment


def review_is_overdue(calendar: WorkingCalendar, review: CoReview, at: datetime) -> bool:
    """A silent department past its deadline, where silence is not consent: the case waits, marked against it."""
    return not review.silent_consent and at > review_due_at(calendar, review)
