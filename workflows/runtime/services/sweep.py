"""The timer sweep: drains every due instance, in batches that any number of workers claim with SKIP LOCKED.

Why batches: a worker claims up to `batch_size` due rows in one statement (`FOR UPDATE SKIP LOCKED`, so two
workers never take the same row and never wait for each other) and fires them in one transaction, paying one
commit per batch instead of one per instance. Each instance runs in its own savepoint: whatever one raises
rolls back that instance alone, which is then marked errored (or, on a database error, left for the next sweep)
while the batch goes on. Why a time budget: a batch stops taking instances once `batch_seconds` have passed and
commits what it fired, so locks are held briefly and a slow instance delays only its own batch; the claimed rows
it did not reach are released by the commit for the next batch. A drain keeps claiming batches until nothing it
may take is due: there is no per-minute ceiling. On SQLite the IMMEDIATE transaction serialises sweepers instead.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from django.db import DatabaseError, connection, transaction

from engine.errors import ExecutionError
from engine.runtime import ProcessRunner
from workflows.runtime import audit
from workflows.runtime.clock import now
from workflows.runtime.engine_env import runner_for
from workflows.runtime.errors import Conflict
from workflows.runtime.models import ProcessDefinition, ProcessInstance
from workflows.runtime.services.instances import _mark_errored, _save

log = logging.getLogger(__name__)

BATCH_SIZE = 50
BATCH_SECONDS = 2.0


@dataclass
class Drain:
    """What one drain did. `passed` holds instances it must not claim again: still due after their turn (a
    database error skipped them, or their next timer was already due), so the next sweep, not this one, retries."""

    fired: int = 0
    more_due: bool = False
    passed: set[int] = field(default_factory=set)


def fire_due_timers(*, batch_size: int = BATCH_SIZE, batch_seconds: float = BATCH_SECONDS,
                    total_seconds: float | None = None) -> int:
    """Fire every due timer this worker can claim; returns how many instances fired."""
    return drain(batch_size=batch_size, batch_seconds=batch_seconds, total_seconds=total_seconds).fired


def drain(*, batch_size: int = BATCH_SIZE, batch_seconds: float = BATCH_SECONDS,
          total_seconds: float | None = None) -> Drain:
    """Claim and fire batches until none is due (or `total_seconds` ran out: then `more_due` says so)."""
    result = Drain()
    deadline = None if total_seconds is None else time.monotonic() + total_seconds
    while True:
        claimed, reached = _batch(result, batch_size, batch_seconds)
        if claimed == 0 or (claimed < batch_size and reached == claimed):
            return result  # nothing left that this worker may take: the rest, if any, is another worker's
        if deadline is not None and time.monotonic() >= deadline:
            result.more_due = True
            return result


def _claim(batch_size: int, passed: set[int]) -> list[ProcessInstance]:
    """Due running instances no other worker holds, oldest deadline first, locked until this batch commits."""
    qs = ProcessInstance.objects.filter(status=ProcessInstance.RUNNING, next_timer_at__lte=now())
    if passed:
        qs = qs.exclude(pk__in=passed)
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    return list(qs.order_by("next_timer_at")[:batch_size])


def _runners(instances: list[ProcessInstance]) -> dict[int, ProcessRunner]:
    """One runner per definition in the batch (the calendar read once), definitions without their sources."""
    ids = {i.definition_id for i in instances}
    definitions = ProcessDefinition.objects.defer("sources").in_bulk(ids)
    for instance in instances:
        instance.definition = definitions[instance.definition_id]
    return {pk: runner_for(definition) for pk, definition in definitions.items()}


def _batch(result: Drain, batch_size: int, batch_seconds: float) -> tuple[int, int]:
    """One transaction: claim, fire each instance in its own savepoint until the budget is spent, commit.
    Returns (claimed, reached): how many rows it locked and how many of them it got to."""
    with transaction.atomic():
        started = time.monotonic()
        instances = _claim(batch_size, result.passed)
        if not instances:
            return 0, 0
        runners = _runners(instances)
        reached = 0
        for instance in instances:
            if reached and time.monotonic() - started >= batch_seconds:
                break
            reached += 1
            fired = _fire(instance, runners[instance.definition_id])
            result.fired += fired is True
            if fired is None or (fired and _still_due(instance)):
                result.passed.add(instance.pk)
        return len(instances), reached


def _still_due(instance: ProcessInstance) -> bool:
    return (instance.status == ProcessInstance.RUNNING and instance.next_timer_at is not None
            and instance.next_timer_at <= now())


def _fire(instance: ProcessInstance, runner: ProcessRunner) -> bool | None:
    """Fire one instance's due timers in a savepoint; a failure is that instance's alone (see the module doc).
    True: fired; False: marked errored; None: skipped (a database error), for the next sweep to retry."""
    try:
        with transaction.atomic():
            workflow = runner.restore(instance.state)
            runner.fire_due_timers(workflow)
            _save(instance, runner, workflow)
            audit.record("timers_fired", instance=instance)
        return True
    except (DatabaseError, Conflict):
        log.exception("timer sweep skipped instance %s (database error; the next sweep retries it)", instance.pk)
        return None
    except Exception as exc:  # one instance must never stop the sweep of the others
        if isinstance(exc, ExecutionError):
            error = exc
            log.warning("timer sweep: instance %s stopped by its definition: %s", instance.pk, exc)
        else:
            error = ExecutionError(None, f"{type(exc).__name__}: {exc}")
            log.exception("timer sweep: instance %s failed", instance.pk)
        try:
            _mark_errored(instance.pk, error)
            instance.status = ProcessInstance.ERRORED
        except DatabaseError:
            log.exception("timer sweep could not mark instance %s errored", instance.pk)
    return False


def backlog(batch_size: int = BATCH_SIZE) -> bool:
    """More than one batch is due: worth spreading over several workers (an index-only count, capped)."""
    due = ProcessInstance.objects.filter(status=ProcessInstance.RUNNING, next_timer_at__lte=now())
    return due.order_by()[: batch_size + 1].count() > batch_size
