"""What every page about one case shows: summary, tasks, history and the diagram with its position."""

from __future__ import annotations

from typing import Any

from workflows.org.models import Official
from workflows.runtime.models import HumanTask, ProcessInstance
from workflows.runtime.registry import case_record_of
from workflows.runtime.selectors import instance_history, instance_tasks


def element_id(spec_name: str) -> str:
    """BPMN element id of a task spec; multi-instance children are named '<id> [child]'."""
    return spec_name.split(" [", 1)[0]


def case_record(instance: ProcessInstance, reader: Official) -> dict[str, Any]:
    """The family's record behind the instance as `reader` may see it, and the partial that summarises it;
    {} for a bare process."""
    kind = case_record_of(instance.definition.key)
    if kind is None:
        return {}
    record = kind.find(instance)
    extra = kind.for_reader(record, reader) if kind.for_reader and record is not None else {}
    return {kind.context_name: record, "summary_template": kind.summary_template, **extra}


def case_context(instance: ProcessInstance, reader: Official) -> dict[str, Any]:
    tasks = list(instance_tasks(instance))
    return {
        "instance": instance,
        **case_record(instance, reader),
        "tasks": tasks,
        "history": instance_history(instance),
        "diagram": {
            "definition_id": instance.definition_id,
            "current": sorted({element_id(t.spec_name) for t in tasks if t.state == HumanTask.OPEN}),
            "done": sorted({element_id(t.spec_name) for t in tasks if t.state == HumanTask.COMPLETED}),
            "errored": [instance.error_element] if instance.error_element else [],
        },
    }
