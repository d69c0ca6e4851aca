"""Reads of copies (抄送) and of who may see a case: the 抄送我的 list and the case page's access check."""

from __future__ import annotations

from django.db.models import QuerySet

from workflows.org.models import Official
from workflows.runtime.models import CaseCopy, ProcessInstance


def copies_to(official: Official, *, unread_only: bool = False) -> QuerySet[CaseCopy]:
    """抄送我的: the official's copies, newest first, with the case and who sent it (index copy_recipient_latest)."""
    copies = (CaseCopy.objects.filter(recipient=official)
              .select_related("instance__definition", "copied_by")
              .defer("instance__state", "instance__definition__sources"))
    return copies.filter(read_at__isnull=True) if unread_only else copies


def has_copy(instance: ProcessInstance, official: Official) -> bool:
    return CaseCopy.objects.filter(instance=instance, recipient=official).exists()
