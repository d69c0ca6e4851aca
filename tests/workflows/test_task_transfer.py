"""退回认领, 转办 and 委派 as services: who holds a task and why, the one may-act rule, refusals with reasons."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from engine.clock import CENTRE_TZ
from workflows.leave.services import LeaveApplication, submit_leave
from workflows.org.models import Absence
from workflows.runtime.errors import InvalidInput
from workflows.runtime.models import AuditEvent, HumanTask, Notification, ProcessInstance
from workflows.runtime.services.definitions import deploy_from_files
from workflows.runtime.services.instances import start_process
from workflows.runtime.services.sweep import fire_due_timers
from workflows.runtime.services.transitions import (
    OperationRefused,
    TaskTaken,
    allowed_operations,
    claim_task,
    complete_task,
    delegate_task,
    resolve_task,
    transfer_task,
    unclaim_task,
)
from workflows.runtime.task_sync import reassign_open_tasks, reassign_open_tasks_of_roles

FIXTURES = Path(__file__).parent / "fixtures"
APPROVE = {"decision": "approve", "comment": "同意"}



def notices(official, task):
    """What this transition told the official about the task (a new task's own notice left out)."""
    return Notification.objects.filter(recipient=official, task=task).exclude(kind=Notification.TASK)

@pytest.fixture
def review(centre, clock, deploy_leave) -> HumanTask:
    """李四's case reviewed by her window head 张三 (the one holder: assigned by rule)."""
    deploy_leave("shenxian")
    deploy_from_files("window_review", [FIXTURES / "window_review.bpmn"])
    instance = start_process("window_review", data={}, business_key="R-1", applicant=centre["lisi"])
    return HumanTask.objects.get(instance=instance)


@pytest.fixture
def pooled(review, centre) -> HumanTask:
    """The same review offered to two window heads, unclaimed (as a role with several officials)."""
    review.assignee = None
    review.save(update_fields=["assignee"])
    review.candidates.add(centre["wangwu"])
    return review


def fresh(task: HumanTask) -> HumanTask:
    return HumanTask.objects.get(pk=task.pk)


def actions(task: HumanTask) -> list[str]:
    return list(AuditEvent.objects.filter(task=task).order_by("id").values_list("action", flat=True))


def test_a_rule_assigned_task_is_the_holders_to_handle_and_pass_on(review, centre):
    ops = allowed_operations(review, centre["zhangsan"])
    assert ops["complete"] and ops["transfer"] and ops["delegate"]
    assert not ops["claim"] and not ops["resolve"]
    assert ops["unclaim"].reason == "只有从岗位待认领任务中认领的任务才能退回认领。"
    stranger = allowed_operations(review, centre["wangwu"])
    assert not any(stranger.values())
    assert stranger["transfer"].reason == "您不是此任务的办理人或候选人。"


def test_transfer_makes_the_new_official_the_holder_for_good(review, centre):
    transfer_task(review.pk, centre["zhangsan"], centre["wangwu"].pk, "本人外出培训")
    task = fresh(review)
    assert (task.assignee, task.held_by) == (centre["wangwu"], HumanTask.BY_TRANSFER)
    event = AuditEvent.objects.get(task=task, action="task_transferred")
    assert event.actor == centre["zhangsan"] and event.before == {"assignee": "张三"}
    assert event.after == {"assignee": "王五", "reason": "本人外出培训"}
    note = notices(centre["wangwu"], task).get()
    assert "张三将“窗口负责人审核”" in note.message and "本人外出培训" in note.message

    assert not allowed_operations(task, centre["zhangsan"])["complete"]
    with pytest.raises(TaskTaken) as taken:  # still a candidate by the rule, but the task is 王五's now
        complete_task(task.pk, centre["zhangsan"], APPROVE)
    assert str(taken.value) == "此任务已于2026-11-30 09:00转办给王五。"
    complete_task(task.pk, centre["wangwu"], APPROVE)
    assert fresh(task).completed_by == centre["wangwu"]
    assert ProcessInstance.objects.get(pk=task.instance_id).status == ProcessInstance.COMPLETED


@pytest.mark.parametrize(
    ("to", "reason"),
    [
        ("zhangsan", "不能转办或委派给自己。"),
        ("lisi", "李四是本案当事人或发起人，须回避，不能办理此任务。"),
    ],
)
def test_never_to_oneself_nor_to_the_person_the_case_is_about(review, centre, to, reason):
    for passing_on in (lambda: transfer_task(review.pk, centre["zhangsan"], centre[to].pk, "理由"),
                       lambda: delegate_task(review.pk, centre["zhangsan"], centre[to].pk, "请核实")):
        with pytest.raises(OperationRefused) as refused:
            passing_on()
        assert str(refused.value) == reason
    assert (fresh(review).assignee, actions(review)) == (centre["zhangsan"], ["task_created"])


def test_only_the_handler_passes_a_task_on(review, centre):
    with pytest.raises(OperationRefused) as refused:
        transfer_task(review.pk, centre["wangwu"], centre["wujiu"].pk, "我来转")
    assert str(refused.value) == "您不是此任务的办理人或候选人。"


def test_bad_input_is_refused_naming_the_field(review, centre):
    with pytest.raises(InvalidInput) as empty:
        transfer_task(review.pk, centre["zhangsan"], centre["wangwu"].pk, "   ")
    assert (str(empty.value), empty.value.field) == ("请填写理由或意见。", "reason")
    with pytest.raises(InvalidInput) as nobody:
        transfer_task(review.pk, centre["zhangsan"], 999999, "外出")
    assert (str(nobody.value), nobody.value.field) == ("请选择一名在岗的工作人员。", "to")
    centre["wangwu"].active = False
    centre["wangwu"].save(update_fields=["active"])
    with pytest.raises(InvalidInput):
        transfer_task(review.pk, centre["zhangsan"], centre["wangwu"].pk, "外出")
    with pytest.raises(InvalidInput) as long:
        delegate_task(review.pk, centre["zhangsan"], centre["wujiu"].pk, "长" * 501)
    assert str(long.value) == "最多500个字。"
    assert fresh(review).assignee == centre["zhangsan"]


def test_to_an_official_on_leave_today_is_refused_naming_the_b_post_way(review, centre, clock):
    Absence.objects.create(official=centre["wangwu"], first_day=date(2026, 11, 30), last_day=date(2026, 12, 2),
                           reason="事假")
    with pytest.raises(OperationRefused) as refused:
        transfer_task(review.pk, centre["zhangsan"], centre["wangwu"].pk, "外出")
    assert str(refused.value) == "王五请假至2026-12-02，不能接收此任务，请改选其他人员（如其B岗）。"
    transfer_task(review.pk, centre["zhangsan"], centre["wujiu"].pk, "外出")
    assert fresh(review).assignee == centre["wujiu"]

    clock.set(datetime(2026, 12, 3, 9, 0, tzinfo=CENTRE_TZ))  # back from leave: may receive tasks again
    transfer_task(review.pk, centre["wujiu"], centre["wangwu"].pk, "退给王五")
    assert fresh(review).assignee == centre["wangwu"]


def test_a_leave_that_begins_later_does_not_undo_a_transfer(review, centre, clock):
    """Without the transfer, 张三's leave would hand the review to his substitute 陈首席 (test_leave_flow)."""
    transfer_task(review.pk, centre["zhangsan"], centre["wangwu"].pk, "本人将请假")
    leave = submit_leave(centre["zhangsan"], LeaveApplication("事假", date(2026, 12, 2), "am", date(2026, 12, 3),
                                                              "pm", "家中有事", centre["chensx"]))
    while (step := HumanTask.objects.filter(instance=leave.instance, state=HumanTask.OPEN,
                                            form__in=["approval", "confirm_substitute"]).first()):
        data = (APPROVE if step.form == "approval"
                else {"confirmed": True, "substitute_id": centre["chensx"].pk, "comment": ""})
        complete_task(step.pk, step.candidates.first(), data)
    clock.set(datetime(2026, 12, 2, 8, 0, tzinfo=CENTRE_TZ))
    fire_due_timers()
    assert reassign_open_tasks([centre["zhangsan"].pk], "请假生效") == 0
    assert reassign_open_tasks_of_roles(["window_head"], "岗位调整") == 0
    task = fresh(review)
    assert (task.assignee, task.held_by) == (centre["wangwu"], HumanTask.BY_TRANSFER)
    assert "task_reassigned" not in actions(task)


def test_a_claimed_task_is_still_re_resolved_by_a_leave(pooled, centre, clock):
    """A claim is no manual move: the claimer's leave hands it on as before (only transfer/delegation stay)."""
    claim_task(pooled.pk, centre["zhangsan"])
    assert fresh(pooled).held_by == HumanTask.BY_CLAIM
    Absence.objects.create(official=centre["zhangsan"], first_day=date(2026, 11, 30), last_day=date(2026, 12, 1),
                           reason="事假")
    assert reassign_open_tasks([centre["zhangsan"].pk], "请假生效") == 1
    assert fresh(pooled).assignee_id != centre["zhangsan"].pk


def test_delegate_answers_and_the_task_returns_to_the_delegator_who_finishes_it(review, centre):
    delegate_task(review.pk, centre["zhangsan"], centre["wangwu"].pk, "请核实申请人材料后提出意见")
    task = fresh(review)
    assert (task.assignee, task.delegator, task.held_by) == (centre["wangwu"], centre["zhangsan"],
                                                             HumanTask.BY_DELEGATION)
    assert notices(centre["wangwu"], task).exists()

    delegate_ops = allowed_operations(task, centre["wangwu"])
    delegator_ops = allowed_operations(task, centre["zhangsan"])
    assert delegate_ops["resolve"] and not delegate_ops["complete"] and not delegate_ops["transfer"]
    assert not any(verdict for op, verdict in delegator_ops.items() if op != "comment")
    assert delegator_ops["comment"]  # the delegator still acts on it: 备注 and files are theirs to add
    assert delegator_ops["complete"].reason == "此任务已委派给王五，待其办理交回后方可办理。"
    for actor in ("wangwu", "zhangsan"):  # the process does not move while the task is away
        with pytest.raises(OperationRefused):
            complete_task(task.pk, centre[actor], APPROVE)
    with pytest.raises(OperationRefused) as refused:
        resolve_task(task.pk, centre["zhangsan"], "我自己答")
    assert str(refused.value) == "此任务不是委派给您的。"
    assert fresh(task).state == HumanTask.OPEN

    resolve_task(task.pk, centre["wangwu"], "材料齐全，建议同意")
    task = fresh(task)
    assert (task.assignee, task.delegator, task.held_by) == (centre["zhangsan"], None, HumanTask.BY_RETURN)
    assert task.delegate_opinion == "材料齐全，建议同意" and task.state == HumanTask.OPEN
    assert "材料齐全，建议同意" in notices(centre["zhangsan"], task).get().message
    assert not allowed_operations(task, centre["wangwu"])["complete"]

    complete_task(task.pk, centre["zhangsan"], APPROVE)
    assert fresh(task).completed_by == centre["zhangsan"]
    assert actions(task) == ["task_created", "task_delegated", "task_delegation_returned", "task_completed"]


def test_a_delegated_task_is_not_moved_by_a_re_resolution(review, centre):
    delegate_task(review.pk, centre["zhangsan"], centre["wangwu"].pk, "请提出意见")
    Absence.objects.create(official=centre["zhangsan"], first_day=date(2026, 11, 30), last_day=date(2026, 12, 1),
                           reason="事假")
    assert reassign_open_tasks([centre["zhangsan"].pk], "请假生效") == 0
    resolve_task(review.pk, centre["wangwu"], "同意")
    assert reassign_open_tasks([centre["zhangsan"].pk], "请假生效") == 0
    assert fresh(review).assignee == centre["zhangsan"]


def test_unclaim_puts_a_claimed_task_back_into_the_pool(pooled, centre):
    with pytest.raises(OperationRefused) as refused:
        unclaim_task(pooled.pk, centre["zhangsan"])
    assert str(refused.value) == "此任务不在您名下。"
    claim_task(pooled.pk, centre["zhangsan"])
    assert not allowed_operations(fresh(pooled), centre["wangwu"])["unclaim"]
    unclaim_task(pooled.pk, centre["zhangsan"])
    task = fresh(pooled)
    assert (task.assignee, task.held_by) == (None, HumanTask.BY_RULE)
    assert allowed_operations(task, centre["wangwu"])["claim"]
    assert notices(centre["wangwu"], task).exists()
    assert not notices(centre["zhangsan"], task).exists()
    assert actions(task)[-2:] == ["task_claimed", "task_unclaimed"]
    claim_task(task.pk, centre["wangwu"])
    assert fresh(task).assignee == centre["wangwu"]


def test_a_candidate_of_an_unclaimed_task_may_transfer_it(pooled, centre):
    transfer_task(pooled.pk, centre["wangwu"], centre["wujiu"].pk, "本窗口人手不足")
    task = fresh(pooled)
    assert task.assignee == centre["wujiu"]
    assert not allowed_operations(task, centre["zhangsan"])["claim"]
    assert allowed_operations(task, centre["zhangsan"])["claim"].reason == "此任务由吴九办理。"


def test_closed_tasks_allow_nothing(review, centre):
    complete_task(review.pk, centre["zhangsan"], APPROVE)
    ops = allowed_operations(fresh(review), centre["zhangsan"])
    assert not any(verdict for op, verdict in ops.items() if op != "comment")
    assert ops["transfer"].reason == "此任务已结束。"
    assert ops["comment"]  # whoever completed it may still add a comment or a file
