"""The task page: who may see it, the form for each task kind, completing, claiming, errors as messages."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from workflows.leave.models import LeaveRequest
from workflows.runtime.models import HumanTask


def test_deputy_director_approves_on_the_task_page(login, file_leave, open_task):
    leave = file_leave()
    task = open_task(leave)
    client = login("lifzr")
    page = client.get(reverse("task", args=[task.pk])).content.decode()
    assert "审批请假" in page and "家中有事" in page and "李四" in page
    assert 'name="decision"' in page and "同意" in page
    assert 'data-current="approve_leave"' in page

    response = client.post(reverse("task", args=[task.pk]), {"decision": "approve", "comment": "准假，注意交接"},
                           follow=True)
    assert response.redirect_chain[-1][0] == reverse("inbox")
    assert "已办理" in response.content.decode()
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.APPROVED
    task.refresh_from_db()
    assert task.state == HumanTask.COMPLETED and task.completed_by.user.username == "lifzr"
    page = login("lisi").get(reverse("leave_detail", args=[leave.pk])).content.decode()
    assert "已批准" in page and "审批请假：准假，注意交接" in page  # the approver's comment is in the history


def test_rejecting_needs_a_reason(login, file_leave, open_task):
    task = open_task(file_leave())
    response = login("lifzr").post(reverse("task", args=[task.pk]), {"decision": "reject", "comment": ""})
    assert response.status_code == 200
    assert "请填写不同意的理由" in response.content.decode()
    task.refresh_from_db()
    assert task.state == HumanTask.OPEN


def test_someone_elses_task_page_is_refused(login, file_leave, open_task):
    task = open_task(file_leave())
    client = login("zhangsan")
    assert client.get(reverse("task", args=[task.pk])).status_code == 403
    assert client.post(reverse("task", args=[task.pk]), {"decision": "approve"}).status_code == 403
    task.refresh_from_db()
    assert task.state == HumanTask.OPEN
    assert client.get(reverse("task", args=[987654])).status_code == 404


def test_the_applicant_sees_the_task_but_gets_no_form(login, file_leave, open_task):
    task = open_task(file_leave())
    response = login("lisi").get(reverse("task", args=[task.pk]))
    assert response.status_code == 200 and response.context["form"] is None


def test_completing_a_closed_task_shows_the_conflict_as_a_message(login, file_leave, open_task):
    task = open_task(file_leave())
    client = login("lifzr")
    client.post(reverse("task", args=[task.pk]), {"decision": "approve", "comment": ""})
    # A second browser tab still shows the form and posts again.
    response = client.post(reverse("task", args=[task.pk]), {"decision": "approve", "comment": ""}, follow=True)
    assert response.status_code == 200
    assert f"此任务已由{task.candidates.get().name}于2026-11-25 09:00办理" in response.content.decode()


def test_substitute_confirmation_form(login, file_leave, open_task, official):
    leave = file_leave(first=date(2026, 12, 1), last=date(2026, 12, 3), substitute="zhangsan")
    task = open_task(leave)
    assert task.form == "confirm_substitute"
    client = login("zhangsan")
    response = client.get(reverse("task", args=[task.pk]))
    form = response.context["form"]
    assert form.initial["substitute_id"] == official("zhangsan").pk
    # 莘县 rules: the applicant's own window (张三, 陈首席), not the rest of the department, not the approvers
    assert set(form.fields["substitute_id"].queryset) == {official("zhangsan"), official("chensx")}

    chensx = official("chensx")
    response = client.post(reverse("task", args=[task.pk]),
                           {"confirmed": "true", "substitute_id": chensx.pk, "comment": "改由陈首席顶岗"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.state == HumanTask.COMPLETED
    following = open_task(leave)
    assert following.form == "approval"
    page = login("sunfj").get(reverse("task", args=[following.pk])).content.decode()
    assert 'data-current="approve_leave"' in page and "confirm_substitute" in page  # done marker


def test_substitute_confirmation_needs_an_answer(login, file_leave, open_task, official):
    task = open_task(file_leave(first=date(2026, 12, 1), last=date(2026, 12, 3), substitute="zhangsan"))
    response = login("zhangsan").post(reverse("task", args=[task.pk]),
                                      {"substitute_id": official("zhangsan").pk, "comment": ""})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"confirmed"}


def test_claiming_from_the_inbox(login, file_leave, open_task, official):
    task = open_task(file_leave())
    task.assignee = None
    task.save(update_fields=["assignee"])  # as when a role has several officials
    client = login("lifzr")
    assert task.case_number in client.get(reverse("inbox"), {"tab": "claimable"}).content.decode()
    opened = client.get(reverse("inbox"))  # nothing assigned yet: the inbox opens on the claimable tab
    assert opened.context["tab"] == "claimable" and task.case_number in opened.content.decode()
    assert client.get(reverse("inbox"), {"tab": "mine"}).context["tab"] == "mine"
    response = client.post(reverse("task_claim", args=[task.pk]))
    assert response["Location"] == reverse("task", args=[task.pk])
    task.refresh_from_db()
    assert task.assignee == official("lifzr")

    refused = login("zhangsan").post(reverse("task_claim", args=[task.pk]), follow=True)
    assert refused.redirect_chain[-1][0] == reverse("inbox")
    assert f"您无权办理任务“{task.title}”（工作人员编号 {official('zhangsan').pk}）" in refused.content.decode()
    assert login("lifzr").post(reverse("task_claim", args=[task.pk])).status_code == 302  # claiming again is fine
