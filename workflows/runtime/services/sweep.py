"""The timer sweep: drains every due instance, in batches that any number of workers claim with SKIP LOCKED.

Why batches: a worker claims up to `batch_size` due rows in one statement (`FOR UPDATE SKIP LOCKED`, so two
workers never take the same row and never wait for each other) and fires them in one transaction, paying one
commit per batch instead of one per instance. Each instance's engine run is in its own savepoint: whatever one
raises rolls back that instance alone (with what its service tasks wrote), which is then marked errored (or, on
a database error, left for the next sweep) while the batch goes on; the fired instances are then written
together (see `_batch`). Why a time budget: a batch stops taking instances once `batch_seconds` have passed and
commits what it fired, so locks are held briefly and a slow instance delays only its own batch; the claimed rows
it did not reach are released by the commit for the next batch. A drain keeps claiming batches until nothing it
may take is due: there is no per-minute ceiling. On SQLite the IMMEDIATE transaction serialises sweepers instead.
A drain first starts the instances whose timer start event is due (services.scheduled_starts), so a started
instance whose own first timer is already due fires in the same drain, then runs the deadline watch
(services.deadlines: due-soon and overdue notices, each step's timeout rule), so whoever sweeps timers watches
deadlines too.
"""

from __future__ import annotations

import logging
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from django.db import DatabaseError, connection, transaction

from engine.errors import ExecutionError
from engine.runtime import ProcessRunner
from engine.script_log import take_printed
from workflows.runtime import audit
from workflows.runtime.clock import now
from workflows.runtime.engine_env import runner_for
from workflows.runtime.errors import Conflict
from workflows.runtime.models import HumanTask, ProcessDefinition, ProcessInstance
from workflows.runtime.running import running
from workflows.runtime.script_prints import printed_events
from workflows.runtime.services.deadlines import Watch, watch_deadlines
from workflows.runtime.services.instances import mark_errored, save_step, saved_fields
from workflows.runtime.services.scheduled_starts import start_due
from workflows.runtime.waiting import waits_for_events

log = logging.getLogger(__name__)

BATCH_SIZE = 200  # measured (bench_sweep): 200 drains ~25% faster than 50; the time budget bounds the lock
BATCH_SECONDS = 1.0  # how long a batch may hold its row locks (SQLite: the write lock) at most


@dataclass
class Drain:
    """What one drain did. `passed` holds instances it must not claim again: still due after their turn (a
    database error skipped them, or their next timer was already due), so the next sweep, not this one, retries."""

    fired: int = 0
    started: int = 0  # due times of timer start events spent (an instance started, or its refusal audited)
    more_due: bool = False
    passed: set[int] = field(default_factory=set)
    deadlines: Watch = field(default_factory=Watch)  # notices sent and timeout rules applied


def fire_due_timers(*, batch_size: int = BATCH_SIZE, batch_seconds: float = BATCH_SECONDS,
                    total_seconds: float | None = None) -> int:
    """Fire every due timer this worker can claim; returns how many instances fired."""
    return drain(batch_size=batch_size, batch_seconds=batch_seconds, total_seconds=total_seconds).fired


def drain(*, batch_size: int = BATCH_SIZE, batch_seconds: float = BATCH_SECONDS,
          total_seconds: float | None = None) -> Drain:
    """Claim and fire batches until none is due (or `total_seconds` ran out: then `more_due` says so)."""
    result = Drain(started=start_due(), deadlines=_watch())
    deadline = None if total_seconds is None else time.monotonic() + total_seconds
    while True:
        claimed, reached = _batch(result, batch_size, batch_seconds)
        if claimed == 0 or (claimed < batch_size and reached == claimed):
            return result  # nothing left that this worker may take: the rest, if any, is another worker's
        if deadline is not None and time.monotonic() >= deadline:
            result.more_due = True
            return result


def _watch() -> Watch:
    """The deadline watch; its failure is logged and must not hold back the timers (the next sweep retries)."""
    try:
        return watch_deadlines()
    except Exception:
        log.exception("deadline watch failed")
        return Watch()


def _claim(batch_size: int, passed: set[int]) -> list[ProcessInstance]:
    """Due running instances no other worker holds, oldest deadline first, locked until this batch commits."""
    qs = ProcessInstance.objects.filter(status=ProcessInstance.RUNNING, next_timer_at__lte=now())
    if passed:
        qs = qs.exclude(pk__in=passed)
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    return list(qs.order_by("next_timer_at")[:batch_size])


def _runners(instances: list[ProcessInstance]) -> dict[int, tuple[ProcessRunner, bool]]:
    """One runner per definition in the batch (the calendar read once), definitions without their sources; with
    it, whether the definition calls services (then each engine run needs a savepoint, see `_run`)."""
    ids = {i.definition_id for i in instances}
    definitions = ProcessDefinition.objects.defer("sources").in_bulk(ids)
    for instance in instances:
        instance.definition = definitions[instance.definition_id]
    runners = {pk: runner_for(definition) for pk, definition in definitions.items()}
    return {pk: (runner, runner.calls_services()) for pk, runner in runners.items()}


def _batch(result: Drain, batch_size: int, batch_seconds: float) -> tuple[int, int]:
    """One transaction: claim, run the engine on each instance until the budget is spent, write, commit.
    Returns (claimed, reached): how many rows it locked and how many of them it got to.

    Instances whose fire neither touches an open task nor makes a new one (most timers: a deadline passes, a
    reminder goes out, the process ends) are written together, one UPDATE and one audit INSERT for the batch;
    the others go through the full write (task sync) one by one, each in its savepoint."""
    with transaction.atomic():
        started = time.monotonic()
        instances = _claim(batch_size, result.passed)
        if not instances:
            return 0, 0
        runners = _runners(instances)
        with_tasks = set(HumanTask.objects.filter(instance__in=instances, state=HumanTask.OPEN)
                         .values_list("instance_id", flat=True))
        plain: list[_Run] = []
        reached = 0
        for instance in instances:
            if reached and time.monotonic() - started >= batch_seconds:
                break
            reached += 1
            run = _run(result, instance, *runners[instance.definition_id])
            if run is None:
                continue
            if (instance.pk in with_tasks or run.runner.ready_human_task_ids(run.workflow)
                    or waits_for_events(run.runner)):  # its waiting-event rows need the full write too
                _count(result, instance, _write_one(run))
            else:
                plain.append(run)
        if not _write_plain(plain):  # the batch write failed: the same runs are written one by one
            for run in plain:
                _count(result, run.instance, _write_one(run))
        else:
            for run in plain:
                _count(result, run.instance, True)
        return len(instances), reached


@dataclass
class _Run:
    instance: ProcessInstance
    runner: ProcessRunner
    workflow: Any  # the engine's workflow after the fire
    fields: dict[str, Any]  # what the instance row becomes
    open_before: set[str]  # the READY user tasks before the fire: the instance's open rows


def _count(result: Drain, instance: ProcessInstance, fired: bool | None) -> None:
    result.fired += fired is True
    if fired is None or (fired and _still_due(instance)):
        result.passed.add(instance.pk)


def _still_due(instance: ProcessInstance) -> bool:
    return (instance.status == ProcessInstance.RUNNING and instance.next_timer_at is not None
            and instance.next_timer_at <= now())


def _run(result: Drain, instance: ProcessInstance, runner: ProcessRunner, calls_services: bool) -> _Run | None:
    """The engine's part: restore, fire, dump. If the definition calls services, in a savepoint, so that what
    they wrote goes with the run if it fails; without services the engine touches no table (and needs none).
    A failure marks the instance errored; a database error leaves it to the next sweep."""
    try:
        with transaction.atomic() if calls_services else nullcontext(), running(instance):
            workflow = runner.restore(instance.state)
            open_before = runner.ready_human_task_ids(workflow)
            runner.fire_due_timers(workflow)
            fields = {**saved_fields(runner, workflow), "revision": instance.revision + 1}
        return _Run(instance, runner, workflow, fields, open_before)
    except DatabaseError:
        log.exception("timer sweep skipped instance %s (database error; the next sweep retries it)", instance.pk)
        result.passed.add(instance.pk)
    except Exception as exc:  # one instance must never stop the sweep of the others
        _fail(instance, exc)
    return None


def _fail(instance: ProcessInstance, exc: Exception) -> None:
    """Mark the instance errored for an administrator: its definition stopped it, or it is damaged."""
    if isinstance(exc, ExecutionError):
        error = exc
        log.warning("timer sweep: instance %s stopped by its definition: %s", instance.pk, exc)
    else:
        error = ExecutionError(None, f"{type(exc).__name__}: {exc}")
        log.exception("timer sweep: instance %s failed", instance.pk)
    try:
        mark_errored(instance.pk, error)
        instance.status = ProcessInstance.ERRORED
    except DatabaseError:
        log.exception("timer sweep could not mark instance %s errored", instance.pk)


def _write_one(run: _Run) -> bool | None:
    """The full write of one fired instance (state, task sync, audit) in its savepoint. True: written; None:
    skipped on a database error, for the next sweep to retry; False: it failed and is marked errored."""
    try:
        with transaction.atomic(), audit.batched():
            save_step(run.instance, run.runner, run.workflow, run.open_before)
            audit.record("timers_fired", instance=run.instance)
        return True
    except (DatabaseError, Conflict):
        log.exception("timer sweep skipped instance %s (database error; the next sweep retries it)", run.instance.pk)
        return None
    except Exception as exc:  # e.g. a new task nobody may take: the instance stops, the batch goes on
        _fail(run.instance, exc)
        return False


def _write_plain(runs: list[_Run]) -> bool:
    """Save the instances whose fire touched no task in one UPDATE and their audit rows in one INSERT; False
    (nothing written, the instances as they were) if that failed.

    No revision check is needed: the claim holds their row locks (on SQLite, the IMMEDIATE transaction) since
    it read them."""
    if not runs:
        return True
    events = []
    for run in runs:
        if run.fields["status"] == ProcessInstance.COMPLETED:
            events.append(audit.event("instance_completed", instance=run.instance,
                                      message=run.runner.element_name(run.fields["end_event"]),
                                      after={"end_event": run.fields["end_event"]}))
        events.append(audit.event("timers_fired", instance=run.instance))
        events.extend(printed_events(run.instance, take_printed(run.workflow)))
    try:
        with transaction.atomic():
            _update_rows(runs)
            audit.record_all(events)
    except DatabaseError:
        log.exception("timer sweep: the batch write failed; writing its %d instances one by one", len(runs))
        return False
    for run in runs:
        for name, value in run.fields.items():
            setattr(run.instance, name, value)
    return True


_SAVED = ("state", "next_timer_at", "status", "end_event", "ended_at", "revision")


def _update_rows(runs: list[_Run]) -> None:
    """The saved fields of many rows in one executemany of a plain UPDATE (the driver pipelines it). Not
    `bulk_update`: its CASE per field and row cost more Python than the engine's own work (profiled)."""
    meta = ProcessInstance._meta
    fields = [meta.get_field(name) for name in _SAVED]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"
    rows = [[f.get_db_prep_save(run.fields[f.name], connection) for f in fields] + [run.instance.pk] for run in runs]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def backlog(batch_size: int = BATCH_SIZE) -> bool:
    """More than one batch is due: worth spreading over several workers (an index-only count, capped)."""
    due = ProcessInstance.objects.filter(status=ProcessInstance.RUNNING, next_timer_at__lte=now())
    return due.order_by()[: batch_size + 1].count() > batch_size
