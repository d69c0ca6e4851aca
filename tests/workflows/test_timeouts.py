"""Issue 10, items 9, 10 and 14: each step's timeout rule, deadline notices and the empty-approver rule.

The clock is moved and the timer sweep run (the deadline watch is part of every drain); nothing sleeps. The clock
fixture starts on Monday 2026-11-30 09:00.
"""

from __future__ import annotations

import threading
from datetime import date, datetime
from pathlib import Path

import pytest
from django.db import connection

from engine.clock import CENTRE_TZ
from workflows.org.models import CalendarOverride
from workflows.runtime.models import AuditEvent, HumanTask, Notification, ProcessInstance
from workflows.runtime.services.calendar import save_override
from workflows.runtime.services.deadlines import _apply, watch_deadlines
from workflows.runtime.services.definitions import deploy_definition
from workflows.runtime.services.instances import start_process
from workflows.runtime.services.posts import change_post
from workflows.runtime.services.sweep import drain
from workflows.runtime.services.transitions import complete_task

REVIEW = (Path(__file__).parent / "fixtures" / "window_review.bpmn").read_text(encoding="utf-8")
DUE = '<spiffworkflow:property name="due_working_days" value="2"/>'


def at(day: int, hour: int = 0, minute: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=CENTRE_TZ)


def review_with(*props: tuple[str, str], due: int = 2) -> str:
    extra = "".join(f'<spiffworkflow:property name="{n}" value="{v}"/>' for n, v in props)
    return REVIEW.replace(DUE, f'<spiffworkflow:property name="due_working_days" value="{due}"/>{extra}')


@pytest.fixture
def start(centre, clock, deploy_leave):
    """Deploy the window review with the given timeout rule and start 李四's case (she is also its initiator)."""
    deploy_leave("shenxian")  # the leave family's forms and roles are registered with the deploy vocabulary

    def start(*props: tuple[str, str], due: int = 2, number: str = "R-1") -> HumanTask:
        deploy_definition("window_review", {"window_review.bpmn": review_with(*props, due=due)})
        instance = start_process("window_review", data={}, business_key=number, applicant=centre["lisi"],
                                 started_by=centre["lisi"])
        return HumanTask.objects.get(instance=instance)

    return start


def actions(task: HumanTask, prefix: str = "task_") -> list[str]:
    return list(AuditEvent.objects.filter(task=task, action__startswith=prefix).exclude(action="task_created")
                .order_by("id").values_list("action", flat=True))


def notices(kind: str) -> list[tuple[str, str]]:
    return [(n.recipient.user.username, n.message) for n in
            Notification.objects.filter(kind=kind).select_related("recipient__user").order_by("id")]


# --- the timeout rule -----------------------------------------------------------------------------------------


def test_remind_acts_once_after_the_working_days_counted_from_when_the_task_opened(start, clock, centre):
    task = start(("timeout_working_days", "1"), ("timeout_action", "remind"))
    assert task.timeout_at == at(1, 23, 59).replace(second=59)  # the close of Tuesday, the next working day
    assert (task.timeout_action, task.timeout_working_days) == ("remind", 1)
    clock.set(at(1, 23, 59))
    drain()
    assert actions(task) == []
    clock.set(at(2, 0, 1))
    assert drain().deadlines.timeouts == 1
    assert drain().deadlines.timeouts == 0  # a second sweep finds nothing: the marker is set
    task.refresh_from_db()
    assert task.state == HumanTask.OPEN and task.timeout_done_at == at(2, 0, 1)
    assert actions(task) == ["task_timeout_reminded"]
    assert notices(Notification.TIMEOUT) == [("zhangsan", "待办已超时：窗口负责人审核（R-1），请尽快办理")]


def test_a_timeout_over_a_weekend_counts_working_days_only(start, clock):
    clock.set(at(4, 9))  # Friday
    task = start(("timeout_working_days", "1"), ("timeout_action", "remind"))
    assert task.timeout_at.astimezone(CENTRE_TZ).date() == date(2026, 12, 7)  # Monday
    clock.set(at(6, 23))  # Sunday night
    assert drain().deadlines.timeouts == 0
    clock.set(at(8, 0, 5))
    assert drain().deadlines.timeouts == 1


def test_a_calendar_override_moves_the_timeout_and_it_acts_on_the_new_day(start, clock, centre):
    task = start(("timeout_working_days", "1"), ("timeout_action", "remind"))
    save_override(CalendarOverride(day=date(2026, 12, 1), kind=CalendarOverride.HOLIDAY, note="临时放假"),
                  actor=centre["admin"])
    task.refresh_from_db()
    assert task.timeout_at.astimezone(CENTRE_TZ).date() == date(2026, 12, 2)
    moved = AuditEvent.objects.get(task=task, action="deadline_moved", message__startswith="窗口负责人审核超时处理")
    assert moved.message == "窗口负责人审核超时处理期限由2026-12-01改为2026-12-02（日历调整：2026-12-01 放假）"
    clock.set(at(2, 0, 1))
    assert drain().deadlines.timeouts == 0  # the old day passed: nothing happens
    clock.set(at(3, 0, 1))
    assert drain().deadlines.timeouts == 1


@pytest.mark.parametrize(("action", "decision", "comment"), [("approve", "approve", "超时自动同意"),
                                                             ("reject", "reject", "超时自动不同意")])
def test_approve_or_reject_completes_the_task_as_the_system(start, clock, action, decision, comment):
    task = start(("timeout_working_days", "0"), ("timeout_action", action))
    clock.set(at(1, 0, 1))
    assert drain().deadlines.timeouts == 1
    task.refresh_from_db()
    assert (task.state, task.outcome, task.completed_by, task.completed_at) == (
        HumanTask.COMPLETED, decision, None, at(1, 0, 1))
    instance = ProcessInstance.objects.get(pk=task.instance_id)
    assert instance.status == ProcessInstance.COMPLETED
    event = AuditEvent.objects.get(task=task, action=f"task_timeout_{action}d" if action == "approve"
                                   else "task_timeout_rejected")
    assert event.actor is None and event.after == {"decision": decision, "comment": comment}
    assert drain().deadlines.timeouts == 0


def test_escalate_moves_the_task_to_the_role_flagged_and_tells_the_new_holder(start, clock, centre):
    task = start(("timeout_working_days", "1"), ("timeout_action", "escalate"), ("escalate_role", "centre_director"))
    assert (task.escalate_role, task.escalate_scope) == ("centre_director", "centre")
    clock.set(at(2, 0, 1))
    assert drain().deadlines.timeouts == 1
    task.refresh_from_db()
    assert task.assignee == centre["wangzr"] and list(task.candidates.all()) == [centre["wangzr"]]
    assert (task.held_by, task.escalated, task.role) == (HumanTask.BY_TIMEOUT, True, "centre_director")
    assert task.assignment_note == "超时未办理，已升级至中心主任"
    event = AuditEvent.objects.get(task=task, action="task_timeout_escalated")
    assert event.before == {"candidates": ["张三"]} and event.after["candidates"] == ["王建国"]
    assert notices(Notification.TIMEOUT) == [("wangzr", "超时升级待办：窗口负责人审核（R-1），请尽快办理")]
    complete_task(task.pk, centre["wangzr"], {"decision": "approve", "comment": "同意"})  # the new holder acts
    assert drain().deadlines.timeouts == 0


def test_a_timeout_already_applied_by_another_sweeper_is_not_applied_again(start, clock):
    task = start(("timeout_working_days", "0"), ("timeout_action", "remind"))
    clock.set(at(1, 0, 1))
    assert _apply(task.pk, task.instance_id, "remind") is True
    assert _apply(task.pk, task.instance_id, "remind") is False  # listed before the first committed: re-read, skipped
    assert actions(task) == ["task_timeout_reminded"]


def test_a_task_completed_in_time_is_left_alone(start, clock, centre):
    task = start(("timeout_working_days", "1"), ("timeout_action", "reject"))
    complete_task(task.pk, centre["zhangsan"], {"decision": "approve", "comment": "同意"})
    clock.set(at(9))
    assert not watch_deadlines()


# --- deadline notices -----------------------------------------------------------------------------------------


def test_due_soon_and_overdue_notices_go_out_once_each(start, clock, centre):
    task = start(due=5)  # due at the close of Monday 12-07; two working days left once Thursday 12-03 has closed
    assert task.due_soon_at == at(3, 23, 59).replace(second=59)
    clock.set(at(3, 23))
    assert not watch_deadlines()
    clock.set(at(4, 8))
    assert watch_deadlines().due_soon == 1
    assert not watch_deadlines()
    assert notices(Notification.DUE_SOON) == [
        ("zhangsan", "待办即将到期：窗口负责人审核（R-1），请于2026-12-07 23:59前办理")]
    clock.set(at(8, 0, 1))
    assert drain().deadlines.overdue == 1
    assert drain().deadlines.overdue == 0
    assert notices(Notification.OVERDUE) == [
        ("zhangsan", "待办已逾期：窗口负责人审核（R-1），期限2026-12-07 23:59"),
        ("lisi", "您发起的R-1中“窗口负责人审核”已逾期（期限2026-12-07 23:59）"),
    ]
    assert actions(task) == ["task_due_soon", "task_overdue"]


def test_a_task_that_opens_inside_the_warning_window_gets_no_due_soon_notice(start, clock):
    task = start(due=2)  # due Wednesday: two working days are left when its first day closes; its new-task notice
    assert task.due_soon_at is None  # was the warning
    clock.set(at(2, 12))
    assert not watch_deadlines()


def test_a_pooled_task_warns_every_candidate(start, clock, centre):
    task = start(due=5)
    HumanTask.objects.filter(pk=task.pk).update(assignee=None)
    task.candidates.add(centre["wangwu"])
    clock.set(at(4, 8))
    assert watch_deadlines().due_soon == 1
    assert [who for who, _ in notices(Notification.DUE_SOON)] == ["zhangsan", "wangwu"]


# --- the empty-approver rule -----------------------------------------------------------------------------------


def test_a_step_whose_post_is_vacant_goes_to_the_centre_office_flagged_and_audited(start, centre):
    zhangsan = centre["zhangsan"]
    change_post(zhangsan, roles=["window_staff"], department=zhangsan.department, window=zhangsan.window,
                actor=centre["admin"])
    task = start()
    assert task.escalated and task.assignment_note == "岗位空缺（窗口负责人），已转中心办公室"
    assert set(task.candidates.all()) == {centre["zhaobgs"], centre["admin"]}
    event = AuditEvent.objects.get(task=task, action="task_vacant_escalated")
    assert event.message == "岗位空缺（窗口负责人），已转中心办公室"
    assert event.after["vacant"] == ["window_head（applicant.window）"]
    assert ProcessInstance.objects.get(pk=task.instance_id).status == ProcessInstance.RUNNING


def test_a_step_with_its_own_reminder_timers_gets_no_deadline_notices(start, clock):
    task = start(("deadline_notices", "false"), due=5)
    assert task.due_soon_at is None and not task.deadline_notices
    clock.set(at(9))
    assert not watch_deadlines()


@pytest.mark.django_db(transaction=True)
def test_two_watchers_at_once_apply_each_timeout_and_send_each_notice_exactly_once(start, clock):
    tasks = [start(("timeout_working_days", "1"), ("timeout_action", "remind"), due=5, number=f"R-{i}")
             for i in range(12)]
    clock.set(at(8, 0, 1))  # every reminder, due-soon warning and overdue notice is due
    results: list = []
    errors: list[BaseException] = []
    go = threading.Barrier(2)

    def watcher() -> None:
        try:
            go.wait(10)
            results.append(watch_deadlines(batch_size=3))
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=watcher) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors
    assert sum(r.timeouts for r in results) == 12 and sum(r.overdue for r in results) == 12
    for task in tasks:
        assert actions(task) == ["task_overdue", "task_timeout_reminded"]  # overdue before any warning: no due-soon
        assert Notification.objects.filter(task=task, kind=Notification.TIMEOUT).count() == 1
        assert Notification.objects.filter(task=task, kind=Notification.OVERDUE).count() == 2  # holder, initiator
