"""The only write path to the audit log: create, never update or delete.

Inside `batched()` (every instance write runs in one) the rows a write records are kept and inserted in
one statement when the write ends, instead of one INSERT each; a write that fails inserts none, as its
transaction is rolled back anyway. Outside a batch a row is inserted at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from workflows.org.models import Official
from workflows.runtime.clock import now
from workflows.runtime.models import AuditEvent, HumanTask, ProcessInstance

_pending: ContextVar[list[AuditEvent] | None] = ContextVar("govflow_audit_pending", default=None)


def event(
    action: str,
    *,
    instance: ProcessInstance | None = None,
    task: HumanTask | None = None,
    actor: Official | None = None,
    message: str = "",
    before: Any = None,
    after: Any = None,
) -> AuditEvent:
    """An audit row not yet written; `task` may be a row not inserted yet (it is by the time the row is)."""
    return AuditEvent(
        instance_id=instance.pk if instance is not None else (task.instance_id if task else None),
        task=task,
        actor=actor,
        at=now(),
        action=action,
        message=message,
        before=before,
        after=after,
    )


def record(action: str, **fields: Any) -> AuditEvent:
    """Record one row (`fields` as `event` takes them): at once, or with its batch when one is open."""
    return record_all([event(action, **fields)])[0]


def record_all(events: list[AuditEvent]) -> list[AuditEvent]:
    """Record many rows: in one insert, or with the open batch (the timer sweep writes a whole batch's at once)."""
    pending = _pending.get()
    if pending is not None:
        pending.extend(events)
    elif len(events) == 1:
        events[0].save(force_insert=True)
    else:
        AuditEvent.objects.bulk_create(events)
    return events


@contextmanager
def batched() -> Iterator[None]:
    """Collect the rows recorded inside and insert them in one statement on the way out (call it inside the
    write's transaction). A batch opened inside another joins it: the outermost one inserts."""
    if _pending.get() is not None:
        yield
        return
    token = _pending.set([])
    try:
        yield
        events = _pending.get() or []
    finally:
        _pending.reset(token)
    if events:
        AuditEvent.objects.bulk_create(events)
