"""一门受理 at the window: an application received, numbered, its materials checked, its process started.

管理暂行办法 第九条 (every application enters at a window and gets a case number), 第十一条 (分类办理: the main
document missing → 驳回件; other materials missing → 补办件, told at once, 一次性告知制; complete → accepted with the
promised time limit, 限时办结制). Everything is checked before anything is saved; the application, its materials,
its process (or, for a 驳回件, the 否定报备 that registers the rejection) and the audit row are one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from engine.assignment import ROLES
from engine.clock import CENTRE_TZ
from engine.errors import ExecutionError
from workflows.applications.models import Application, Refusal, RequiredMaterial, ServiceItem, SubmittedMaterial
from workflows.applications.refusals import RefusalInput, is_phone
from workflows.applications.rejection_report import start_rejection_report
from workflows.org.models import Official
from workflows.org.roles import ROLE_LABELS
from workflows.runtime import audit
from workflows.runtime.clock import now
from workflows.runtime.errors import InvalidInput
from workflows.runtime.models import ProcessInstance
from workflows.runtime.services.instances import start_process

APPLICATION_PROCESS = "application"
REJECTION_BASIS = "《尼勒克县行政服务中心管理暂行办法》第十一条（七）：申请材料缺少主件的，作为驳回件处理"
COMPLETE, INCOMPLETE = "complete", "incomplete"
_NUMBER_TRIES = 20


class ApplicationRefused(InvalidInput):
    """The application (or a step on it) breaks a rule; the message says which, in the reader's language."""


@dataclass(frozen=True)
class Checked:
    item: ServiceItem
    applicant: str
    phone: str
    matter: str
    brought: frozenset[int]


@transaction.atomic
def receive_application(item_id: int, applicant: str, phone: str, matter: str,
                        brought_material_ids: Iterable[int], received_by: Official) -> Application:
    """Receive an application at the window: accepted, waiting for materials (补办件) or rejected (驳回件)."""
    if received_by.window_id is None:
        raise ApplicationRefused(_("Applications are received at a window: you have no window."))
    checked = _check(item_id, applicant, phone, matter, brought_material_ids)
    _check_decider(checked.item)
    required = list(checked.item.materials.all())
    main_missing = [m for m in required if m.is_main and m.pk not in checked.brought]
    missing = [m for m in required if m.pk not in checked.brought]
    status = (Application.REFUSED if main_missing else
              Application.AWAITING_MATERIALS if missing else Application.IN_PROGRESS)
    application = _numbered(Application(
        item=checked.item, kind=checked.item.kind, department=checked.item.department, applicant=checked.applicant,
        phone=checked.phone, matter=checked.matter, received_by=received_by, received_at=now(), status=status,
    ))
    received_at = application.received_at
    SubmittedMaterial.objects.bulk_create([
        SubmittedMaterial(application=application, material=m, received_at=received_at if m.pk in checked.brought
                          else None) for m in required])
    audit.record("application_received", actor=received_by, message=str(application), after={
        "number": application.number, "item": str(checked.item), "applicant": application.applicant,
        "status": status, "missing": [m.name for m in missing]})
    if main_missing:
        _reject(application, main_missing, received_by)
    else:
        _start(application, INCOMPLETE if missing else COMPLETE, received_by)
    application.refresh_from_db()
    return application


def deciding_role(item: ServiceItem) -> str:
    """The post that decides the item's cases: the lowest tier among the item's deciding roles (org chart order)."""
    codes = set(item.deciding_roles.values_list("code", flat=True))
    return next((role for role in ROLES if role in codes), "chief_representative")


def _start(application: Application, materials: str, received_by: Official) -> None:
    """The application process, its steps assigned in the item's department and the receiving window."""
    item = application.item

    def place(instance: ProcessInstance, runner, workflow) -> None:
        instance.department_id, instance.window_id = item.department_id, received_by.window_id
        ProcessInstance.objects.filter(pk=instance.pk).update(department_id=instance.department_id,
                                                              window_id=instance.window_id)
        application.instance = instance
        application.save(update_fields=["instance"])

    try:
        start_process(APPLICATION_PROCESS, data={
            "application_id": application.pk, "number": application.number, "kind": application.kind,
            "materials": materials, "deciding_role": deciding_role(item), "item": str(item),
            "applicant_name": application.applicant,
        }, business_key=application.number, started_by=received_by, then=place)
    except ExecutionError as exc:  # e.g. nobody holds the deciding post in the item's department: nothing is saved
        raise ApplicationRefused(_("The application cannot be received: %(reason)s") % {"reason": exc.message},
                                 "item") from exc


def _reject(application: Application, main_missing: list[RequiredMaterial], received_by: Official) -> None:
    """驳回件: reported through 否定报备 (rejection_report) with the missing main documents as the reason."""
    names = "、".join(m.name for m in main_missing)
    refusal = start_rejection_report(RefusalInput(
        item_id=application.item_id, applicant=application.applicant, phone=application.phone,
        matter=application.matter or application.item.name, reason=f"申请材料缺少主件：{names}",
        legal_basis=REJECTION_BASIS, notice_kind=Refusal.REJECTED), handler=received_by)
    application.refusal = refusal
    application.save(update_fields=["refusal"])


def _numbered(application: Application) -> Application:
    """年月日 + a four-digit sequence of the day. Two windows receiving at once: the unique number decides, and the
    loser takes the next one (its insert waits for the winner's commit on PostgreSQL, then fails and retries)."""
    prefix = application.received_at.astimezone(CENTRE_TZ).strftime("%Y%m%d")
    for _attempt in range(_NUMBER_TRIES):
        last = _last_number(prefix)
        sequence = int(last[len(prefix) + 1:]) + 1 if last else 1
        application.number = f"{prefix}-{sequence:04d}"
        try:
            with transaction.atomic():
                application.save(force_insert=True)
            return application
        except IntegrityError:
            application.pk = None
            continue
    raise ApplicationRefused(_("No case number could be given; try again."))


def _check_decider(item: ServiceItem) -> None:
    """A promised, special or reported case goes to the item's deciding post in its department: someone must hold it
    (the org chart is kept by the centre office), or the case would have nobody to decide it."""
    if item.kind not in (ServiceItem.PROMISED, ServiceItem.SPECIAL, ServiceItem.REPORTED):
        return
    role = deciding_role(item)
    if not Official.objects.filter(department=item.department, roles__code=role).exists():
        raise ApplicationRefused(_("%(department)s has no %(role)s to decide %(item)s: the centre office must fill "
                                   "the post first.") % {"department": item.department.name,
                                                         "role": ROLE_LABELS.get(role, role), "item": item}, "item")


def _last_number(prefix: str) -> str | None:
    """The day's highest case number committed (or written by this transaction) so far."""
    return (Application.objects.filter(number__startswith=prefix).order_by("-number")
            .values_list("number", flat=True).first())


def _check(item_id: int, applicant: str, phone: str, matter: str, brought_material_ids: Iterable[int]) -> Checked:
    """Every rule of an intake, before any write; the first one broken is refused, naming its field."""
    item = ServiceItem.objects.filter(pk=item_id).select_related("department").first()
    if item is None:
        raise ApplicationRefused(_("There is no service item with id %(id)s.") % {"id": item_id}, "item")
    if not applicant.strip():
        raise ApplicationRefused(_("Enter the applicant or company."), "applicant")
    if len(applicant.strip()) > 200:
        raise ApplicationRefused(_("The applicant's name is longer than 200 characters."), "applicant")
    if not is_phone(phone):
        raise ApplicationRefused(_("%(phone)s is not a mobile or landline number.") % {"phone": phone}, "phone")
    try:
        brought = frozenset(int(i) for i in brought_material_ids)
    except (TypeError, ValueError) as exc:
        raise ApplicationRefused(_("A material id is not a number."), "materials") from exc
    foreign = brought - set(item.materials.values_list("pk", flat=True))
    if foreign:
        raise ApplicationRefused(_("Materials %(ids)s are not materials of %(item)s.") % {
            "ids": "、".join(str(i) for i in sorted(foreign)), "item": item}, "materials")
    return Checked(item, applicant.strip(), phone.replace(" ", ""), matter.strip(), brought)
