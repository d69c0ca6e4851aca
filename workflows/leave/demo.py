"""Demo data for the leave process: 孙七's one-day leave last week, approved, never reported back.

It is walked through the real services at the times it happened (the clock set back while the request is filed
and approved), then the timer sweep runs as it would have since: the report-back deadline closes, the absence
(旷工) is recorded and handed to discipline, which opens the 效能告诫 case the centre office decides
(考勤管理办法 三, 实施细则 第六条(十八)). Needs the demo centre and the leave and discipline processes deployed.
Idempotent: an existing demo request is returned as it is.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from engine.clock import CENTRE_TZ, FrozenClock
from workflows.leave.models import LeaveRequest
from workflows.leave.services import LeaveApplication, submit_leave
from workflows.org.models import Official
from workflows.org.selectors import working_calendar
from workflows.runtime.clock import get_clock, set_clock, today
from workflows.runtime.models import HumanTask
from workflows.runtime.services.sweep import fire_due_timers
from workflows.runtime.services.transitions import complete_task

DEMO_REASON = "家中有事（演示：请假期满未销假）"
APPROVAL_FORMS = ("approval", "confirm_substitute")


def _working_days_before(day: date, n: int) -> date:
    calendar = working_calendar()
    while n:
        day -= timedelta(days=1)
        if calendar.is_working_day(day):
            n -= 1
    return day


def _approve_all(request: LeaveRequest) -> None:
    """Every approval step, by its first candidate, as the approvers did that day."""
    while (task := HumanTask.objects.filter(instance=request.instance, state=HumanTask.OPEN,
                                            form__in=APPROVAL_FORMS).first()):
        data = ({"decision": "approve", "comment": "同意"} if task.form == "approval"
                else {"confirmed": True, "substitute_id": request.proposed_substitute_id, "comment": ""})
        complete_task(task.pk, task.candidates.order_by("id").first(), data)


def seed_leave_demo() -> LeaveRequest:
    """孙七 asked on a working day for the next one off and never reported back: an absence, and its case."""
    existing = LeaveRequest.objects.filter(reason=DEMO_REASON).first()
    if existing is not None:
        return existing
    sunqi = Official.objects.get(user__username="sunqi")
    leave_day = _working_days_before(today(), 3)
    asked_on = _working_days_before(leave_day, 1)
    real_clock = get_clock()
    set_clock(FrozenClock(datetime.combine(asked_on, time(9, 0), CENTRE_TZ)))
    try:
        request = submit_leave(sunqi, LeaveApplication("事假", leave_day, "am", leave_day, "pm", DEMO_REASON))
        _approve_all(request)
    finally:
        set_clock(real_clock)
    for _ in range(5):  # the leave starts, ends, its reminder and its deadline pass: one firing each at most
        request.refresh_from_db()
        if request.status == LeaveRequest.ABSENT:
            break
        fire_due_timers()
    return request
