"""Leave writes: file a request (validated, then the approval process starts in the same transaction)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from engine.calendar import WorkingCalendar
from workflows.leave.limits import LEAVE_TYPE_LIMITS, UNIT_NAMES, WORKING_DAYS
from workflows.leave.models import LEAVE_TYPES, LeaveRequest
from workflows.leave.rules import (
    calendar_days,
    describe_span,
    half_day_span,
    leave_days,
    leave_starts_at,
    spans_overlap,
)
from workflows.leave.selectors import LEAVE_PROCESS, substitute_choices
from workflows.org.models import Official
from workflows.org.selectors import window_officials, working_calendar
from workflows.runtime import audit
from workflows.runtime.clock import now, today
from workflows.runtime.errors import InvalidInput
from workflows.runtime.services.instances import start_process

SICK_LEAVE_BACKFILL_DAYS = 30


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


def _overlapping(official_ids: list[int], app: LeaveApplication) -> Iterator[LeaveRequest]:
    """Blocking leaves of these officials sharing at least one half-day with the application."""
    span = half_day_span(app.first_day, app.first_half, app.last_day, app.last_half)
    rows = LeaveRequest.objects.filter(
        applicant_id__in=official_ids, status__in=LeaveRequest.BLOCKING,
        first_day__lte=app.last_day, last_day__gte=app.first_day,
    ).select_related("applicant").order_by("first_day", "pk")
    return (r for r in rows if spans_overlap(span, half_day_span(r.first_day, r.first_half, r.last_day, r.last_half)))


def _span(request: LeaveRequest | LeaveApplication) -> str:
    return describe_span(request.first_day, request.first_half, request.last_day, request.last_half)


def _one_year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day + timedelta(days=365)


def _validate_dates(app: LeaveApplication) -> None:
    """Dates the centre can act on: nothing past except sick leave filed afterwards, nothing beyond a year.

    补办: sick leave whose certificate could not be had on the day is settled afterwards (003 二（五）1–2); any other
    leave is asked for before it starts. The year ahead and the 30 days back are this system's bounds, not a seed's.
    """
    today_ = today()
    if (app.first_day, app.first_half) > (app.last_day, app.last_half):
        raise LeaveRefused("结束时间早于开始时间", "last_day")
    latest = _one_year_after(today_)
    for field, day in (("first_day", app.first_day), ("last_day", app.last_day)):
        if day > latest:
            raise LeaveRefused(f"请假日期 {day} 太远：只受理一年以内（{latest} 及以前）的请假", field)
    if app.first_day >= today_:
        return
    if app.leave_type != "病假":
        raise LeaveRefused(
            f"请假开始日期 {app.first_day} 已过，不能事后请假；只有病假可以事后补办（003 二（五））", "first_day"
        )
    earliest = today_ - timedelta(days=SICK_LEAVE_BACKFILL_DAYS)
    if app.first_day < earliest:
        raise LeaveRefused(
            f"病假补办只受理 {SICK_LEAVE_BACKFILL_DAYS} 天以内的（{earliest} 及以后开始的）病假", "first_day"
        )


def _validate_length(app: LeaveApplication, working_days: Decimal) -> None:
    """Refuse a leave longer than its type allows (workflows/leave/limits.py), naming the maximum and its source."""
    limit = LEAVE_TYPE_LIMITS[app.leave_type]
    if limit.max_days is None:
        return
    length = working_days if limit.unit == WORKING_DAYS else calendar_days(
        app.first_day, app.first_half, app.last_day, app.last_half
    )
    if length > limit.max_days:
        unit = UNIT_NAMES[limit.unit]
        raise LeaveRefused(
            f"{app.leave_type}单次最长 {_number(limit.max_days)} {unit}，本次申请 {_number(length)} {unit}"
            f"（依据：{limit.source}）",
            "last_day",
        )


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _validate(applicant: Official, app: LeaveApplication, calendar: WorkingCalendar, window: list[Official]) -> None:
    """Refuse what breaks a leave rule; `calendar` and the applicant's `window` are the ones the filing uses."""
    if app.leave_type not in LEAVE_TYPES:
        raise LeaveRefused(f"未知的请假类型「{app.leave_type}」", "leave_type")
    if applicant.window_id is None:
        raise LeaveRefused("本流程仅供窗口工作人员请假使用", None)
    _validate_dates(app)
    for field, day in (("first_day", app.first_day), ("last_day", app.last_day)):
        if not calendar.is_working_day(day):
            raise LeaveRefused(f"{day} 不是工作日，请假起止日须为工作日", field)
    if app.proposed_substitute is not None and app.proposed_substitute.pk == applicant.pk:
        raise LeaveRefused("顶岗人员不能是本人", "proposed_substitute")
    if app.proposed_substitute is not None and not substitute_choices(applicant).filter(
        pk=app.proposed_substitute.pk
    ).exists():
        raise LeaveRefused(
            f"{app.proposed_substitute.name}不能顶岗：顶岗人员须是本窗口（规则集允许时为本部门）的在岗人员",
            "proposed_substitute",
        )
    own = next(_overlapping([applicant.pk], app), None)
    if own is not None:
        raise LeaveRefused(f"与您已有的请假（{own.case_number}，{_span(own)}）重叠", "first_day")
    colleagues = [o.pk for o in window if o.pk != applicant.pk]
    clash = next(_overlapping(colleagues, app), None)
    if clash is not None:
        raise LeaveRefused(
            f"同一窗口的{clash.applicant.name}已请假（{_span(clash)}），与本次请假（{_span(app)}）重叠，"
            "窗口工作人员不允许同时请假",
            "first_day",
        )


def submit_leave(applicant: Official, app: LeaveApplication) -> LeaveRequest:
    """Validate and file a leave request, starting its approval process; all or nothing.

    The calendar and the applicant's window are read once for the checks and the process data alike.
    """
    calendar = working_calendar()
    window = window_officials(applicant.window_id) if applicant.window_id is not None else []
    _validate(applicant, app, calendar, window)
    days = leave_days(calendar, app.first_day, app.first_half, app.last_day, app.last_half)
    if days <= 0:
        raise LeaveRefused("请假时段内没有工作日", "last_day")
    _validate_length(app, days)
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
            "window_staff_count": len(window),
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
        _refuse_approver_as_substitute(request)
    return request


def _refuse_approver_as_substitute(request: LeaveRequest) -> None:
    """Who approves is known once the route is decided (handlers.record_approvers); refusing here undoes the filing."""
    request.refresh_from_db(fields=["approver_ids"])
    if request.proposed_substitute_id is not None and request.proposed_substitute_id in request.approver_ids:
        raise LeaveRefused(
            f"{request.proposed_substitute.name}是本次请假的审批人，不能同时担任顶岗人员", "proposed_substitute"
        )


def mark_cancelled(instance, actor: Official, reason: str) -> None:
    """The centre administrator ended the request's process (终止): it is 已终止 and blocks nothing."""
    LeaveRequest.objects.filter(instance=instance).update(status=LeaveRequest.CANCELLED)
    audit.record("leave_cancelled", instance=instance, actor=actor, message=reason, after={"reason": reason})


def mark_withdrawn(instance, actor: Official, reason: str) -> None:
    """The applicant withdrew the request before anyone decided on it (撤回): it is 已撤回 and blocks nothing."""
    LeaveRequest.objects.filter(instance=instance).update(status=LeaveRequest.WITHDRAWN)
    audit.record("leave_withdrawn", instance=instance, actor=actor, message=reason, after={"reason": reason})
