"""Reads of the notification centre: an official's notifications, unread first, and the header's unread count."""

from __future__ import annotations

from django.db.models import F, QuerySet

from workflows.org.models import Official
from workflows.runtime.models import Notification


def notifications_of(official: Official) -> QuerySet[Notification]:
    """All of the official's notifications, the unread ones first, each group newest first."""
    return (Notification.objects.filter(recipient=official).select_related("task", "instance__definition")
            .defer("instance__state", "instance__definition__sources")
            .order_by(F("read_at").asc(nulls_first=True), "-created_at", "-id"))


def unread_count(official: Official, cap: int) -> int:
    """How many unread, up to `cap`: a COUNT over at most that many entries of the index `notification_unread`."""
    return Notification.objects.filter(recipient=official, read_at__isnull=True).values("pk")[:cap].count()
