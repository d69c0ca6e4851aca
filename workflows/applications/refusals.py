"""否定报备 writes: a window proposes a refusal, a centre leader decides the ones beyond its authority, the refusal is
registered with its written notice, and the materials are handed back after an identity check.

否定报备制 (003) and its 处理办法: a refusal within the handler's authority (the item's refusing roles) is registered
at once; beyond it a centre leader (中心主任 or 中心分管领导) decides first, and only an agreed refusal is registered.
Each write is checked before anything is saved, runs in one transaction and leaves one audit row per action.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from engine.clock import CENTRE_TZ
from workflows.applications.models import Refusal, ServiceItem
from workflows.applications.refusal_notice import RefusalNoticeContent, render_refusal_notice
from workflows.org.models import Official
from workflows.org.selectors import is_centre_leader
from workflows.runtime import audit
from workflows.runtime.clock import now
from workflows.runtime.errors import InvalidInput
from workflows.runtime.letter_pdf import stored_pdf

# A mainland mobile (11 digits from 13–19) or a landline with its area code (010-12345678, 0999 1234567).
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}")


class RefusalRefused(InvalidInput):
    """The refusal (or the step on it) breaks a rule of 否定报备; the message says which, in the reader's language."""


@dataclass(frozen=True)
class RefusalInput:
    """What the handler enters when proposing a refusal; the item by id."""

    item_id: int
    applicant: str
    phone: str
    matter: str
    reason: str
    legal_basis: str
    notice_kind: str = Refusal.NOT_ACCEPTED


def is_phone(text: str) -> bool:
    """A Chinese mobile or landline number, spaces ignored."""
    digits = text.replace(" ", "")
    return bool(_MOBILE.fullmatch(digits) or _LANDLINE.fullmatch(digits))


def within_authority(official: Official, item: ServiceItem) -> bool:
    """否定报备制: the handler may refuse at once only if one of their roles is among the item's refusing roles."""
    return official.roles.filter(pk__in=item.refusing_roles.values("pk")).exists()


@transaction.atomic
def propose_refusal(data: RefusalInput, *, handler: Official) -> Refusal:
    """The handler's refusal: registered at once within authority, else waiting for a centre leader."""
    refusal = record_proposal(data, handler=handler)
    return register_refusal(refusal, actor=handler) if refusal.within_authority else refusal


@transaction.atomic
def record_proposal(data: RefusalInput, *, handler: Official) -> Refusal:
    """The proposal checked and saved, with whether it lies within the handler's authority; not yet registered
    (the rejection_report process registers it in a step of its own, propose_refusal at once)."""
    item = _check(data)
    refusal = Refusal.objects.create(
        item=item, applicant=data.applicant.strip(), phone=data.phone.replace(" ", ""), matter=data.matter.strip(),
        reason=data.reason.strip(), legal_basis=data.legal_basis.strip(), notice_kind=data.notice_kind,
        status=Refusal.AWAITING_LEADER, within_authority=within_authority(handler, item), proposed_by=handler,
        proposed_at=now(),
    )
    audit.record("refusal_proposed", actor=handler, message=str(refusal), after=snapshot(refusal))
    return refusal


@transaction.atomic
def decide_refusal(refusal: Refusal, *, leader: Official, agree: bool, opinion: str) -> Refusal:
    """A centre leader on a refusal beyond the handler's authority: agreed, it is registered; else withdrawn."""
    refusal = record_decision(refusal, leader=leader, agree=agree, opinion=opinion)
    return register_refusal(refusal, actor=leader) if agree else refusal


@transaction.atomic
def record_decision(refusal: Refusal, *, leader: Official, agree: bool, opinion: str) -> Refusal:
    """The leader's decision saved (disagreeing withdraws the refusal); registering an agreed one is a step apart."""
    refusal = Refusal.objects.select_for_update().get(pk=refusal.pk)
    if not is_centre_leader(leader):
        raise RefusalRefused(_("Only the centre director or a deputy director decides on this refusal."))
    if refusal.status != Refusal.AWAITING_LEADER:
        raise RefusalRefused(_("This refusal is not waiting for a leader's decision."))
    if not opinion.strip():
        raise RefusalRefused(_("Write the leader's opinion."), "opinion")
    before = snapshot(refusal)
    refusal.leader, refusal.leader_agreed, refusal.leader_opinion = leader, agree, opinion.strip()
    refusal.decided_at = now()
    if not agree:
        refusal.status = Refusal.WITHDRAWN
    refusal.save()
    action = "refusal_agreed" if agree else "refusal_withdrawn"
    audit.record(action, actor=leader, message=str(refusal), before=before, after=snapshot(refusal))
    return refusal


@transaction.atomic
def register_refusal(refusal: Refusal, *, actor: Official) -> Refusal:
    """Enter the refusal in the register and issue its written notice; beyond authority only after a leader agreed."""
    refusal = Refusal.objects.select_for_update().select_related("item__department").get(pk=refusal.pk)
    if refusal.status == Refusal.REGISTERED:
        raise RefusalRefused(_("This refusal is already registered."))
    if refusal.status == Refusal.WITHDRAWN:
        raise RefusalRefused(_("This refusal was withdrawn and cannot be registered."))
    if not refusal.within_authority and refusal.leader_agreed is not True:
        raise RefusalRefused(_("This refusal is beyond the handler's authority: a centre leader must agree first."))
    before = snapshot(refusal)
    registered_at = now()
    refusal.notice_number = f"{settings.GOVFLOW_CENTRE_NAME} 否字〔{registered_at.astimezone(CENTRE_TZ).year}〕" \
                            f"第{refusal.pk}号"
    refusal.notice_file, refusal.notice_sha256 = stored_pdf(_notice_pdf(refusal, registered_at),
                                                            f"refusal-{refusal.pk}.pdf")
    refusal.status, refusal.registered_at = Refusal.REGISTERED, registered_at
    refusal.save()
    audit.record("refusal_registered", actor=actor, message=str(refusal), before=before, after=snapshot(refusal))
    return refusal


@transaction.atomic
def return_materials(refusal: Refusal, *, staff: Official, identity_document: str,
                     applicant_confirmation: str) -> Refusal:
    """Hand the materials back: after checking the collector's identity document, with their typed confirmation."""
    refusal = Refusal.objects.select_for_update().get(pk=refusal.pk)
    if refusal.status != Refusal.REGISTERED:
        raise RefusalRefused(_("Materials are returned only for a registered refusal."))
    if refusal.materials_returned_at is not None:
        raise RefusalRefused(_("The materials were already returned."))
    if not identity_document.strip():
        raise RefusalRefused(_("Name the identity document that was checked."), "identity_document")
    if not applicant_confirmation.strip():
        raise RefusalRefused(_("The applicant must confirm receipt by typing their name."), "applicant_confirmation")
    before = snapshot(refusal)
    refusal.materials_returned_at, refusal.materials_returned_by = now(), staff
    refusal.identity_document = identity_document.strip()[:100]
    refusal.applicant_confirmation = applicant_confirmation.strip()[:200]
    refusal.save()
    audit.record("refusal_materials_returned", actor=staff, message=str(refusal), before=before,
                 after=snapshot(refusal))
    return refusal


def snapshot(refusal: Refusal) -> dict[str, Any]:
    """The refusal as the audit trail keeps it: names rather than ids, so the row reads the same years later."""
    return {
        "item": str(refusal.item),
        "applicant": refusal.applicant,
        "phone": refusal.phone,
        "matter": refusal.matter,
        "reason": refusal.reason,
        "legal_basis": refusal.legal_basis,
        "notice_kind": refusal.notice_kind,
        "status": refusal.status,
        "within_authority": refusal.within_authority,
        "leader": refusal.leader.name if refusal.leader else None,
        "leader_agreed": refusal.leader_agreed,
        "leader_opinion": refusal.leader_opinion,
        "notice_number": refusal.notice_number,
        "notice_sha256": refusal.notice_sha256,
        "materials_returned_by": refusal.materials_returned_by.name if refusal.materials_returned_by else None,
        "identity_document": refusal.identity_document,
        "applicant_confirmation": refusal.applicant_confirmation,
    }


def _notice_pdf(refusal: Refusal, issued_at) -> bytes:
    return render_refusal_notice(RefusalNoticeContent(
        kind=refusal.notice_kind, number=refusal.notice_number, issued_on=issued_at.astimezone(CENTRE_TZ).date(),
        centre=settings.GOVFLOW_CENTRE_NAME, applicant=refusal.applicant, item=str(refusal.item),
        department=refusal.item.department.name, matter=refusal.matter, reason=refusal.reason,
        legal_basis=refusal.legal_basis,
    ))


def _check(data: RefusalInput) -> ServiceItem:
    """Every rule of a proposed refusal, before any write; the first one broken is refused, naming its field."""
    item = ServiceItem.objects.filter(pk=data.item_id).select_related("department").first()
    if item is None:
        raise RefusalRefused(_("There is no service item with id %(id)s.") % {"id": data.item_id}, "item")
    if not data.applicant.strip():
        raise RefusalRefused(_("Enter the applicant or company."), "applicant")
    if len(data.applicant.strip()) > 200:
        raise RefusalRefused(_("The applicant's name is longer than 200 characters."), "applicant")
    if not is_phone(data.phone):
        raise RefusalRefused(_("%(phone)s is not a mobile or landline number.") % {"phone": data.phone}, "phone")
    if not data.matter.strip():
        raise RefusalRefused(_("Describe the matter applied for."), "matter")
    if not data.reason.strip():
        raise RefusalRefused(_("Give the reason for the refusal."), "reason")
    if not data.legal_basis.strip():
        raise RefusalRefused(_("A refusal must name its legal basis."), "legal_basis")
    if data.notice_kind not in dict(Refusal.NOTICE_KINDS):
        raise RefusalRefused(_("Unknown kind of notice: %(kind)s.") % {"kind": data.notice_kind}, "notice_kind")
    return item
