"""Definitions cannot exhaust the machine, where a person meets it: the API refuses a definition listing every
problem, and completing a task whose next script exceeds its budget (API or task page) answers with the error
instead of hanging."""

from __future__ import annotations

from pathlib import Path

from workflows.runtime.models import HumanTask, ProcessDefinition, ProcessInstance
from workflows.runtime.services.definitions import deploy_definition
from workflows.runtime.services.instances import start_process

FIXTURES = Path(__file__).resolve().parent.parent / "workflows" / "fixtures"
BPMN_DIR = Path(__file__).resolve().parent.parent.parent / "bpmn"
BROKEN = (FIXTURES / "broken_after_review.bpmn").read_text(encoding="utf-8")
GREEDY = BROKEN.replace("score = 100 / divisor", "blob = 'x' * size")


def test_deploy_lists_every_problem_with_its_element(login):
    source = BROKEN.replace('value="approval"', 'value="aproval"').replace("100 / divisor", "9 ** 9 ** 9")
    response = login("zhaobgs").post("/api/definitions/", {"key": "broken_after_review",
                                                           "sources": {"broken.bpmn": source}},
                                     content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert sorted((p["file"], p["element_id"]) for p in body["problems"]) == [
        ("broken.bpmn", "compute_score"), ("broken.bpmn", "review_by_window_head"),
    ]
    reasons = " ".join(p["reason"] for p in body["problems"])
    assert "aproval" in reasons and "乘方" in reasons
    assert "2 处问题" in body["detail"]
    assert not ProcessDefinition.objects.filter(key="broken_after_review").exists()


def test_deploy_refuses_an_unknown_service_operator(login):
    source = (BPMN_DIR / "complaint.bpmn").read_text(encoding="utf-8")
    source = source.replace('id="discipline.record_complaint_reply"', 'id="discipline.record_complaint_replies"')
    sources = {"complaint.bpmn": source,
               "duty_rule_measures.dmn": (BPMN_DIR / "duty_rule_measures.dmn").read_text(encoding="utf-8")}
    response = login("zhaobgs").post("/api/definitions/", {"key": "complaint", "sources": sources},
                                     content_type="application/json")
    assert response.status_code == 400
    [problem] = response.json()["problems"]
    assert "discipline.record_complaint_replies" in problem["reason"] and problem["element_id"]


def test_completing_a_task_whose_script_exceeds_the_budget_answers_with_the_error(login, official):
    deploy_definition("broken_after_review", {"greedy.bpmn": GREEDY})
    instance = start_process("broken_after_review", data={"size": 10**9}, business_key="API-B-1",
                             applicant=official("lisi"))
    task = HumanTask.objects.get(instance=instance)
    response = login("zhangsan").post(f"/api/tasks/{task.pk}/complete/", {"data": {"decision": "approve"}},
                                      content_type="application/json")
    assert response.status_code == 400
    assert "compute_score" in response.json()["detail"] and "重复结果过大" in response.json()["detail"]
    instance.refresh_from_db()
    assert instance.status == ProcessInstance.ERRORED
    assert "重复结果过大" in instance.error_message


def test_the_task_page_shows_the_budget_error_instead_of_hanging(login, official):
    deploy_definition("broken_after_review", {"greedy.bpmn": GREEDY})
    instance = start_process("broken_after_review", data={"size": 10**9}, business_key="PAGE-B-1",
                             applicant=official("lisi"))
    task = HumanTask.objects.get(instance=instance)
    response = login("zhangsan").post(f"/tasks/{task.pk}/", {"decision": "approve", "comment": "同意"})
    assert response.status_code == 200
    assert "重复结果过大" in response.content.decode()
    instance.refresh_from_db()
    assert instance.status == ProcessInstance.ERRORED
