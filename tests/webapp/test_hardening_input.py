"""Bad input gets a clear answer and nothing is stored: dates out of range, file names with control characters or
quotes, JSON nested too deep, numbers too large for an id."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from workflows.discipline.models import Appeal
from workflows.discipline.rules import OFFICIAL, WARNING
from workflows.discipline.selectors import open_step
from workflows.discipline.services import open_case
from workflows.leave.models import LeaveRequest
from workflows.runtime.models import ProcessDefinition
from workflows.runtime.services.transitions import complete_task
from workflows.runtime.validators import check_upload_name, within_service_years

LEAVE = {"leave_type": "事假", "first_day": "2026-12-01", "last_day": "2026-12-01", "reason": "家中有事"}
BAD_NAMES = ["说明\x00.txt", "说明\r\n.txt", "说明\n.txt", 'a".txt', "a'.txt", " "]


@pytest.mark.parametrize("day", [date(1, 1, 1), date(1999, 12, 31), date(2101, 1, 1), date(9999, 12, 31)])
def test_dates_outside_the_service_years_are_refused(day):
    with pytest.raises(ValidationError) as refused:
        within_service_years(day)
    assert "2000-01-01" in str(refused.value) and "2100-12-31" in str(refused.value)


def test_dates_inside_the_service_years_pass():
    for day in (date(2000, 1, 1), date(2026, 12, 1), date(2100, 12, 31)):
        within_service_years(day)


@pytest.mark.parametrize("name", BAD_NAMES)
def test_file_names_with_control_characters_or_quotes_are_refused(name):
    with pytest.raises(ValidationError):
        check_upload_name(name)


def test_ordinary_file_names_pass():
    for name in ("监控截图说明.txt", "photo 1.jpg", "a-b_c (2).pdf"):
        check_upload_name(name)


@pytest.mark.parametrize("first_day", ["9999-12-31", "0001-01-01", "0000-01-01", "2026-13-01"])
def test_leave_api_refuses_impossible_dates_with_a_400_and_stores_nothing(login, first_day):
    response = login("lisi").post("/api/leave-requests/", {**LEAVE, "first_day": first_day, "last_day": first_day},
                                  content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    # a date that cannot be parsed is refused by its shape, one out of the leave rules' range by the rules
    assert "first_day" in body or body["field"] == "first_day"
    assert body["detail"]
    assert not LeaveRequest.objects.exists()


def test_leave_page_refuses_a_year_9999_and_stores_nothing(login):
    data = {**LEAVE, "first_half": "am", "last_half": "pm", "last_day": "9999-12-31"}
    response = login("lisi").post(reverse("leave_new"), data)
    assert response.status_code == 200
    assert "请假日期 9999-12-31 太远" in response.content.decode()
    assert not LeaveRequest.objects.exists()


@pytest.mark.parametrize("name", ['说明".txt', "说明'.txt"])
def test_appeal_api_refuses_a_file_name_with_quotes_and_stores_nothing(login, delivered_case, name):
    response = login("lisi").post(f"/api/cases/{delivered_case.pk}/appeal/",
                                  {"text": "不服", "files": [SimpleUploadedFile(name, b"x")]})
    assert response.status_code == 400
    assert "引号" in response.json()["detail"]
    assert not Appeal.objects.exists()


def test_appeal_page_refuses_a_file_name_with_quotes_and_stores_nothing(login, delivered_case):
    response = login("lisi").post(reverse("case_appeal", args=[delivered_case.pk]),
                                  {"text": "不服", "attachments": [SimpleUploadedFile('说明".txt', b"x")]})
    assert "引号" in response.content.decode()
    assert not Appeal.objects.exists()


def test_ledger_ids_too_large_for_the_database_are_a_400(login, delivered_case):
    response = login("zhaobgs").get("/api/ledger/", {"department": str(2**70)})
    assert response.status_code == 400 and "department" in response.json()


def _nested(depth: int) -> dict:
    body: dict = {}
    for _ in range(depth - 1):
        body = {"x": body}
    return body


def test_json_nested_deeper_than_the_limit_is_a_400_and_stores_nothing(login):
    body = {**LEAVE, "reason": _nested(40)}
    response = login("lisi").post("/api/leave-requests/", json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert "嵌套" in response.json()["detail"]
    assert not LeaveRequest.objects.exists()


def test_json_within_the_nesting_limit_is_parsed(login, file_leave, open_task):
    task = open_task(file_leave())
    body = {"data": {"decision": "approve", "comment": "同意", "extra": _nested(20)}}
    response = login("lifzr").post(f"/api/tasks/{task.pk}/complete/", json.dumps(body),
                                   content_type="application/json")
    assert response.status_code == 200, response.json()


@pytest.mark.parametrize("name", ['leave".bpmn', "leave\r\nX-Evil: 1.bpmn", "leave\x00.bpmn"])
def test_deploying_sources_with_a_bad_file_name_is_a_400_and_stores_nothing(login, leave_definition, name):
    sources = {name: leave_definition.sources["leave_approval.bpmn"],
               "leave_route_shenxian.dmn": leave_definition.sources["leave_route_shenxian.dmn"]}
    response = login("zhaobgs").post("/api/definitions/", {"key": "leave_approval", "sources": sources},
                                     content_type="application/json")
    assert response.status_code == 400 and response.json()["detail"].startswith("sources: 文件名")
    assert ProcessDefinition.objects.filter(key="leave_approval").count() == 1


def test_a_task_form_date_in_year_1_is_a_400_naming_the_range(login, discipline, official):
    case = open_case(target_kind=OFFICIAL, target_official=official("sunqi"), measure=WARNING, rule_code="6.9",
                     facts="与群众争吵", opened_by=official("zhaobgs"))
    complete_task(open_step(case.instance, "decide_sanction").pk, official("zhaobgs"),
                  {"decision": "sanction", "measure": WARNING, "facts": case.facts, "reason": "查实"})
    talk = open_step(case.instance, "record_talk")
    response = login("zhaobgs").post(f"/api/tasks/{talk.pk}/complete/",
                                     {"data": {"talked_on": "0001-01-01", "record": "已谈话"}},
                                     content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"]["talked_on"] == ["日期须在 2000-01-01 至 2100-12-31 之间。"]
    assert open_step(case.instance, "record_talk") is not None


def test_broken_json_is_a_400_saying_where(login):
    response = login("lisi").post("/api/leave-requests/", '{"leave_type": "事假",\n "reason" "x"}',
                                  content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "请求内容不是有效的 JSON（第 2 行第 11 列）。"}
    assert not LeaveRequest.objects.exists()


def test_a_body_over_the_size_limit_is_a_json_400_for_the_api(login, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = login("lisi")
    response = client.post("/api/leave-requests/", json.dumps({**LEAVE, "reason": "长" * 1000}),
                           content_type="application/json")
    assert response.status_code == 400 and response.json() == {"detail": "请求被拒绝：内容过大或格式有误。"}
    assert not LeaveRequest.objects.exists()
    page = client.post(reverse("leave_new"), {**LEAVE, "first_half": "am", "last_half": "pm", "reason": "长" * 1000})
    assert page.status_code == 400 and "请求被拒绝：内容过大或格式有误。" in page.content.decode()
