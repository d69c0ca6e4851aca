"""Service tasks of bpmn/leave_approval.bpmn: what each step of the process does to the records.

They run inside the engine step, in the instance's write transaction.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from engine.assignment import DEFAULT_SCOPE, AssignmentError, AssignmentRule, CaseContext, resolve
from engine.clock import CENTRE_TZ
from workflows.discipline.violations import record_violation
from workflows.leave.models import AbsenceRecord, LeaveRequest
from workflows.leave.rules import (
    deadline_day_reminder_at,
    leave_ends_at,
    report_back_deadline,
    sick_leave_counts_as,
)
from workflows.org.models import ABPair, Absence
from workflows.org.selectors import org_for, working_calendar
from workflows.runtime import audit
from workflows.runtime.clock import now, today
from workflows.runtime.services.notifications import notify
from workflows.runtime.task_sync import reassign_open_tasks

# 考勤管理办法 三(三) 无正当理由超假不归 is 旷工; discipline's duty-rule table decides the measure (第六条(十八)).
ABSENCE_RULE, ABSENCE_FINDING = "考勤管理办法", "absence"


def _request(leave_request_id: int) -> LeaveRequest:
    """The request with its applicant and instance; not the instance's state, which the running step holds (and
    which grows with the process: reading and decoding it again for an audit line is the costliest part)."""
    return LeaveRequest.objects.select_related("applicant", "instance").defer("instance__state").get(
        pk=leave_request_id)


def _report_back_due(request: LeaveRequest) -> datetime:
    """The recorded deadline; a leave that began before it was recorded (migration leave/0002) had the old rule."""
    return request.report_back_due or working_calendar().deadline(request.last_day, 1)


def _absence_note(request: LeaveRequest) -> str:
    return f"请假 {request.case_number}"


def record_approvers(context: dict[str, Any], leave_request_id: int) -> dict:
    """Keep who approves this request (the route's roles resolved today, B posts included): none may stand in."""
    request = _request(leave_request_id)
    applicant = request.applicant  # the instance is not linked yet: this runs while it starts
    case = CaseContext(applicant_id=applicant.pk, department_id=applicant.department_id, window_id=applicant.window_id)
    day = today()
    rules = [AssignmentRule.of(role) for role in context.get("approver_chain") or [] if role in DEFAULT_SCOPE]
    org = org_for(rules, case, day)
    approver_ids: set[int] = set()
    for rule in rules:
        try:
            resolution = resolve(rule, case, org, day)
        except AssignmentError:  # a vacant post: the approval step itself reports it when it is reached
            continue
        approver_ids.update(resolution.holders, resolution.candidates)
    request.approver_ids = sorted(approver_ids)
    request.save(update_fields=["approver_ids"])
    return {"approver_ids": request.approver_ids}


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
    return {"status": request.status, "approved_on": today().isoformat()}


def reject(context: dict[str, Any], leave_request_id: int) -> dict:
    request = _request(leave_request_id)
    request.status = LeaveRequest.REJECTED
    request.save(update_fields=["status"])
    audit.record("leave_rejected", instance=request.instance, message=_absence_note(request))
    return {"status": request.status}


def send_back(context: dict[str, Any], leave_request_id: int) -> dict:
    """The substitute was not confirmed: the request goes back to the applicant, with the confirmer's reason.

    A centre does not decide on a leave without someone to keep the window open (002 2.2.4, 003 二（三）), so the
    request ends as 退回 and the applicant, told why, files again with another substitute or other dates.
    """
    request = _request(leave_request_id)
    reason = ((context.get("substitute_confirmation") or {}).get("comment") or "").strip()
    request.status = LeaveRequest.SENT_BACK
    request.sent_back_reason = reason
    request.save(update_fields=["status", "sent_back_reason"])
    message = (f"您的请假 {request.case_number} 顶岗人员未落实，已退回：{reason or '未说明理由'}。"
               "可重新安排顶岗后再次申请。")
    notify([request.applicant_id], message, instance=request.instance)
    audit.record("leave_sent_back", instance=request.instance, message=message, after={"reason": reason})
    return {"status": request.status}


def start(context: dict[str, Any], leave_request_id: int) -> dict:
    """The leave begins: the applicant's open tasks go to the B post, and the report-back deadline is fixed.

    The deadline counts from the later of the last day and the day of approval, so a leave approved late (or a sick
    leave filed afterwards) still leaves a whole working day to report back (rules.report_back_deadline).
    """
    request = _request(leave_request_id)
    approved = (context.get("leave_approve_result") or {}).get("approved_on")
    approved_on = date.fromisoformat(approved) if approved else today()
    due = report_back_deadline(working_calendar(), request.last_day, approved_on)
    request.status = LeaveRequest.ACTIVE
    request.report_back_due = due
    request.save(update_fields=["status", "report_back_due"])
    moved = reassign_open_tasks([request.applicant_id], f"{request.applicant.name} 请假生效，待办转交B岗")
    return {
        "status": request.status,
        "tasks_moved": moved,
        "report_back_due": due.isoformat(),
        "leave_ends_at": leave_ends_at(request.last_day, request.last_half).isoformat(),
        "deadline_reminder_at": deadline_day_reminder_at(due, now()).isoformat(),
    }


REMINDERS = {
    "leave_over": "您的请假 {number} 已于 {end} 结束，请在 {due} 前销假，逾期按旷工处理。",
    "deadline_day": "今天是您的请假 {number} 的销假期限（{due} 截止），请及时销假，逾期按旷工处理。",
}


def remind_report_back(context: dict[str, Any], leave_request_id: int, occasion: str) -> dict:
    """Tell the applicant to report back: when the leave is over, and on the morning of the deadline day."""
    request = _request(leave_request_id)
    ends = leave_ends_at(request.last_day, request.last_half)
    message = REMINDERS[occasion].format(
        number=request.case_number, end=f"{ends:%Y-%m-%d %H:%M}",
        due=f"{_report_back_due(request).astimezone(CENTRE_TZ):%Y-%m-%d %H:%M}",
    )
    notify([request.applicant_id], message, instance=request.instance)
    audit.record("leave_report_back_reminded", instance=request.instance, message=message,
                 after={"occasion": occasion})
    return {"notified": request.applicant_id}


def _end_leave_period(request: LeaveRequest, last_day) -> None:
    """Shorten (or drop) the absence and temporary pair when the official is back before the planned end.

    Found through the applicant's own rows (an indexed key) and then the note: a centre keeps years of them.
    """
    note = _absence_note(request)
    for model, field in ((Absence, "last_day"), (ABPair, "valid_to")):
        rows = (model.objects.filter(official_id=request.applicant_id, reason=note) if model is Absence
                else model.objects.filter(a_id=request.applicant_id, note=note))
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
    moved = reassign_open_tasks([request.applicant_id], f"{request.applicant.name} 已销假，待办交回")
    audit.record("leave_returned", instance=request.instance, message=_absence_note(request),
                 after={"counted_as": request.counted_as})
    return {"status": request.status, "counted_as": request.counted_as, "tasks_moved": moved}


def record_absence(context: dict[str, Any], leave_request_id: int) -> dict:
    """No report-back by the deadline (it has closed): one absence (旷工) record, on the deadline's day.

    That is the first day the official could have been back and was not; never a day before the leave took effect.
    The absence goes to discipline as one violation (its source is the request), whatever runs this step again.
    """
    request = _request(leave_request_id)
    missed_day = _report_back_due(request).astimezone(CENTRE_TZ).date()
    record, created = AbsenceRecord.objects.get_or_create(
        leave_request=request,
        defaults={"official": request.applicant, "day": missed_day, "recorded_at": now(),
                  "reason": "请假结束后逾期未销假"},
    )
    request.status = LeaveRequest.ABSENT
    request.counted_as = sick_leave_counts_as(request.leave_type, request.has_sick_certificate)
    request.save(update_fields=["status", "counted_as"])
    reassign_open_tasks([request.applicant_id], f"{request.applicant.name} 请假期满，待办交回")
    if created:
        audit.record("absence_recorded", instance=request.instance,
                     message=f"{request.applicant.name} 旷工 {missed_day}")
    violation = record_violation(
        source=f"leave:{request.pk}:absence", duty_rule=ABSENCE_RULE, finding=ABSENCE_FINDING,
        official=request.applicant, occurred_at=_report_back_due(request),
        facts=f"{request.applicant.name}请假（{request.case_number}，{request.first_day}至{request.last_day}）期满后，"
              f"至销假期限仍未销假，{missed_day}按旷工处理（考勤管理办法三）。",
    )
    return {"absence_record_id": record.pk, "day": missed_day.isoformat(), "violation_record_id": violation.pk}


# Service-task operators the family's BPMN names (spiffworkflow:serviceTaskOperator).
SERVICES = {
    "leave.record_approvers": record_approvers,
    "leave.send_back": send_back,
    "leave.remind_report_back": remind_report_back,
    "leave.approve": approve,
    "leave.reject": reject,
    "leave.start": start,
    "leave.end": end,
    "leave.record_absence": record_absence,
}
