"""The report-back deadline (销假期限) moved by a calendar override entered after the leave began.

leave.start counts it once and stores it (LeaveRequest.report_back_due, the process variables report_back_due
and deadline_reminder_at that the 销假 task's due date and its timers read); a holiday announced later must
move them, counted by the same rules (rules.report_back_deadline, rules.deadline_day_reminder_at).
Registered as the family's StoredDeadlines.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from workflows.leave.models import LeaveRequest
from workflows.leave.rules import deadline_day_reminder_at, report_back_deadline
from workflows.org.selectors import working_calendar
from workflows.runtime.clock import now
from workflows.runtime.models import ProcessInstance
from workflows.runtime.registry import StoredDeadlines

REPORT_BACK_DUE = "report_back_due"  # process variables of bpmn/leave_approval.bpmn
DEADLINE_REMINDER_AT = "deadline_reminder_at"


def recount(instance: ProcessInstance, data: Mapping[str, Any]) -> dict[str, str]:
    """The deadline of a leave not yet reported back, again on today's calendar; {} when it has not moved.

    It counts from the later of the last day and the day of approval, as leave.start did. The deadline-day
    reminder moves with it: the morning of the new day, or at once when that has passed already.
    """
    stored = data.get(REPORT_BACK_DUE)
    approved = (data.get("leave_approve_result") or {}).get("approved_on")
    if not stored or not approved:
        return {}
    request = LeaveRequest.objects.filter(instance=instance, status=LeaveRequest.ACTIVE).first()
    if request is None:
        return {}
    due = report_back_deadline(working_calendar(), request.last_day, date.fromisoformat(approved))
    if due == datetime.fromisoformat(stored):
        return {}
    return {REPORT_BACK_DUE: due.isoformat(), DEADLINE_REMINDER_AT: deadline_day_reminder_at(due, now()).isoformat()}


def store(instance: ProcessInstance, moved: Mapping[str, str]) -> None:
    """The request keeps the moved deadline: its page shows it and an absence is recorded on its day."""
    if REPORT_BACK_DUE in moved:
        request = LeaveRequest.objects.get(instance=instance)
        request.report_back_due = datetime.fromisoformat(moved[REPORT_BACK_DUE])
        request.save(update_fields=["report_back_due"])


REPORT_BACK = StoredDeadlines(recount=recount, store=store)
