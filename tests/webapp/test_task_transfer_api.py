"""转办, 委派 and 退回认领 through the API and the task page: 200 when allowed, else 403 with the reason in Chinese."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from workflows.org.models import Absence
from workflows.runtime.models import AuditEvent, HumanTask


@pytest.fixture
def task(file_leave, open_task) -> HumanTask:
    """李四's leave, to be approved by the deputy director 李红梅 (lifzr) alone."""
    return open_task(file_leave())


@pytest.fixture
def shared_task(task, official) -> HumanTask:
    """The same approval offered to both directors, unclaimed."""
    task.assignee = None
    task.save(update_fields=["assignee"])
    task.candidates.add(official("wangzr"))
    return task


def post(client, task: HumanTask, operation: str, body: dict | None = None):
    return client.post(f"/api/tasks/{task.pk}/{operation}/", body or {}, content_type="application/json")


def test_transfer_through_the_api(task, login, official):
    response = post(login("lifzr"), task, "transfer", {"to": official("wangzr").pk, "reason": "本人外出学习"})
    assert response.status_code == 200
    body = response.json()
    assert body["assignee"]["name"] == "王建国" and body["held_by"] == "transfer"
    approved = post(login("wangzr"), task, "complete", {"data": {"decision": "approve", "comment": "同意"}})
    assert approved.status_code == 200 and approved.json()["state"] == "completed"


@pytest.mark.parametrize(
    ("who", "to", "detail"),
    [
        ("zhangsan", "wangzr", "您不是此任务的办理人或候选人。"),  # not a candidate
        ("lifzr", "lisi", "李四是本案当事人或发起人，须回避，不能办理此任务。"),  # the applicant
        ("lifzr", "lifzr", "不能转办或委派给自己。"),  # oneself
    ],
)
def test_forbidden_transfers_answer_403_with_the_reason(task, login, official, who, to, detail):
    for operation, text in (("transfer", "reason"), ("delegate", "note")):
        response = post(login(who), task, operation, {"to": official(to).pk, text: "理由"})
        assert (response.status_code, response.json()["detail"]) == (403, detail)
    task.refresh_from_db()
    assert task.assignee == official("lifzr") and task.held_by == HumanTask.BY_RULE


def test_a_task_already_taken_answers_403_naming_the_holder(shared_task, login, official):
    assert post(login("lifzr"), shared_task, "claim").status_code == 200
    response = post(login("wangzr"), shared_task, "transfer", {"to": official("zhaobgs").pk, "reason": "转"})
    assert (response.status_code, response.json()["detail"]) == (403, "此任务由李红梅办理。")
    unclaim = post(login("wangzr"), shared_task, "unclaim")
    assert (unclaim.status_code, unclaim.json()["detail"]) == (403, "此任务不在您名下。")


def test_transfer_to_an_official_on_leave_answers_403(task, login, official):
    Absence.objects.create(official=official("wangzr"), first_day=date(2026, 11, 25), last_day=date(2026, 11, 27),
                           reason="事假")
    response = post(login("lifzr"), task, "transfer", {"to": official("wangzr").pk, "reason": "外出"})
    assert response.status_code == 403
    assert response.json()["detail"] == "王建国请假至2026-11-27，不能接收此任务，请改选其他人员（如其B岗）。"


def test_bad_bodies_answer_400(task, login):
    client = login("lifzr")
    assert post(client, task, "transfer", {"to": "王建国", "reason": "外出"}).status_code == 400
    assert post(client, task, "transfer", {"to": 999999, "reason": "外出"}).json() == {
        "detail": "请选择一名在岗的工作人员。", "field": "to"}
    assert post(client, task, "delegate", {"to": 1}).status_code == 400


def test_delegate_returns_and_the_delegator_completes_through_the_api(task, login, official):
    lifzr, wangzr = login("lifzr"), login("wangzr")
    delegated = post(lifzr, task, "delegate", {"to": official("wangzr").pk, "note": "请核实交接安排"})
    assert delegated.status_code == 200
    assert delegated.json()["delegator"] == official("lifzr").pk
    assert delegated.json()["delegation_note"] == "请核实交接安排"
    refused = post(wangzr, task, "complete", {"data": {"decision": "approve", "comment": ""}})
    assert refused.status_code == 403 and "请填写意见后交回委派人" in refused.json()["detail"]
    waiting = post(lifzr, task, "complete", {"data": {"decision": "approve", "comment": ""}})
    assert (waiting.status_code, waiting.json()["detail"]) == (403, "此任务已委派给王建国，待其办理交回后方可办理。")
    assert post(lifzr, task, "resolve", {"opinion": "我来答"}).status_code == 403

    returned = post(wangzr, task, "resolve", {"opinion": "交接已安排，建议同意"})
    assert returned.status_code == 200
    assert returned.json()["assignee"]["name"] == "李红梅"
    assert returned.json()["delegate_opinion"] == "交接已安排，建议同意"
    done = post(lifzr, task, "complete", {"data": {"decision": "approve", "comment": "同意"}})
    assert done.status_code == 200 and done.json()["completed_by"]["name"] == "李红梅"


def test_unclaim_through_the_api(shared_task, login):
    assert post(login("lifzr"), shared_task, "unclaim").json()["detail"] == "此任务不在您名下。"
    post(login("lifzr"), shared_task, "claim")
    response = post(login("lifzr"), shared_task, "unclaim")
    assert response.status_code == 200 and response.json()["assignee"] is None
    assert post(login("wangzr"), shared_task, "claim").status_code == 200


def test_the_task_page_shows_only_the_allowed_operations(shared_task, login):
    page = login("lifzr").get(reverse("task", args=[shared_task.pk])).content.decode()
    assert 'name="decision"' in page  # unclaimed, offered to both directors: either may act
    assert f'action="/tasks/{shared_task.pk}/transfer/"' in page
    assert f'action="/tasks/{shared_task.pk}/delegate/"' in page
    assert f'action="/tasks/{shared_task.pk}/unclaim/"' not in page
    login("lifzr").post(reverse("task_claim", args=[shared_task.pk]))
    page = login("lifzr").get(reverse("task", args=[shared_task.pk])).content.decode()
    assert f'action="/tasks/{shared_task.pk}/unclaim/"' in page and "退回认领" in page
    page = login("wangzr").get(reverse("task", args=[shared_task.pk])).content.decode()
    assert "/transfer/" not in page and "/unclaim/" not in page and 'name="decision"' not in page


def test_transfer_on_the_page_and_the_history_says_so(task, login, official):
    client = login("lifzr")
    page = client.get(reverse("task", args=[task.pk])).content.decode()
    assert ">王建国（" in page or ">王建国<" in page  # the select of active officials
    assert ">李四" not in page.split('id="transfer-to"')[1].split("</select>")[0]  # not the applicant
    response = client.post(reverse("task_transfer", args=[task.pk]),
                           {"to": official("wangzr").pk, "reason": "本人外出学习"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("inbox")
    assert "“审批请假”已转办" in response.content.decode()
    page = login("wangzr").get(reverse("task", args=[task.pk])).content.decode()
    assert 'name="decision"' in page and "审批请假 → 王建国：本人外出学习" in page  # the history row


def test_a_refused_transfer_on_the_page_is_a_message_not_an_error(task, login, official):
    client = login("lifzr")
    for body, message in (({"to": official("lisi").pk, "reason": "外出"}, "李四是本案当事人"),
                          ({"to": "x", "reason": "外出"}, "请选择一名在岗的工作人员"),
                          ({"to": official("wangzr").pk, "reason": ""}, "请填写理由或意见")):
        response = client.post(reverse("task_transfer", args=[task.pk]), body, follow=True)
        assert response.status_code == 200 and response.redirect_chain[-1][0] == reverse("task", args=[task.pk])
        assert message in response.content.decode()
    assert not AuditEvent.objects.filter(task=task, action="task_transferred").exists()
    assert login("zhangsan").post(reverse("task_transfer", args=[task.pk]), {"to": "1"}).status_code == 403


def test_delegation_on_the_pages(task, login, official):
    login("lifzr").post(reverse("task_delegate", args=[task.pk]),
                        {"to": official("wangzr").pk, "note": "请核实交接安排"})
    page = login("wangzr").get(reverse("task", args=[task.pk])).content.decode()
    assert "委派任务" in page and "李红梅委派王建国办理此任务" in page and "请核实交接安排" in page
    assert 'name="opinion"' in page and 'name="decision"' not in page and "/transfer/" not in page
    page = login("lifzr").get(reverse("task", args=[task.pk])).content.decode()  # the delegator still sees it
    assert "委派任务" in page and 'name="decision"' not in page and 'name="opinion"' not in page

    response = login("wangzr").post(reverse("task_resolve", args=[task.pk]), {"opinion": "交接已安排"}, follow=True)
    assert "已交回委派人" in response.content.decode()
    page = login("lifzr").get(reverse("task", args=[task.pk])).content.decode()
    assert "被委派人意见" in page and "交接已安排" in page and 'name="decision"' in page
    assert "委派办理完毕，交回委派人" in page  # the history row's label


def test_the_inbox_marks_tasks_passed_on_by_hand(task, login, official):
    login("lifzr").post(reverse("task_delegate", args=[task.pk]), {"to": official("wangzr").pk, "note": "请提意见"})
    inbox = login("wangzr").get(reverse("inbox") + "?tab=mine").content.decode()
    assert "审批请假" in inbox and '<span class="held-by">委派</span>' in inbox
    assert "审批请假" not in login("lifzr").get(reverse("inbox") + "?tab=mine").content.decode()  # away until returned
    login("wangzr").post(reverse("task_resolve", args=[task.pk]), {"opinion": "同意"})
    inbox = login("lifzr").get(reverse("inbox") + "?tab=mine").content.decode()
    assert "审批请假" in inbox and '<span class="held-by">委派交回</span>' in inbox
