"""Draining many due timers with the timer sweep, and checking every instance fired exactly once.

One instance of a one-timer definition is started through the services; its stored state is copied into
`count` instance rows whose timers are all due (the close of a working day on which many deadlines fall).
Then `workers` processes call `fire_due_timers` until nothing is left, as Celery workers or the embedded runner
would, and every instance is checked: completed (none lost) and fired once (one `timers_fired` audit row).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

from django.db import connections
from django.db.models import Count

from bench.scale.forked import run_forked
from bench.scale.seed import bulk_insert, next_id, reset_sequences
from workflows.runtime.models import AuditEvent, ProcessInstance
from workflows.runtime.services.definitions import deploy_definition
from workflows.runtime.services.instances import start_process
from workflows.runtime.services.sweep import fire_due_timers

KEY = "bench_wait"
BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  id="bench_wait_definitions" targetNamespace="http://govflow.example/bpmn">
  <bpmn:process id="bench_wait" name="等待两个工作日（基准测试）" isExecutable="true">
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


@dataclass(frozen=True)
class Drained:
    seconds: float
    count: int
    once: int
    twice: int
    lost: int


def _drain() -> None:
    """One worker: sweep until a sweep finds nothing due (the other worker may still be finishing its batch)."""
    while fire_due_timers():
        pass


def _sweep_with(workers: int) -> None:
    if workers <= 1:  # SQLite, or a test inside a transaction other processes cannot see
        _drain()
        return
    run_forked([(_worker, ())] * workers, "a sweep worker")


def _worker() -> None:
    try:
        _drain()
    finally:
        connections.close_all()


def drain(count: int, workers: int, clock) -> Drained:
    """Fill `count` due instances, let `workers` sweep them, and count how often each one fired."""
    deploy_definition(KEY, {"bench_wait.bpmn": BPMN})
    template = start_process(KEY, data={}, business_key="BW-template")
    first = next_id(ProcessInstance)
    bulk_insert(ProcessInstance, ["id", "definition_id", "business_key", "state", "revision", "next_timer_at",
                                  "started_at"],
                ((first + i, template.definition_id, f"BW-{i:06d}", template.state, template.revision,
                  template.next_timer_at, template.started_at) for i in range(count)), count, "due timers")
    reset_sequences(ProcessInstance)
    ProcessInstance.objects.filter(pk=template.pk).update(next_timer_at=None)  # not one of the measured rows
    clock.set(template.next_timer_at + timedelta(seconds=1))
    started = time.perf_counter()
    _sweep_with(workers)
    seconds = time.perf_counter() - started
    measured = {"instance_id__gte": first, "instance_id__lt": first + count}
    fired = dict(AuditEvent.objects.filter(action="timers_fired", **measured).values("instance_id")
                 .annotate(n=Count("id")).values_list("instance_id", "n"))
    completed = ProcessInstance.objects.filter(pk__gte=first, pk__lt=first + count,
                                               status=ProcessInstance.COMPLETED).count()
    return Drained(seconds, count, once=sum(1 for n in fired.values() if n == 1),
                   twice=sum(1 for n in fired.values() if n > 1), lost=count - completed)
