"""POST /api/applications/: the window receives an application through the API with the intake screen's rules."""

from __future__ import annotations

from rest_framework.test import APIClient

from tests.workflows.application_steps import items_fixture  # noqa: F401 (the `items` fixture)
from workflows.applications.models import Application
from workflows.runtime.models import AuditEvent


def client_of(official) -> APIClient:
    client = APIClient()
    client.force_authenticate(official.user)
    return client


def intake(service_item, **changes) -> dict:
    body = {"item": service_item.pk, "applicant": "伊犁天山餐饮有限公司", "phone": "13899912345", "matter": "新开餐馆",
            "materials": list(service_item.materials.values_list("pk", flat=True))}
    return {**body, **changes}


def test_window_staff_receive_an_application_and_get_the_case_back(items, centre, clock):
    response = client_of(centre["lisi"]).post("/api/applications/", intake(items["CN-002"]), format="json")
    assert response.status_code == 201, response.content
    case = Application.objects.get()
    assert response.json()["number"] == case.number and case.status == Application.IN_PROGRESS
    assert case.received_by == centre["lisi"] and case.instance is not None
    assert AuditEvent.objects.filter(action="application_received", actor=centre["lisi"]).count() == 1


def test_missing_materials_make_a_case_waiting_for_them(items, centre, clock):
    item = items["CN-002"]
    main = item.materials.get(is_main=True)
    response = client_of(centre["lisi"]).post("/api/applications/", intake(item, materials=[main.pk]), format="json")
    assert response.status_code == 201 and response.json()["status"] == Application.AWAITING_MATERIALS


def test_bad_input_is_400_naming_the_field_in_chinese_and_saves_nothing(items, centre, clock):
    client = client_of(centre["lisi"])
    bad_phone = client.post("/api/applications/", intake(items["CN-002"], phone="12345"), format="json")
    assert bad_phone.status_code == 400 and bad_phone.json()["field"] == "phone"
    assert "不是" in bad_phone.json()["detail"]
    unknown = client.post("/api/applications/", intake(items["CN-002"], item=999999), format="json")
    assert unknown.status_code == 400 and unknown.json()["field"] == "item"
    foreign = client.post("/api/applications/", intake(items["CN-002"], materials=[999999]), format="json")
    assert foreign.status_code == 400 and foreign.json()["field"] == "materials"
    shapeless = client.post("/api/applications/", {"item": "x"}, format="json")
    assert shapeless.status_code == 400
    assert not Application.objects.exists()


def test_an_official_without_a_window_is_refused_with_403_and_the_reason(items, centre, clock):
    response = client_of(centre["zhaobgs"]).post("/api/applications/", intake(items["CN-002"]), format="json")
    assert response.status_code == 403 and "窗口" in response.json()["detail"]
    assert not Application.objects.exists()
