"""The catalogue pages and API: the centre office and superusers edit, other officials get 403 pages; the API
reads the catalogue for any official, with filters."""

from __future__ import annotations

from dataclasses import replace

from django.test import Client
from django.urls import reverse

from workflows.applications.demo import seed_demo_catalogue
from workflows.applications.forms import ServiceItemForm
from workflows.applications.models import ServiceItem
from workflows.applications.services import create_service_item
from workflows.org.models import Department, Official
from workflows.runtime.models import AuditEvent


def _form(**changes) -> dict:
    departments = {d.name: d.pk for d in Department.objects.all()}
    data = {
        "name": "药品经营许可", "code": "CN-100", "department": departments["县市场监督管理局"], "kind": "joint",
        "promised_days": "15", "legal_basis": "《药品管理法》第五十二条",
        "main_materials": "药品经营许可证申请表", "other_materials": "营业执照复印件\n质量管理文件",
        "co_departments": [departments["县税务局"]], "deciding_roles": ["chief_representative"],
        "refusing_roles": ["window_head"],
    }
    data.update(changes)
    return data


def _input_of(item: ServiceItem):
    form = ServiceItemForm(data={**ServiceItemForm.initial_of(item)})
    assert form.is_valid(), form.errors
    return form.service_input()


def test_the_centre_office_creates_and_edits_an_item(client_of, centre):
    office = client_of("zhaobgs")
    response = office.post(reverse("service_item_new"), _form())
    assert response.status_code == 302, response.content.decode()
    item = ServiceItem.objects.get(code="CN-100")
    assert list(item.materials.values_list("name", "is_main")) == [
        ("药品经营许可证申请表", True), ("营业执照复印件", False), ("质量管理文件", False)]
    page = office.get(reverse("service_item_edit", args=[item.pk])).content.decode()
    assert "药品经营许可证申请表" in page and "质量管理文件" in page
    response = office.post(reverse("service_item_edit", args=[item.pk]), _form(promised_days="20"))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.promised_days == 20
    changed = AuditEvent.objects.get(action="service_item_changed")
    assert changed.actor == centre["zhaobgs"] and changed.before["promised_days"] == 15


def test_bad_input_shows_the_chinese_refusal_on_its_field(client_of):
    office = client_of("zhaobgs")
    response = office.post(reverse("service_item_new"), _form(co_departments=[]))
    assert response.status_code == 200
    assert "联办件须至少有一个牵头部门以外的协办部门" in response.content.decode()
    response = office.post(reverse("service_item_new"), _form(kind="immediate", co_departments=[], promised_days="3"))
    assert "即办件当场办结，承诺时限应为 0 个工作日" in response.content.decode()
    response = office.post(reverse("service_item_new"), _form(department="999999"))
    assert response.status_code == 200 and "has-error" in response.content.decode()
    assert not ServiceItem.objects.exists()


def test_window_staff_get_403_pages_and_no_menu_entry(client_of, centre):
    seed_demo_catalogue()
    item = ServiceItem.objects.first()
    staff = client_of("lisi")
    edit = reverse("service_item_edit", args=[item.pk])
    for url in (reverse("service_item_list"), reverse("service_item_new"), edit):
        assert staff.get(url).status_code == 403
    assert staff.post(reverse("service_item_new"), _form()).status_code == 403
    assert reverse("service_item_list") not in staff.get(reverse("inbox")).content.decode()
    assert reverse("service_item_list") in client_of("zhaobgs").get(reverse("inbox")).content.decode()


def test_a_superuser_without_the_role_may_edit(client_of, centre):
    admin = Official.objects.get(user__username="admin")
    admin.roles.clear()
    assert client_of("admin").get(reverse("service_item_new")).status_code == 200


def test_the_list_searches_and_pages(client_of, centre):
    seed_demo_catalogue()
    office = client_of("zhaobgs")
    page = office.get(reverse("service_item_list"), {"q": "护照"}).content.decode()
    assert "出入境证件办理" in page and "食品经营许可" not in page
    police = Department.objects.get(name="县公安局").pk
    page = office.get(reverse("service_item_list"), {"department": police}).content.decode()
    assert "企业登记注册" in page and "出入境证件办理" in page and "食品经营许可" not in page
    page = office.get(reverse("service_item_list"), {"kind": "immediate"}).content.decode()
    assert "增值税发票领用" in page and "企业登记注册" not in page
    template = ServiceItem.objects.get(code="CN-002")
    for n in range(25):  # 7 demo items and these 25, 20 a page by code: Z-12 ends the first page
        create_service_item(replace(_input_of(template), name=f"事项{n:02d}", code=f"Z-{n:02d}"), actor=None)
    first = office.get(reverse("service_item_list")).content.decode()
    second = office.get(reverse("service_item_list"), {"page": 2}).content.decode()
    assert "1 / 2" in first and ">Z-12<" in first and ">Z-13<" not in first
    assert ">Z-13<" in second and ">Z-24<" in second and ">CN-001<" not in second


def test_the_api_lists_filters_and_shows_items_to_any_official(client_of, centre):
    seed_demo_catalogue()
    staff = client_of("lisi")
    listed = staff.get("/api/service-items/").json()
    assert listed["count"] == ServiceItem.objects.count()
    joint = staff.get("/api/service-items/", {"kind": "joint"}).json()["results"]
    assert {i["name"] for i in joint} == {"建设项目并联审批", "企业登记注册"}
    building = next(i for i in joint if i["name"] == "建设项目并联审批")
    assert len(building["co_departments"]) == 3 and building["kind_label"] == "联办件"
    assert building["materials"][0] == {"position": 1, "name": "建设项目并联审批申请表", "is_main": True}
    police = Department.objects.get(name="县公安局").pk
    names = {i["name"] for i in staff.get("/api/service-items/", {"department": police}).json()["results"]}
    assert names == {"企业登记注册", "出入境证件办理（普通护照签发）"}
    assert staff.get("/api/service-items/", {"search": "发票"}).json()["count"] == 1
    detail = staff.get(f"/api/service-items/{building['id']}/").json()
    assert detail["legal_basis"].startswith("《国务院办公厅")
    assert staff.post("/api/service-items/", {}).status_code == 405
    assert Client().get("/api/service-items/").status_code in (401, 403)
