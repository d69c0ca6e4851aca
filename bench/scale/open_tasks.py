"""Completing one task of an instance with many open tasks, against one with few.

The definition is generated: N parallel branches, one user task each (the window head of the applicant's
window), joined before the end, so an instance holds N open tasks at once and each completion leaves the rest.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from engine.serializer import dumps
from workflows.org.models import Official
from workflows.runtime.engine_env import runner_for
from workflows.runtime.models import HumanTask, ProcessDefinition, ProcessInstance
from workflows.runtime.services.definitions import deploy_definition
from workflows.runtime.services.instances import start_process
from workflows.runtime.services.transitions import complete_task

BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
                  id="bench_parallel_definitions" targetNamespace="http://govflow.example/bpmn">
  <bpmn:process id="{key}" name="{n}项并行审核（基准测试）" isExecutable="true">
    <bpmn:startEvent id="requested"><bpmn:outgoing>to_split</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="to_split" sourceRef="requested" targetRef="split"/>
    <bpmn:parallelGateway id="split"><bpmn:incoming>to_split</bpmn:incoming>{outgoing}</bpmn:parallelGateway>
{branches}
    <bpmn:parallelGateway id="join">{incoming}<bpmn:outgoing>to_done</bpmn:outgoing></bpmn:parallelGateway>
    <bpmn:sequenceFlow id="to_done" sourceRef="join" targetRef="done"/>
    <bpmn:endEvent id="done"><bpmn:incoming>to_done</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
"""
BRANCH = """    <bpmn:sequenceFlow id="in_{i}" sourceRef="split" targetRef="review_{i}"/>
    <bpmn:userTask id="review_{i}" name="第{i}项审核">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="role" value="window_head"/>
        <spiffworkflow:property name="form" value="approval"/>
        <spiffworkflow:property name="result_variable" value="review_{i}"/>
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>in_{i}</bpmn:incoming><bpmn:outgoing>out_{i}</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="out_{i}" sourceRef="review_{i}" targetRef="join"/>"""
ANSWER = {"decision": "approve", "comment": "同意"}


def deploy_parallel(n: int) -> ProcessDefinition:
    key = f"bench_parallel_{n}"
    text = BPMN.format(
        key=key, n=n, branches="\n".join(BRANCH.format(i=i) for i in range(n)),
        outgoing="".join(f"<bpmn:outgoing>in_{i}</bpmn:outgoing>" for i in range(n)),
        incoming="".join(f"<bpmn:incoming>out_{i}</bpmn:incoming>" for i in range(n)))
    return deploy_definition(key, {f"{key}.bpmn": text})


@dataclass
class Completions:
    """Times in ms: starting each instance, and each completion (through the services, and the engine alone:
    restoring the stored state, or going on with the workflow the previous write kept, as a repeated write does)."""

    start_ms: list[float]
    services_ms: list[float]
    engine_ms: list[float]
    kept_ms: list[float]


def measure(n: int, instances: int, per_instance: int, applicant: Official) -> Completions:
    """Start `instances` instances of the n-branch definition and complete `per_instance` tasks of each.

    Before each completion the engine alone does the same step from the same stored state (restore, complete,
    dump), and on a workflow restored once and kept (complete, dump), so the lists are comparable one for one.
    """
    definition = deploy_parallel(n)
    result = Completions([], [], [], [])
    for k in range(instances):
        started = time.perf_counter()
        instance = start_process(definition.key, data={}, business_key=f"BP-{n}-{k}", applicant=applicant,
                                 started_by=applicant)
        result.start_ms.append((time.perf_counter() - started) * 1000)
        runner = runner_for(definition)
        kept = runner.restore(ProcessInstance.objects.values_list("state", flat=True).get(pk=instance.pk))
        tasks = list(HumanTask.objects.filter(instance=instance, state=HumanTask.OPEN).select_related("assignee")
                     .order_by("id")[:per_instance])
        for task in tasks:
            actor = task.assignee or task.candidates.order_by("pk").first()
            state = ProcessInstance.objects.values_list("state", flat=True).get(pk=instance.pk)
            started = time.perf_counter()
            workflow = runner.restore(state)
            runner.complete(workflow, task.engine_task_id, ANSWER, actor.pk, [actor.pk])
            dumps(runner.dump(workflow))
            result.engine_ms.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            runner.complete(kept, task.engine_task_id, ANSWER, actor.pk, [actor.pk])
            dumps(runner.dump(kept))
            result.kept_ms.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            complete_task(task.pk, actor, ANSWER)
            result.services_ms.append((time.perf_counter() - started) * 1000)
    return result
