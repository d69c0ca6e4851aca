"""Definitions cannot exhaust the machine, at the service level: a script over its budget stops its instance
with the message (errors are states), and the timer sweep isolates instances from each other."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import DefinitionError, ExecutionError
from workflows.runtime.models import AuditEvent, HumanTask, ProcessInstance
from workflows.runtime.services.definitions import deploy_definition
from workflows.runtime.services.instances import start_process
from workflows.runtime.services.sweep import fire_due_timers
from workflows.runtime.services.transitions import complete_task

FIXTURES = Path(__file__).parent / "fixtures"
BROKEN = (FIXTURES / "broken_after_review.bpmn").read_text(encoding="utf-8")
GREEDY = BROKEN.replace("score = 100 / divisor", "blob = 'x' * size")

# A timer, then a script whose work depends on the instance's data.
TIMED_SCRIPT = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  id="timed_script_defs" targetNamespace="http://govflow.example/bpmn">
  <bpmn:process id="timed_script" name="定时计算（测试用）" isExecutable="true">
    <bpmn:startEvent id="started"><bpmn:outgoing>to_wait</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="to_wait" sourceRef="started" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait" name="等待一个工作日">
      <bpmn:incoming>to_wait</bpmn:incoming><bpmn:outgoing>to_compute</bpmn:outgoing>
      <bpmn:timerEventDefinition id="wait_timer"><bpmn:timeDate>working_days_after(today(), 1)</bpmn:timeDate>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="to_compute" sourceRef="wait" targetRef="compute"/>
    <bpmn:scriptTask id="compute" name="计算">
      <bpmn:incoming>to_compute</bpmn:incoming><bpmn:outgoing>to_end</bpmn:outgoing>
      <bpmn:script>blob = 'x' * size
ratio = 10 // divisor</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="to_end" sourceRef="compute" targetRef="computed"/>
    <bpmn:endEvent id="computed"><bpmn:incoming>to_end</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
"""


def test_a_script_over_budget_at_completion_marks_the_instance_errored_with_the_message(db, centre, clock):
    deploy_definition("broken_after_review", {"greedy.bpmn": GREEDY})
    instance = start_process("broken_after_review", data={"size": 10**9}, business_key="B-1",
                             applicant=centre["lisi"])
    task = HumanTask.objects.get(instance=instance)
    with pytest.raises(ExecutionError, match="重复结果过大"):
        complete_task(task.pk, centre["zhangsan"], {"decision": "approve"})
    instance.refresh_from_db()
    task.refresh_from_db()
    assert (instance.status, instance.error_element, instance.revision) == (ProcessInstance.ERRORED, "compute_score", 1)
    assert "重复结果过大" in instance.error_message
    assert task.state == HumanTask.OPEN  # rolled back with the rest
    assert AuditEvent.objects.filter(instance=instance, action="instance_errored").exists()


def test_the_same_definition_runs_when_the_data_is_within_budget(db, centre, clock):
    deploy_definition("broken_after_review", {"greedy.bpmn": GREEDY})
    instance = start_process("broken_after_review", data={"size": 3}, business_key="B-2", applicant=centre["lisi"])
    complete_task(HumanTask.objects.get(instance=instance).pk, centre["zhangsan"], {"decision": "approve"})
    instance.refresh_from_db()
    assert (instance.status, instance.error_message) == (ProcessInstance.COMPLETED, "")


def test_a_start_whose_script_exceeds_the_budget_is_refused_and_nothing_is_saved(db, centre, clock):
    source = TIMED_SCRIPT.replace('targetRef="wait"/>', 'targetRef="compute_first"/>', 1).replace(
        '<bpmn:intermediateCatchEvent id="wait"',
        '<bpmn:scriptTask id="compute_first"><bpmn:incoming>to_wait</bpmn:incoming>'
        '<bpmn:outgoing>after_first</bpmn:outgoing><bpmn:script>n = 2 ** size</bpmn:script></bpmn:scriptTask>'
        '<bpmn:sequenceFlow id="after_first" sourceRef="compute_first" targetRef="wait"/>'
        '<bpmn:intermediateCatchEvent id="wait"',
    ).replace("<bpmn:incoming>to_wait</bpmn:incoming><bpmn:outgoing>to_compute", "<bpmn:incoming>after_first"
              "</bpmn:incoming><bpmn:outgoing>to_compute")
    deploy_definition("timed_script", {"timed.bpmn": source})
    with pytest.raises(ExecutionError, match="乘方") as info:
        start_process("timed_script", data={"size": 10**9, "divisor": 1}, business_key="B-3")
    assert info.value.element_id == "compute_first"
    assert not ProcessInstance.objects.filter(business_key="B-3").exists()


def test_obvious_excess_is_refused_at_deploy_with_the_element(db):
    with pytest.raises(DefinitionError) as info:
        deploy_definition("broken_after_review", {"greedy.bpmn": BROKEN.replace("100 / divisor", "9 ** 9 ** 9")})
    assert (info.value.filename, info.value.element_id) == ("greedy.bpmn", "compute_score")


def test_the_timer_sweep_goes_on_past_failing_and_over_budget_instances(db, clock):
    deploy_definition("timed_script", {"timed.bpmn": TIMED_SCRIPT})
    data = {"size": 2, "divisor": 1}
    first = start_process("timed_script", data=data, business_key="S-1")
    divides_by_zero = start_process("timed_script", data={**data, "divisor": 0}, business_key="S-2")
    over_budget = start_process("timed_script", data={**data, "size": 10**9}, business_key="S-3")
    damaged = start_process("timed_script", data=data, business_key="S-4")
    ProcessInstance.objects.filter(pk=damaged.pk).update(state={"damaged": True})  # restore() cannot read it
    last = start_process("timed_script", data=data, business_key="S-5")
    clock.advance(days=2)

    assert fire_due_timers() == 2

    status = dict(ProcessInstance.objects.values_list("business_key", "status"))
    assert status == {"S-1": "completed", "S-2": "errored", "S-3": "errored", "S-4": "errored", "S-5": "completed"}
    errors = {i.business_key: (i.error_element, i.error_message)
              for i in ProcessInstance.objects.filter(pk__in=[divides_by_zero.pk, over_budget.pk, damaged.pk])}
    assert errors["S-2"][0] == "compute" and "ZeroDivisionError" in errors["S-2"][1]
    assert errors["S-3"][0] == "compute" and "重复结果过大" in errors["S-3"][1]
    assert errors["S-4"][0] == "" and errors["S-4"][1]
    assert AuditEvent.objects.filter(action="instance_errored").count() == 3
    assert {first.pk, last.pk} == set(
        AuditEvent.objects.filter(action="timers_fired").values_list("instance_id", flat=True)
    )
    assert fire_due_timers() == 0  # errored instances wait for an administrator, not for the next sweep
