"""The REST API: schema, tasks (list, claim, complete), definitions, instances, leave requests."""

from __future__ import annotations

from datetime import date

from django.core.management import call_command

from workflows.leave.models import LeaveRequest
from workflows.runtime.models import HumanTask, ProcessDefinition

MALFORMED_BPMN = '<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions xmlns:bpmn="x"><bpmn:process id="p">'


def test_schema_is_served_and_generates_without_warnings(login, tmp_path):
    response = login("lisi").get("/api/schema/")
    assert response.status_code == 200
    assert "/api/tasks/" in response.content.decode()
    call_command("spectacular", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))


def test_api_requires_an_authenticated_official(client, leave_definition):
    assert client.get("/api/tasks/").status_code in (401, 403)


def test_task_list_views_and_fields(login, file_leave, clock):
    leave = file_leave()
    client = login("lifzr")
    results = client.get("/api/tasks/", {"view": "mine"}).json()["results"]
    assert [t["case_number"] for t in results] == [leave.case_number]
    task = results[0]
    assert task["candidates"] == ["李红梅"] and task["working_days_left"] == 1
    assert task["applicant"]["name"] == "李四" and task["process"] == "leave_approval"
    assert client.get("/api/tasks/", {"view": "claimable"}).json()["results"] == []
    assert client.get("/api/tasks/", {"overdue": "true"}).json()["results"] == []
    assert client.get("/api/tasks/", {"process": "other"}).json()["results"] == []
    clock.advance(days=5)
    assert client.get("/api/tasks/", {"overdue": "true"}).json()["results"][0]["working_days_left"] == -2
    assert client.get("/api/tasks/", {"view": "bogus"}).status_code == 400
    assert login("zhangsan").get("/api/tasks/").json()["results"] == []


def test_task_detail_is_for_people_involved(login, file_leave, open_task):
    task = open_task(file_leave())
    assert login("lifzr").get(f"/api/tasks/{task.pk}/").json()["title"] == "审批请假"
    assert login("wangwu").get(f"/api/tasks/{task.pk}/").status_code == 403
    assert login("wangwu").get("/api/tasks/987654/").status_code == 404


def test_complete_twice_gives_a_conflict(login, file_leave, open_task):
    leave = file_leave()
    task = open_task(leave)
    client = login("lifzr")
    body = {"data": {"decision": "approve", "comment": "同意"}}
    first = client.post(f"/api/tasks/{task.pk}/complete/", body, content_type="application/json")
    assert first.status_code == 200 and first.json()["state"] == "completed"
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.APPROVED
    second = client.post(f"/api/tasks/{task.pk}/complete/", body, content_type="application/json")
    assert second.status_code == 409
    assert "detail" in second.json()


def test_complete_validates_with_the_task_form(login, file_leave, open_task):
    task = open_task(file_leave())
    client = login("lifzr")
    bad = client.post(f"/api/tasks/{task.pk}/complete/", {"data": {"decision": "maybe"}},
                      content_type="application/json")
    assert bad.status_code == 400 and "decision" in bad.json()["errors"]
    assert client.post(f"/api/tasks/{task.pk}/complete/", {}, content_type="application/json").status_code == 400
    not_mine = login("zhangsan").post(f"/api/tasks/{task.pk}/complete/", {"data": {"decision": "approve"}},
                                      content_type="application/json")
    assert not_mine.status_code == 403


def test_complete_confirm_substitute_with_the_payload_shape(login, file_leave, open_task, official):
    leave = file_leave(first=date(2026, 12, 1), last=date(2026, 12, 3), substitute="zhangsan")
    task = open_task(leave)
    body = {"data": {"confirmed": True, "substitute_id": official("chensx").pk, "comment": ""}}
    response = login("zhangsan").post(f"/api/tasks/{task.pk}/complete/", body, content_type="application/json")
    assert response.status_code == 200, response.json()
    assert open_task(leave).form == "approval"


def test_claim_by_a_non_candidate_is_forbidden(login, file_leave, open_task):
    task = open_task(file_leave())
    task.assignee = None
    task.save(update_fields=["assignee"])
    assert login("zhangsan").post(f"/api/tasks/{task.pk}/claim/").status_code == 403
    claimed = login("lifzr").post(f"/api/tasks/{task.pk}/claim/")
    assert claimed.status_code == 200 and claimed.json()["assignee"]["name"] == "李红梅"


def test_definitions_read_bpmn_and_deploy(login, leave_definition):
    client = login("lisi")
    listed = client.get("/api/definitions/").json()["results"]
    assert listed[0]["key"] == "leave_approval"
    assert listed[0]["files"] == ["leave_approval.bpmn", "leave_route_shenxian.dmn"]
    bpmn = client.get(f"/api/definitions/{leave_definition.pk}/bpmn/", HTTP_ACCEPT="application/xml")
    assert bpmn.status_code == 200 and bpmn["Content-Type"].startswith("application/xml")
    assert b'id="approve_leave"' in bpmn.content

    sources = dict(leave_definition.sources)
    refused = client.post("/api/definitions/", {"key": "copy", "sources": sources}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["detail"] == "仅中心办公室可部署流程"
    sources["leave_approval.bpmn"] += "\n<!-- 第二版 -->\n"
    deployed = login("zhaobgs").post("/api/definitions/", {"key": "leave_approval", "sources": sources},
                                     content_type="application/json")
    assert deployed.status_code == 201, deployed.json()
    assert deployed.json()["version"] == 2 and deployed.json()["deployed_by"]["name"] == "赵文静"


def test_deploying_a_malformed_bpmn_names_the_file(login, leave_definition):
    response = login("zhaobgs").post("/api/definitions/", {"key": "broken", "sources": {"broken.bpmn": MALFORMED_BPMN}},
                                     content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert body["file"] == "broken.bpmn" and "broken.bpmn" in body["detail"] and "element_id" in body
    assert not ProcessDefinition.objects.filter(key="broken").exists()


def test_instances_are_visible_to_the_people_involved(login, file_leave):
    leave = file_leave()
    assert [i["business_key"] for i in login("lisi").get("/api/instances/").json()["results"]] == [leave.case_number]
    assert login("wangwu").get("/api/instances/").json()["results"] == []
    office = login("zhaobgs")
    assert len(office.get("/api/instances/", {"status": "running", "process": "leave_approval"}).json()["results"]) == 1
    assert office.get("/api/instances/", {"business_key": "nope"}).json()["results"] == []
    detail = login("lifzr").get(f"/api/instances/{leave.instance_id}/").json()
    assert [t["title"] for t in detail["tasks"]] == ["审批请假"]
    assert detail["history"][0]["action"] == "instance_started"
    assert login("wangwu").get(f"/api/instances/{leave.instance_id}/").status_code == 404


def test_leave_requests_submit_and_list(login):
    client = login("lisi")
    body = {"leave_type": "事假", "first_day": "2026-12-01", "last_day": "2026-12-01", "reason": "家中有事"}
    created = client.post("/api/leave-requests/", body, content_type="application/json")
    assert created.status_code == 201 and created.json()["status"] == "pending"
    assert HumanTask.objects.filter(instance_id=created.json()["instance"]).exists()
    assert [r["id"] for r in client.get("/api/leave-requests/").json()["results"]] == [created.json()["id"]]
    assert login("zhangsan").get("/api/leave-requests/").json()["results"] == []

    weekend = client.post("/api/leave-requests/", {**body, "first_day": "2026-12-05", "last_day": "2026-12-07"},
                          content_type="application/json")
    assert weekend.status_code == 400
    assert weekend.json()["field"] == "first_day" and "不是工作日" in weekend.json()["detail"]
    assert LeaveRequest.objects.count() == 1
