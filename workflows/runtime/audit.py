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


def record(
    action: str,
    *,
    instance: ProcessInstance | None = None,
    task: HumanTask | None = None,
    actor: Official | None = None,
    message: str = "",
    before: Any = None,
    after: Any = None,
) -> AuditEvent:
    """One audit row; `task` may be a row not inserted yet when a batch is open (it is by the batch's end)."""
    event = AuditEvent(
        instance_id=instance.pk if instance is not None else (task.instance_id if task else None),
        task=task,
        actor=actor,
        at=now(),
        action=action,
        message=message,
        before=before,
        after=after,
    )
    pending = _pending.get()
    if pending is None:
        event.save()
    else:
        pending.append(event)
    return event


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
