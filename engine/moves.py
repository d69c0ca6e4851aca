"""Moving a running instance to another version of its process.

The stored state holds no spec (engine.serializer): an instance names its elements by spec name only. So moving is:
dump the state, check every element that is waiting (READY / WAITING / STARTED, which includes a multi-instance or
sub-process parent of a waiting task) exists in the target with the same kind, and every element already passed
exists there too (the history and send-back read them), then load the state against the target's bundle and predict
the road ahead again from the waiting elements (the predicted tasks of the old version may name elements the new
one dropped or lead elsewhere). Task data, timers' computed due times and multi-instance items stay as they were.
"""

from __future__ import annotations

from dataclasses import dataclass

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine.serializer import dump_state, load_state
from engine.specs import SpecBundle

LIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED
FRONTIER = TaskState.READY | TaskState.WAITING  # where the road ahead is predicted again
PREDICTED = TaskState.FUTURE | TaskState.PREDICTED_MASK


@dataclass(frozen=True)
class MoveRefusal:
    """Why an instance cannot move: the element (BPMN id) and what is wrong with it in the target version."""

    element_id: str
    reason: str


@dataclass(frozen=True)
class MoveResult:
    """Either `workflow` (re-bound to the target's specs) or the `refusals`, never both."""

    workflow: BpmnWorkflow | None
    refusals: tuple[MoveRefusal, ...] = ()

    @property
    def movable(self) -> bool:
        return self.workflow is not None


def _target_spec(task, workflow: BpmnWorkflow, target: SpecBundle):
    """The process spec in `target` that corresponds to the (sub)process the task belongs to."""
    if task.workflow is workflow:
        return target.spec
    return target.subprocess_specs.get(task.workflow.spec.name)


def _label(task_spec) -> str:
    return task_spec.bpmn_name or task_spec.bpmn_id or task_spec.name


def refusals(workflow: BpmnWorkflow, target: SpecBundle) -> list[MoveRefusal]:
    """Every reason the instance cannot run on `target`, one per element (empty: it can move)."""
    found: dict[str, MoveRefusal] = {}
    for task in workflow.get_tasks(state=TaskState.ANY_MASK):
        spec = task.task_spec
        element = spec.bpmn_id or spec.name
        if element in found or task.has_state(PREDICTED):
            continue
        process = _target_spec(task, workflow, target)
        if process is None:
            found[element] = MoveRefusal(element, f"所在子流程“{task.workflow.spec.name}”在目标版本中不存在")
            continue
        other = process.task_specs.get(spec.name)
        live = task.has_state(LIVE)
        if other is None:
            found[element] = MoveRefusal(
                element, f"{'正在等待的' if live else '已经过的'}环节“{_label(spec)}”在目标版本中不存在")
        elif live and type(other).__name__ != type(spec).__name__:
            found[element] = MoveRefusal(element, f"正在等待的环节“{_label(spec)}”在目标版本中类型不同"
                                                  f"（{type(spec).__name__} → {type(other).__name__}）")
        elif live and getattr(spec, "spec", None) != getattr(other, "spec", None):
            found[element] = MoveRefusal(element, f"子流程环节“{_label(spec)}”在目标版本中调用的流程不同")
    return list(found.values())


def _predict_again(workflow: BpmnWorkflow) -> None:
    """Drop the old version's predicted road after each waiting element and predict the target's."""
    for task in list(workflow.get_tasks(state=FRONTIER)):
        if task.id not in task.workflow.tasks:
            continue
        for child in list(task.children):
            if child.has_state(PREDICTED):
                task.workflow._remove_task(child.id)
        if not task.task_spec.outputs:
            continue
        task._sync_children(task.task_spec.outputs, TaskState.FUTURE)
        for child in task.children:
            if child.has_state(PREDICTED):
                child.task_spec._predict(child, mask=PREDICTED)


def move(workflow: BpmnWorkflow, target: SpecBundle) -> MoveResult:
    """`workflow` (of any version) re-bound to `target`'s specs, or the reasons it cannot be.

    The given workflow is not changed: the moved one is a new object restored from its state.
    """
    found = refusals(workflow, target)
    if found:
        return MoveResult(None, tuple(found))
    moved = load_state(dump_state(workflow), target.spec, target.subprocess_specs)
    moved.script_engine = workflow.script_engine
    _predict_again(moved)
    stale = [t for t in moved.get_tasks(state=TaskState.ANY_MASK) if t.task_spec is None]
    if stale:  # a predicted task below a parent that is not itself predicted again (should not happen)
        return MoveResult(None, (MoveRefusal("", "流程的预测路径无法对应到目标版本"),))
    return MoveResult(moved)
