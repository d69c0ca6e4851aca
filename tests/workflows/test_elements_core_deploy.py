"""The core element diagrams (tests/engine/fixtures/elements/core_*.bpmn) through the real deploy and write path:
each deploys with this installation's forms and roles, and the elements that spread over several processes or
branches (call activity, terminate end, boundary message) keep the task rows right."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import DefinitionError
from workflows.runtime.models import HumanTask, ProcessInstance
from workflows.runtime.services.definitions import deploy_definition
from workflows.runtime.services.instances import start_process
from workflows.runtime.services.messages import deliver_message
from workflows.runtime.services.transitions import complete_task

ELEMENTS = Path(__file__).resolve().parent.parent / "engine" / "fixtures" / "elements"

# Definition key (= its main process id) → its files. The service task's operator is registered by no family.
DEPLOYABLE = {
    "core_exclusive_default": ["core_exclusive_default.bpmn"],
    "core_parallel_gateway": ["core_parallel_gateway.bpmn"],
    "core_inclusive_gateway": ["core_inclusive_gateway.bpmn"],
    "core_subprocess": ["core_subprocess.bpmn"],
    "core_call_activity": ["core_call_activity.bpmn", "core_call_activity_verify_identity.bpmn"],
    "core_error_boundary": ["core_error_boundary.bpmn"],
    "core_escalation": ["core_escalation.bpmn"],
    "core_terminate_end": ["core_terminate_end.bpmn"],
    "core_multi_instance_parallel": ["core_multi_instance_parallel.bpmn"],
    "core_manual_task": ["core_manual_task.bpmn"],
    "core_data_object": ["core_data_object.bpmn"],
    "core_data_input_output": ["core_data_input_output.bpmn"],
    "core_signal_throw": ["core_signal_throw.bpmn"],
    "core_signal_end": ["core_signal_end.bpmn"],
    "core_boundary_message": ["core_boundary_message.bpmn"],
}


def deploy(key: str):
    return deploy_definition(key, {name: (ELEMENTS / name).read_text(encoding="utf-8") for name in DEPLOYABLE[key]})


def open_tasks(instance) -> list[str]:
    return sorted(HumanTask.objects.filter(instance=instance, state=HumanTask.OPEN).values_list("spec_name", flat=True))


@pytest.mark.parametrize("key", sorted(DEPLOYABLE))
def test_every_core_diagram_deploys_with_the_installation_vocabulary(centre, key):
    assert deploy(key).version == 1


def test_a_service_operator_no_family_registers_is_refused_at_deploy(db):
    with pytest.raises(DefinitionError) as info:
        deploy_definition("core_service_task", {"core_service_task.bpmn":
                                                (ELEMENTS / "core_service_task.bpmn").read_text(encoding="utf-8")})
    assert [(p.element_id, p.reason) for p in info.value.problems] == [
        ("look_up_business_licence", "未注册的服务 'registry.business_licence'")]


def test_a_user_task_of_a_called_process_is_a_task_row_and_completing_it_ends_the_caller(centre, clock):
    deploy("core_call_activity")
    instance = start_process("core_call_activity", data={}, business_key="E-1", applicant=centre["lisi"])
    task = HumanTask.objects.get(instance=instance)
    assert (task.spec_name, task.role) == ("verify_identity_by_window_head", "window_head")
    complete_task(task.pk, task.candidates.first(), {"decision": "approve"})
    instance.refresh_from_db()
    assert (instance.status, instance.end_event) == (ProcessInstance.COMPLETED, "accepted")


def test_a_terminate_end_event_cancels_the_other_branch_task_row(centre, clock):
    deploy("core_terminate_end")
    instance = start_process("core_terminate_end", data={}, business_key="E-2", applicant=centre["lisi"])
    assert open_tasks(instance) == ["review_by_window_head", "withdraw_by_applicant"]
    withdraw = HumanTask.objects.get(instance=instance, spec_name="withdraw_by_applicant")
    complete_task(withdraw.pk, centre["lisi"], {})
    instance.refresh_from_db()
    assert (instance.status, instance.end_event) == (ProcessInstance.COMPLETED, "withdrawn")
    assert HumanTask.objects.get(instance=instance, spec_name="review_by_window_head").state == HumanTask.CANCELLED


def test_a_message_to_a_non_interrupting_boundary_leaves_the_task_row_open(centre, clock):
    deploy("core_boundary_message")
    instance = start_process("core_boundary_message", data={}, business_key="E-3", applicant=centre["lisi"])
    deliver_message("催办", {}, {"from": "12345热线"})
    instance.refresh_from_db()
    assert instance.status == ProcessInstance.RUNNING and open_tasks(instance) == ["review_by_window_head"]
    assert instance.revision == 2  # the delivery was a write of its own
    assert "12345热线" in str(instance.state)  # the boundary's path ran and logged who reminded
