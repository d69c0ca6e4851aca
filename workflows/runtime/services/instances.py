"""One transaction, one winner: every write to an instance goes through here (task transitions in
`transitions` call `write_instance`).

Each write locks the instance row (SELECT … FOR UPDATE where the database can; SQLite runs
IMMEDIATE transactions, so writers queue), checks the task is open and the actor may act,
runs the engine, saves state with a compare-and-swap on the revision, syncs task rows and
writes audit. An engine failure rolls all of that back and marks the instance errored in a
separate update, so nothing is half-saved and an administrator can see and retry it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Mapping
from typing import Any

from django.db import DatabaseError, OperationalError, connection, transaction
from django.db.models import F, Subquery

from engine.errors import EngineError, ExecutionError
from engine.failures import execution_error
from engine.runtime import ProcessRunner
from engine.script_log import take_printed
from workflows.org.models import Official
from workflows.runtime import audit
from workflows.runtime.clock import now
from workflows.runtime.engine_env import runner_for
from workflows.runtime.errors import Conflict
from workflows.runtime.models import HumanTask, ProcessInstance
from workflows.runtime.running import running
from workflows.runtime.script_prints import record_printed
from workflows.runtime.services.definitions import active_definition
from workflows.runtime.task_sync import sync_human_tasks
from workflows.runtime.waiting import sync_waiting_events
from workflows.runtime.workflow_cache import keep_after_commit, restored

log = logging.getLogger(__name__)


def saved_fields(runner: ProcessRunner, workflow) -> dict[str, Any]:
    """The instance columns a step sets: its state, and what the sweep, lists and monitoring read off the row."""
    completed = workflow.completed
    return {
        "state": runner.dump(workflow),
        "next_timer_at": None if completed else runner.next_timer_due(workflow),
        "status": ProcessInstance.COMPLETED if completed else ProcessInstance.RUNNING,
        "end_event": runner.end_event(workflow) or "",
        "ended_at": now() if completed else None,
    }


def save_step(instance: ProcessInstance, runner: ProcessRunner, workflow, open_before: Collection[str]) -> None:
    """Save a step under the lock the caller holds: compare-and-swap on the revision, then the task rows that
    changed since the state whose READY user tasks were `open_before` (ready_human_task_ids of the restore)."""
    fields = saved_fields(runner, workflow)
    updated = ProcessInstance.objects.filter(pk=instance.pk, revision=instance.revision).update(
        revision=F("revision") + 1, **fields
    )
    if not updated:
        raise Conflict("流程已被他人更新，请刷新后重试")
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.revision += 1
    sync_human_tasks(instance, runner, workflow, open_before)
    sync_waiting_events(instance, runner, workflow)
    record_printed(instance, take_printed(workflow))
    if workflow.completed:
        audit.record("instance_completed", instance=instance, message=runner.element_name(instance.end_event),
                     after={"end_event": instance.end_event})


def mark_errored(instance_id: int, exc: ExecutionError) -> None:
    """The engine failed: the instance shows the error in its own transaction, for an administrator to retry."""
    with transaction.atomic():
        ProcessInstance.objects.filter(pk=instance_id).update(
            status=ProcessInstance.ERRORED, error_message=exc.message[:2000], error_element=exc.element_id or ""
        )
        instance = ProcessInstance.objects.get(pk=instance_id)
        record_printed(instance, exc.printed)
        audit.record("instance_errored", instance=instance, message=str(exc), after={"element": exc.element_id})


def instance_of_task(task_id: int) -> Subquery:
    """The instance id of a task, as a subquery: locking through it costs one statement, not two."""
    return Subquery(HumanTask.objects.filter(pk=task_id).values("instance_id")[:1])


def lock_instance(instance_id: int | Subquery, skip_locked: bool = False) -> ProcessInstance | None:
    """The instance row, locked; its definition comes along without its sources (the bundle is cached)."""
    qs = ProcessInstance.objects.select_related("definition").defer("definition__sources")
    if connection.features.has_select_for_update:
        qs = qs.select_for_update(skip_locked=skip_locked and connection.features.has_select_for_update_skip_locked,
                                  of=("self",))
    return qs.filter(pk=instance_id).first()


class LockBusy(Exception):
    """A lock taken without waiting found the instance held by another write: the write runs again, waiting."""


def raise_if_busy(exc: OperationalError) -> None:
    """LockBusy when `exc` is PostgreSQL's lock_not_available (SQLSTATE 55P03, from FOR UPDATE NOWAIT)."""
    if getattr(exc.__cause__, "sqlstate", None) == "55P03":
        raise LockBusy from exc


InstanceLock = Callable[[bool], ProcessInstance | None]
"""Locks the row of the instance a write is for and returns it (None: no such instance). Called with
wait=False first, it may raise LockBusy instead of waiting; the write then runs again with wait=True."""


def write_instance(instance_id: int | Subquery,
                   work: Callable[[ProcessInstance, ProcessRunner, Any], None],
                   lock: InstanceLock | None = None) -> ProcessInstance:
    """Run `work(instance, runner, workflow)` under the instance lock, then save; errors mark the instance.

    One lock, one engine run, one state save, the task rows that changed, and the audit rows of the whole
    write in one INSERT at its end. `instance_id` may be `instance_of_task(...)`; `lock` replaces the plain
    instance lock (a completion reads its task row in the same statement).
    """
    lock = lock or (lambda wait: lock_instance(instance_id))
    try:
        return _write(lock, work, wait=False)
    except LockBusy:
        return _write(lock, work, wait=True)


def _write(lock: InstanceLock, work: Callable[[ProcessInstance, ProcessRunner, Any], None],
           wait: bool) -> ProcessInstance:
    locked: int | None = None
    try:
        with transaction.atomic(), audit.batched():
            instance = lock(wait)
            if instance is None or instance.status != ProcessInstance.RUNNING:
                raise Conflict("流程不在运行中")
            locked = instance.pk
            runner = runner_for(instance.definition)
            workflow = restored(instance, runner)
            open_before = runner.ready_human_task_ids(workflow)
            with running(instance):
                work(instance, runner, workflow)
            save_step(instance, runner, workflow, open_before)
            keep_after_commit(instance, workflow)
            return instance
    except Exception as exc:
        if locked is None or not _fails_the_instance(exc):
            raise
        error = execution_error(exc)
        if error is not exc:
            log.exception("instance %s failed", locked)
        mark_errored(locked, error)
        raise error from exc


def _fails_the_instance(exc: Exception) -> bool:
    """Whether `exc` puts the instance into its error state: any failure of the engine run, of whatever type;
    not a refusal (not allowed, a conflict, bad input: nothing happened) nor a database error (try again)."""
    return isinstance(exc, ExecutionError) or not isinstance(exc, EngineError | DatabaseError)


def start_process(
    key: str,
    *,
    data: Mapping[str, Any],
    business_key: str,
    applicant: Official | None = None,
    started_by: Official | None = None,
    then: Callable[[ProcessInstance, ProcessRunner, Any], None] | None = None,
    on_schedule: bool = False,
) -> ProcessInstance:
    """Start the active version of `key` (services.definitions.active_definition); an error inside the definition
    refuses the start (nothing saved).

    `then(instance, runner, workflow)` runs in the same transaction before the save (a message start event
    receives its message there). `on_schedule`: its timer start event's due time came (services.scheduled_starts),
    so it does not wait again."""
    definition = active_definition(key)
    runner = runner_for(definition)
    try:
        return _start(definition, runner, data, business_key, applicant, started_by, then=then,
                      on_schedule=on_schedule)
    except Exception as exc:
        if isinstance(exc, EngineError | DatabaseError):  # the engine's own error, a refusal, or try again
            raise
        log.exception("starting %s failed", key)
        raise execution_error(exc) from exc


def _start(definition, runner: ProcessRunner, data: Mapping[str, Any], business_key: str,
           applicant: Official | None, started_by: Official | None, *,
           then: Callable[[ProcessInstance, ProcessRunner, Any], None] | None, on_schedule: bool) -> ProcessInstance:
    with transaction.atomic(), audit.batched():
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
        with running(instance):
            workflow = runner.start_on_schedule(data) if on_schedule else runner.start(data)
            if then is not None:
                then(instance, runner, workflow)
        save_step(instance, runner, workflow, open_before=())
        keep_after_commit(instance, workflow)
    return instance


def retry_instance(instance_id: int, actor: Official) -> ProcessInstance:
    """After the definition or data was fixed: run the engine again from the last good state."""
    with transaction.atomic():
        updated = ProcessInstance.objects.filter(pk=instance_id, status=ProcessInstance.ERRORED).update(
            status=ProcessInstance.RUNNING, error_message="", error_element=""
        )
        if not updated:
            raise Conflict("流程未处于出错状态")
        audit.record("instance_retried", instance=ProcessInstance.objects.get(pk=instance_id), actor=actor)
    return write_instance(instance_id, lambda instance, runner, workflow: runner.fire_due_timers(workflow))
