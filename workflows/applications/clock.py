"""The case clock of an application: ClockEntry rows read as engine.time_limits events.

限时办结制 and 一次性告知制 (seed 003) are counted by engine.time_limits; this module is the one place that turns the
stored rows into its events, checks a new entry against the whole history before it is saved (a refused entry saves
nothing), and keeps the copies the board reads (Application.due_at, Application.status) in step after every write.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from engine.calendar import WorkingCalendar, centre_day
from engine.time_limits import (
    Accepted,
    CaseClock,
    ClockEvent,
    Extended,
    PauseEnded,
    PauseStarted,
    TimeLimitError,
    case_clock,
    due_at,
    is_overdue,
    working_days_left,
)
from workflows.applications.models import Application, ClockEntry
from workflows.org.models import Official
from workflows.org.selectors import is_centre_leader, working_calendar
from workflows.runtime.clock import now
from workflows.runtime.errors import InvalidInput

REMIND_DAYS_BEFORE = 2  # 限时办结制: the handler is reminded two working days before the limit runs out


class ClockRefused(InvalidInput):
    """A clock entry the time-limit rules refuse (overlapping pauses, an extension after the due day …)."""


@dataclass(frozen=True)
class ClockView:
    """What the case page and the process read off the clock at a moment."""

    due_at: datetime | None
    working_days_left: int | None
    paused: bool
    overdue: bool


def event_of(entry: ClockEntry) -> ClockEvent:
    """One stored row as the engine's event; the day is the entry's Shanghai date."""
    on = centre_day(entry.at)
    if entry.kind == ClockEntry.ACCEPTED:
        return Accepted(on, entry.days or 0)
    if entry.kind == ClockEntry.PAUSE_STARTED:
        return PauseStarted(on, entry.reason, entry.note, entry.planned_end)
    if entry.kind == ClockEntry.PAUSE_ENDED:
        return PauseEnded(on)
    approver = entry.approved_by
    return Extended(on, entry.days or 0, entry.note, approver.name if approver else "", is_centre_leader(approver))


def entries(application: Application) -> list[ClockEntry]:
    return list(application.clock_entries.select_related("approved_by").order_by("at", "pk"))


def clock_of(application: Application, calendar: WorkingCalendar | None = None) -> CaseClock | None:
    """The folded clock, or None before acceptance (an application waiting for materials has no clock yet)."""
    rows = entries(application)
    if not rows:
        return None
    return case_clock(calendar or working_calendar(), [event_of(row) for row in rows])


def view(application: Application, at: datetime | None = None) -> ClockView:
    calendar = working_calendar()
    clock = clock_of(application, calendar)
    if clock is None:
        return ClockView(None, None, False, False)
    at = at or now()
    if centre_day(at) < clock.last_event_on:
        at = calendar.close_of(clock.last_event_on)
    return ClockView(due_at(calendar, clock), working_days_left(calendar, clock, at), clock.open_pause is not None,
                     is_overdue(calendar, clock, at))


def check(application: Application, entry: ClockEntry) -> CaseClock:
    """The clock with `entry` added, or ClockRefused with time_limits' own Chinese reason; nothing is saved."""
    try:
        return case_clock(working_calendar(), [*(event_of(row) for row in entries(application)), event_of(entry)])
    except TimeLimitError as exc:
        raise ClockRefused(_("The case clock refuses this: %(reason)s") % {"reason": exc}) from exc


@transaction.atomic
def write(application: Application, *, kind: str, recorded_by: Official | None, days: int | None = None,
          reason: str = "", note: str = "", planned_end: date | None = None,
          approved_by: Official | None = None) -> ClockEntry:
    """Check and save one clock entry, then bring the application's due date and status in step with it."""
    entry = ClockEntry(application=application, kind=kind, at=now(), days=days, reason=reason, note=note,
                       planned_end=planned_end, recorded_by=recorded_by, approved_by=approved_by)
    check(application, entry)
    entry.save()
    keep_in_step(application)
    return entry


def keep_in_step(application: Application) -> None:
    """Application.due_at is the clock's due date (None while paused); an open case is paused or in progress."""
    calendar = working_calendar()
    clock = clock_of(application, calendar)
    if clock is None:
        return
    application.due_at = due_at(calendar, clock)
    if application.status in (Application.AWAITING_MATERIALS, Application.IN_PROGRESS, Application.PAUSED):
        application.status = Application.PAUSED if clock.open_pause is not None else Application.IN_PROGRESS
    application.save(update_fields=["due_at", "status"])


def process_times(application: Application) -> dict[str, str | None]:
    """What the process's timers and the handling task read (ISO): the due time and the reminder before it."""
    if application.due_at is None:
        return {"due_at": None, "remind_at": None}
    return {"due_at": application.due_at.isoformat(), "remind_at": reminder_at(application.due_at).isoformat()}


def reminder_at(due: datetime) -> datetime:
    """The close of the working day two working days before the due day; when that has passed already (a short
    limit, a late resumption) it is now, so the handler still hears of it once."""
    calendar = working_calendar()
    remind_day = centre_day(due)
    for _step in range(REMIND_DAYS_BEFORE):
        remind_day = _previous_working_day(calendar, remind_day)
    return max(calendar.close_of(remind_day), now())


def _previous_working_day(calendar: WorkingCalendar, day: date) -> date:
    day -= timedelta(days=1)
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    return day
