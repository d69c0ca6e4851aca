"""Steps shared by the application tests: the process deployed (with joint_review), the demo catalogue, and
tasks completed through their registered forms (what the task page and the API submit)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import BPMN_DIR
from webapp.task_forms import task_form
from workflows.applications.application_process import deploy_application
from workflows.applications.demo import seed_demo_catalogue
from workflows.applications.models import Application, ServiceItem
from workflows.applications.rejection_report import deploy_rejection_report
from workflows.applications.services import Material, ServiceItemInput, create_service_item
from workflows.runtime.models import HumanTask
from workflows.runtime.services.transitions import complete_task


@pytest.fixture(name="items")
def items_fixture(centre, settings, tmp_path) -> dict[str, ServiceItem]:
    """The demo catalogue plus a 特办件 and a 上报件 item of department 0 (县市场监督管理局); both processes deployed;
    notices under a temporary media root."""
    settings.MEDIA_ROOT = tmp_path / "media"
    deploy_rejection_report(BPMN_DIR)
    deploy_application(BPMN_DIR)
    catalogue = {item.code: item for item in seed_demo_catalogue()}
    market = catalogue["CN-002"].department
    for code, kind, days in (("TB-001", ServiceItem.SPECIAL, 10), ("SB-001", ServiceItem.REPORTED, 15)):
        catalogue[code] = create_service_item(ServiceItemInput(
            name=f"测试事项 {code}", code=code, department_id=market.pk, kind=kind, promised_days=days,
            legal_basis="《测试条例》第一条", materials=[Material("申请书", is_main=True), Material("营业执照复印件")],
            reported_to_higher_level=kind == ServiceItem.REPORTED, deciding_roles=("chief_representative",),
            refusing_roles=("chief_representative",)), actor=None)
    return catalogue


def all_materials(item: ServiceItem) -> list[int]:
    return list(item.materials.values_list("pk", flat=True))


def open_task(application: Application, step: str) -> HumanTask:
    return HumanTask.objects.get(instance=application.instance, spec_name=step, state=HumanTask.OPEN)


def open_steps(application: Application) -> list[str]:
    return sorted(HumanTask.objects.filter(instance=application.instance, state=HumanTask.OPEN)
                  .values_list("spec_name", flat=True))


def usernames(task: HumanTask) -> list[str]:
    return sorted(o.user.username for o in task.candidates.select_related("user"))


def form_errors(application: Application, step: str, data: dict[str, Any]) -> dict[str, list[str]]:
    form = task_form(open_task(application, step), data)
    return {} if form.is_valid() else {k: [str(e) for e in v] for k, v in form.errors.items()}


def do(application: Application, step: str, actor, data: dict[str, Any]) -> Application:
    """Complete the open `step` through its form, as the task page does; the form must accept `data`."""
    task = open_task(application, step)
    form = task_form(task, data)
    assert form.is_valid(), form.errors
    complete_task(task.pk, actor, form.payload())
    application.refresh_from_db()
    return application
