"""Through the API: 退回 from inside a 会签 step, and 加签 while that send-back is pending (403 with the reason)."""

from __future__ import annotations

from pathlib import Path

import pytest

from workflows.runtime.models import AuditEvent, HumanTask, ProcessInstance
from workflows.runtime.services.definitions import deploy_from_files
from workflows.runtime.services.instances import start_process
from workflows.runtime.services.transitions import complete_task

FIXTURE = Path(__file__).parents[1] / "workflows" / "fixtures" / "countersign_send_back.bpmn"


@pytest.fixture
def signing(leave_definition, official) -> dict[str, HumanTask]:
    """李四's request after her draft: the 2/3 会签 of 张三, 李红梅 and 王建国, by login."""
    deploy_from_files("countersign_send_back", [FIXTURE])
    instance = start_process("countersign_send_back",
                             data={"signers": ["window_head", "centre_deputy_director", "centre_director"]},
                             business_key="HQ-SB-2", applicant=official("lisi"), started_by=official("lisi"))
    draft = HumanTask.objects.get(instance=instance, spec_name="draft")
    complete_task(draft.pk, official("lisi"), {"comment": "第一稿"})
    rows = HumanTask.objects.filter(instance=instance, state=HumanTask.OPEN).select_related("assignee__user")
    return {row.assignee.user.username: row for row in rows}


def post(client, task: HumanTask, operation: str, body: dict):
    return client.post(f"/api/tasks/{task.pk}/{operation}/", body, content_type="application/json")


def test_send_back_inside_a_countersign_then_adding_a_signer_is_refused_until_resubmission(signing, login, official):
    sent = post(login("lifzr"), signing["lifzr"], "send-back", {"target": "draft", "reason": "请补充会议纪要"})
    assert sent.status_code == 200
    instance = ProcessInstance.objects.get(pk=signing["lifzr"].instance_id)
    assert list(instance.tasks.filter(state=HumanTask.OPEN).values_list("spec_name", flat=True)) == ["draft"]

    refused = post(login("wangzr"), signing["wangzr"], "add-signer",
                   {"to": official("wangwu").pk, "position": "after", "reason": "请王五也会签"})
    assert (refused.status_code, refused.json()["detail"]) == (
        403, "本环节已退回至“填写申请”，待其重新提交后方可办理。")
    assert not AuditEvent.objects.filter(action="task_signer_added").exists()
    assert not instance.tasks.filter(assignee=official("wangwu")).exists()
