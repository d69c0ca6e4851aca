"""请销假 end to end on the database: routing per rule set, A/B handover, report-back and absence."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from engine.clock import CENTRE_TZ
from workflows.leave.models import AbsenceRecord, LeaveRequest
from workflows.leave.rules import leave_days
from workflows.leave.services import LeaveApplication, LeaveRefused, submit_leave
from workflows.org.selectors import working_calendar
from workflows.runtime.models import AuditEvent, HumanTask, ProcessInstance
from workflows.runtime.services.definitions import deploy_from_files
from workflows.runtime.services.instances import start_process
from workflows.runtime.services.sweep import fire_due_timers
from workflows.runtime.services.transitions import complete_task

FIXTURES = Path(__file__).parent / "fixtures"


def apply(official, first: date, last: date, leave_type: str = "事假", first_half: str = "am", last_half: str = "pm",
          substitute=None, certificate: bool = False) -> LeaveRequest:
    return submit_leave(official, LeaveApplication(leave_type, first, first_half, last, last_half, "家中有事",
                                                   substitute, certificate))


def open_task(request: LeaveRequest) -> HumanTask:
    return HumanTask.objects.get(instance=request.instance, state=HumanTask.OPEN)


def usernames(task: HumanTask) -> list[str]:
    return sorted(o.user.username for o in task.candidates.select_related("user"))


def approve_all(request: LeaveRequest) -> list[list[str]]:
    """Approve every step in turn; returns who could act at each step."""
    seen = []
    while (task := HumanTask.objects.filter(instance=request.instance, state=HumanTask.OPEN,
                                            form__in=["approval", "confirm_substitute"]).first()):
        seen.append(usernames(task))
        actor = task.candidates.first()
        data = ({"decision": "approve", "comment": "同意"} if task.form == "approval"
                else {"confirmed": True, "substitute_id": request.proposed_substitute_id, "comment": ""})
        complete_task(task.pk, actor, data)
    return seen


@pytest.mark.parametrize(
    ("rule_set", "who", "first", "first_half", "last", "last_half", "expected"),
    [
        ("nileke", "lisi", date(2026, 12, 1), "am", date(2026, 12, 1), "pm", [["wangzr"]]),
        ("nileke", "lisi", date(2026, 12, 1), "am", date(2026, 12, 2), "pm", [["sunfj"], ["sunfj"], ["wangzr"]]),
        ("shenxian", "lisi", date(2026, 12, 1), "am", date(2026, 12, 1), "am", [["zhangsan"]]),
        ("shenxian", "lisi", date(2026, 12, 1), "am", date(2026, 12, 1), "pm", [["lifzr"]]),
        ("shenxian", "lisi", date(2026, 12, 1), "am", date(2026, 12, 3), "pm", [["zhangsan"], ["sunfj"], ["wangzr"]]),
        ("window_rules", "lisi", date(2026, 12, 1), "am", date(2026, 12, 1), "pm", [["lifzr"]]),
        ("window_rules", "lisi", date(2026, 12, 1), "am", date(2026, 12, 2), "am",
         [["zhangsan"], ["sunfj"], ["lifzr"]]),
        # wangwu heads his own window: he never approves his own leave, and the rule set names no next tier
        ("window_rules", "wangwu", date(2026, 12, 1), "am", date(2026, 12, 2), "pm",
         [["admin", "zhaobgs"], ["sunfj"], ["lifzr"]]),
    ],
)
def test_each_rule_set_routes_to_the_right_officials(
    centre, clock, deploy_leave, rule_set, who, first, first_half, last, last_half, expected
):
    deploy_leave(rule_set)
    request = apply(centre[who], first, last, first_half=first_half, last_half=last_half,
                    substitute=centre["chensx"])
    assert approve_all(request) == expected
    request.refresh_from_db()
    assert request.status == LeaveRequest.APPROVED


def test_two_officials_of_one_window_cannot_be_on_leave_together(centre, clock, deploy_leave):
    deploy_leave("shenxian")
    apply(centre["lisi"], date(2026, 12, 1), date(2026, 12, 2))
    with pytest.raises(LeaveRefused) as refused:
        apply(centre["zhangsan"], date(2026, 12, 2), date(2026, 12, 4))
    assert "李四" in str(refused.value) and "不允许同时请假" in str(refused.value)
    assert "2026-12-01 上午至2026-12-02 下午" in str(refused.value)
    assert LeaveRequest.objects.filter(applicant=centre["zhangsan"]).count() == 0


def test_a_weekend_start_is_refused_and_nothing_is_saved(centre, clock, deploy_leave):
    deploy_leave("shenxian")
    with pytest.raises(LeaveRefused) as refused:
        apply(centre["lisi"], date(2026, 12, 5), date(2026, 12, 7))
    assert refused.value.field == "first_day"
    assert LeaveRequest.objects.count() == 0 and ProcessInstance.objects.count() == 0


def test_a_leave_over_national_day_2026_counts_the_make_up_saturday(centre, clock, deploy_leave):
    calendar = working_calendar()
    assert leave_days(calendar, date(2026, 9, 30), "am", date(2026, 10, 9), "pm") == Decimal(3)
    assert leave_days(calendar, date(2026, 9, 30), "am", date(2026, 10, 10), "pm") == Decimal(4)
    deploy_leave("shenxian")
    clock.set(datetime(2026, 9, 21, 9, 0, tzinfo=CENTRE_TZ))
    request = apply(centre["lisi"], date(2026, 9, 30), date(2026, 10, 10))
    assert request.days == Decimal(4)
    assert usernames(open_task(request)) == ["zhangsan"]  # 4 days ≥ 3 → the window head fixes the substitute


def test_the_b_post_acts_for_a_only_during_the_approved_leave(centre, clock, deploy_leave):
    deploy_leave("shenxian")
    deploy_from_files("window_review", [FIXTURES / "window_review.bpmn"])
    review = start_process("window_review", data={}, business_key="R-1", applicant=centre["lisi"])
    review_task = HumanTask.objects.get(instance=review)
    leave = apply(centre["zhangsan"], date(2026, 12, 2), date(2026, 12, 3), substitute=centre["chensx"])
    approve_all(leave)
    assert usernames(review_task) == ["zhangsan"]  # approved, not yet begun

    clock.set(datetime(2026, 12, 2, 8, 0, tzinfo=CENTRE_TZ))
    fire_due_timers()
    assert usernames(review_task) == ["chensx"]  # the substitute named for this leave, not the standing B post
    handover = AuditEvent.objects.get(task=review_task, action="task_reassigned")
    assert handover.before == {"candidates": ["张三"]} and handover.after["candidates"] == ["陈首席"]
    during = start_process("window_review", data={}, business_key="R-2", applicant=centre["lisi"])
    assert usernames(HumanTask.objects.get(instance=during)) == ["chensx"]
    report_back = open_task(leave)
    assert (report_back.form, usernames(report_back)) == ("report_back", ["zhangsan"])

    clock.set(datetime(2026, 12, 4, 8, 30, tzinfo=CENTRE_TZ))
    complete_task(report_back.pk, centre["zhangsan"], {"sick_certificate_supplied": False, "comment": "已返岗"})
    assert usernames(review_task) == ["zhangsan"]
    after = start_process("window_review", data={}, business_key="R-3", applicant=centre["lisi"])
    assert usernames(HumanTask.objects.get(instance=after)) == ["zhangsan"]
    leave.refresh_from_db()
    assert (leave.status, leave.instance.end_event) == (LeaveRequest.RETURNED, "leave_closed")


def test_a_missed_report_back_records_exactly_one_absence_and_notifies_the_centre_office(centre, clock, deploy_leave):
    deploy_leave("shenxian")
    leave = apply(centre["lisi"], date(2026, 12, 2), date(2026, 12, 3))
    approve_all(leave)
    clock.set(datetime(2026, 12, 4, 23, 0, tzinfo=CENTRE_TZ))  # still Friday, the next working day
    fire_due_timers()
    assert AbsenceRecord.objects.count() == 0
    clock.set(datetime(2026, 12, 5, 0, 0, 1, tzinfo=CENTRE_TZ))
    fire_due_timers()
    fire_due_timers()
    record = AbsenceRecord.objects.get()
    assert (record.official, record.day) == (centre["lisi"], date(2026, 12, 4))
    notice = open_task(leave)
    assert (notice.form, usernames(notice)) == ("acknowledge", ["admin", "zhaobgs"])
    assert HumanTask.objects.get(instance=leave.instance, form="report_back").state == HumanTask.CANCELLED
    complete_task(notice.pk, centre["zhaobgs"], {"comment": "已通报"})
    leave.refresh_from_db()
    assert (leave.status, leave.instance.end_event) == (LeaveRequest.ABSENT, "absence_recorded")
    assert AbsenceRecord.objects.count() == 1


@pytest.mark.parametrize(("supplied", "counted_as"), [(False, "事假"), (True, "病假")])
def test_sick_leave_counts_as_personal_leave_unless_a_certificate_comes_by_report_back(
    centre, clock, deploy_leave, supplied, counted_as
):
    deploy_leave("shenxian")
    sick = apply(centre["sunqi"], date(2026, 12, 1), date(2026, 12, 1), leave_type="病假")
    approve_all(sick)
    clock.set(datetime(2026, 12, 2, 8, 0, tzinfo=CENTRE_TZ))
    fire_due_timers()
    complete_task(open_task(sick).pk, centre["sunqi"], {"sick_certificate_supplied": supplied, "comment": ""})
    sick.refresh_from_db()
    assert sick.counted_as == counted_as


def test_a_rejection_ends_the_request(centre, clock, deploy_leave):
    deploy_leave("shenxian")
    leave = apply(centre["lisi"], date(2026, 12, 1), date(2026, 12, 1))
    task = open_task(leave)
    complete_task(task.pk, centre["lifzr"], {"decision": "reject", "comment": "窗口人手不足"})
    leave.refresh_from_db()
    assert (leave.status, leave.instance.end_event) == (LeaveRequest.REJECTED, "leave_rejected")
