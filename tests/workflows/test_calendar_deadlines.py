"""Calendar overrides entered later move the open deadlines counted from the calendar (issue item 3).

Task due dates and pending timers move, one audit entry per moved deadline; the admin routes saves and
deletes through the service, and an override contradicting the statutory calendar needs a confirmation.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from engine.calendar import statutory_conflict
from engine.clock import CENTRE_TZ
from workflows.org.models import CalendarOverride
from workflows.runtime.models import AuditEvent, HumanTask, ProcessInstance
from workflows.runtime.services.calendar import delete_override, save_override
from workflows.runtime.services.definitions import deploy_definition, deploy_from_files
from workflows.runtime.services.instances import start_process
from workflows.runtime.services.sweep import fire_due_timers
from workflows.runtime.services.transitions import complete_task

ENGINE_FIXTURES = Path(__file__).resolve().parent.parent / "engine" / "fixtures"
WORKFLOW_FIXTURES = Path(__file__).parent / "fixtures"


def close_of(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=CENTRE_TZ)


@pytest.fixture
def review(centre, clock):
    """A window-head review started Monday 2026-11-30, due the close of the 2nd working day (Wed 12-02)."""
    deploy_from_files("window_review", [WORKFLOW_FIXTURES / "window_review.bpmn"])
    instance = start_process("window_review", data={"note": "交接"}, business_key="SH-1", applicant=centre["lisi"],
                             started_by=centre["lisi"])
    return HumanTask.objects.get(instance=instance)


def test_a_holiday_entered_later_moves_the_task_due_date_and_back_when_removed(review, centre):
    assert review.due_at == close_of(date(2026, 12, 2)) and review.due_working_days == 2
    override = CalendarOverride(day=date(2026, 12, 1), kind=CalendarOverride.HOLIDAY, note="临时放假")
    assert save_override(override, actor=centre["admin"]) == 1
    review.refresh_from_db()
    assert review.due_at == close_of(date(2026, 12, 3))
    moved = AuditEvent.objects.get(task=review, action="deadline_moved")
    assert (moved.before["due"], moved.after["due"]) == (close_of(date(2026, 12, 2)).isoformat(),
                                                        close_of(date(2026, 12, 3)).isoformat())
    assert moved.actor == centre["admin"]
    assert moved.message == "窗口负责人审核期限由2026-12-02改为2026-12-03（日历调整：2026-12-01 放假）"
    assert delete_override(override, actor=centre["admin"]) == 1
    review.refresh_from_db()
    assert review.due_at == close_of(date(2026, 12, 2))
    assert AuditEvent.objects.filter(task=review, action="deadline_moved").count() == 2


def test_an_override_outside_the_deadline_moves_nothing(review, centre):
    assert save_override(CalendarOverride(day=date(2026, 12, 10), kind=CalendarOverride.HOLIDAY)) == 0
    assert not AuditEvent.objects.filter(action="deadline_moved").exists()
    assert AuditEvent.objects.filter(action="calendar_override_saved").count() == 1


@pytest.fixture
def waiting(centre, clock):
    """two_step: received on Monday 11-30, then a timer waits five working days (close of Mon 12-07)."""
    source = (ENGINE_FIXTURES / "two_step.bpmn").read_text(encoding="utf-8")  # its engine-test form key is no app's
    deploy_definition("two_step", {"two_step.bpmn": source.replace('value="receipt"', 'value="acknowledge"')})
    instance = start_process("two_step", data={"received_on": "2026-11-30"}, business_key="T-1",
                             applicant=centre["lisi"], started_by=centre["lisi"])
    complete_task(HumanTask.objects.get(instance=instance).pk, centre["zhangsan"], {})
    instance.refresh_from_db()
    assert instance.next_timer_at == close_of(date(2026, 12, 7))
    return instance


def test_a_holiday_entered_later_moves_a_pending_timer_and_the_sweep_follows_it(waiting, centre, clock):
    revision = waiting.revision
    assert save_override(CalendarOverride(day=date(2026, 12, 3), kind=CalendarOverride.HOLIDAY), centre["admin"]) == 1
    waiting.refresh_from_db()
    assert waiting.next_timer_at == close_of(date(2026, 12, 8)) and waiting.revision == revision + 1
    moved = AuditEvent.objects.get(instance=waiting, action="deadline_moved")
    assert moved.before == {"due": close_of(date(2026, 12, 7)).isoformat(), "element": "wait_five_days"}
    assert moved.after == {"due": close_of(date(2026, 12, 8)).isoformat(), "element": "wait_five_days"}
    assert moved.message == "等待五个工作日期限由2026-12-07改为2026-12-08（日历调整：2026-12-03 放假）"
    clock.set(close_of(date(2026, 12, 7)) + timedelta(minutes=1))
    assert fire_due_timers() == 0  # the old deadline has passed: nothing fires
    clock.set(close_of(date(2026, 12, 8)) + timedelta(minutes=1))
    assert fire_due_timers() == 1
    assert HumanTask.objects.filter(instance=waiting, spec_name="approve", state=HumanTask.OPEN).exists()


def test_a_make_up_working_day_brings_a_timer_forward(waiting, centre):
    saturday = date(2026, 12, 5)
    assert save_override(CalendarOverride(day=saturday, kind=CalendarOverride.WORKING_DAY)) == 1
    waiting.refresh_from_db()
    assert waiting.next_timer_at == close_of(saturday)


def test_an_unchanged_instance_is_not_rewritten(waiting):
    revision = waiting.revision
    save_override(CalendarOverride(day=date(2026, 12, 20), kind=CalendarOverride.WORKING_DAY))
    waiting.refresh_from_db()
    assert waiting.revision == revision
    assert ProcessInstance.objects.get(pk=waiting.pk).next_timer_at == close_of(date(2026, 12, 7))


# --- statutory calendar and the admin ----------------------------------------------------------------


def test_statutory_conflicts():
    assert "国庆节" in statutory_conflict(date(2026, 10, 1), working=True)
    assert "调休" in statutory_conflict(date(2026, 10, 10), working=False)
    assert statutory_conflict(date(2026, 10, 1), working=False) is None  # it is a holiday already
    assert statutory_conflict(date(2026, 12, 5), working=True) is None  # an ordinary Saturday made a working day
    assert statutory_conflict(date(2026, 12, 3), working=False) is None  # an ordinary weekday made a holiday


@pytest.fixture
def admin_client(centre, client):
    user = centre["admin"].user
    user.is_staff = user.is_superuser = True
    user.save()
    client.force_login(user)
    return client


ADD = "/admin/org/calendaroverride/add/"


@pytest.mark.parametrize(("day", "kind"), [("2026-10-01", "working_day"), ("2026-10-10", "holiday")])
def test_the_admin_asks_for_confirmation_before_overruling_the_statutory_calendar(admin_client, day, kind):
    response = admin_client.post(ADD, {"day": day, "kind": kind, "note": "县里通知"})
    assert response.status_code == 200
    assert "确认改变法定安排" in response.content.decode()
    assert not CalendarOverride.objects.exists()
    response = admin_client.post(ADD, {"day": day, "kind": kind, "note": "县里通知", "confirm_statutory": "on"})
    assert response.status_code == 302
    assert CalendarOverride.objects.get().day.isoformat() == day


def test_the_admin_saves_and_deletes_through_the_service(admin_client, review, centre):
    response = admin_client.post(ADD, {"day": "2026-12-01", "kind": "holiday", "note": "临时放假"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.due_at == close_of(date(2026, 12, 3))
    assert AuditEvent.objects.get(action="deadline_moved").actor == centre["admin"]
    override = CalendarOverride.objects.get()
    response = admin_client.post(f"/admin/org/calendaroverride/{override.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.due_at == close_of(date(2026, 12, 2))
    assert AuditEvent.objects.filter(action="calendar_override_deleted", actor=centre["admin"]).count() == 1
