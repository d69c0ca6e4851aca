"""Reads of copies (抄送) and of who may see a case: the 抄送我的 list and the case page's access check."""

from __future__ import annotations

from django.db.models import QuerySet

from workflows.org.models import Official
from workflows.org.selectors import is_centre_leader, is_centre_office
from workflows.runtime.models import CaseCopy, ProcessInstance
from workflows.runtime.selectors import instance_visible_to


def copies_to(official: Official, *, unread_only: bool = False) -> QuerySet[CaseCopy]:
    """抄送我的: the official's copies, newest first, with the case and who sent it (index copy_recipient_latest)."""
    copies = (CaseCopy.objects.filter(recipient=official)
              .select_related("instance__definition", "copied_by")
              .defer("instance__state", "instance__definition__sources"))
    return copies.filter(read_at__isnull=True) if unread_only else copies


def has_copy(instance: ProcessInstance, official: Official) -> bool:
    return CaseCopy.objects.filter(instance=instance, recipient=official).exists()


def may_see_case(instance: ProcessInstance, official: Official) -> bool:
    """Whoever is involved in the case (applicant, initiator, a step's candidate or worker), a recipient of a copy,
    and the centre's leaders and office, who oversee every case."""
    return (instance.started_by_id == official.pk or instance_visible_to(instance, official)
            or has_copy(instance, official) or is_centre_leader(official) or is_centre_office(official))
