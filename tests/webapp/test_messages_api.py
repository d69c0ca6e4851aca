"""POST /api/messages/ and /api/signals/: who may deliver, input checked in Chinese, deliveries and refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client

from workflows.runtime.models import AuditEvent, ProcessInstance
from workflows.runtime.services.definitions import deploy_from_files
from workflows.runtime.services.instances import start_process

ELEMENTS = Path(__file__).resolve().parents[1] / "engine" / "fixtures" / "elements"


@pytest.fixture
def service_client(centre) -> Client:
    """A service account: a login that is no official, given only the permission to deliver events."""
    user = User.objects.create_user("authority_gateway", password="x-unused-x")
    user.user_permissions.add(Permission.objects.get(codename="deliver_events"))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def waiting(centre):
    deploy_from_files("messages_correlation", [ELEMENTS / "messages_correlation.bpmn"])
    deploy_from_files("messages_signal", [ELEMENTS / "messages_signal.bpmn"])
    return {
        "A-1": start_process("messages_correlation", data={"case_number": "A-1"}, business_key="A-1"),
        "B-2": start_process("messages_correlation", data={"case_number": "B-2"}, business_key="B-2"),
        "signal": start_process("messages_signal", data={}, business_key="S-1"),
    }


def post(client: Client, path: str, body: dict):
    return client.post(path, body, content_type="application/json")


def test_only_administrators_and_service_accounts_deliver(login, waiting, client):
    body = {"name": "上级答复", "correlation": {"case_number": "A-1"}}
    assert post(client, "/api/messages/", body).status_code in (401, 403)
    refused = post(login("lisi"), "/api/messages/", body)
    assert refused.status_code == 403 and refused.json()["detail"] == "仅管理员或服务账号可投递消息与信号"
    assert post(login("lisi"), "/api/signals/", {"name": "政策调整"}).status_code == 403
    admin = Client()
    admin.force_login(User.objects.get(username="admin"))
    assert post(admin, "/api/messages/", body).status_code == 200
    assert ProcessInstance.objects.get(pk=waiting["A-1"].pk).status == ProcessInstance.COMPLETED


def test_bad_input_is_refused_in_chinese(service_client, waiting):
    missing = post(service_client, "/api/messages/", {"correlation": {"case_number": "A-1"}})
    assert missing.status_code == 400 and missing.json()["detail"] == "name: 该字段是必填项。"
    wrong_type = post(service_client, "/api/messages/", {"name": "上级答复", "correlation": "A-1"})
    assert wrong_type.status_code == 400 and "字典" in wrong_type.json()["detail"]
    nul = post(service_client, "/api/signals/", {"name": "政策调整", "payload": {"note": "a\u0000b"}})
    assert nul.status_code == 400 and "NUL" in nul.json()["detail"]
    assert ProcessInstance.objects.filter(status=ProcessInstance.RUNNING).count() == 3


def test_a_message_is_delivered_by_correlation_and_an_unknown_one_refused(service_client, waiting):
    answer = post(service_client, "/api/messages/",
                  {"name": "上级答复", "correlation": {"case_number": "B-2"}, "payload": {"approved": True}})
    assert answer.status_code == 200
    assert answer.json() == {"instances": [waiting["B-2"].pk], "started": False}
    statuses = dict(ProcessInstance.objects.values_list("business_key", "status"))
    assert statuses["A-1"] == ProcessInstance.RUNNING and statuses["B-2"] == ProcessInstance.COMPLETED
    delivered = AuditEvent.objects.get(action="message_delivered")
    assert delivered.actor is None and delivered.after["caller"] == "authority_gateway"

    unknown = post(service_client, "/api/messages/", {"name": "上级答复", "correlation": {"case_number": "Z-9"}})
    assert unknown.status_code == 400
    assert unknown.json()["detail"] == ("没有流程在等待关联值为 {\"case_number\": \"Z-9\"} 的消息“上级答复”，"
                                        "也没有流程由它启动。")
    assert unknown.json()["field"] == "name"
    assert AuditEvent.objects.get(action="message_refused").after["caller"] == "authority_gateway"


def test_a_signal_is_broadcast(service_client, waiting):
    answer = post(service_client, "/api/signals/", {"name": "政策调整", "payload": {"policy": "2027"}})
    assert answer.status_code == 200 and answer.json() == {"instances": [waiting["signal"].pk], "started": False}
    again = post(service_client, "/api/signals/", {"name": "政策调整"})
    assert again.status_code == 400 and again.json()["detail"] == "没有流程在等待信号“政策调整”。"


def test_a_message_start_answers_created(service_client, centre):
    deploy_from_files("messages_start", [ELEMENTS / "messages_start.bpmn"])
    answer = post(service_client, "/api/messages/", {"name": "网上申报", "payload": {"applicant": "张三"}})
    assert answer.status_code == 201 and answer.json()["started"] is True
    assert ProcessInstance.objects.get(pk=answer.json()["instances"][0]).business_key == "网上申报"
