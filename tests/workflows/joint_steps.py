"""Shared steps of the joint review tests: the demo catalogue with its chief representatives, a joint application
of 建设项目并联审批 (three co-departments), the open task of a department, and completing it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tests.conftest import BPMN_DIR
from workflows.applications.demo import seed_demo_catalogue, seed_joint_representatives
from workflows.applications.joint import start_joint_review
from workflows.applications.joint_process import deploy_joint_review
from workflows.applications.models import Application, ServiceItem
from workflows.org.models import Department, Official
from workflows.runtime.clock import now
from workflows.runtime.models import HumanTask, ProcessInstance
from workflows.runtime.services.transitions import complete_task

LEAD = "县发展和改革委员会"
CO_DEPARTMENTS = ("县自然资源局", "县住房和城乡建设局", "县生态环境局")
REPRESENTATIVE = {"县发展和改革委员会": "hefg", "县自然资源局": "xuzr", "县住房和城乡建设局": "hanzj",
                  "县生态环境局": "yanghb"}


def prepare_joint_centre() -> ServiceItem:
    """The demo catalogue, the joint representatives, joint_review deployed; returns 建设项目并联审批 (LB-001)."""
    deploy_joint_review(BPMN_DIR)
    items = {item.code: item for item in seed_demo_catalogue()}
    seed_joint_representatives()
    return items["LB-001"]


_numbers = iter(range(1, 10_000))


def joint_application(item: ServiceItem, *, silent_consent: bool | None = None, due_at: datetime | None = None,
                      received_by: str = "lisi") -> Application:
    if silent_consent is not None:
        ServiceItem.objects.filter(pk=item.pk).update(silent_consent=silent_consent)
        item.refresh_from_db()
    at = now()
    return Application.objects.create(
        number=f"LB-T-{next(_numbers):04d}", item=item, kind=item.kind, department=item.department,
        applicant="伊犁河谷新能源开发有限公司", phone="0999-8123456", matter="50MW 光伏电站",
        received_by=official(received_by), received_at=at, status=Application.IN_PROGRESS, accepted_at=at,
        due_at=due_at)


def official(username: str) -> Official:
    return Official.objects.get(user__username=username)


def started(application: Application) -> ProcessInstance:
    return start_joint_review(application, started_by=application.received_by)


def open_tasks(instance: ProcessInstance, spec_name: str | None = None) -> list[HumanTask]:
    tasks = HumanTask.objects.filter(instance=instance, state=HumanTask.OPEN).select_related("department")
    return list(tasks.filter(spec_name=spec_name) if spec_name else tasks)


def task_of(instance: ProcessInstance, department: str, spec_name: str = "answer_co_department_review") -> HumanTask:
    return HumanTask.objects.get(instance=instance, state=HumanTask.OPEN, spec_name=spec_name,
                                 department=Department.objects.get(name=department))


def complete(task: HumanTask, username: str, payload: dict[str, Any]) -> HumanTask:
    return complete_task(task.pk, official(username), payload)


def inform(instance: ProcessInstance, days: int = 3, mode: str = "written") -> None:
    [task] = open_tasks(instance, "inform_co_departments")
    complete(task, REPRESENTATIVE[LEAD], {"mode": mode, "review_days": days})
