"""Application rows made directly (no intake service, no engine run) for the tests of the reads: the board, the
department list, the receipt, the look-up and the API."""

from __future__ import annotations

from datetime import date, datetime

from engine.calendar import WorkingCalendar
from workflows.applications.demo import seed_demo_catalogue
from workflows.applications.models import (
    Application,
    ClockEntry,
    CoDepartmentReview,
    ServiceItem,
    SubmittedMaterial,
)
from workflows.org.models import Department, Official
from workflows.runtime.models import HumanTask, ProcessDefinition, ProcessInstance

PHONE = "13800138000"


def items() -> dict[str, ServiceItem]:
    """The demo catalogue by code (seeded once)."""
    seed_demo_catalogue()
    return {item.code: item for item in ServiceItem.objects.select_related("department")}


def department(name: str) -> Department:
    return Department.objects.get(name=name)


def make_case(number: str, item: ServiceItem, received_by: Official, received_at: datetime, *,
              status: str = Application.IN_PROGRESS, due_at: datetime | None = None, phone: str = PHONE,
              applicant: str = "伊犁某餐饮有限公司", overdue_since: datetime | None = None,
              missing: tuple[str, ...] = (), instance: ProcessInstance | None = None) -> Application:
    """A case of `item` received by `received_by`, accepted at intake unless awaiting materials; every required
    material submitted except those named in `missing`."""
    accepted = status != Application.AWAITING_MATERIALS
    case = Application.objects.create(
        number=number, item=item, kind=item.kind, department=item.department, applicant=applicant, phone=phone,
        matter=item.name, received_by=received_by, received_at=received_at, status=status,
        accepted_at=received_at if accepted else None, due_at=due_at, overdue_since=overdue_since,
        instance=instance)
    for material in item.materials.all():
        SubmittedMaterial.objects.create(application=case, material=material,
                                         received_at=None if material.name in missing else received_at)
    if accepted:
        ClockEntry.objects.create(application=case, kind=ClockEntry.ACCEPTED, at=received_at, days=item.promised_days)
    return case


def pause(case: Application, at: datetime, reason: str, planned_end: date | None = None) -> None:
    """The clock stopped (status 暂停计时, no due date while it lasts, as the clock module keeps them)."""
    ClockEntry.objects.create(application=case, kind=ClockEntry.PAUSE_STARTED, at=at, reason=reason,
                              planned_end=planned_end)
    Application.objects.filter(pk=case.pk).update(status=Application.PAUSED, due_at=None)
    case.refresh_from_db()


def ask_co_department(case: Application, dept: Department, requested_at: datetime, due_at: datetime,
                      answer: str = "") -> CoDepartmentReview:
    return CoDepartmentReview.objects.create(application=case, department=dept, requested_at=requested_at,
                                             due_at=due_at, answer=answer)


def close_of(day: date) -> datetime:
    return WorkingCalendar.close_of(day)


def application_instance(number: str, started_at: datetime) -> ProcessInstance:
    """An `application` instance row (no engine state): enough for task rows to hang on."""
    definition, _ = ProcessDefinition.objects.get_or_create(
        key="application", version=1,
        defaults={"name": "办件", "sources": {}, "checksum": "-", "deployed_at": started_at})
    return ProcessInstance.objects.create(definition=definition, business_key=number, state={},
                                          started_at=started_at)


def open_task(instance: ProcessInstance, title: str, created_at: datetime, *, assignee: Official | None = None,
              holders: tuple[Official, ...] = (), process_key: str = "application") -> HumanTask:
    task = HumanTask.objects.create(
        instance=instance, engine_task_id=f"{title}-{HumanTask.objects.count()}", spec_name="decide", title=title,
        form="decide", role="chief_representative", scope="applicant.department", created_at=created_at,
        case_number=instance.business_key, process_key=process_key, assignee=assignee)
    task.holders.set(holders)
    return task
