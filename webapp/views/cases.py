"""What every page about one case shows: summary, tasks, history and the diagram with its position."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from workflows.discipline.selectors import case_of_instance, complaint_of_instance
from workflows.leave.selectors import leave_request_of_instance
from workflows.runtime.models import HumanTask, ProcessInstance
from workflows.runtime.selectors import instance_history, instance_tasks

# process key → (template variable, the record the case summary shows)
CASE_RECORDS: dict[str, tuple[str, Callable[[ProcessInstance], Any]]] = {
    "leave_approval": ("leave", leave_request_of_instance),
    "complaint": ("complaint", complaint_of_instance),
    "sanction": ("sanction_case", case_of_instance),
}


def element_id(spec_name: str) -> str:
    """BPMN element id of a task spec; multi-instance children are named '<id> [child]'."""
    return spec_name.split(" [", 1)[0]


def case_record(instance: ProcessInstance) -> dict[str, Any]:
    """{name: record} for the process's summary partial, or {} for processes without one."""
    if instance.definition.key not in CASE_RECORDS:
        return {}
    name, find = CASE_RECORDS[instance.definition.key]
    return {name: find(instance)}


def case_context(instance: ProcessInstance) -> dict[str, Any]:
    tasks = list(instance_tasks(instance))
    return {
        "instance": instance,
        **case_record(instance),
        "tasks": tasks,
        "history": instance_history(instance),
        "diagram": {
            "definition_id": instance.definition_id,
            "current": sorted({element_id(t.spec_name) for t in tasks if t.state == HumanTask.OPEN}),
            "done": sorted({element_id(t.spec_name) for t in tasks if t.state == HumanTask.COMPLETED}),
            "errored": [instance.error_element] if instance.error_element else [],
        },
    }
