"""Two officials, one task: whoever comes second hears who handled it and when, and keeps what they typed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from engine.errors import NotAllowed
from workflows.runtime.models import HumanTask
from workflows.runtime.services.transitions import TaskTaken, claim_task, complete_task, may_claim, may_complete


@pytest.fixture
def shared_task(file_leave, open_task, official) -> HumanTask:
    """The leave approval offered to two deputy directors (as when a role has several officials), unclaimed."""
    task = open_task(file_leave())
    task.assignee = None
    task.save(update_fields=["assignee"])
    task.candidates.add(official("wangzr"))
    return task


def test_the_second_completion_names_who_handled_it_and_when(shared_task, official, now):
    complete_task(shared_task.pk, official("lifzr"), {"decision": "approve", "comment": ""})
    with pytest.raises(TaskTaken) as taken:
        complete_task(shared_task.pk, official("wangzr"), {"decision": "reject", "comment": "人手不足"})
    assert str(taken.value) == f"此任务已由{official('lifzr').name}于2026-11-25 09:00办理。"
    shared_task.refresh_from_db()
    assert shared_task.completed_by == official("lifzr") and shared_task.outcome == "approve"


def test_a_task_claimed_by_a_colleague_names_them(shared_task, official, now):
    claim_task(shared_task.pk, official("lifzr"))
    shared_task.refresh_from_db()
    assert not may_complete(shared_task, official("wangzr")) and not may_claim(shared_task, official("wangzr"))
    with pytest.raises(TaskTaken) as taken:
        complete_task(shared_task.pk, official("wangzr"), {"decision": "approve", "comment": ""})
    assert f"已由{official('lifzr').name}于2026-11-25 09:00认领" in str(taken.value)
    with pytest.raises(TaskTaken):
        claim_task(shared_task.pk, official("wangzr"))


def test_the_page_keeps_what_the_official_typed(shared_task, login, official):
    page = login("wangzr")
    assert page.get(reverse("task", args=[shared_task.pk])).context["form"] is not None  # both see the form
    login("lifzr").post(reverse("task", args=[shared_task.pk]), {"decision": "approve", "comment": ""})

    typed = "窗口人手紧张，建议改期至下周"
    response = page.post(reverse("task", args=[shared_task.pk]), {"decision": "reject", "comment": typed})
    assert response.status_code == 200
    html = response.content.decode()
    assert f"此任务已由{official('lifzr').name}于2026-11-25 09:00办理" in html
    assert "您填写的内容（未提交）" in html and typed in html
    assert response.context["kept"].entered() == [("审批结果", "不同意"), ("意见", typed)]
    assert response.context["form"] is None  # nothing left to submit


def test_the_api_answers_409_naming_who_and_when(shared_task, login, official):
    login("lifzr").post(f"/api/tasks/{shared_task.pk}/complete/", {"data": {"decision": "approve"}},
                        content_type="application/json")
    response = login("wangzr").post(f"/api/tasks/{shared_task.pk}/complete/", {"data": {"decision": "approve"}},
                                    content_type="application/json")
    assert response.status_code == 409
    assert response.json()["detail"] == f"此任务已由{official('lifzr').name}于2026-11-25 09:00办理。"


def test_an_official_the_task_was_never_for_learns_nothing_about_it(shared_task, official):
    complete_task(shared_task.pk, official("lifzr"), {"decision": "approve", "comment": ""})
    with pytest.raises(NotAllowed) as refused:
        complete_task(shared_task.pk, official("zhangsan"), {"decision": "approve"})
    assert official("lifzr").name not in str(refused.value)
