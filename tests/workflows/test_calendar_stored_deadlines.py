"""A calendar override moves the deadlines a family's service counted and stored as data, not only timer expressions.

The appeal window (第十一条, counted by discipline.record_delivery) and the report-back deadline (counted by
leave.start) move everywhere they are kept: the record, the process variable, the timers that read it and the due
date of the task that takes it, with one audit entry per moved deadline; removing the override moves them back.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from discipline_steps import issued

from engine.clock import CENTRE_TZ
from workflows.discipline.models import Appeal
from workflows.discipline.services import LateAppeal, file_appeal
from workflows.leave.models import AbsenceRecord, LeaveRequest
from workflows.leave.services import LeaveApplication, submit_leave
from workflows.org.models import CalendarOverride
from workflows.runtime.engine_env import runner_for
from workflows.runtime.models import AuditEvent, HumanTask
from workflows.runtime.services.calendar import delete_override, save_override
from workflows.runtime.services.definitions import deploy_definition
from workflows.runtime.services.sweep import fire_due_timers
from workflows.runtime.services.transitions import complete_task


def at(day: date, hour: int = 9, minute: int = 0, second: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=CENTRE_TZ)


def close_of(day: date) -> datetime:
    return at(day, 23, 59, 59)


def variable(instance, name: str):
    """The variable as the instance's open steps see it."""
    runner = runner_for(instance.definition)
    return runner.open_data(runner.restore(instance.state))[name]


THURSDAY = date(2026, 12, 3)


@pytest.fixture
def delivered(centre, clock, deploy_discipline):
    """A 诫勉 delivered Monday 2026-11-30: the appeal window closes with the 5th working day, Monday 12-07."""
    case = issued(centre, "lisi", delivered_on=date(2026, 11, 30))
    assert case.appeal_deadline == date(2026, 12, 7)
    assert case.instance.next_timer_at == close_of(date(2026, 12, 7))
    return case


def test_a_holiday_announced_after_delivery_moves_the_appeal_window_and_back(delivered, centre, clock):
    case = delivered
    clock.set(at(date(2026, 12, 1)))
    override = CalendarOverride(day=THURSDAY, kind=CalendarOverride.HOLIDAY, note="临时放假")
    assert save_override(override, actor=centre["admin"]) == 1
    case.refresh_from_db()
    case.instance.refresh_from_db()
    assert case.appeal_deadline == date(2026, 12, 8)
    assert case.instance.next_timer_at == close_of(date(2026, 12, 8))
    assert variable(case.instance, "appeal_deadline") == close_of(date(2026, 12, 8)).isoformat()
    moved = AuditEvent.objects.get(instance=case.instance, action="deadline_moved")
    assert moved.message == "申辩期满期限由2026-12-07改为2026-12-08（日历调整：2026-12-03 放假）"
    assert moved.after == {"due": close_of(date(2026, 12, 8)).isoformat(), "element": "appeal_window_closed"}
    assert moved.actor == centre["admin"]

    assert delete_override(override, actor=centre["admin"]) == 1
    case.refresh_from_db()
    case.instance.refresh_from_db()
    assert case.appeal_deadline == date(2026, 12, 7)
    assert case.instance.next_timer_at == close_of(date(2026, 12, 7))
    assert variable(case.instance, "appeal_deadline") == close_of(date(2026, 12, 7)).isoformat()
    assert AuditEvent.objects.filter(instance=case.instance, action="deadline_moved").count() == 2


def test_an_appeal_on_the_moved_last_day_is_accepted(delivered, centre, clock):
    save_override(CalendarOverride(day=THURSDAY, kind=CalendarOverride.HOLIDAY))
    clock.set(at(date(2026, 12, 8), 16))  # the old deadline has passed; the sweep closes nothing
    fire_due_timers()
    file_appeal(delivered, centre["lisi"], "事实认定有误")
    assert Appeal.objects.get(case=delivered).received_on == date(2026, 12, 8)


def test_an_appeal_the_day_after_the_moved_deadline_is_refused(delivered, centre, clock):
    save_override(CalendarOverride(day=THURSDAY, kind=CalendarOverride.HOLIDAY))
    clock.set(at(date(2026, 12, 9)))
    with pytest.raises(LateAppeal, match="申辩期限已于2026年12月8日届满"):
        file_appeal(delivered, centre["lisi"], "事实认定有误")
    fire_due_timers()
    assert HumanTask.objects.get(instance=delivered.instance, spec_name="file_appeal").state == HumanTask.CANCELLED


def test_a_holiday_after_the_window_moves_nothing(delivered):
    assert save_override(CalendarOverride(day=date(2026, 12, 10), kind=CalendarOverride.HOLIDAY)) == 0
    delivered.refresh_from_db()
    assert delivered.appeal_deadline == date(2026, 12, 7)
    assert not AuditEvent.objects.filter(action="deadline_moved").exists()


def test_a_holiday_after_the_appeal_was_filed_leaves_the_window_and_moves_the_decision_timers(delivered, centre,
                                                                                               clock):
    clock.set(at(date(2026, 12, 1)))
    file_appeal(delivered, centre["lisi"], "事实认定有误")
    save_override(CalendarOverride(day=THURSDAY, kind=CalendarOverride.HOLIDAY))
    delivered.refresh_from_db()
    assert delivered.appeal_deadline == date(2026, 12, 7)  # the appeal was in time: its window is history
    elements = {event.after["element"] for event in
                AuditEvent.objects.filter(instance=delivered.instance, task=None, action="deadline_moved")}
    assert elements == {"appeal_decision_reminder", "appeal_decision_overdue"}


def test_an_instance_of_an_older_definition_version_moves_too(delivered, settings):
    source = (Path(settings.GOVFLOW_BPMN_DIR) / "sanction.bpmn").read_text(encoding="utf-8")
    newer = deploy_definition("sanction", {"sanction.bpmn": source.replace('name="申辩期满"', 'name="申辩期限届满"')})
    assert newer.version == delivered.instance.definition.version + 1
    assert save_override(CalendarOverride(day=THURSDAY, kind=CalendarOverride.HOLIDAY)) == 1
    delivered.refresh_from_db()
    assert delivered.appeal_deadline == date(2026, 12, 8)
    assert AuditEvent.objects.get(action="deadline_moved").message.startswith("申辩期满期限由2026-12-07改为2026-12-08")


def test_the_admin_moves_the_appeal_window(delivered, centre, client):
    user = centre["admin"].user
    user.is_staff = user.is_superuser = True
    user.save()
    client.force_login(user)
    response = client.post("/admin/org/calendaroverride/add/",
                           {"day": "2026-12-03", "kind": "holiday", "note": "临时放假"})
    assert response.status_code == 302
    delivered.refresh_from_db()
    assert delivered.appeal_deadline == date(2026, 12, 8)
    assert AuditEvent.objects.get(action="deadline_moved").actor == centre["admin"]


@pytest.fixture
def on_leave(centre, clock, deploy_leave):
    """李四 on leave Wednesday 12-02 and Thursday 12-03, approved on Monday: she reports back by Friday 12-04."""
    deploy_leave("shenxian")
    leave = submit_leave(centre["lisi"], LeaveApplication("事假", date(2026, 12, 2), "am", date(2026, 12, 3), "pm",
                                                          "家中有事", None, False))
    task = HumanTask.objects.get(instance=leave.instance, state=HumanTask.OPEN)
    complete_task(task.pk, task.candidates.first(), {"decision": "approve", "comment": "同意"})
    clock.set(at(date(2026, 12, 2)))
    fire_due_timers()
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.ACTIVE and leave.report_back_due == close_of(date(2026, 12, 4))
    return leave


def report_back_task(leave: LeaveRequest) -> HumanTask:
    return HumanTask.objects.get(instance=leave.instance, form="report_back")


def test_a_holiday_announced_during_a_leave_moves_the_report_back_deadline_and_back(on_leave, centre, clock):
    clock.set(at(date(2026, 12, 3)))
    friday = CalendarOverride(day=date(2026, 12, 4), kind=CalendarOverride.HOLIDAY, note="临时放假")
    assert save_override(friday, actor=centre["admin"]) == 3  # the 销假 task, its absence timer, its reminder
    on_leave.refresh_from_db()
    assert on_leave.report_back_due == close_of(date(2026, 12, 7))
    assert report_back_task(on_leave).due_at == close_of(date(2026, 12, 7))
    assert variable(on_leave.instance, "report_back_due") == close_of(date(2026, 12, 7)).isoformat()
    assert variable(on_leave.instance, "deadline_reminder_at") == at(date(2026, 12, 7), 8).isoformat()
    messages = set(AuditEvent.objects.filter(action="deadline_moved").values_list("message", flat=True))
    assert messages == {f"{what}期限由2026-12-04改为2026-12-07（日历调整：2026-12-04 放假）"
                        for what in ("销假", "销假期限已过", "销假期限当天")}

    assert delete_override(friday, actor=centre["admin"]) == 3
    on_leave.refresh_from_db()
    assert on_leave.report_back_due == close_of(date(2026, 12, 4))
    assert report_back_task(on_leave).due_at == close_of(date(2026, 12, 4))
    assert AuditEvent.objects.filter(action="deadline_moved").count() == 6


def test_the_absence_timer_follows_the_moved_deadline(on_leave, clock):
    save_override(CalendarOverride(day=date(2026, 12, 4), kind=CalendarOverride.HOLIDAY))
    clock.set(at(date(2026, 12, 5), 0, 0, 1))  # the old deadline has passed: no absence
    fire_due_timers()
    assert not AbsenceRecord.objects.exists()
    assert report_back_task(on_leave).state == HumanTask.OPEN
    clock.set(at(date(2026, 12, 8), 0, 0, 1))
    fire_due_timers()
    assert AbsenceRecord.objects.get().day == date(2026, 12, 7)
