"""Leave writes: file a request (validated, then the approval process starts in the same transaction)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from workflows.leave.models import LEAVE_TYPES, LeaveRequest
from workflows.leave.rules import leave_days, leave_starts_at
from workflows.org.models import Official
from workflows.org.selectors import window_officials, working_calendar
from workflows.runtime.clock import now
from workflows.runtime.errors import InvalidInput
from workflows.runtime.services.instances import start_process

LEAVE_PROCESS = "leave_approval"


class LeaveRefused(InvalidInput):
    """The request breaks a leave rule; the message says which, and `field` the input it is about."""


@dataclass(frozen=True)
class LeaveApplication:
    leave_type: str
    first_day: date
    first_half: str
    last_day: date
    last_half: str
    reason: str
    proposed_substitute: Official | None = None
    has_sick_certificate: bool = False


def _overlapping(official_ids: list[int], first: date, last: date):
    return LeaveRequest.objects.filter(
        applicant_id__in=official_ids, status__in=LeaveRequest.BLOCKING, first_day__lte=last, last_day__gte=first
    ).select_related("applicant")


def _validate(applicant: Official, app: LeaveApplication) -> None:
    if app.leave_type not in LEAVE_TYPES:
        raise LeaveRefused(f"未知的请假类型 / unknown leave type '{app.leave_type}'", "leave_type")
    if applicant.window_id is None:
        raise LeaveRefused("本流程供窗口工作人员请假使用 / only window officials file leave here", None)
    if (app.first_day, app.first_half) > (app.last_day, app.last_half):
        raise LeaveRefused("结束时间早于开始时间 / the leave ends before it starts", "last_day")
    calendar = working_calendar()
    for field, day in (("first_day", app.first_day), ("last_day", app.last_day)):
        if not calendar.is_working_day(day):
            raise LeaveRefused(f"{day} 不是工作日，请假起止日须为工作日 / {day} is not a working day", field)
    if app.proposed_substitute is not None and app.proposed_substitute.pk == applicant.pk:
        raise LeaveRefused("顶岗人员不能是本人 / the substitute cannot be yourself", "proposed_substitute")
    own = _overlapping([applicant.pk], app.first_day, app.last_day).first()
    if own is not None:
        raise LeaveRefused(
            f"与您已有的请假（{own.first_day}–{own.last_day}）重叠 / "
            f"overlaps your leave {own.first_day}–{own.last_day}",
            "first_day",
        )
    colleagues = [o.pk for o in window_officials(applicant.window_id) if o.pk != applicant.pk]
    clash = _overlapping(colleagues, app.first_day, app.last_day).first()
    if clash is not None:
        raise LeaveRefused(
            f"同一窗口的{clash.applicant.name}已请假（{clash.first_day}–{clash.last_day}），"
            "窗口工作人员不允许同时请假 / "
            f"{clash.applicant.name} of the same window is on leave {clash.first_day}–{clash.last_day}; "
            "two officials of one window may not be on leave at the same time",
            "first_day",
        )


def submit_leave(applicant: Official, app: LeaveApplication) -> LeaveRequest:
    """Validate and file a leave request, starting its approval process; all or nothing."""
    _validate(applicant, app)
    days = leave_days(working_calendar(), app.first_day, app.first_half, app.last_day, app.last_half)
    if days <= 0:
        raise LeaveRefused("请假时段内没有工作日 / the period contains no working time", "last_day")
    with transaction.atomic():
        request = LeaveRequest.objects.create(
            applicant=applicant,
            leave_type=app.leave_type,
            counted_as=app.leave_type,
            first_day=app.first_day,
            first_half=app.first_half,
            last_day=app.last_day,
            last_half=app.last_half,
            days=days,
            reason=app.reason,
            proposed_substitute=app.proposed_substitute,
            has_sick_certificate=app.has_sick_certificate,
            created_at=now(),
        )
        data = {
            "leave_request_id": request.pk,
            "applicant_id": applicant.pk,
            "applicant_name": applicant.name,
            "department_id": applicant.department_id,
            "window_id": applicant.window_id,
            "window_staff_count": len(window_officials(applicant.window_id)),
            "leave_type": app.leave_type,
            "days": float(days),
            "first_day": app.first_day.isoformat(),
            "last_day": app.last_day.isoformat(),
            "starts_at": leave_starts_at(app.first_day, app.first_half).isoformat(),
            "reason": app.reason,
            "proposed_substitute_id": app.proposed_substitute.pk if app.proposed_substitute else None,
            "has_sick_certificate": app.has_sick_certificate,
        }
        request.instance = start_process(
            LEAVE_PROCESS, data=data, business_key=request.case_number, applicant=applicant, started_by=applicant
        )
        request.save(update_fields=["instance"])
    return request
