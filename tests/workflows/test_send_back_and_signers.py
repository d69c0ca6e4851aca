"""Where OA systems break, tested together: 退回 from inside a 会签 step (no signer left behind, a fresh step on
resubmission whose earlier votes no longer count) and 加签 while a send-back is pending (refused with the reason,
no orphan task; allowed again on the new attempt, where the added signer counts).

The fixture (tests/workflows/fixtures/countersign_send_back.bpmn): 李四 fills in her request, then a 2/3 会签 of
张三 (window head), 李红梅 (deputy director) and 王建国 (director), which may send the case back to her.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from workflows.runtime.models import AuditEvent, HumanTask, ProcessInstance, SendBack
from workflows.runtime.services.definitions import deploy_from_files
from workflows.runtime.services.instances import start_process
from workflows.runtime.services.transitions import (
    OperationRefused,
    add_signer_task,
    allowed_operations,
    complete_task,
    send_back_task,
)

FIXTURE = Path(__file__).parent / "fixtures" / "countersign_send_back.bpmn"
APPROVE = {"decision": "approve", "comment": "同意"}
SIGNERS = ["window_head", "centre_deputy_director", "centre_director"]


@pytest.fixture
def case(centre, clock, deploy_leave) -> ProcessInstance:
    deploy_leave("shenxian")
    deploy_from_files("countersign_send_back", [FIXTURE])
    instance = start_process("countersign_send_back", data={"signers": SIGNERS}, business_key="HQ-SB-1",
                             applicant=centre["lisi"], started_by=centre["lisi"])
    complete_task(draft(instance).pk, centre["lisi"], {"comment": "第一稿"})
    return instance


def draft(instance: ProcessInstance) -> HumanTask:
    return HumanTask.objects.get(instance=instance, spec_name="draft", state=HumanTask.OPEN)


def signing(instance: ProcessInstance) -> dict[str, HumanTask]:
    """The open signer tasks by their holder's login."""
    rows = HumanTask.objects.filter(instance=instance, state=HumanTask.OPEN).exclude(spec_name="draft")
    return {row.assignee.user.username: row for row in rows.select_related("assignee__user")}


def test_send_back_inside_a_countersign_leaves_no_signer_behind_and_resubmission_starts_the_step_afresh(
        case, centre, clock):
    first = signing(case)
    assert set(first) == {"zhangsan", "lifzr", "wangzr"}
    complete_task(first["zhangsan"].pk, centre["zhangsan"], APPROVE)  # one vote of the first attempt
    assert allowed_operations(first["lifzr"], centre["lifzr"])["send_back"]

    returned = send_back_task(first["lifzr"].pk, centre["lifzr"], "draft", "请补充会议纪要")

    assert signing(case) == {}  # 王建国's open task went with the step: nothing dangles in anyone's inbox
    wangzr = HumanTask.objects.get(pk=first["wangzr"].pk)
    assert wangzr.state == HumanTask.CANCELLED
    assert (returned.spec_name, returned.assignee, returned.held_by) == ("draft", centre["lisi"],
                                                                        HumanTask.BY_SEND_BACK)
    assert SendBack.objects.get(returned_to=returned).reason == "请补充会议纪要"

    clock.advance(days=1)
    complete_task(returned.pk, centre["lisi"], {"comment": "已补充会议纪要"})
    again = signing(case)
    assert set(again) == {"zhangsan", "lifzr", "wangzr"}  # 张三's vote of the first attempt does not count
    assert all(row.pk not in {t.pk for t in first.values()} for row in again.values())
    assert all(row.created_at > wangzr.created_at for row in again.values())  # due dates of the new attempt
    complete_task(again["zhangsan"].pk, centre["zhangsan"], APPROVE)
    case.refresh_from_db()
    assert case.status == ProcessInstance.RUNNING  # one vote of three is not 2/3
    complete_task(again["wangzr"].pk, centre["wangzr"], APPROVE)
    case.refresh_from_db()
    assert (case.status, case.end_event) == (ProcessInstance.COMPLETED, "end_passed")
    assert HumanTask.objects.get(pk=again["lifzr"].pk).state == HumanTask.CANCELLED


def test_adding_a_signer_while_a_send_back_is_pending_is_refused_and_leaves_no_orphan_task(case, centre):
    first = signing(case)
    send_back_task(first["lifzr"].pk, centre["lifzr"], "draft", "请补充会议纪要")
    open_before = HumanTask.objects.filter(instance=case, state=HumanTask.OPEN).count()

    with pytest.raises(OperationRefused) as refused:  # 王建国's task went with the send-back
        add_signer_task(first["wangzr"].pk, centre["wangzr"], centre["wangwu"].pk, "after", "请王五也会签")
    assert str(refused.value) == "本环节已退回至“填写申请”，待其重新提交后方可办理。"
    with pytest.raises(OperationRefused):  # and the returned-to step is not a signing step
        add_signer_task(draft(case).pk, centre["lisi"], centre["wangwu"].pk, "after", "请王五也会签")

    assert HumanTask.objects.filter(instance=case, state=HumanTask.OPEN).count() == open_before
    assert not HumanTask.objects.filter(instance=case, assignee=centre["wangwu"]).exists()
    assert not AuditEvent.objects.filter(action="task_signer_added").exists()

    complete_task(draft(case).pk, centre["lisi"], {"comment": "已补充"})  # the new attempt takes signers again
    again = signing(case)
    added = add_signer_task(again["wangzr"].pk, centre["wangzr"], centre["wangwu"].pk, "after", "请王五也会签")
    assert (added.assignee, added.held_by, added.parent_id) == (centre["wangwu"], HumanTask.BY_ADDED,
                                                               again["wangzr"].pk)
    for login in ("zhangsan", "lifzr"):  # 2 of 4 is not yet 2/3
        complete_task(again[login].pk, centre[login], APPROVE)
    case.refresh_from_db()
    assert case.status == ProcessInstance.RUNNING
    complete_task(added.pk, centre["wangwu"], APPROVE)
    case.refresh_from_db()
    assert (case.status, case.end_event) == (ProcessInstance.COMPLETED, "end_passed")
