"""Process families plug in through one registration; webapp's generic modules import no family."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django import forms
from django.urls import reverse

from workflows.runtime import registry
from workflows.runtime.forms import TaskForm
from workflows.runtime.models import HumanTask
from workflows.runtime.registry import CaseRecord, NavEntry, ProcessFamily, RegistryError
from workflows.runtime.services.definitions import deploy_from_files
from workflows.runtime.services.instances import start_process

WEBAPP = Path(__file__).resolve().parents[2] / "webapp"
FIXTURES = Path(__file__).resolve().parents[1] / "workflows" / "fixtures"
FAMILY_PACKAGES = ("workflows.leave", "workflows.discipline", "workflows.applications")


def _imports(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
    return modules


def test_generic_webapp_modules_import_no_family():
    generic = [p for p in WEBAPP.rglob("*.py") if "families" not in p.relative_to(WEBAPP).parts
               and "migrations" not in p.parts]
    assert len(generic) > 15  # views, api, templatetags, forms, task_forms, urls, access …
    offenders = {str(p.relative_to(WEBAPP)): sorted(m for m in _imports(p) if m.startswith(FAMILY_PACKAGES))
                 for p in generic}
    assert {path: mods for path, mods in offenders.items() if mods} == {}


def test_generic_templates_name_no_family_page():
    family_urls = {"leave_list", "leave_new", "leave_detail", "case_list", "case_detail", "complaint_list", "ledger"}
    generic = [WEBAPP / "templates" / name for name in
               ("base.html", "inbox.html", "tasks/detail.html", "partials/case_summary.html")]
    for template in generic:
        text = template.read_text(encoding="utf-8")
        assert not [u for u in family_urls if f"'{u}'" in text], template


class InspectionForm(TaskForm):
    """A form only the test family knows."""

    inspected_items = forms.IntegerField(label="检查项数", min_value=0)


@pytest.fixture
def inspection_family(monkeypatch, centre):
    """A family registered the way leave and discipline register, for the window_review process."""
    monkeypatch.setattr(registry, "_families", dict(registry._families))
    family = ProcessFamily(
        name="inspection",
        label="窗口检查",
        process_keys=("window_review",),
        task_forms={"inspection": InspectionForm},
        records={"window_review": CaseRecord("inspection", lambda instance: f"检查记录 {instance.business_key}",
                                             "partials/history.html")},
        action_labels={"inspection_filed": "检查记录已归档"},
        navigation=(NavEntry("检查台账", "definition_list", visible_to=lambda user, official: official is not None),),
    )
    registry.register_family(family)
    return family


def test_a_registered_family_gets_its_form_record_labels_and_navigation(inspection_family, centre, clock, client,
                                                                        tmp_path):
    source = (FIXTURES / "window_review.bpmn").read_text(encoding="utf-8")
    source = source.replace('name="form" value="approval"', 'name="form" value="inspection"')
    tmp = tmp_path / "window_review.bpmn"
    tmp.write_text(source, encoding="utf-8")
    deploy_from_files("window_review", [tmp])
    instance = start_process("window_review", data={}, business_key="JC-1", applicant=centre["lisi"])
    task = HumanTask.objects.get(instance=instance)

    client.force_login(centre["zhangsan"].user)
    page = client.get(reverse("task", args=[task.pk]))
    assert isinstance(page.context["form"], InspectionForm)
    assert page.context["inspection"] == "检查记录 JC-1"
    assert "检查台账" in page.content.decode()  # the family's navigation entry
    assert registry.labels("action")["inspection_filed"] == "检查记录已归档"

    refused = client.post(reverse("task", args=[task.pk]), {"inspected_items": "-1"})
    assert refused.status_code == 200 and "inspected_items" in refused.context["form"].errors
    client.post(reverse("task", args=[task.pk]), {"inspected_items": "12"})
    task.refresh_from_db()
    assert task.state == HumanTask.COMPLETED and task.outcome == "done"


def test_two_families_cannot_claim_the_same_key_or_form(inspection_family):
    with pytest.raises(RegistryError):
        registry.register_family(ProcessFamily(name="copycat", label="x", process_keys=("window_review",)))
    with pytest.raises(RegistryError):
        registry.register_family(ProcessFamily(name="copycat", label="x", process_keys=("other",),
                                               task_forms={"inspection": InspectionForm}))
