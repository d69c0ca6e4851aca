"""Timers of every kind fired by the sweep on the moved clock, and timer start events starting instances on
their schedule exactly once per due time. The diagrams are tests/engine/fixtures/elements/timers_*.bpmn."""

from __future__ import annotations

import os
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection

from workflows.runtime.models import AuditEvent, HumanTask, ProcessInstance, StartSchedule
from workflows.runtime.services.definitions import deploy_definition
from workflows.runtime.services.instances import start_process
from workflows.runtime.services.scheduled_starts import start_due
from workflows.runtime.services.sweep import drain, fire_due_timers

ELEMENTS = Path(__file__).parents[1] / "engine" / "fixtures" / "elements"


def deploy(name: str, text: str | None = None, key: str | None = None):
    key = key or name.removesuffix(".bpmn")
    return deploy_definition(key, {name: text or (ELEMENTS / name).read_text(encoding="utf-8")})


def started(name: str, business_key: str = "T-1") -> ProcessInstance:
    deploy(name)
    return start_process(name.removesuffix(".bpmn"), data={}, business_key=business_key)


def fired_count(instance: ProcessInstance) -> int:
    return AuditEvent.objects.filter(instance=instance, action="timers_fired").count()


def test_a_non_interrupting_cycle_fires_three_times_and_the_task_stays_open(centre, clock):
    instance = started("timers_cycle_boundary.bpmn")
    start = clock.now()
    assert instance.next_timer_at == start + timedelta(hours=1)
    for hour in (1, 2, 3):
        clock.set(start + timedelta(hours=hour))
        assert fire_due_timers() == 1
        assert fire_due_timers() == 0  # once per due time
        instance.refresh_from_db()
        assert instance.status == ProcessInstance.RUNNING
    assert instance.next_timer_at is None
    assert fired_count(instance) == 3
    assert HumanTask.objects.filter(instance=instance, state=HumanTask.OPEN).count() == 1
    clock.advance(days=1)
    assert fire_due_timers() == 0


def test_a_duration_timer_in_an_event_based_gateway_is_on_the_row_and_fired_by_the_sweep(db, clock):
    instance = started("timers_event_gateway.bpmn")
    assert instance.next_timer_at == clock.now() + timedelta(days=3)  # it used to be missing: never swept
    clock.advance(days=3)
    assert fire_due_timers() == 1
    instance.refresh_from_db()
    assert (instance.status, instance.end_event) == (ProcessInstance.COMPLETED, "timed_out")


def test_an_interrupting_duration_timer_cancels_the_open_task(centre, clock):
    instance = started("timers_interrupting_duration.bpmn")
    [task] = HumanTask.objects.filter(instance=instance)
    clock.advance(days=3)
    assert fire_due_timers() == 1
    task.refresh_from_db()
    instance.refresh_from_db()
    assert (task.state, instance.end_event) == (HumanTask.CANCELLED, "withdrawn")


def test_the_row_holds_the_earliest_pending_timer_of_every_kind(centre, clock):
    """A cycle (hourly) and a non-interrupting duration (90 minutes) on one task: the row follows both."""
    text = (ELEMENTS / "timers_cycle_boundary.bpmn").read_text(encoding="utf-8").replace("</bpmn:process>", """
    <bpmn:boundaryEvent id="late" attachedToRef="review" cancelActivity="false">
      <bpmn:outgoing>f5</bpmn:outgoing>
      <bpmn:timerEventDefinition id="late_timer"><bpmn:timeDuration>"PT90M"</bpmn:timeDuration>
      </bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f5" sourceRef="late" targetRef="late_noted"/>
    <bpmn:endEvent id="late_noted"><bpmn:incoming>f5</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>""")
    deploy("mixed.bpmn", text, key="timers_cycle_boundary")
    instance = start_process("timers_cycle_boundary", data={}, business_key="T-3")
    start = clock.now()
    expected = [timedelta(hours=1), timedelta(minutes=90), timedelta(hours=2), timedelta(hours=3)]
    for offset, following in zip(expected, [*expected[1:], None], strict=True):
        assert instance.next_timer_at == start + offset
        clock.set(start + offset)
        assert fire_due_timers() == 1
        instance.refresh_from_db()
        assert instance.next_timer_at == (start + following if following else None)


# --- timer start events ----------------------------------------------------------------------------------------


def test_a_cycle_start_event_starts_one_instance_per_due_time(centre, clock):
    definition = deploy("timers_start_cycle.bpmn")
    [schedule] = StartSchedule.objects.filter(definition=definition)
    deployed = clock.now()
    assert (schedule.next_due_at, schedule.remaining, schedule.active) == (deployed + timedelta(days=1), 2, True)
    assert start_due() == 0
    assert ProcessInstance.objects.count() == 0

    for day in (1, 2, 3):
        clock.set(deployed + timedelta(days=day))
        result = drain()
        assert result.started == 1
        assert drain().started == 0  # the same due time never starts a second instance
        assert ProcessInstance.objects.filter(definition=definition).count() == day
    instances = ProcessInstance.objects.filter(definition=definition).order_by("pk")
    assert all(i.status == ProcessInstance.RUNNING and i.next_timer_at is None for i in instances)
    assert HumanTask.objects.filter(instance__in=instances, spec_name="inspect", state=HumanTask.OPEN).count() == 3
    assert AuditEvent.objects.filter(action="scheduled_start").count() == 3
    schedule.refresh_from_db()
    assert (schedule.active, schedule.next_due_at) == (False, None)  # R3: done
    clock.advance(days=10)
    assert drain().started == 0


def test_a_late_sweep_starts_one_instance_for_each_due_time_it_missed(centre, clock):
    definition = deploy("timers_start_cycle.bpmn")
    clock.advance(days=5)
    assert start_due() == 3
    keys = sorted(ProcessInstance.objects.filter(definition=definition).values_list("business_key", flat=True))
    assert keys == [f"timers_start_cycle-daily-202612{d:02}0900" for d in (1, 2, 3)]


def test_a_new_version_takes_over_the_schedule(centre, clock):
    first = deploy("timers_start_cycle.bpmn")
    clock.advance(hours=12)
    second = deploy("timers_start_cycle.bpmn", (ELEMENTS / "timers_start_cycle.bpmn").read_text(
        encoding="utf-8").replace('"R3/P1D"', '"R2/P1D"'))
    assert StartSchedule.objects.get(definition=first).active is False
    new = StartSchedule.objects.get(definition=second)
    assert (new.active, new.next_due_at, new.remaining) == (True, clock.now() + timedelta(days=1), 1)
    assert AuditEvent.objects.filter(action="start_schedule_stopped").count() == 1
    clock.advance(days=1)
    assert start_due() == 1
    assert list(ProcessInstance.objects.values_list("definition_id", flat=True)) == [second.pk]


def test_a_refused_scheduled_start_is_audited_and_its_due_time_spent(db, clock):
    """Nobody holds the role (no org chart): the start is refused, audited, and the next due time tries again."""
    deploy("timers_start_cycle.bpmn")
    clock.advance(days=1)
    assert start_due() == 1
    assert ProcessInstance.objects.count() == 0
    refused = AuditEvent.objects.get(action="scheduled_start_failed")
    assert "daily" in refused.message
    assert start_due() == 0
    assert StartSchedule.objects.get().remaining == 1


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="SKIP LOCKED needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_sweepers_start_one_instance_per_due_time(centre, clock):
    deploy("timers_start_cycle.bpmn")
    clock.advance(days=1)
    barrier = threading.Barrier(2)
    counts: list[int] = []

    def sweeper() -> None:
        barrier.wait(10)
        counts.append(start_due())
        connection.close()

    workers = [threading.Thread(target=sweeper) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(counts) == [0, 1]
    assert ProcessInstance.objects.count() == 1
