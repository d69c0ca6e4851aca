"""Service tasks of bpmn/leave_approval.bpmn: what each step of the process does to the records.

They run inside the engine step, in the instance's write transaction.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from workflows.leave.models import AbsenceRecord, LeaveRequest
from workflows.leave.rules import sick_leave_counts_as
from workflows.org.models import ABPair, Absence
from workflows.org.selectors import working_calendar
from workflows.runtime import audit
from workflows.runtime.clock import now, today
from workflows.runtime.task_sync import reassign_open_tasks


def _request(leave_request_id: int) -> LeaveRequest:
    return LeaveRequest.objects.select_related("applicant", "instance").get(pk=leave_request_id)


def _absence_note(request: LeaveRequest) -> str:
    return f"请假 {request.case_number}"


def approve(context: dict[str, Any], leave_request_id: int) -> dict:
    """Approved: the absence and the substitute (temporary B post) go on the org chart for the leave's days."""
    request = _request(leave_request_id)
    confirmation = context.get("substitute_confirmation") or {}
    substitute_id = confirmation.get("substitute_id") or context.get("proposed_substitute_id")
    request.status = LeaveRequest.APPROVED
    request.substitute_id = substitute_id
    request.save(update_fields=["status", "substitute"])
    note = _absence_note(request)
    Absence.objects.create(official=request.applicant, first_day=request.first_day, last_day=request.last_day,
                           reason=note)
    if substitute_id:
        ABPair.objects.create(a=request.applicant, b_id=substitute_id, kind=ABPair.TEMPORARY,
                              valid_from=request.first_day, valid_to=request.last_day, note=note)
    audit.record("leave_approved", instance=request.instance, message=note, after={"substitute_id": substitute_id})
    return {"status": request.status}


def reject(context: dict[str, Any], leave_request_id: int) -> dict:
    request = _request(leave_request_id)
    request.status = LeaveRequest.REJECTED
    request.save(update_fields=["status"])
    audit.record("leave_rejected", instance=request.instance, message=_absence_note(request))
    return {"status": request.status}


def start(context: dict[str, Any], leave_request_id: int) -> dict:
    """The leave begins: the applicant's open tasks go to the B post."""
    request = _request(leave_request_id)
    request.status = LeaveRequest.ACTIVE
    request.save(update_fields=["status"])
    moved = reassign_open_tasks([request.applicant_id], f"{request.applicant.name} 请假生效，待办转交B岗 / leave began")
    return {"status": request.status, "tasks_moved": moved}


def _end_leave_period(request: LeaveRequest, last_day) -> None:
    """Shorten (or drop) the absence and temporary pair when the official is back before the planned end."""
    note = _absence_note(request)
    for model, field in ((Absence, "last_day"), (ABPair, "valid_to")):
        rows = model.objects.filter(reason=note) if model is Absence else model.objects.filter(note=note)
        if last_day < request.first_day:
            rows.delete()
        else:
            rows.filter(**{f"{field}__gt": last_day}).update(**{field: last_day})


def end(context: dict[str, Any], leave_request_id: int) -> dict:
    """销假: back at work; tasks return to the A post; sick leave without certificate counts as personal leave."""
    request = _request(leave_request_id)
    report = context.get("report_back") or {}
    back_on = today()
    request.status = LeaveRequest.RETURNED
    request.returned_on = back_on
    request.has_sick_certificate = request.has_sick_certificate or bool(report.get("sick_certificate_supplied"))
    request.counted_as = sick_leave_counts_as(request.leave_type, request.has_sick_certificate)
    request.save(update_fields=["status", "returned_on", "has_sick_certificate", "counted_as"])
    if back_on <= request.last_day:
        _end_leave_period(request, back_on - timedelta(days=1))
    moved = reassign_open_tasks([request.applicant_id], f"{request.applicant.name} 已销假，待办交回 / back from leave")
    audit.record("leave_returned", instance=request.instance, message=_absence_note(request),
                 after={"counted_as": request.counted_as})
    return {"status": request.status, "counted_as": request.counted_as, "tasks_moved": moved}


def record_absence(context: dict[str, Any], leave_request_id: int) -> dict:
    """No report-back by the close of the next working day: one absence (旷工) record."""
    request = _request(leave_request_id)
    missed_day = working_calendar().add_working_days(request.last_day, 1)
    record, created = AbsenceRecord.objects.get_or_create(
        leave_request=request,
        defaults={"official": request.applicant, "day": missed_day, "recorded_at": now(),
                  "reason": "逾期未销假 / no report-back after leave"},
    )
    request.status = LeaveRequest.ABSENT
    request.counted_as = sick_leave_counts_as(request.leave_type, request.has_sick_certificate)
    request.save(update_fields=["status", "counted_as"])
    reassign_open_tasks([request.applicant_id], f"{request.applicant.name} 请假期满，待办交回 / leave over")
    if created:
        audit.record("absence_recorded", instance=request.instance,
                     message=f"{request.applicant.name} 旷工 {missed_day}")
    return {"absence_record_id": record.pk, "day": missed_day.isoformat()}


# Service-task operators the family's BPMN names (spiffworkflow:serviceTaskOperator).
SERVICES = {
    "leave.approve": approve,
    "leave.reject": reject,
    "leave.start": start,
    "leave.end": end,
    "leave.record_absence": record_absence,
}
