"""Notifications: messages officials see in the application (new tasks, copies, urges, reminders), read or unread.

Each is also mailed to the recipient's login e-mail when the installation configures a mail server
(`settings.GOVFLOW_NOTIFY_BY_EMAIL`, set from EMAIL_HOST). Mail goes out only after the write commits and a
mail failure is logged, never raised: a notice must not undo the approval it tells about."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction

from workflows.org.models import Official
from workflows.runtime.clock import now
from workflows.runtime.errors import InvalidInput
from workflows.runtime.models import HumanTask, Notification, ProcessInstance

log = logging.getLogger(__name__)
EMAIL_SUBJECT = "【政务服务中心】"


def notify(
    recipient_ids: Iterable[int],
    message: str,
    *,
    instance: ProcessInstance | None = None,
    task: HumanTask | None = None,
    kind: str = "",
) -> list[Notification]:
    """One notification per recipient (duplicates dropped), about an instance or task if given; one insert."""
    return notify_all([Notification(recipient_id=recipient_id, message=message, kind=kind,
                                    instance=instance or (task.instance if task else None), task=task)
                       for recipient_id in dict.fromkeys(recipient_ids)])


def notify_all(rows: list[Notification]) -> list[Notification]:
    """Insert unsaved notifications in one statement, stamped now; mail them after the commit if configured."""
    if not rows:
        return []
    at = now()
    for row in rows:
        row.created_at = at
    created = Notification.objects.bulk_create(rows)
    if getattr(settings, "GOVFLOW_NOTIFY_BY_EMAIL", False):
        mails = [(row.recipient_id, row.message) for row in rows]
        transaction.on_commit(lambda: _mail(mails))
    return created


def _mail(mails: list[tuple[int, str]]) -> None:
    """After the commit: one mail per notification whose recipient has an address; failures are logged only."""
    addresses = dict(get_user_model().objects.filter(official__pk__in={pk for pk, _ in mails}).exclude(email="")
                     .values_list("official__pk", "email"))
    for recipient_id, message in mails:
        if recipient_id not in addresses:
            continue
        try:
            send_mail(EMAIL_SUBJECT + message[:60], message, None, [addresses[recipient_id]])
        except Exception:  # the mail server's trouble is not the approval's: logged for the administrator
            log.exception("notification mail to official %s failed", recipient_id)


def mark_read(notification_id: int, official: Official) -> Notification:
    """The recipient opened it; reading it again keeps the first time."""
    notification = Notification.objects.filter(pk=notification_id, recipient=official).first()
    if notification is None:
        raise InvalidInput("通知不存在")
    if notification.read_at is None:
        notification.read_at = now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(official: Official) -> int:
    """Every unread notification of the official is read now; how many were unread."""
    return Notification.objects.filter(recipient=official, read_at__isnull=True).update(read_at=now())
