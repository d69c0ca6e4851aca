"""Moving running instances of one definition version to another (迁移), for the centre administrator.

A dry run (`plan_move`) restores each running instance of the source version and asks the engine (engine.moves)
whether it can run on the target, writing nothing. A move (`move_instances`) takes each instance under its own
lock, in its own transaction: the revision compare-and-swap of `save_step` makes a move that raced another write
lose cleanly, task rows are synced against the target's specs, and one "instance_migrated" audit row names both
versions. One instance refused or lost never holds back the others: each answer is reported per instance.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction

from engine.errors import EngineError
from engine.moves import move
from workflows.org.models import Official
from workflows.runtime import audit
from workflows.runtime.engine_env import runner_for
from workflows.runtime.errors import InvalidInput
from workflows.runtime.models import ProcessDefinition, ProcessInstance
from workflows.runtime.services.instances import lock_instance, save_step
from workflows.runtime.workflow_cache import keep_after_commit, restored


@dataclass(frozen=True)
class PlannedMove:
    """One running instance of the dry run: movable, or the reasons (element id, why) it is not."""

    instance: ProcessInstance
    reasons: tuple[tuple[str, str], ...] = ()

    @property
    def movable(self) -> bool:
        return not self.reasons


@dataclass
class MoveReport:
    """What `move_instances` did: the ids moved and, per refused id, why."""

    moved: list[int] = field(default_factory=list)
    refused: dict[int, list[str]] = field(default_factory=dict)


def _check_pair(source: ProcessDefinition, target: ProcessDefinition) -> None:
    if source.key != target.key:
        raise InvalidInput("目标版本须属于同一流程", field="target")
    if source.pk == target.pk:
        raise InvalidInput("目标版本与源版本相同", field="target")


def plan_move(source: ProcessDefinition, target: ProcessDefinition) -> list[PlannedMove]:
    """Dry run: each running instance of `source`, and whether it could move to `target` now. Writes nothing."""
    _check_pair(source, target)
    source_runner, target_bundle = runner_for(source), runner_for(target).bundle
    planned = []
    running = (ProcessInstance.objects.filter(definition=source, status=ProcessInstance.RUNNING)
               .select_related("definition").defer("definition__sources").order_by("started_at", "id"))
    for instance in running.iterator(chunk_size=200):
        workflow = source_runner.restore(instance.state)
        result = move(workflow, target_bundle)
        planned.append(PlannedMove(instance, tuple((r.element_id, r.reason) for r in result.refusals)))
    return planned


def move_instances(instance_ids: Iterable[int], target: ProcessDefinition, actor: Official,
                   reason: str) -> MoveReport:
    """Move each instance to `target`, each under its own lock; refusals are reported, never raised per instance."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("请填写迁移原因", field="reason")
    if len(reason) > 500:
        raise InvalidInput("迁移原因不能超过500字", field="reason")
    report = MoveReport()
    for instance_id in dict.fromkeys(instance_ids):
        try:
            refusals = _move_one(instance_id, target, actor, reason)
        except EngineError as exc:
            refusals = [str(exc)]
        if refusals:
            report.refused[instance_id] = refusals
        else:
            report.moved.append(instance_id)
    return report


def _move_one(instance_id: int, target: ProcessDefinition, actor: Official, reason: str) -> list[str]:
    with transaction.atomic(), audit.batched():
        instance = lock_instance(instance_id)
        if instance is None:
            return ["流程实例不存在"]
        if instance.status != ProcessInstance.RUNNING:
            return [f"流程不在运行中（{instance.get_status_display()}）"]
        source = instance.definition
        if source.key != target.key:
            return ["目标版本属于另一流程"]
        if source.pk == target.pk:
            return ["已在目标版本上运行"]
        source_runner, target_runner = runner_for(source), runner_for(target)
        workflow = restored(instance, source_runner)
        open_before = source_runner.ready_human_task_ids(workflow)
        result = move(workflow, target_runner.bundle)
        if not result.movable:
            return [f"{r.element_id}：{r.reason}" if r.element_id else r.reason for r in result.refusals]
        moved = target_runner.adopt(result.workflow)
        ProcessInstance.objects.filter(pk=instance.pk).update(definition=target)
        instance.definition = target
        save_step(instance, target_runner, moved, open_before)
        keep_after_commit(instance, moved)
        audit.record("instance_migrated", instance=instance, actor=actor,
                     message=f"第{source.version}版 → 第{target.version}版：{reason}",
                     before={"definition": source.pk, "version": source.version},
                     after={"definition": target.pk, "version": target.version, "reason": reason})
    return []
