"""Notifications: messages officials see in the application (reminders, notices), read or unread."""

from __future__ import annotations

from collections.abc import Iterable

from workflows.org.models import Official
from workflows.runtime.clock import now
from workflows.runtime.errors import InvalidInput
from workflows.runtime.models import HumanTask, Notification, ProcessInstance


def notify(
    recipient_ids: Iterable[int],
    message: str,
    *,
    instance: ProcessInstance | None = None,
    task: HumanTask | None = None,
) -> list[Notification]:
    """One notification per recipient (duplicates dropped), about an instance or task if given."""
    at = now()
    return [
        Notification.objects.create(recipient_id=recipient_id, message=message, created_at=at,
                                    instance=instance or (task.instance if task else None), task=task)
        for recipient_id in dict.fromkeys(recipient_ids)
    ]


def mark_read(notification_id: int, official: Official) -> Notification:
    """The recipient opened it; reading it again keeps the first time."""
    notification = Notification.objects.filter(pk=notification_id, recipient=official).first()
    if notification is None:
        raise InvalidInput("通知不存在")
    if notification.read_at is None:
        notification.read_at = now()
        notification.save(update_fields=["read_at"])
    return notification
