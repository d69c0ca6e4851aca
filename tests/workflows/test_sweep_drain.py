"""The sweep drains everything due: batch after batch, under a time budget, each instance fired exactly once."""

from __future__ import annotations

import functools
import threading

import pytest
from django.db import DatabaseError, connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from tests.workflows.test_timer_sweep import TIMER_BPMN
from workflows.runtime.models import AuditEvent, HumanTask, ProcessInstance
from workflows.runtime.services import sweep
from workflows.runtime.services.definitions import deploy_definition
from workflows.runtime.services.instances import start_process
from workflows.runtime.services.sweep import drain, fire_due_timers
from workflows.runtime.timer_runner import EmbeddedTimerRunner

WAIT_THEN_TASK = TIMER_BPMN.replace("wait_two_working_days", "wait_then_approve").replace(
    'targetRef="waited"/>', 'targetRef="approve"/>').replace(
    '<bpmn:endEvent id="waited"><bpmn:incoming>to_end</bpmn:incoming></bpmn:endEvent>',
    """<bpmn:userTask id="approve" name="中心主任审批">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="role" value="centre_director"/>
        <spiffworkflow:property name="form" value="approval"/>
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>to_end</bpmn:incoming>
    </bpmn:userTask>""").replace(
    'id="wait_defs"', 'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="wait_defs"')


def _waiting(count: int) -> list[int]:
    """`count` instances waiting on the same timer: one started for real, the others copies of its row."""
    deploy_definition("wait_two_working_days", {"wait.bpmn": TIMER_BPMN})
    first = start_process("wait_two_working_days", data={}, business_key="W-0")
    copies = ProcessInstance.objects.bulk_create(
        ProcessInstance(definition_id=first.definition_id, business_key=f"W-{n}", state=first.state,
                        next_timer_at=first.next_timer_at, started_at=first.started_at)
        for n in range(1, count)
    )
    return [first.pk, *(c.pk for c in copies)]


def _fired_once_each(ids: list[int]) -> None:
    fired = dict(AuditEvent.objects.filter(action="timers_fired", instance__in=ids).values("instance_id")
                 .annotate(n=Count("id")).values_list("instance_id", "n"))
    assert fired == dict.fromkeys(ids, 1)
    assert set(ProcessInstance.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"completed"}


def test_one_sweep_drains_more_than_a_batch_and_more_than_the_old_ceiling(db, clock):
    ids = _waiting(230)
    clock.advance(days=3)
    assert fire_due_timers(batch_size=40) == 230
    _fired_once_each(ids)
    assert fire_due_timers() == 0


def test_the_batch_budget_commits_early_and_the_drain_goes_on(db, clock):
    ids = _waiting(5)
    clock.advance(days=3)
    assert fire_due_timers(batch_size=5, batch_seconds=0) == 5  # one instance per batch, still all of them
    _fired_once_each(ids)


def test_a_drain_out_of_time_says_work_is_still_due(db, clock):
    _waiting(3)
    clock.advance(days=3)
    result = drain(batch_size=1, total_seconds=0)
    assert (result.fired, result.more_due) == (1, True)
    assert drain().fired == 2


@pytest.mark.parametrize("count", [3, 40])
def test_a_batch_of_plain_fires_costs_the_same_statements_whatever_its_size(db, clock, count):
    _waiting(count)
    clock.advance(days=3)
    with CaptureQueriesContext(connection) as queries:
        assert fire_due_timers(batch_size=50) == count
    # one look for due start schedules (none), then the batch: its transaction, the claim, the definitions, the
    # open tasks, and in a savepoint one UPDATE of every state and one INSERT of every audit row (no savepoint per
    # engine run: the process calls no service; the calendar is read only by a write that counts a working day)
    # and the idle deadline watch's three looks (due soon, overdue, timeout: services.deadlines)
    assert len(queries) == 13


def test_a_timer_that_opens_a_task_gets_its_task_row_in_the_same_batch_as_plain_ones(centre, clock):
    ids = _waiting(3)
    deploy_definition("wait_then_approve", {"approve.bpmn": WAIT_THEN_TASK})
    lisi = centre["lisi"]
    with_task = start_process("wait_then_approve", data={}, business_key="A-1", applicant=lisi, started_by=lisi)
    clock.advance(days=3)
    assert fire_due_timers() == 4
    _fired_once_each(ids)
    task = HumanTask.objects.get(instance=with_task)
    assert (task.state, task.spec_name, task.candidates.exists()) == ("open", "approve", True)
    assert AuditEvent.objects.filter(instance=with_task, action="timers_fired").count() == 1


def test_a_failed_batch_write_falls_back_to_one_write_per_instance(db, clock, monkeypatch):
    ids = _waiting(6)
    clock.advance(days=3)

    def refuse(*args, **kwargs):
        raise DatabaseError("the batch UPDATE was refused")

    monkeypatch.setattr(sweep, "_update_rows", refuse)
    assert fire_due_timers() == 6
    _fired_once_each(ids)


@pytest.mark.django_db(transaction=True)  # the runner closes stale connections, as its own thread must
def test_the_embedded_runner_drains_all_due_work_in_one_pass(clock):
    ids = _waiting(210)
    clock.advance(days=3)
    assert EmbeddedTimerRunner().sweep() == 210
    _fired_once_each(ids)


def test_the_celery_task_drains_a_backlog(db, clock, monkeypatch):
    from webapp.celery import app
    from workflows.runtime.tasks import fire_due_timers as sweep_task

    monkeypatch.setitem(app.conf, "task_always_eager", True)  # the helper it sends runs here, not on a broker
    ids = _waiting(sweep.BATCH_SIZE + 1)  # more than one batch: the task asks for a helper, which drains it all
    clock.advance(days=3)
    assert sweep_task.delay().get() == 0  # the helper ran first (eagerly) and left nothing for it
    _fired_once_each(ids)


def test_a_celery_sweep_out_of_time_sends_itself_again_until_nothing_is_due(db, clock, monkeypatch):
    from webapp.celery import app
    from workflows.runtime import tasks

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    monkeypatch.setattr(tasks, "SWEEP_SECONDS", 0)  # every round stops after one batch
    ids = _waiting(5)
    clock.advance(days=3)
    monkeypatch.setattr(sweep, "drain", functools.partial(sweep.drain, batch_size=2))
    assert tasks.fire_due_timers.delay().get() == 2  # its own round; the rounds it sent fired the other three
    _fired_once_each(ids)


@pytest.mark.django_db(transaction=True)
def test_two_sweepers_at_once_fire_each_instance_exactly_once(clock):
    ids = _waiting(120)
    clock.advance(days=3)
    counts: list[int] = []
    errors: list[BaseException] = []
    go = threading.Barrier(2)

    def sweeper() -> None:
        try:
            go.wait(10)
            counts.append(fire_due_timers(batch_size=10))
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweeper) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors
    assert sum(counts) == 120
    _fired_once_each(ids)


WAIT_THEN_SERVICE = TIMER_BPMN.replace("wait_two_working_days", "wait_then_notify").replace(
    'id="wait_defs"', 'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="wait_defs"').replace(
    'targetRef="waited"/>', 'targetRef="notify"/>').replace(
    '<bpmn:endEvent id="waited"><bpmn:incoming>to_end</bpmn:incoming></bpmn:endEvent>',
    """<bpmn:serviceTask id="notify" name="通知">
      <bpmn:extensionElements>
        <spiffworkflow:serviceTaskOperator id="test.notify" resultVariable="sent">
          <spiffworkflow:parameters/></spiffworkflow:serviceTaskOperator>
      </bpmn:extensionElements>
      <bpmn:incoming>to_end</bpmn:incoming><bpmn:outgoing>to_divide</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="to_divide" sourceRef="notify" targetRef="divide"/>
    <bpmn:scriptTask id="divide" name="计算"><bpmn:incoming>to_divide</bpmn:incoming>
      <bpmn:outgoing>to_done</bpmn:outgoing><bpmn:script>share = 1 // divisor</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="to_done" sourceRef="divide" targetRef="waited"/>
    <bpmn:endEvent id="waited"><bpmn:incoming>to_done</bpmn:incoming></bpmn:endEvent>""")


def test_a_failed_run_takes_what_its_services_wrote_with_it_and_the_batch_goes_on(centre, clock, monkeypatch):
    from workflows.runtime import registry
    from workflows.runtime.models import Notification

    def notify(context, **params) -> dict:
        Notification.objects.create(recipient=centre["lisi"], message="到期提醒", created_at=clock.now())
        return {}

    monkeypatch.setattr(registry, "_families", dict(registry._families))
    registry.register_family(registry.ProcessFamily(name="sweep_test", label="测试", process_keys=("wait_then_notify",),
                                                    services={"test.notify": notify}))
    deploy_definition("wait_then_notify", {"notify.bpmn": WAIT_THEN_SERVICE})
    failing = start_process("wait_then_notify", data={"divisor": 0}, business_key="N-1")
    passing = start_process("wait_then_notify", data={"divisor": 1}, business_key="N-2")
    clock.advance(days=3)
    assert fire_due_timers() == 1
    status = dict(ProcessInstance.objects.filter(pk__in=[failing.pk, passing.pk]).values_list("pk", "status"))
    assert status == {failing.pk: "errored", passing.pk: "completed"}
    assert Notification.objects.count() == 1  # the failing run's notification was rolled back with it
