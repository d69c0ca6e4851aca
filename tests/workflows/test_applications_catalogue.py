"""The service-item catalogue's rules: each refusal leaves nothing saved; every create and change is audited."""

from __future__ import annotations

from dataclasses import replace

import pytest

from workflows.applications.demo import seed_demo_catalogue
from workflows.applications.models import RequiredMaterial, ServiceItem
from workflows.applications.selectors import service_items
from workflows.applications.services import (
    CatalogueRefused,
    Material,
    ServiceItemInput,
    create_service_item,
    update_service_item,
)
from workflows.org.models import Department
from workflows.runtime.models import AuditEvent


@pytest.fixture
def departments(centre):
    return {d.name: d for d in Department.objects.all()}


@pytest.fixture
def joint(departments) -> ServiceItemInput:
    return ServiceItemInput(
        name="测试联办事项", code="T-001", department_id=departments["县自然资源局"].pk, kind=ServiceItem.JOINT,
        promised_days=15, legal_basis="《测试条例》第一条",
        materials=[Material("申请表", is_main=True), Material("身份证明")],
        co_department_ids=[departments["县税务局"].pk, departments["县公安局"].pk],
        silent_consent=True, deciding_roles=["chief_representative"], refusing_roles=["window_head"],
    )


def test_a_joint_item_is_saved_with_its_materials_and_audited(joint, centre, departments):
    item = create_service_item(joint, actor=centre["zhaobgs"])
    materials = [(m.position, m.name, m.is_main) for m in item.materials.all()]
    assert materials == [(1, "申请表", True), (2, "身份证明", False)]
    assert {d.name for d in item.co_departments.all()} == {"县税务局", "县公安局"}
    assert [r.code for r in item.deciding_roles.all()] == ["chief_representative"]
    row = AuditEvent.objects.get(action="service_item_created")
    assert row.actor == centre["zhaobgs"] and row.before is None
    assert row.after["co_departments"] == ["县公安局", "县税务局"] and row.after["silent_consent"] is True


REFUSALS = [
    ("co_departments", {"co_department_ids": []}, "联办件须至少有一个牵头部门以外的协办部门"),
    ("co_departments", {"co_department_ids": ["lead"]}, "联办件须至少有一个牵头部门以外的协办部门"),
    ("co_departments", {"co_department_ids": ["lead", "县税务局"]}, "牵头部门不能同时是协办部门"),
    ("co_departments", {"co_department_ids": [999999]}, "不存在编号为 999999 的部门"),
    ("department", {"department_id": 999999}, "不存在编号为 999999 的部门"),
    ("promised_days", {"kind": ServiceItem.IMMEDIATE, "co_department_ids": [], "silent_consent": False,
                       "promised_days": 1}, "即办件当场办结，承诺时限应为 0 个工作日"),
    ("promised_days", {"promised_days": 0}, "承诺时限应为 1 至 365 个工作日"),
    ("silent_consent", {"kind": ServiceItem.PROMISED, "co_department_ids": []}, "仅适用于联办件"),
    ("co_departments", {"kind": ServiceItem.PROMISED, "silent_consent": False}, "只有联办件才有协办部门"),
    ("reported_to_higher_level", {"kind": ServiceItem.REPORTED, "co_department_ids": [], "silent_consent": False},
     "上报件须勾选"),
    ("kind", {"kind": "supplement"}, "未知的办件类型"),
    ("deciding_roles", {"deciding_roles": []}, "请至少指定一个可作出决定的角色"),
    ("refusing_roles", {"refusing_roles": ["mayor"]}, "未知的角色：mayor"),
    ("materials", {"materials": [Material("  ")]}, "请至少列出一项申请材料"),
    ("materials", {"materials": [Material("申请表"), Material("申请表 ")]}, "申请材料“申请表”重复列出"),
    ("legal_basis", {"legal_basis": " "}, "请填写事项的设定依据"),
    ("name", {"name": ""}, "请填写事项名称"),
]


@pytest.mark.parametrize(("field", "change", "message"), REFUSALS)
def test_each_broken_rule_is_refused_in_chinese_and_nothing_is_saved(joint, departments, field, change, message):
    lead = joint.department_id
    if "co_department_ids" in change:
        change = {**change, "co_department_ids": [lead if d == "lead" else departments[d].pk if isinstance(d, str)
                                                  else d for d in change["co_department_ids"]]}
    with pytest.raises(CatalogueRefused) as refused:
        create_service_item(replace(joint, **change), actor=None)
    assert refused.value.field == field
    assert message in str(refused.value)
    assert not ServiceItem.objects.exists() and not RequiredMaterial.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="service_item").exists()


def test_a_name_or_code_already_taken_is_refused(joint):
    create_service_item(joint, actor=None)
    with pytest.raises(CatalogueRefused, match="已有名为“测试联办事项”的事项"):
        create_service_item(replace(joint, code="T-002"), actor=None)
    with pytest.raises(CatalogueRefused, match="事项编码 T-001 已被其他事项使用"):
        create_service_item(replace(joint, name="另一事项"), actor=None)
    assert ServiceItem.objects.count() == 1


def test_an_edit_is_audited_with_before_and_after_and_a_refused_edit_changes_nothing(joint, centre):
    item = create_service_item(joint, actor=None)
    update_service_item(item, replace(joint, promised_days=10, materials=[Material("申请表", is_main=True)]),
                        actor=centre["zhaobgs"])
    row = AuditEvent.objects.get(action="service_item_changed")
    assert (row.before["promised_days"], row.after["promised_days"]) == (15, 10)
    assert [m["name"] for m in row.after["materials"]] == ["申请表"]
    with pytest.raises(CatalogueRefused):
        update_service_item(item, replace(joint, promised_days=5, co_department_ids=[]), actor=None)
    item.refresh_from_db()
    assert item.promised_days == 10 and item.co_departments.count() == 2
    assert list(item.materials.values_list("name", flat=True)) == ["申请表"]
    assert AuditEvent.objects.filter(action="service_item_changed").count() == 1


def test_an_edit_that_changes_nothing_writes_no_audit_row(joint):
    item = create_service_item(joint, actor=None)
    update_service_item(item, joint, actor=None)
    assert not AuditEvent.objects.filter(action="service_item_changed").exists()


def test_the_demo_catalogue_has_a_four_department_joint_approval_and_seeds_once(centre):
    first = seed_demo_catalogue()
    second = seed_demo_catalogue()
    assert [i.pk for i in first] == [i.pk for i in second]
    assert AuditEvent.objects.filter(action="service_item_created").count() == len(first)
    building = ServiceItem.objects.get(name="建设项目并联审批")
    assert building.kind == ServiceItem.JOINT and building.co_departments.count() == 3
    assert building.department not in building.co_departments.all()
    kinds = {i.kind for i in first}
    assert {ServiceItem.IMMEDIATE, ServiceItem.PROMISED, ServiceItem.JOINT} <= kinds
    assert all(i.materials.filter(is_main=True).exists() for i in first)
    assert {i.name for i in service_items(department_id=building.co_departments.first().pk)} >= {"建设项目并联审批"}
    assert [i.code for i in service_items(search="护照")] == ["CN-001"]
