"""The timer sweep: one index scan for due instances, SKIP LOCKED between workers, Celery over Redis."""

from __future__ import annotations

import os
import threading

import pytest
from django.db import connection, transaction

from workflows.runtime.models import ProcessInstance
from workflows.runtime.services.definitions import deploy_definition
from workflows.runtime.services.instances import start_process
from workflows.runtime.services.sweep import fire_due_timers

TIMER_BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  id="wait_defs" targetNamespace="http://govflow.example/bpmn">
  <bpmn:process id="wait_two_working_days" name="等待两个工作日（测试用）" isExecutable="true">
    <bpmn:startEvent id="started"><bpmn:outgoing>to_wait</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="to_wait" sourceRef="started" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait" name="等待两个工作日">
      <bpmn:incoming>to_wait</bpmn:incoming><bpmn:outgoing>to_end</bpmn:outgoing>
      <bpmn:timerEventDefinition id="wait_timer"><bpmn:timeDate>working_days_after(today(), 2)</bpmn:timeDate>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="to_end" sourceRef="wait" targetRef="waited"/>
    <bpmn:endEvent id="waited"><bpmn:incoming>to_end</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
"""

needs_row_locks = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="SKIP LOCKED needs PostgreSQL"
)


@pytest.fixture
def waiting(db, clock):
    deploy_definition("wait_two_working_days", {"wait.bpmn": TIMER_BPMN})
    return start_process("wait_two_working_days", data={}, business_key="T-1")


def test_the_due_time_is_indexed_and_fires_only_when_the_clock_passes_it(waiting, clock):
    assert waiting.next_timer_at.isoformat() == "2026-12-02T23:59:59+08:00"
    clock.advance(days=2)  # Wednesday 09:00: not yet
    assert fire_due_timers() == 0
    clock.advance(days=1)  # Thursday 09:00
    assert fire_due_timers() == 1
    waiting.refresh_from_db()
    assert (waiting.status, waiting.end_event, waiting.next_timer_at) == (ProcessInstance.COMPLETED, "waited", None)
    assert fire_due_timers() == 0


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_a_second_sweeper_skips_an_instance_another_worker_holds(clock):
    deploy_definition("wait_two_working_days", {"wait.bpmn": TIMER_BPMN})
    instance = start_process("wait_two_working_days", data={}, business_key="T-2")
    clock.advance(days=3)
    locked, release = threading.Event(), threading.Event()

    def other_worker() -> None:
        with transaction.atomic():
            ProcessInstance.objects.select_for_update().get(pk=instance.pk)
            locked.set()
            release.wait(10)
        connection.close()

    worker = threading.Thread(target=other_worker)
    worker.start()
    locked.wait(10)
    assert fire_due_timers() == 0
    release.set()
    worker.join()
    assert fire_due_timers() == 1


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs the Redis broker (REDIS_URL)")
@pytest.mark.django_db(transaction=True)
def test_the_celery_task_sweeps_through_the_redis_broker(clock, settings):
    from celery.contrib.testing.worker import start_worker

    from webapp.celery import app
    from workflows.runtime.tasks import fire_due_timers as sweep_task

    deploy_definition("wait_two_working_days", {"wait.bpmn": TIMER_BPMN})
    instance = start_process("wait_two_working_days", data={}, business_key="T-3")
    clock.advance(days=3)
    assert app.conf.broker_url.startswith("redis://") and not app.conf.task_always_eager
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        assert sweep_task.delay().get(timeout=30) == 1
    instance.refresh_from_db()
    assert instance.status == ProcessInstance.COMPLETED


