"""The only write path to the audit log: create, never update or delete."""

from __future__ import annotations

from typing import Any

from workflows.org.models import Official
from workflows.runtime.clock import now
from workflows.runtime.models import AuditEvent, HumanTask, ProcessInstance


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
    return AuditEvent.objects.create(
        instance=instance or (task.instance if task else None),
        task=task,
        actor=actor,
        at=now(),
        action=action,
        message=message,
        before=before,
        after=after,
    )
