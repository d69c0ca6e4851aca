"""Departments and windows changed on the org pages: history row and audit, refusals that name the field and save
nothing, and a window that does not leave its department while officials work on it."""

from __future__ import annotations

import pytest

from workflows.org.models import Department, OrgChange, Window
from workflows.org.services import add_department, add_window, change_window, rename_department
from workflows.runtime.errors import InvalidInput
from workflows.runtime.models import AuditEvent

MARKET = "县市场监督管理局"


def _nothing_recorded() -> bool:
    return not OrgChange.objects.exists() and not AuditEvent.objects.filter(action="org_changed").exists()


def test_a_new_department_is_kept_in_the_history_and_audited(centre):
    office = centre["zhaobgs"]

    department = add_department("  县医疗保障局 ", reason="医保进驻", actor=office)

    assert Department.objects.get(pk=department.pk).name == "县医疗保障局"
    [change] = OrgChange.objects.all()
    assert (change.official, change.actor, change.what, change.reason) == (None, office, "department_added", "医保进驻")
    assert change.summary == "新增进驻部门：县医疗保障局"
    assert change.before is None and change.after == {"department": department.pk, "name": "县医疗保障局"}
    [audited] = AuditEvent.objects.filter(action="org_changed")
    assert audited.actor == office and audited.message == "新增进驻部门：县医疗保障局（原因：医保进驻）"


def test_renaming_a_department_keeps_its_officials_and_windows(centre):
    market = Department.objects.get(name=MARKET)

    rename_department(market, "县市场监管局", actor=centre["zhaobgs"])

    market.refresh_from_db()
    assert market.name == "县市场监管局" and market.windows.count() == 2 and market.officials.count() == 5
    [change] = OrgChange.objects.all()
    assert change.what == "department_renamed" and change.summary == f"进驻部门更名：{MARKET} → 县市场监管局"
    assert (change.before["name"], change.after["name"]) == (MARKET, "县市场监管局")


def test_renaming_a_department_to_its_own_name_records_nothing(centre):
    rename_department(Department.objects.get(name=MARKET), MARKET)
    assert _nothing_recorded()


@pytest.mark.parametrize(("name", "message"), [
    ("   ", "名称：不能为空"),
    ("县公安局", "名称：已有进驻部门“县公安局”"),
    ("局" * 101, "名称：不能超过100个字"),
])
def test_a_bad_department_name_is_refused_naming_the_field(centre, name, message):
    count = Department.objects.count()
    for write in (lambda: add_department(name), lambda: rename_department(Department.objects.get(name=MARKET), name)):
        with pytest.raises(InvalidInput) as refused:
            write()
        assert (str(refused.value), refused.value.field) == (message, "name")
    assert Department.objects.count() == count and Department.objects.filter(name=MARKET).exists()
    assert _nothing_recorded()


def test_a_new_window_belongs_to_its_department_and_is_recorded(centre):
    market = Department.objects.get(name=MARKET)

    window = add_window(market, " 药品经营许可窗口 ", number="9", actor=centre["zhaobgs"])

    assert (window.department, window.name, window.number) == (market, "药品经营许可窗口", "9")
    [change] = OrgChange.objects.all()
    assert change.what == "window_added" and change.summary == f"新增窗口：{MARKET} 9号 药品经营许可窗口"
    assert change.after == {"window": window.pk, "name": "药品经营许可窗口", "number": "9",
                            "department": market.pk, "department_name": MARKET}
    assert AuditEvent.objects.filter(action="org_changed", message=change.summary).exists()


def test_the_same_window_name_may_serve_two_departments(centre):
    add_window(Department.objects.get(name="县公安局"), "企业登记窗口")
    assert Window.objects.filter(name="企业登记窗口").count() == 2


@pytest.mark.parametrize(("name", "number", "field", "message"), [
    ("", "", "name", "名称：不能为空"),
    ("企业登记窗口", "", "name", f"名称：{MARKET}已有窗口“企业登记窗口”"),
    ("药品窗口", "1" * 21, "number", "窗口号：不能超过20个字"),
])
def test_a_bad_window_is_refused_naming_the_field(centre, name, number, field, message):
    with pytest.raises(InvalidInput) as refused:
        add_window(Department.objects.get(name=MARKET), name, number=number)
    assert (str(refused.value), refused.value.field) == (message, field)
    assert Window.objects.count() == 8 and _nothing_recorded()


def test_a_window_of_an_unknown_department_is_refused(centre):
    gone = Department(pk=999_999, name="已撤销的局")
    with pytest.raises(InvalidInput) as refused:
        add_window(gone, "窗口")
    assert (str(refused.value), refused.value.field) == ("进驻部门：不存在的进驻部门", "department")
    window = Window.objects.get(name="企业登记窗口")
    with pytest.raises(InvalidInput, match="进驻部门：不存在的进驻部门"):
        change_window(window, name="企业登记窗口", number="1", department=gone)
    assert Window.objects.count() == 8 and _nothing_recorded()


def test_a_window_is_renamed_renumbered_and_moved_once_nobody_works_on_it(centre):
    market, police = Department.objects.get(name=MARKET), Department.objects.get(name="县公安局")
    window = add_window(market, "证照窗口", number="9")

    change_window(window, name="综合证照窗口", number="10", department=police, reason="并入公安",
                  actor=centre["zhaobgs"])

    window.refresh_from_db()
    assert (window.department, window.name, window.number) == (police, "综合证照窗口", "10")
    change = OrgChange.objects.get(what="window_changed")
    assert change.summary == f"窗口 {MARKET} 9号 证照窗口：更名为综合证照窗口；窗口号 9 → 10；迁至县公安局"
    assert (change.before["department"], change.after["department"]) == (market.pk, police.pk)
    assert change.reason == "并入公安"


def test_a_window_with_officials_on_it_does_not_move(centre):
    window = Window.objects.get(name="企业登记窗口")
    police = Department.objects.get(name="县公安局")

    with pytest.raises(InvalidInput) as refused:
        change_window(window, name="企业登记窗口", number="1", department=police)

    assert refused.value.field == "department"
    assert str(refused.value) == ("进驻部门：窗口“企业登记窗口”还有工作人员（陈首席、张三、李四），"
                                  "请先将其调离该窗口再迁移")
    window.refresh_from_db()
    assert window.department.name == MARKET and _nothing_recorded()
    # staying in its department, the same window may still be renamed
    change_window(window, name="企业开办窗口", number="1", department=window.department)
    assert OrgChange.objects.get().summary == f"窗口 {MARKET} 1号 企业登记窗口：更名为企业开办窗口"


def test_a_window_is_not_moved_onto_a_name_its_new_department_has(centre):
    window = add_window(Department.objects.get(name="县公安局"), "出入境窗口二")
    with pytest.raises(InvalidInput) as refused:
        change_window(window, name="户籍办理窗口", number="", department=window.department)
    assert (str(refused.value), refused.value.field) == ("名称：县公安局已有窗口“户籍办理窗口”", "name")
    assert OrgChange.objects.count() == 1
