"""Leave records that hold up in a dispute, at the service level: which dates and lengths are accepted, half-day
overlaps, the report-back deadline and its reminders, substitutes, and case numbers.

The clock stands at Monday 2026-11-30 09:00 (Asia/Shanghai) unless a test moves it.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from engine.clock import CENTRE_TZ
from workflows.leave.forms import LeaveRequestForm
from workflows.leave.models import AbsenceRecord, LeaveRequest
from workflows.leave.services import LeaveApplication, LeaveRefused, submit_leave
from workflows.runtime.models import AuditEvent, HumanTask, Notification, ProcessInstance
from workflows.runtime.services.sweep import fire_due_timers
from workflows.runtime.services.transitions import complete_task


def apply(official, first: date, last: date, leave_type: str = "事假", first_half: str = "am",
          last_half: str = "pm", substitute=None) -> LeaveRequest:
    return submit_leave(official, LeaveApplication(leave_type, first, first_half, last, last_half, "家中有事",
                                                   substitute))


def open_task(request: LeaveRequest) -> HumanTask:
    return HumanTask.objects.get(instance=request.instance, state=HumanTask.OPEN)


def approve_all(request: LeaveRequest) -> None:
    while (task := HumanTask.objects.filter(instance=request.instance, state=HumanTask.OPEN,
                                            form__in=["approval", "confirm_substitute"]).first()):
        data = ({"decision": "approve", "comment": "同意"} if task.form == "approval"
                else {"confirmed": True, "substitute_id": request.proposed_substitute_id, "comment": ""})
        complete_task(task.pk, task.candidates.first(), data)


def refused(official, *args, **kwargs) -> LeaveRefused:
    """Filing is refused and leaves nothing behind (no request, no process instance)."""
    before = (LeaveRequest.objects.count(), ProcessInstance.objects.count())
    with pytest.raises(LeaveRefused) as caught:
        apply(official, *args, **kwargs)
    assert (LeaveRequest.objects.count(), ProcessInstance.objects.count()) == before
    return caught.value


def messages_to(official) -> list[str]:
    """The leave's own notices (a new task's notification is the inbox's, not the leave's)."""
    return list(Notification.objects.filter(recipient=official).exclude(kind=Notification.TASK)
                .order_by("created_at", "pk")
                .values_list("message", flat=True))


# --- dates ------------------------------------------------------------------------------------------------------

def test_a_leave_whose_days_have_passed_is_refused_with_a_message(centre, clock, deploy_leave):
    deploy_leave("shenxian")
    error = refused(centre["lisi"], date(2026, 11, 27), date(2026, 11, 27))
    assert error.field == "first_day"
    assert "2026-11-27 已过" in str(error) and "只有病假可以事后补办" in str(error)
    assert ProcessInstance.objects.count() == 0


def test_sick_leave_filed_afterwards_gives_a_working_day_to_report_back_from_its_approval(centre, clock, deploy_leave):
    deploy_leave("shenxian")
    lisi = centre["lisi"]
    sick = apply(lisi, date(2026, 11, 26), date(2026, 11, 27), leave_type="病假")  # Thu–Fri, filed Monday
    approve_all(sick)  # approved Monday 30 November, after the leave
    sick.refresh_from_db()
    due = datetime(2026, 12, 1, 23, 59, 59, tzinfo=CENTRE_TZ)  # the close of Tuesday, not of Monday 30th
    assert sick.status == LeaveRequest.ACTIVE and sick.report_back_due == due
    report = open_task(sick)
    assert (report.form, report.due_at) == ("report_back", due)
    assert "已于 2026-11-27 23:59 结束" in messages_to(lisi)[0]  # the leave is long over: told at once

    clock.set(datetime(2026, 12, 1, 23, 59, tzinfo=CENTRE_TZ))
    fire_due_timers()
    assert not AbsenceRecord.objects.exists()
    clock.set(datetime(2026, 12, 2, 0, 0, 1, tzinfo=CENTRE_TZ))
    fire_due_timers()
    assert AbsenceRecord.objects.get().day == date(2026, 12, 1)  # never 30 November or earlier


def test_sick_leave_can_be_filed_afterwards_only_within_30_days(centre, clock, deploy_leave):
    deploy_leave("shenxian")
    error = refused(centre["lisi"], date(2026, 10, 30), date(2026, 10, 30), leave_type="病假")
    assert "30 天以内" in str(error) and "2026-10-31 及以后" in str(error)
    assert apply(centre["lisi"], date(2026, 11, 2), date(2026, 11, 2), leave_type="病假").status == "pending"


@pytest.mark.parametrize(("first", "last", "field"), [
    (date(2027, 12, 1), date(2027, 12, 1), "first_day"),
    (date(2026, 12, 1), date(9999, 12, 31), "last_day"),
])
def test_dates_more_than_a_year_ahead_are_refused_naming_the_bound(centre, clock, deploy_leave, first, last, field):
    deploy_leave("shenxian")
    error = refused(centre["lisi"], first, last)
    assert error.field == field and "一年以内（2027-11-30 及以前）" in str(error)


# --- lengths ----------------------------------------------------------------------------------------------------

def test_a_leave_longer_than_its_type_allows_is_refused_naming_the_maximum(centre, clock, deploy_leave):
    deploy_leave("shenxian")
    error = refused(centre["lisi"], date(2026, 12, 1), date(2026, 12, 18), leave_type="婚假")  # 18 calendar days
    assert error.field == "last_day"
    assert "婚假单次最长 17 天（含公休日和法定节假日），本次申请 18 天" in str(error)
    assert "002 2.3.1–2.3.2" in str(error)
    assert apply(centre["lisi"], date(2026, 12, 1), date(2026, 12, 17), leave_type="婚假").days == 13


def test_a_type_without_a_seed_maximum_is_bounded_only_by_the_year(centre, clock, deploy_leave):
    deploy_leave("shenxian")
    long_leave = apply(centre["lisi"], date(2026, 12, 1), date(2027, 3, 31), leave_type="病假")
    assert long_leave.days > 60


# --- half days --------------------------------------------------------------------------------------------------

def test_a_colleagues_afternoon_and_ones_own_morning_do_not_collide(centre, clock, deploy_leave):
    deploy_leave("shenxian")
    apply(centre["zhangsan"], date(2026, 12, 1), date(2026, 12, 2), first_half="pm")
    morning = apply(centre["lisi"], date(2026, 12, 1), date(2026, 12, 1), last_half="am")
    assert morning.days == 0.5

    error = refused(centre["chensx"], date(2026, 12, 2), date(2026, 12, 2), first_half="am", last_half="am")
    assert "张三已请假（2026-12-01 下午至2026-12-02 下午）" in str(error)
    assert "本次请假（2026-12-02 上午）" in str(error) and "不允许同时请假" in str(error)


def test_ones_own_leaves_collide_only_on_a_shared_half_day(centre, clock, deploy_leave):
    deploy_leave("shenxian")
    first = apply(centre["lisi"], date(2026, 12, 1), date(2026, 12, 1), last_half="am")
    apply(centre["lisi"], date(2026, 12, 1), date(2026, 12, 1), first_half="pm")
    error = refused(centre["lisi"], date(2026, 12, 1), date(2026, 12, 1), first_half="pm", last_half="pm")
    assert f"与您已有的请假（QJ2026-{first.pk + 1:05d}，2026-12-01 下午）重叠" in str(error)
    assert error.field == "first_day"


# --- the report-back deadline -----------------------------------------------------------------------------------

def test_report_back_task_is_due_at_the_deadline_with_reminders_and_the_absence_after_it(centre, clock, deploy_leave):
    deploy_leave("shenxian")
    lisi = centre["lisi"]
    leave = apply(lisi, date(2026, 12, 2), date(2026, 12, 3))
    approve_all(leave)
    clock.set(datetime(2026, 12, 2, 8, 0, tzinfo=CENTRE_TZ))
    fire_due_timers()
    report = open_task(leave)
    assert report.form == "report_back"
    assert report.due_at == datetime(2026, 12, 4, 23, 59, 59, tzinfo=CENTRE_TZ)  # the next working day, Friday
    assert messages_to(lisi) == []

    clock.set(datetime(2026, 12, 3, 23, 59, 59, tzinfo=CENTRE_TZ))  # the leave is over
    fire_due_timers()
    assert messages_to(lisi) == [
        f"您的请假 {leave.case_number} 已于 2026-12-03 23:59 结束，请在 2026-12-04 23:59 前销假，逾期按旷工处理。"]
    clock.set(datetime(2026, 12, 4, 8, 0, tzinfo=CENTRE_TZ))  # the deadline day
    fire_due_timers()
    assert messages_to(lisi)[1].startswith(f"今天是您的请假 {leave.case_number} 的销假期限（2026-12-04 23:59 截止）")
    report.refresh_from_db()
    assert report.state == HumanTask.OPEN  # reminders do not close 销假
    assert AuditEvent.objects.filter(instance=leave.instance, action="leave_report_back_reminded").count() == 2

    clock.set(datetime(2026, 12, 4, 23, 59, 58, tzinfo=CENTRE_TZ))
    fire_due_timers()
    assert not AbsenceRecord.objects.exists()
    clock.set(datetime(2026, 12, 5, 0, 0, tzinfo=CENTRE_TZ))
    fire_due_timers()
    assert AbsenceRecord.objects.get().day == date(2026, 12, 4)


def test_a_leave_begun_before_the_deadline_was_recorded_dates_its_absence_the_old_way(centre, clock, deploy_leave):
    deploy_leave("shenxian")
    leave = apply(centre["lisi"], date(2026, 12, 2), date(2026, 12, 3))
    approve_all(leave)
    clock.set(datetime(2026, 12, 2, 8, 0, tzinfo=CENTRE_TZ))
    fire_due_timers()
    LeaveRequest.objects.filter(pk=leave.pk).update(report_back_due=None)  # as rows from before migration 0002
    clock.set(datetime(2026, 12, 5, 0, 0, tzinfo=CENTRE_TZ))
    fire_due_timers()
    assert AbsenceRecord.objects.get().day == date(2026, 12, 4)


def test_reporting_back_in_time_ends_the_leave_without_an_absence(centre, clock, deploy_leave):
    deploy_leave("shenxian")
    leave = apply(centre["lisi"], date(2026, 12, 1), date(2026, 12, 1))
    approve_all(leave)
    clock.set(datetime(2026, 12, 2, 8, 30, tzinfo=CENTRE_TZ))
    fire_due_timers()
    complete_task(open_task(leave).pk, centre["lisi"], {"sick_certificate_supplied": False, "comment": "已返岗"})
    leave.refresh_from_db()
    assert (leave.status, leave.instance.end_event) == (LeaveRequest.RETURNED, "leave_closed")
    clock.set(datetime(2026, 12, 9, 9, 0, tzinfo=CENTRE_TZ))
    assert fire_due_timers() == 0 and not AbsenceRecord.objects.exists()


# --- substitutes ------------------------------------------------------------------------------------------------

def test_substitutes_are_offered_from_the_applicants_window_under_shenxian_rules(centre, clock, deploy_leave):
    deploy_leave("shenxian")
    form = LeaveRequestForm(applicant=centre["lisi"])
    assert set(form.fields["proposed_substitute"].queryset) == {centre["zhangsan"], centre["chensx"]}
    error = refused(centre["lisi"], date(2026, 12, 1), date(2026, 12, 1), substitute=centre["wangwu"])
    assert error.field == "proposed_substitute" and "王五不能顶岗" in str(error)


def test_the_department_pool_when_the_rule_set_says_so(centre, clock, deploy_leave):
    deploy_leave("nileke")  # 003 二（三）: the home department sends the substitute
    department = set(centre["lisi"].department.officials.filter(active=True)) - {centre["lisi"]}
    form = LeaveRequestForm(applicant=centre["lisi"])
    assert set(form.fields["proposed_substitute"].queryset) == department and centre["wangwu"] in department
    assert apply(centre["lisi"], date(2026, 12, 1), date(2026, 12, 1), substitute=centre["wangwu"]).pk


def test_an_approver_of_the_request_cannot_be_its_substitute(centre, clock, deploy_leave):
    deploy_leave("shenxian")  # half a day: the window head approves
    error = refused(centre["lisi"], date(2026, 12, 1), date(2026, 12, 1), last_half="am",
                    substitute=centre["zhangsan"])
    assert "张三是本次请假的审批人" in str(error)
    assert ProcessInstance.objects.count() == 0 and LeaveRequest.objects.count() == 0
    leave = apply(centre["lisi"], date(2026, 12, 1), date(2026, 12, 1), last_half="am", substitute=centre["chensx"])
    assert leave.approver_ids == [centre["zhangsan"].pk]


def test_a_confirmer_can_answer_no_without_naming_anyone_and_the_applicant_gets_the_reason(
    centre, clock, deploy_leave
):
    deploy_leave("shenxian")  # three days: the window head fixes the substitute first
    leave = apply(centre["lisi"], date(2026, 12, 1), date(2026, 12, 3), substitute=centre["chensx"])
    confirm = open_task(leave)
    assert confirm.form == "confirm_substitute"
    complete_task(confirm.pk, centre["zhangsan"], {"confirmed": False, "substitute_id": None,
                                                   "comment": "陈首席当周外出培训"})
    leave.refresh_from_db()
    assert (leave.status, leave.instance.end_event) == (LeaveRequest.SENT_BACK, "leave_sent_back")
    assert leave.sent_back_reason == "陈首席当周外出培训"
    assert messages_to(centre["lisi"]) == [
        f"您的请假 {leave.case_number} 顶岗人员未落实，已退回：陈首席当周外出培训。可重新安排顶岗后再次申请。"]
    assert AuditEvent.objects.filter(instance=leave.instance, action="leave_sent_back").exists()
    again = apply(centre["lisi"], date(2026, 12, 1), date(2026, 12, 3), substitute=centre["zhangsan"])
    assert again.status == LeaveRequest.PENDING  # a request sent back does not block the same days


# --- case numbers -----------------------------------------------------------------------------------------------

def test_case_numbers_take_their_year_in_the_centres_time_zone(centre, clock, deploy_leave):
    deploy_leave("shenxian")
    clock.set(datetime(2026, 1, 1, 3, 0, tzinfo=CENTRE_TZ))  # still 2025 in UTC
    leave = apply(centre["lisi"], date(2026, 1, 5), date(2026, 1, 5))
    read_back = LeaveRequest.objects.get(pk=leave.pk)
    assert read_back.case_number == leave.case_number == f"QJ2026-{leave.pk:05d}"
    assert read_back.instance.business_key == read_back.case_number
