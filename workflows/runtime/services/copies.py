"""抄送: copying a case to officials or roles for their information, ad hoc or as a step of the definition.

A role resolves to its holders in the case's own scope, as the assignment rules resolve a step's role (a window
role: the case's window; a department role: its department; a centre role: the whole centre), so a
`runtime.copy_to` step with role `chief_representative` reaches the 首席代表 of the case's department. A copy
stays unread until its recipient opens the case. Each copying is one audit row (`case_copied`) in the case's
history, and each recipient gets a notification."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from engine.assignment import DEFAULT_SCOPE, AssignmentError, AssignmentRule, post_holders
from engine.errors import ExecutionError
from workflows.org.models import Official
from workflows.org.roles import ROLE_LABELS
from workflows.org.selectors import org_for
from workflows.runtime import audit
from workflows.runtime.clock import now, today
from workflows.runtime.errors import Forbidden, InvalidInput
from workflows.runtime.models import CaseCopy, Notification, ProcessInstance
from workflows.runtime.running import running_instance
from workflows.runtime.selectors import instance_visible_to
from workflows.runtime.services.notifications import notify
from workflows.runtime.task_sync import case_context

NOTE_MAX = 500
COPYABLE_ROLES = tuple(role for role in DEFAULT_SCOPE if role != "applicant")


def role_holders(instance: ProcessInstance, role: str, scope: str | None = None) -> list[int]:
    """The active officials holding `role` in the case's scope (its default scope unless `scope` names one)."""
    rule = AssignmentRule.of(role, scope)
    case = case_context(instance, initiator_may_act=True)
    return post_holders(rule, case, org_for([rule], case, today()))


def copy_case(instance: ProcessInstance, actor: Official, *, official_ids: Iterable[int] = (),
              roles: Iterable[str] = (), note: str = "") -> list[CaseCopy]:
    """Copy the case to the officials and the holders of the roles; the actor must be able to see the case.

    Officials who already hold an unread copy of the case, and the actor, are left out; nobody left is refused."""
    official_ids, roles, note = list(dict.fromkeys(official_ids)), list(dict.fromkeys(roles)), note.strip()
    if not instance_visible_to(instance, actor):
        raise Forbidden(_("You may not see this case, so you may not copy it."))
    unknown = [role for role in roles if role not in COPYABLE_ROLES]
    if unknown:
        raise InvalidInput(_("Unknown role: %(roles)s") % {"roles": "、".join(unknown)}, field="roles")
    if len(note) > NOTE_MAX:
        raise InvalidInput(_("The note may be at most %(n)d characters.") % {"n": NOTE_MAX}, field="note")
    found = set(Official.objects.filter(pk__in=official_ids, active=True).values_list("pk", flat=True))
    if len(found) != len(official_ids):
        raise InvalidInput(_("Some of the chosen officials do not exist or are not at work."), field="officials")
    wanted = [*official_ids, *(pk for role in roles for pk in role_holders(instance, role))]
    if not wanted:
        raise InvalidInput(_("Choose at least one official or role to copy the case to."), field="officials")
    with transaction.atomic():
        return _copy(instance, actor, [pk for pk in wanted if pk != actor.pk], roles, note)


def _copy(instance: ProcessInstance, actor: Official | None, wanted: list[int], roles: list[str],
          note: str) -> list[CaseCopy]:
    """Write the copies, their notifications and one audit row; refused when everyone has an unread copy."""
    unread = set(CaseCopy.objects.filter(instance=instance, recipient_id__in=wanted, read_at__isnull=True)
                 .values_list("recipient_id", flat=True))
    recipients = [pk for pk in dict.fromkeys(wanted) if pk not in unread]
    if not recipients:
        raise InvalidInput(_("Everyone chosen already has an unread copy of this case."), field="officials")
    at = now()
    copies = CaseCopy.objects.bulk_create([
        CaseCopy(instance=instance, recipient_id=pk, copied_by=actor, note=note, copied_at=at) for pk in recipients
    ])
    names = list(Official.objects.filter(pk__in=recipients).order_by("pk").values_list("name", flat=True))
    who = actor.name if actor else "流程"
    notify(recipients, f"{who}抄送给您：{instance.definition.name} {instance.business_key}"
                       + (f"（{note}）" if note else ""), instance=instance, kind=Notification.COPY)
    audit.record("case_copied", instance=instance, actor=actor,
                 message=f"抄送给 {'、'.join(names)}" + (f"：{note}" if note else ""),
                 after={"recipients": names, "roles": roles, "note": note})
    return copies


def mark_copies_read(instance: ProcessInstance, official: Official) -> int:
    """The recipient opened the case: their unread copies of it are read now (one UPDATE, none if none)."""
    return CaseCopy.objects.filter(instance=instance, recipient=official, read_at__isnull=True).update(read_at=now())


def copy_to(context: Mapping[str, Any], role: str, scope: str | None = None, note: str = "") -> dict:
    """Service-task operator `runtime.copy_to`: the definition copies the running case to a role's holders in the
    case's scope (deploy refuses an unknown role). Nobody holding the role is not an error: nothing is copied."""
    instance = running_instance()
    if instance is None:
        raise ExecutionError(None, "runtime.copy_to 只能在流程运行时调用")
    try:
        holders = [pk for pk in role_holders(instance, role, scope or None) if pk != instance.applicant_id]
    except AssignmentError as exc:
        raise ExecutionError(None, str(exc)) from exc
    unread = set(CaseCopy.objects.filter(instance=instance, recipient_id__in=holders, read_at__isnull=True)
                 .values_list("recipient_id", flat=True))
    if not holders or unread >= set(holders):
        return {"copied": 0}
    copies = _copy(instance, None, holders, [role], str(note or ROLE_LABELS.get(role, role)))
    return {"copied": len(copies)}
