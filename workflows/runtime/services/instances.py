"""One transaction, one winner: every write to an instance goes through here.

Each write locks the instance row (SELECT … FOR UPDATE where the database can; SQLite runs
IMMEDIATE transactions, so writers queue), checks the task is open and the actor may act,
runs the engine, saves state with a compare-and-swap on the revision, syncs task rows and
writes audit. An engine failure rolls all of that back and marks the instance errored in a
separate update, so nothing is half-saved and an administrator can see and retry it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.db import connection, transaction
from django.db.models import F

from engine.errors import ExecutionError, NotAllowed
from engine.runtime import ProcessRunner
from workflows.org.models import Official
from workflows.runtime import audit
from workflows.runtime.clock import now
from workflows.runtime.engine_env import runner_for
from workflows.runtime.errors import Conflict
from workflows.runtime.models import HumanTask, ProcessInstance
from workflows.runtime.services.definitions import latest_definition
from workflows.runtime.task_sync import sync_human_tasks


def _save(instance: ProcessInstance, runner: ProcessRunner, workflow) -> None:
    completed = workflow.completed
    fields = {
        "state": runner.dump(workflow),
        "next_timer_at": None if completed else runner.next_timer_due(workflow),
        "status": ProcessInstance.COMPLETED if completed else ProcessInstance.RUNNING,
        "end_event": runner.end_event(workflow) or "",
        "ended_at": now() if completed else None,
    }
    updated = ProcessInstance.objects.filter(pk=instance.pk, revision=instance.revision).update(
        revision=F("revision") + 1, **fields
    )
    if not updated:
        raise Conflict("流程已被他人更新，请刷新后重试 / the instance changed meanwhile; reload and retry")
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.revision += 1
    sync_human_tasks(instance, runner, workflow)
    if completed:
        audit.record("instance_completed", instance=instance, message=runner.element_name(instance.end_event),
                     after={"end_event": instance.end_event})


def _mark_errored(instance_id: int, exc: ExecutionError) -> None:
    with transaction.atomic():
        ProcessInstance.objects.filter(pk=instance_id).update(
            status=ProcessInstance.ERRORED, error_message=exc.message[:2000], error_element=exc.element_id or ""
        )
        audit.record("instance_errored", instance=ProcessInstance.objects.get(pk=instance_id),
                     message=str(exc), after={"element": exc.element_id})


def _locked(instance_id: int, skip_locked: bool = False) -> ProcessInstance | None:
    qs = ProcessInstance.objects.select_related("definition")
    if connection.features.has_select_for_update:
        qs = qs.select_for_update(skip_locked=skip_locked and connection.features.has_select_for_update_skip_locked,
                                  of=("self",))
    return qs.filter(pk=instance_id).first()


def _write(instance_id: int, work: Callable[[ProcessInstance, ProcessRunner, Any], None]) -> ProcessInstance:
    """Run `work(instance, runner, workflow)` under the instance lock, then save; errors mark the instance."""
    try:
        with transaction.atomic():
            instance = _locked(instance_id)
            if instance is None or instance.status != ProcessInstance.RUNNING:
                raise Conflict("流程不在运行中 / the instance is not running")
            runner = runner_for(instance.definition)
            workflow = runner.restore(instance.state)
            work(instance, runner, workflow)
            _save(instance, runner, workflow)
            return instance
    except ExecutionError as exc:
        _mark_errored(instance_id, exc)
        raise


def start_process(
    key: str,
    *,
    data: Mapping[str, Any],
    business_key: str,
    applicant: Official | None = None,
    started_by: Official | None = None,
) -> ProcessInstance:
    """Start the latest version of `key`; an error inside the definition refuses the start (nothing saved)."""
    definition = latest_definition(key)
    runner = runner_for(definition)
    with transaction.atomic():
        instance = ProcessInstance.objects.create(
            definition=definition,
            business_key=business_key,
            state={},
            applicant=applicant,
            department_id=applicant.department_id if applicant else None,
            window_id=applicant.window_id if applicant else None,
            started_by=started_by,
            started_at=now(),
        )
        audit.record("instance_started", instance=instance, actor=started_by,
                     message=f"{definition.name}（第{definition.version}版）", after=dict(data))
        workflow = runner.start(data)
        _save(instance, runner, workflow)
    return instance


def claim_task(task_id: int, actor: Official) -> HumanTask:
    with transaction.atomic():
        _locked(HumanTask.objects.values_list("instance_id", flat=True).get(pk=task_id))
        task = HumanTask.objects.get(pk=task_id)
        if task.state != HumanTask.OPEN:
            raise Conflict("任务已办结 / the task is already closed")
        if not task.candidates.filter(pk=actor.pk).exists():
            raise NotAllowed(actor.pk, task.title)
        if task.assignee_id == actor.pk:
            return task
        if task.assignee_id is not None:
            raise Conflict(f"任务已被 {task.assignee.name} 认领 / already claimed by {task.assignee.name}")
        task.assignee = actor
        task.save(update_fields=["assignee"])
        audit.record("task_claimed", task=task, actor=actor, message=task.title)
        return task


def complete_task(task_id: int, actor: Official, form_data: Mapping[str, Any]) -> HumanTask:
    """Complete an open task as `actor`; a second completion of the same task gets a Conflict."""
    instance_id = HumanTask.objects.values_list("instance_id", flat=True).get(pk=task_id)
    result: dict[str, HumanTask] = {}

    def work(instance: ProcessInstance, runner: ProcessRunner, workflow) -> None:
        task = HumanTask.objects.get(pk=task_id)
        if task.state != HumanTask.OPEN:
            raise Conflict("任务已被办理 / the task has already been completed")
        allowed = task.assignee_id == actor.pk or (
            task.assignee_id is None and task.candidates.filter(pk=actor.pk).exists()
        )
        if not allowed:
            raise NotAllowed(actor.pk, task.title)
        # The row is closed before the engine runs, so service tasks that follow in this step see who acted;
        # a failure rolls it back with everything else.
        task.state = HumanTask.COMPLETED
        task.outcome = str(form_data.get("decision", form_data.get("confirmed", "done")))[:50]
        task.completed_by = actor
        task.completed_at = now()
        task.save(update_fields=["state", "outcome", "completed_by", "completed_at"])
        runner.complete(workflow, task.engine_task_id, form_data, actor.pk, [actor.pk])
        audit.record("task_completed", task=task, actor=actor, message=task.title, after=dict(form_data))
        result["task"] = task

    _write(instance_id, work)
    return result["task"]


def fire_due_timers(limit: int = 200) -> int:
    """Fire every due timer; two sweepers never take the same instance (SKIP LOCKED). Returns instances fired."""
    due = list(
        ProcessInstance.objects.filter(status=ProcessInstance.RUNNING, next_timer_at__lte=now())
        .order_by("next_timer_at").values_list("pk", flat=True)[:limit]
    )
    fired = 0
    for instance_id in due:
        try:
            with transaction.atomic():
                instance = _locked(instance_id, skip_locked=True)
                if (instance is None or instance.status != ProcessInstance.RUNNING
                        or instance.next_timer_at is None or instance.next_timer_at > now()):
                    continue
                runner = runner_for(instance.definition)
                workflow = runner.restore(instance.state)
                runner.fire_due_timers(workflow)
                _save(instance, runner, workflow)
                audit.record("timers_fired", instance=instance)
                fired += 1
        except ExecutionError as exc:
            _mark_errored(instance_id, exc)
        except Conflict:
            continue
    return fired


def retry_instance(instance_id: int, actor: Official) -> ProcessInstance:
    """After the definition or data was fixed: run the engine again from the last good state."""
    with transaction.atomic():
        updated = ProcessInstance.objects.filter(pk=instance_id, status=ProcessInstance.ERRORED).update(
            status=ProcessInstance.RUNNING, error_message="", error_element=""
        )
        if not updated:
            raise Conflict("流程未处于出错状态 / the instance is not in error")
        audit.record("instance_retried", instance=ProcessInstance.objects.get(pk=instance_id), actor=actor)
    return _write(instance_id, lambda instance, runner, workflow: runner.fire_due_timers(workflow))
