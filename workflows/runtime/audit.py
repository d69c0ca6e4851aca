"""The only write path to the audit log: create, never update or delete."""

from __future__ import annotations

from typing import Any

from workflows.org.models import Official
from workflows.runtime.clock import now
from workflows.runtime.models import AuditEvent, HumanTask, ProcessInstance


def record(action: str, **fields: Any) -> AuditEvent:
    """Write one audit row now; `fields` as `event` takes them."""
    entry = event(action, **fields)
    entry.save(force_insert=True)
    return entry


def record_all(events: list[AuditEvent]) -> None:
    """Many rows in one insert (the timer sweep writes a whole batch's at once)."""
    AuditEvent.objects.bulk_create(events)


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
    """An audit row not yet written: `record` writes it at once, `record_all` together with others."""
    return AuditEvent(
        instance=instance or (task.instance if task else None),
        task=task,
        actor=actor,
        at=now(),
        action=action,
        message=message,
        before=before,
        after=after,
    )
