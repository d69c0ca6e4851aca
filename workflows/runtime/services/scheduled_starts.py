"""Timer start events: the sweep starts an instance once per due time of a definition's schedule.

The schedule rows are written at deploy (services.start_schedules). The sweep claims
due rows like due instances (`FOR UPDATE SKIP LOCKED`; on SQLite the IMMEDIATE transaction serialises
sweepers) and, in the same transaction, starts the instance and moves the row to its next due time, so each
due time starts exactly one instance however many workers sweep. A start the definition refuses is audited
and its due time is spent all the same: the next due time tries again, no sweep retries it forever.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection, transaction

from engine.clock import CENTRE_TZ
from engine.errors import ExecutionError
from engine.start_timers import Due, next_due
from workflows.runtime import audit
from workflows.runtime.clock import now
from workflows.runtime.models import StartSchedule
from workflows.runtime.services.instances import start_process

log = logging.getLogger(__name__)

BATCH_SIZE = 50  # rows one transaction claims: each starts an instance (a full write), so fewer than the sweep's


def start_due(*, batch_size: int = BATCH_SIZE) -> int:
    """Start an instance for every due time that has come; returns how many due times were spent.

    A look first, outside any transaction: most sweeps find no schedule due and pay one indexed query."""
    spent = 0
    while _due().exists():
        with transaction.atomic():
            rows = _claim(batch_size)
            for row in rows:
                _start(row)
        if not rows:  # the due rows are another worker's
            return spent
        spent += len(rows)  # a row still due after its turn (a late sweep) is claimed again: once per due time
    return spent


def _due():
    return StartSchedule.objects.filter(active=True, next_due_at__lte=now())


def _claim(batch_size: int) -> list[StartSchedule]:
    qs = _due().select_related("definition").defer("definition__sources")
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    return list(qs.order_by("next_due_at")[:batch_size])


def _start(row: StartSchedule) -> None:
    """Start the instance of this due time and move the row on, both in the caller's transaction."""
    due = row.next_due_at.astimezone(CENTRE_TZ)  # the database gives UTC; keys and data read in the centre's time
    business_key = f"{row.definition.key}-{row.element_id}-{due:%Y%m%d%H%M}"[:100]
    try:
        with transaction.atomic():
            instance = start_process(row.definition.key, data={"scheduled_at": due.isoformat()},
                                     business_key=business_key, on_schedule=True)
            audit.record("scheduled_start", instance=instance, message=row.element_id,
                         after={"due_at": due.isoformat()})
    except DatabaseError:
        raise  # the batch rolls back and the row stays due: the next sweep tries this due time again
    except Exception as exc:  # the definition refused the start (or it is damaged): audited, never a loop
        error = exc if isinstance(exc, ExecutionError) else ExecutionError(None, f"{type(exc).__name__}: {exc}")
        log.warning("scheduled start of %s refused: %s", row, error)
        audit.record("scheduled_start_failed", message=f"{row.definition} {row.element_id}：{error}",
                     after={"due_at": due.isoformat(), "element": error.element_id})
    following = next_due(Due(due, row.remaining, row.period))
    row.next_due_at = following.at if following else None
    row.remaining = following.remaining if following else 0
    row.active = following is not None
    row.save(update_fields=["next_due_at", "remaining", "active"])
