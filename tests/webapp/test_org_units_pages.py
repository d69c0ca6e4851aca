"""Departments and windows on the org chart page: who may change them, the forms, the errors, the history."""

from __future__ import annotations

import pytest

from workflows.org.models import Department, OrgChange, Window

MARKET = "县市场监督管理局"


@pytest.mark.parametrize("username", ["lisi", "wangzr"])
def test_only_the_office_changes_departments_and_windows(client_of, username):
    client = client_of(username)
    market = Department.objects.get(name=MARKET)
    window = Window.objects.get(name="食品经营许可窗口")
    assert client.post("/org/departments/", {"name": "县医疗保障局"}).status_code == 403
    assert client.post(f"/org/departments/{market.pk}/", {"name": "县市场监管局"}).status_code == 403
    assert client.post(f"/org/departments/{market.pk}/windows/", {"name": "药品窗口"}).status_code == 403
    assert client.post(f"/org/windows/{window.pk}/", {"name": "食品窗口", "department": market.pk}).status_code == 403
    assert not OrgChange.objects.exists() and Department.objects.count() == 5 and Window.objects.count() == 8


def test_leaders_see_no_department_or_window_forms(client_of):
    html = client_of("wangzr").get("/org/").content.decode()
    assert "department-add-form" not in html and "window-change-form" not in html


def test_the_office_adds_and_renames_a_department_and_the_history_shows_it(client_of):
    office = client_of("zhaobgs")
    chart = office.get("/org/").content.decode()
    assert 'action="/org/departments/"' in chart and "window-change-form" in chart

    response = office.post("/org/departments/", {"name": "县医疗保障局"}, follow=True)
    assert response.status_code == 200 and "已新增进驻部门。" in response.content.decode()
    added = Department.objects.get(name="县医疗保障局")
    response = office.post(f"/org/departments/{added.pk}/", {"name": "县医保局", "reason": "机构改革"}, follow=True)
    page = response.content.decode()
    assert "进驻部门已更名。" in page and f'data-department="{added.pk}"' in page and "县医保局" in page

    history = office.get("/org/history/").content.decode()
    assert "新增进驻部门：县医疗保障局" in history and "进驻部门更名：县医疗保障局 → 县医保局" in history
    assert "机构改革" in history and "赵文静" in history


def test_the_office_adds_a_window_and_moves_it_to_another_department(client_of):
    office = client_of("zhaobgs")
    market, police = Department.objects.get(name=MARKET), Department.objects.get(name="县公安局")

    response = office.post(f"/org/departments/{market.pk}/windows/", {"name": "证照窗口", "number": "9"}, follow=True)
    assert response.status_code == 200 and "已新增窗口。" in response.content.decode()
    window = Window.objects.get(name="证照窗口")
    assert f'data-window="{window.pk}"' in response.content.decode()

    response = office.post(f"/org/windows/{window.pk}/", {"name": "证照窗口", "number": "9", "department": police.pk},
                           follow=True)
    window.refresh_from_db()
    assert window.department == police and "窗口已保存。" in response.content.decode()
    assert f"窗口 {MARKET} 9号 证照窗口：迁至县公安局" in office.get("/org/history/").content.decode()


def test_bad_department_and_window_forms_are_refused_in_chinese_naming_the_field(client_of):
    office = client_of("zhaobgs")
    market = Department.objects.get(name=MARKET)
    window = Window.objects.get(name="企业登记窗口")

    response = office.post("/org/departments/", {"name": "  "})
    assert response.status_code == 400 and "名称：不能为空" in response.content.decode()
    response = office.post(f"/org/departments/{market.pk}/", {"name": "县公安局"})
    assert response.status_code == 400 and "名称：已有进驻部门“县公安局”" in response.content.decode()
    response = office.post(f"/org/departments/{market.pk}/windows/", {"name": "食品经营许可窗口"})
    assert response.status_code == 400 and f"名称：{MARKET}已有窗口“食品经营许可窗口”" in response.content.decode()
    response = office.post(f"/org/windows/{window.pk}/", {"name": "企业登记窗口", "department": 999_999})
    assert response.status_code == 400 and "进驻部门：" in response.content.decode()
    police = Department.objects.get(name="县公安局")
    response = office.post(f"/org/windows/{window.pk}/", {"name": "企业登记窗口", "number": "1",
                                                          "department": police.pk})
    assert response.status_code == 400 and "还有工作人员（陈首席、张三、李四）" in response.content.decode()
    assert office.post("/org/departments/999999/windows/", {"name": "窗口"}).status_code == 404

    window.refresh_from_db()
    assert window.department == market and Department.objects.count() == 5 and Window.objects.count() == 8
    assert not OrgChange.objects.exists()
