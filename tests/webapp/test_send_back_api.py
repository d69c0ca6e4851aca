"""退回, 撤回 and the initiator's withdrawal through the API and the pages: 200 when allowed, else 403 with the
reason in Chinese, 400 naming the field; the task page offers only what the rule allows."""

from __future__ import annotations

from pathlib import Path

import pytest

from workflows.leave.models import LeaveRequest
from workflows.runtime.models import HumanTask, ProcessInstance
from workflows.runtime.services.definitions import deploy_from_files
from workflows.runtime.services.instances import start_process
from workflows.runtime.services.transitions import complete_task

FIXTURES = Path(__file__).parent.parent / "workflows" / "fixtures"
APPROVE = {"decision": "approve", "comment": "同意"}


@pytest.fixture
def case(official, clock) -> ProcessInstance:
    """李四's request, filled in by her and reviewed by 张三, waiting for the centre office's approval."""
    deploy_from_files("send_back_review", [FIXTURES / "send_back_review.bpmn"])
    instance = start_process("send_back_review", data={}, business_key="SB-2", applicant=official("lisi"),
                             started_by=official("lisi"))
    complete_task(open_row(instance, "draft").pk, official("lisi"), {"confirmed": True})
    complete_task(open_row(instance, "review").pk, official("zhangsan"), APPROVE)
    return instance


def open_row(instance: ProcessInstance, spec: str) -> HumanTask:
    return HumanTask.objects.get(instance=instance, spec_name=spec, state=HumanTask.OPEN)


def post(client, url: str, body: dict | None = None):
    return client.post(url, body or {}, content_type="application/json")


def test_send_back_through_the_api(case, login):
    approve = open_row(case, "approve")
    response = post(login("zhaobgs"), f"/api/tasks/{approve.pk}/send-back/",
                    {"target": "review", "reason": "请补充审核意见"})
    assert response.status_code == 200
    body = response.json()
    assert body["held_by"] == "sent_back" and body["assignee"]["name"] == "张三"
    assert post(login("zhangsan"), f"/api/tasks/{body['id']}/complete/", {"data": APPROVE}).status_code == 200
    assert open_row(case, "approve").pk != approve.pk


def test_send_back_refusals_answer_403_with_the_reason_and_400_naming_the_field(case, login):
    approve = open_row(case, "approve")
    stranger = post(login("zhangsan"), f"/api/tasks/{approve.pk}/send-back/", {"target": "review", "reason": "理由"})
    assert (stranger.status_code, stranger.json()["detail"]) == (403, "您不是此任务的办理人或候选人。")
    bad = post(login("zhaobgs"), f"/api/tasks/{approve.pk}/send-back/", {"target": "nowhere", "reason": "理由"})
    assert bad.status_code == 400 and "target" in str(bad.json())
    empty = post(login("zhaobgs"), f"/api/tasks/{approve.pk}/send-back/", {"target": "review", "reason": ""})
    assert empty.status_code == 400 and "reason" in str(empty.json())
    assert open_row(case, "approve").pk == approve.pk


def test_take_back_through_the_api_and_its_refusal_after_the_next_step_acted(case, login):
    draft = HumanTask.objects.get(instance=case, spec_name="draft")
    refused = post(login("lisi"), f"/api/tasks/{draft.pk}/take-back/")
    assert (refused.status_code, refused.json()["detail"]) == (403, "下一环节“窗口负责人审核”已办理，不能撤回。")
    review = HumanTask.objects.get(instance=case, spec_name="review")
    taken = post(login("zhangsan"), f"/api/tasks/{review.pk}/take-back/")
    assert taken.status_code == 200 and taken.json()["held_by"] == "taken_back"
    assert not HumanTask.objects.filter(instance=case, spec_name="approve", state=HumanTask.OPEN).exists()


def test_withdraw_through_the_api(file_leave, login):
    leave = file_leave()
    response = post(login("lisi"), f"/api/instances/{leave.instance_id}/withdraw/", {"reason": "行程取消"})
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.WITHDRAWN


def test_withdraw_refusals(file_leave, open_task, login, official):
    leave = file_leave()
    stranger = post(login("lifzr"), f"/api/instances/{leave.instance_id}/withdraw/", {"reason": "理由"})
    assert (stranger.status_code, stranger.json()["detail"]) == (403, "只有发起人才能撤回本案。")
    empty = post(login("lisi"), f"/api/instances/{leave.instance_id}/withdraw/", {"reason": ""})
    assert empty.status_code == 400 and "reason" in str(empty.json())
    task = open_task(leave)
    complete_task(task.pk, task.assignee, APPROVE)
    decided = post(login("lisi"), f"/api/instances/{leave.instance_id}/withdraw/", {"reason": "理由"})
    assert decided.status_code == 403 and "不能再撤回" in decided.json()["detail"]


def test_the_task_page_offers_only_the_allowed_operations(case, login):
    approve = open_row(case, "approve")
    page = login("zhaobgs").get(f"/tasks/{approve.pk}/").content.decode()
    assert "退回至" in page and "窗口负责人审核" in page
    draft = HumanTask.objects.get(instance=case, spec_name="draft")
    assert ">撤回<" not in login("lisi").get(f"/tasks/{draft.pk}/").content.decode()  # the next step acted
    review = HumanTask.objects.get(instance=case, spec_name="review")
    assert ">撤回<" in login("zhangsan").get(f"/tasks/{review.pk}/").content.decode()


def test_the_returned_to_official_sees_the_reason_and_the_initiator_withdraws_from_the_case_page(case, login,
                                                                                              file_leave):
    approve = open_row(case, "approve")
    login("zhaobgs").post(f"/tasks/{approve.pk}/send-back/", {"target": "review", "reason": "请补充审核意见"})
    returned = open_row(case, "review")
    assert "请补充审核意见" in login("zhangsan").get(f"/tasks/{returned.pk}/").content.decode()
    leave = file_leave()
    assert "撤回理由" in login("lisi").get(f"/cases/{leave.instance_id}/").content.decode()
    login("lisi").post(f"/cases/{leave.instance_id}/withdraw/", {"reason": "行程取消"})
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.WITHDRAWN


def test_the_inbox_shows_the_reason_and_offers_take_back_only_when_allowed(case, login):
    approve = open_row(case, "approve")
    post(login("zhaobgs"), f"/api/tasks/{approve.pk}/send-back/", {"target": "review", "reason": "请补充审核意见"})
    mine = login("zhangsan").get("/?tab=mine").content.decode()
    assert "退回理由：请补充审核意见" in mine
    done_by_office = login("zhaobgs").get("/?tab=done").content.decode()
    assert "task_take_back" not in done_by_office and f"/tasks/{approve.pk}/take-back/" not in done_by_office
    draft = HumanTask.objects.get(instance=case, spec_name="draft")
    assert f"/tasks/{draft.pk}/take-back/" not in login("lisi").get("/?tab=done").content.decode()
    returned = open_row(case, "review")
    complete_task(returned.pk, returned.assignee, APPROVE)
    assert f"/tasks/{returned.pk}/take-back/" in login("zhangsan").get("/?tab=done").content.decode()


def test_started_by_me_links_withdraw_only_while_undecided(file_leave, open_task, login):
    leave = file_leave()
    link = f'/cases/{leave.instance_id}/#withdraw'
    assert link in login("lisi").get("/started/").content.decode()
    task = open_task(leave)
    complete_task(task.pk, task.assignee, APPROVE)
    assert link not in login("lisi").get("/started/").content.decode()
