"""Multi-approver steps: 会签 (all, or a pass ratio), 或签 (any one), 依次 (in order), with 加签 and 减签.

A user task with `bpmn:multiInstanceLoopCharacteristics` and the property `approval_mode` (`all` | `any` |
`sequential`) is one step signed by several officials, each child of the multi-instance a signer. SpiffWorkflow's
multi-instance runs every child to the end (parallel) or all inputs in turn (sequential) and only knows a
completion condition over the last child; a signing step instead ends as soon as its outcome is certain:

- 或签 `any`: the first decision decides; the other signers' tasks are cancelled.
- 会签 `all`: passed once approvals reach ceil(pass_ratio × signers) (unanimity by default), not passed once
  rejections make that impossible; the open rest is cancelled.
- 依次 `sequential`: the next signer after an approval, the end at the first rejection.

The outcome lands in the step's data as `outcome_variable` (default `<bpmn id>_passed`, a bool) for the gateway
after it, and every decision in `<bpmn id>_votes` (signer item, decision, comment, who, when), in decision order.

加签 (`add_signer`) and 减签 (`remove_signer`) change the signers while the step runs, and are pure functions over
the workflow, so they are tested without Django. The signers added by hand are kept in the multi-instance task's
`internal_data` (the definition's input list is business data and stays as it was); an added child carries the
official it is for (`internal_data['signer']`) and the child it was added from (`['added_by']`), which the
Django side reads to give the row its assignee and parent. A removed signer's child is CANCELLED and no longer
counts: 会签's ratio is counted over the signers left.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from SpiffWorkflow.exceptions import TaskNotFoundException
from SpiffWorkflow.spiff.parser.task_spec import UserTaskParser
from SpiffWorkflow.spiff.specs.defaults import (
    ParallelMultiInstanceTask,
    SequentialMultiInstanceTask,
    UserTask,
)
from SpiffWorkflow.util.task import TaskState

from engine.errors import Refusal

MODES = {"all": "会签", "any": "或签", "sequential": "依次"}
_ADDED = "added-"  # key prefix of a signer added by hand (a list input's own keys are its indexes)


class SignerRefused(Refusal):
    """加签 / 减签 that the step does not allow (a signer who already decided, the last one left, …)."""


def parse_ratio(text: str | None) -> Fraction:
    """`"2/3"`, `"0.5"` or None (unanimity) as a fraction in (0, 1]; ValueError otherwise."""
    if text is None or not str(text).strip():
        return Fraction(1)
    ratio = Fraction(str(text).strip())
    if not 0 < ratio <= 1:
        raise ValueError(text)
    return ratio


def _props(child_spec) -> dict[str, str]:
    return dict(getattr(child_spec, "extensions", {}).get("properties", {}))


class _Signing:
    """What both signing specs share: reading the mode, counting votes, finishing the step."""

    def _update_hook(self, my_task):
        """The step starts (again, in a loop): no votes yet, and not passed until its signers say so (a step without
        signers ends at once, not passed: nobody approved)."""
        if self._mode(my_task) is not None:
            my_task.data[f"{self.bpmn_id}_votes"] = []
            my_task.data[self._outcome_variable(my_task)] = False
        return super()._update_hook(my_task)

    def _outcome_variable(self, my_task) -> str:
        return _props(self._child_spec(my_task)).get("outcome_variable") or f"{self.bpmn_id}_passed"

    def _child_spec(self, my_task):
        return my_task.workflow.spec.task_specs[self.task_spec]

    def _mode(self, my_task) -> str | None:
        return _props(self._child_spec(my_task)).get("approval_mode")

    def _decision(self, my_task, child) -> str:
        result_variable = _props(self._child_spec(my_task)).get("result_variable")
        result = child.data.get(result_variable) if result_variable else child.data
        return (result or {}).get("decision", "") if isinstance(result, dict) else ""

    def _record_vote(self, my_task, child) -> None:
        result_variable = _props(self._child_spec(my_task)).get("result_variable")
        result = child.data.get(result_variable) if result_variable else child.data
        result = result if isinstance(result, dict) else {}
        vote = {
            "signer": self.input_item.get(child) if self.input_item is not None and self.input_item.exists(child)
            else child.internal_data.get("item"),  # the input item: a role, or an official's id
            "added_signer": child.internal_data.get("signer"),  # 加签: the official it was added for
            "decision": result.get("decision"),
            "comment": result.get("comment", ""),
            "completed_by": result.get("completed_by"),
            "completed_at": result.get("completed_at"),
        }
        my_task.data[f"{self.bpmn_id}_votes"].append(vote)
        my_task.internal_data.setdefault("votes", {})[str(child.id)] = self._decision(my_task, child)

    def _signers(self, my_task) -> list:
        """The children that count: every signer's task but the removed ones (cancelled with the step's end
        still count: they were signers whose vote was not needed)."""
        removed = set(my_task.internal_data.get("removed", []))
        return [c for c in self._instances(my_task) if str(c.id) not in removed]

    def _finish(self, my_task, passed: bool) -> None:
        for child in self._instances(my_task):
            if not child.has_state(TaskState.FINISHED_MASK):
                child.cancel()
        my_task.data[self._outcome_variable(my_task)] = passed
        my_task.internal_data["remaining"] = []
        my_task._set_state(TaskState.READY)

    def added_item(self, my_task, key: str) -> dict:
        return my_task.internal_data["added"][int(key[len(_ADDED):])]

    def create_child(self, my_task, item, key_or_index=None):
        super().create_child(my_task, item, key_or_index)
        if isinstance(key_or_index, str) and key_or_index.startswith(_ADDED):
            child = my_task.children[-1]
            added = self.added_item(my_task, key_or_index)
            child.internal_data["signer"] = added["signer"]
            child.internal_data["added_by"] = added["added_by"]


class SigningParallelMultiInstance(_Signing, ParallelMultiInstanceTask):
    """会签 / 或签 (and, without `approval_mode`, SpiffWorkflow's own parallel multi-instance)."""

    def merge_child(self, workflow, child):
        my_task = child.parent
        if self._mode(my_task) is None:
            return super().merge_child(workflow, child)
        MultiInstanceTask.merge_child(self, workflow, child)  # the output collection, without the parallel rule
        self._record_vote(my_task, child)
        self.evaluate(my_task)

    def evaluate(self, my_task) -> None:
        """Finish the step once its outcome is certain; the open signers' tasks are then cancelled."""
        mode = self._mode(my_task)
        votes = my_task.internal_data.get("votes", {})
        signers = self._signers(my_task)
        decided = [votes[str(c.id)] for c in signers if str(c.id) in votes]
        approvals = sum(1 for d in decided if d == "approve")
        rejections = len(decided) - approvals
        if mode == "any":
            if decided:
                self._finish(my_task, decided[0] == "approve")
            return
        need = math.ceil(parse_ratio(_props(self._child_spec(my_task)).get("pass_ratio")) * len(signers))
        if approvals >= need:
            self._finish(my_task, True)
        elif rejections > len(signers) - need:
            self._finish(my_task, False)

    def children_complete(self, my_task):
        if self._mode(my_task) is None:
            return super().children_complete(my_task)
        return all(c.has_state(TaskState.FINISHED_MASK) for c in self._instances(my_task))


class SigningSequentialMultiInstance(_Signing, SequentialMultiInstanceTask):
    """依次 (and, without `approval_mode`, SpiffWorkflow's own sequential multi-instance)."""

    def merge_child(self, workflow, child):
        my_task = child.parent
        if self._mode(my_task) is None:
            return super().merge_child(workflow, child)
        MultiInstanceTask.merge_child(self, workflow, child)  # the output collection, without the sequential rule
        self._record_vote(my_task, child)
        if self._decision(my_task, child) != "approve" or self.check_completion_condition(my_task):
            self._finish(my_task, False)  # a rejection, or the definition's own stop as before
        else:
            self.next_or_finish(my_task)

    def next_or_finish(self, my_task) -> None:
        """The next signer in line, or the end: passed when someone approved and nobody rejected."""
        if my_task.internal_data.get("remaining"):
            self.add_next_child(my_task)
        else:
            votes = my_task.internal_data.get("votes", {}).values()
            self._finish(my_task, bool(votes) and all(v == "approve" for v in votes))

    def get_next_input_item(self, my_task):
        remaining = my_task.internal_data.get("remaining") or []
        if remaining and isinstance(remaining[0], str) and remaining[0].startswith(_ADDED):
            key = remaining[0]
            my_task.internal_data["remaining"] = remaining[1:]
            return key, self.added_item(my_task, key)["item"]
        return super().get_next_input_item(my_task)


class SigningUserTaskParser(UserTaskParser):
    """SpiffWorkflow's user-task parser, building the signing multi-instance specs."""

    PARALLEL_MI_CLASS = SigningParallelMultiInstance
    SEQUENTIAL_MI_CLASS = SigningSequentialMultiInstance


PARSER_OVERRIDES = {full_tag("userTask"): (SigningUserTaskParser, UserTask)}
SIGNING_SPECS = (SigningParallelMultiInstance, SigningSequentialMultiInstance)


# --- 加签 / 减签 -------------------------------------------------------------------------------------------------


def _open_child(workflow: BpmnWorkflow, child_task_id: str):
    """The READY child of a signing step, and that step's multi-instance task."""
    try:
        child = workflow.get_task_from_id(UUID(str(child_task_id)))
    except (TaskNotFoundException, ValueError) as exc:
        raise SignerRefused(f"任务 {child_task_id} 不存在") from exc
    parent = child.parent if child is not None else None
    if parent is None or not isinstance(parent.task_spec, SIGNING_SPECS) or parent.task_spec._mode(parent) is None:
        raise SignerRefused("该环节不是多人审批环节，不能加签或减签")
    if child.state != TaskState.READY:
        raise SignerRefused("该审批人已办理或已不在此环节")
    return child, parent


def signing_mode(workflow: BpmnWorkflow, child_task_id: str) -> str | None:
    """The approval mode of the step this task is a signer of; None when it is no signing step."""
    try:
        _child, parent = _open_child(workflow, child_task_id)
    except SignerRefused:
        return None
    return parent.task_spec._mode(parent)


def add_signer(workflow: BpmnWorkflow, child_task_id: str, signer: int, position: str = "after") -> str | None:
    """加签: `signer` (an official's id) signs this step too; returns the new child's id once it exists.

    依次: "after" puts the signer right after the current one; "before" makes them act first: the current
    signer's task is cancelled and comes back right after the added signer (a new task, assigned by the rule
    again). 会签 / 或签: one more parallel signer, whatever `position` says (there is no order to place them in);
    会签 then needs the ratio over one more signer. The added child's input item is the signer when the step names
    its signers by official (`official_variable`), else the item (role) of the child it was added from, so the
    step's data stays as the definition expects. Call `do_engine_steps` afterwards.
    """
    if position not in ("before", "after"):
        raise SignerRefused(f"未知的加签位置：{position!r}")
    child, parent = _open_child(workflow, child_task_id)
    spec = parent.task_spec
    added = parent.internal_data.setdefault("added", [])
    if spec.input_item is not None and _props(spec._child_spec(parent)).get("official_variable") == \
            spec.input_item.bpmn_id:
        item = signer  # the step names its signers by official: the added one is named likewise
    else:  # by role: the added signer's task keeps the item (the role) of the task it was added from
        item = spec.input_item.get(child) if spec.input_item is not None else child.internal_data.get("item")
    added.append({"signer": signer, "item": item, "added_by": str(child.id)})
    key = f"{_ADDED}{len(added) - 1}"
    if isinstance(spec, SigningParallelMultiInstance):
        spec.create_child(parent, added[-1]["item"], key)
        return str(parent.children[-1].id)
    remaining = list(parent.internal_data.get("remaining") or [])
    if position == "after":
        parent.internal_data["remaining"] = [key, *remaining]
        return None
    current = child.internal_data.get("key_or_index")
    parent.internal_data["remaining"] = [key, *([] if current is None else [current]), *remaining]
    child.cancel()
    spec.add_next_child(parent)
    return str(parent.children[-1].id)


def remove_signer(workflow: BpmnWorkflow, child_task_id: str) -> None:
    """减签: the signer of this open task no longer signs; the step decides again over the signers left.

    Never one who already decided (their task is no longer open), never the last signer left. In 依次 only the
    current signer has a task: removing it passes the step to the next in line (or ends it when nobody is left
    and someone approved). Call `do_engine_steps` afterwards.
    """
    child, parent = _open_child(workflow, child_task_id)
    spec = parent.task_spec
    still = [c for c in spec._signers(parent) if c is not child]
    if isinstance(spec, SigningSequentialMultiInstance):
        if not parent.internal_data.get("remaining") and not parent.internal_data.get("votes"):
            raise SignerRefused("不能减去最后一位审批人")
    elif not still:
        raise SignerRefused("不能减去最后一位审批人")
    parent.internal_data.setdefault("removed", []).append(str(child.id))
    child.cancel()
    if isinstance(spec, SigningSequentialMultiInstance):
        spec.next_or_finish(parent)
    else:
        spec.evaluate(parent)


def signer_of(task: Any) -> tuple[int | None, str | None]:
    """(official id, id of the child it was added from) of a child added by 加签; (None, None) for the rest."""
    return task.internal_data.get("signer"), task.internal_data.get("added_by")
