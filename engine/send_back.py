"""退回 (send back) and 撤回 (take back) on the task tree, and the deploy check of `send_back_to`.

A user task may list, in its `send_back_to` property, earlier user tasks of its process it may send the case back
to. The check at deploy (`send_back_problems`) keeps that honest: each target is a user task of the same process,
upstream of the sender, and no service task or subprocess lies on a path between them, because going back cannot
undo what a service wrote outside the process.

Both moves use SpiffWorkflow's `reset_from_task_id`: the token goes back to the task, whose data is reset to its
parent's, and everything after it is dropped (timers included, so an old reminder never fires). The task that
opens again gets a new id: it is a new attempt with its own task row, due date and boundary timers.

After a send-back the process "continues from where it was sent back": the user steps between the target and the
sender that had been completed are recorded (with the values they set) in the workflow's data under
SEND_BACK_KEY, and once the target is resubmitted `carry_over` completes them again with those values instead of
asking their officials a second time; the sender's step opens again, as a new attempt.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from uuid import UUID, uuid4

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.mixins.service_task import ServiceTask
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.exceptions import TaskNotFoundException
from SpiffWorkflow.util.task import TaskState

from engine.errors import DefinitionError, Refusal

SEND_BACK_KEY = "govflow_send_back"
CHILD = " [child]"  # SpiffWorkflow names the per-person spec of a multi-instance task "<id> [child]"


class MoveRefused(Refusal):
    """A send-back or take-back the process does not allow now; the message says why, in Chinese."""


def _step_name(task_spec) -> str:
    return task_spec.bpmn_name or task_spec.bpmn_id or task_spec.name


def _node(process_spec, task_spec):
    """The spec that sits in the flow for a user task: the multi-instance task for its per-person child."""
    if task_spec.name.endswith(CHILD):
        return process_spec.task_specs.get(task_spec.name[: -len(CHILD)], task_spec)
    return task_spec


def _reachable(start, direction: str) -> set:
    seen: set = set()
    todo = [start]
    while todo:
        spec = todo.pop()
        for nxt in getattr(spec, direction):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def parse_targets(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split(",") if part.strip())


def send_back_problems(spec, subprocess_specs: Mapping) -> Iterator[DefinitionError]:
    """What is wrong with the `send_back_to` properties of every user task, naming file and element."""
    for process_spec in [spec, *subprocess_specs.values()]:
        filename = getattr(process_spec, "file", None) or process_spec.name
        user_tasks = {t.bpmn_id: t for t in process_spec.task_specs.values() if t.manual}
        for sender in user_tasks.values():
            props = dict(getattr(sender, "extensions", {}).get("properties", {}))
            targets = parse_targets(props.get("send_back_to"))
            if not targets:
                continue
            sender_node = _node(process_spec, sender)
            before_sender = _reachable(sender_node, "inputs")
            for target_id in targets:
                target = user_tasks.get(target_id)
                if target is None or target is sender:
                    yield DefinitionError(filename, sender.bpmn_id,
                                          f"send_back_to：{target_id!r} 不是同一流程中的另一个用户任务")
                    continue
                target_node = _node(process_spec, target)
                after_target = _reachable(target_node, "outputs")
                if sender_node not in after_target:
                    yield DefinitionError(filename, sender.bpmn_id,
                                          f"send_back_to：“{_step_name(target)}”不在本环节之前，不能退回")
                    continue
                between = (after_target & before_sender) - {target_node, sender_node}
                blocking = sorted(_step_name(s) for s in between if isinstance(s, ServiceTask | SubWorkflowTask))
                if blocking:
                    yield DefinitionError(filename, sender.bpmn_id,
                                          f"send_back_to：“{_step_name(target)}”与本环节之间有服务任务或子流程"
                                          f"（{'、'.join(blocking)}），退回无法撤销其结果")


def _task(workflow: BpmnWorkflow, task_id: str):
    try:
        task = workflow.get_task_from_id(UUID(task_id))
    except (TaskNotFoundException, ValueError):
        task = None
    if task is None:
        raise MoveRefused("任务已不在流程中")
    return task


def _renew_id(task) -> str:
    """Give a task that opens again a new id: its earlier attempt keeps its own (closed) task row."""
    tasks = task.workflow.tasks
    old, new = task.id, uuid4()
    tasks.pop(old, None)
    task.id = new
    tasks[new] = task
    parent = task.parent  # the tree links parent and children by id
    if parent is not None:
        parent._children = [new if child == old else child for child in parent._children]
    for child in task.children:
        child._parent = new
    return str(new)


def _reset(workflow: BpmnWorkflow, task) -> None:
    """`reset_from_task_id`, and forget the waits of the dropped tasks: SpiffWorkflow 3.2 leaves them in its event
    manager, where the next `refresh_timers` would fire a timer of a task no longer in the tree."""
    workflow.reset_from_task_id(task.id)
    waiting = workflow.event_manager.tasks
    for task_id, waiting_task in list(waiting.items()):
        if waiting_task.workflow.tasks.get(task_id) is not waiting_task:
            del waiting[task_id]


def _own_values(task) -> dict[str, Any]:
    """The values a completed task added to the data it got from its parent (its form's result)."""
    before = task.parent.data if task.parent is not None else {}
    missing = object()
    return {k: v for k, v in task.data.items() if before.get(k, missing) != v}


def send_back(workflow: BpmnWorkflow, sender_task_id: str, target: str, allowed: tuple[str, ...]) -> str:
    """Send the case from the READY user task `sender_task_id` back to `target` (a user task spec name, one of
    `allowed`: the sender's `send_back_to`); returns the engine id of the target's new attempt.

    The latest completed `target` on the sender's path is reset (a multi-instance sender's whole step goes with
    everything after the target); the completed user steps in between are kept for `carry_over`.
    """
    sender = _task(workflow, sender_task_id)
    if sender.state != TaskState.READY or not sender.task_spec.manual:
        raise MoveRefused("只能从待办的环节退回")
    if target not in allowed:
        raise MoveRefused(f"本环节不能退回到“{target}”")
    node_name = target[: -len(CHILD)] if target.endswith(CHILD) else target
    path = []
    found = sender.parent
    while found is not None and not (found.task_spec.name == node_name and found.state == TaskState.COMPLETED):
        path.append(found)
        found = found.parent
    if found is None:
        raise MoveRefused("该环节尚未办理过，不能退回")
    carried = {t.task_spec.name: _own_values(t) for t in reversed(path)
               if t.task_spec.manual and t.state == TaskState.COMPLETED and not t.task_spec.name.endswith(CHILD)}
    workflow.data[SEND_BACK_KEY] = {"target": target, "sender": sender.task_spec.name, "carried": carried}
    _reset(workflow, found)
    if found.task_spec.manual:
        return _renew_id(found)
    return ""  # a multi-instance target: its per-person tasks are created anew when it runs


def carry_over(workflow: BpmnWorkflow) -> list[str]:
    """After the target of a send-back was resubmitted: complete again, with their earlier values, the user steps
    that had been completed between it and the sender; returns their spec names. The record is dropped then."""
    record = workflow.data.get(SEND_BACK_KEY)
    if not record:
        return []
    ready = workflow.get_tasks(state=TaskState.READY, manual=True)
    if any(t.task_spec.name == record["target"] for t in ready):
        return []  # not resubmitted yet
    carried = dict(record["carried"])
    done: list[str] = []
    while True:
        todo = [t for t in workflow.get_tasks(state=TaskState.READY, manual=True) if t.task_spec.name in carried]
        if not todo:
            break
        for task in todo:
            task.data.update(carried.pop(task.task_spec.name))
            task.run()
            done.append(task.task_spec.name)
        workflow.do_engine_steps()
    del workflow.data[SEND_BACK_KEY]
    return done


def take_back(workflow: BpmnWorkflow, completed_task_id: str) -> str:
    """撤回: reopen the completed user task `completed_task_id` for its performer; returns its new engine id.

    Allowed only while nothing after it has acted: no later user step completed, no service task or subprocess
    run (what they did cannot be undone); else MoveRefused naming the step that acted.
    """
    task = _task(workflow, completed_task_id)
    if task.state != TaskState.COMPLETED or not task.task_spec.manual:
        raise MoveRefused("只能撤回已办理的环节")
    if task.task_spec.name.endswith(CHILD):
        raise MoveRefused("多人审批环节中的一人不能单独撤回")
    for later in list(task)[1:]:
        if later.state != TaskState.COMPLETED:
            continue
        if later.task_spec.manual:
            raise MoveRefused(f"下一环节“{_step_name(later.task_spec)}”已办理，不能撤回")
        if isinstance(later.task_spec, ServiceTask | SubWorkflowTask):
            raise MoveRefused(f"“{_step_name(later.task_spec)}”已执行，不能撤回")
    if workflow.completed:
        raise MoveRefused("流程已结束，不能撤回")
    _reset(workflow, task)
    return _renew_id(task)


def spec_names(spec, subprocess_specs: Mapping) -> dict[str, str]:
    """Bpmn id → spec name of every user task (a multi-instance one's per-person spec is "<id> [child]")."""
    return {t.bpmn_id: t.name for process_spec in [spec, *subprocess_specs.values()]
            for t in process_spec.task_specs.values() if t.manual}
