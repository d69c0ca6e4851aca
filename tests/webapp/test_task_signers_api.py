"""加签 / 减签 through the API (200 when allowed, 403 with the rule's reason in Chinese, 400 naming the field) and on
the task page (forms shown only when allowed, a refusal is a message)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from workflows.leave.models import LeaveRequest
from workflows.runtime.models import AuditEvent, HumanTask
from workflows.runtime.services.definitions import deploy_from_files
from workflows.runtime.services.instances import start_process

COUNTERSIGN = Path(__file__).parents[1] / "workflows" / "fixtures" / "countersign.bpmn"
APPROVE = {"data": {"decision": "approve", "comment": "同意"}}


@pytest.fixture
def task(file_leave, open_task) -> HumanTask:
    """李四's one-day leave: a 依次 chain of one, the deputy director 李红梅 (lifzr)."""
    return open_task(file_leave())


@pytest.fixture
def countersign(leave_definition, official) -> list[HumanTask]:
    """A 2/3 会签 of 张三, 李红梅 and 王建国 on 李四's case."""
    deploy_from_files("countersign", [COUNTERSIGN])
    instance = start_process("countersign", data={"signers": ["window_head", "centre_deputy_director",
                                                              "centre_director"]},
                             business_key="HQ-1", applicant=official("lisi"))
    return list(HumanTask.objects.filter(instance=instance, state=HumanTask.OPEN).order_by("id"))


def post(client, task: HumanTask, operation: str, body: dict | None = None):
    return client.post(f"/api/tasks/{task.pk}/{operation}/", body or {}, content_type="application/json")


def test_add_after_on_a_sequential_chain_through_the_api(task, login, official, open_task):
    response = post(login("lifzr"), task, "add-signer",
                    {"to": official("wangzr").pk, "position": "after", "reason": "请主任再签"})
    assert response.status_code == 200
    body = response.json()
    assert (body["task"]["id"], body["task"]["approval_mode"], body["signer_task"]) == (task.pk, "sequential", None)
    assert post(login("lifzr"), task, "complete", APPROVE).status_code == 200
    added = open_task(LeaveRequest.objects.get(instance=task.instance))
    assert (added.assignee, added.held_by, added.parent_id) == (official("wangzr"), "added", task.pk)
    done = post(login("wangzr"), added, "complete", APPROVE)
    assert done.status_code == 200
    assert LeaveRequest.objects.get(instance=task.instance).status == LeaveRequest.APPROVED


def test_add_before_answers_with_the_added_signers_task(task, login, official):
    response = post(login("lifzr"), task, "add-signer",
                    {"to": official("wangzr").pk, "position": "before", "reason": "请主任先签"})
    assert response.status_code == 200
    body = response.json()
    assert body["task"]["state"] == "cancelled"
    assert (body["signer_task"]["assignee"]["name"], body["signer_task"]["held_by"],
            body["signer_task"]["parent"]) == ("王建国", "added", task.pk)


@pytest.mark.parametrize(
    ("who", "to", "detail"),
    [
        ("zhangsan", "wangzr", "您不是此任务的办理人或候选人。"),
        ("lifzr", "lisi", "李四是本案当事人或发起人，须回避，不能办理此任务。"),
        ("lifzr", "lifzr", "不能转办或委派给自己。"),
    ],
)
def test_forbidden_additions_answer_403_with_the_reason(task, login, official, who, to, detail):
    response = post(login(who), task, "add-signer", {"to": official(to).pk, "reason": "理由"})
    assert (response.status_code, response.json()["detail"]) == (403, detail)
    assert not AuditEvent.objects.filter(action="task_signer_added").exists()


def test_removal_on_a_sequential_chain_answers_403_with_the_reason(task, login):
    response = post(login("lifzr"), task, "remove-signer", {"signer_task": task.pk, "reason": "理由"})
    assert (response.status_code, response.json()["detail"]) == (
        403, "依次审批的环节只有当前审批人有待办，没有可减签的审批人。")


def test_bad_bodies_answer_400_naming_the_field(task, login, official):
    client = login("lifzr")
    assert post(client, task, "add-signer", {"to": official("wangzr").pk, "position": "middle",
                                             "reason": "理由"}).status_code == 400
    assert post(client, task, "add-signer", {"to": official("wangzr").pk}).status_code == 400
    assert post(client, task, "add-signer", {"to": 999999, "reason": "理由"}).json() == {
        "detail": "请选择一名在岗的工作人员。", "field": "to"}
    task.refresh_from_db()
    assert task.state == HumanTask.OPEN


def test_remove_on_a_countersign_through_the_api(countersign, login):
    zhang, li, wang = countersign
    response = post(login("zhangsan"), zhang, "remove-signer", {"signer_task": wang.pk, "reason": "主任出差"})
    assert response.status_code == 200
    assert (response.json()["id"], response.json()["state"]) == (wang.pk, "cancelled")
    again = post(login("zhangsan"), zhang, "remove-signer", {"signer_task": wang.pk, "reason": "主任出差"})
    assert (again.status_code, again.json()["detail"]) == (403, "该审批人已办理或已不在本环节。")
    unknown = post(login("zhangsan"), zhang, "remove-signer", {"signer_task": 999999, "reason": "理由"})
    assert unknown.json() == {"detail": "请选择本环节的一位审批人。", "field": "signer_task"}
    stranger = post(login("wangwu"), zhang, "remove-signer", {"signer_task": li.pk, "reason": "理由"})
    assert (stranger.status_code, stranger.json()["detail"]) == (403, "您不是此任务的办理人或候选人。")


def test_the_task_page_offers_adding_on_a_chain_and_removing_only_in_a_countersign(task, countersign, login,
                                                                                   official):
    page = login("lifzr").get(reverse("task", args=[task.pk])).content.decode()
    assert f'action="/tasks/{task.pk}/add-signer/"' in page and 'name="position" value="before"' in page
    assert "/remove-signer/" not in page  # 依次: nobody else's task to remove
    assert "/add-signer/" not in login("wangzr").get(reverse("task", args=[task.pk])).content.decode()
    zhang, li, wang = countersign
    page = login("zhangsan").get(reverse("task", args=[zhang.pk])).content.decode()
    assert f'action="/tasks/{zhang.pk}/remove-signer/"' in page
    assert 'name="position" value="before"' not in page  # 会签: one more in parallel, no order to choose
    options = page.split('id="remove-signer"')[1].split("</select>")[0]
    assert f'value="{li.pk}">李红梅<' in options and f'value="{wang.pk}">王建国<' in options
    assert f'value="{zhang.pk}"' not in options


def test_adding_on_the_page_and_a_refusal_is_a_message(task, login, official):
    client = login("lifzr")
    refused = client.post(reverse("task_add_signer", args=[task.pk]),
                          {"to": official("lisi").pk, "position": "after", "reason": "理由"}, follow=True)
    assert "李四是本案当事人" in refused.content.decode()
    done = client.post(reverse("task_add_signer", args=[task.pk]),
                       {"to": official("wangzr").pk, "position": "after", "reason": "请主任再签"}, follow=True)
    assert done.redirect_chain[-1][0] == reverse("task", args=[task.pk])
    page = done.content.decode()
    assert "已为“审批请假”加签" in page and "请主任再签" in page  # the history row
