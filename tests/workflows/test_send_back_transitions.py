"""退回 and 撤回 as services: the reopened row, who holds it and why, the reason the returned-to official sees, the
reminder of the new attempt, refusals with their reasons, and the initiator's withdrawal of an undecided case."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from SpiffWorkflow.util.task import TaskState

from workflows.leave.models import LeaveRequest
from workflows.leave.services import LeaveApplication, submit_leave
from workflows.runtime.engine_env import runner_for
from workflows.runtime.errors import InvalidInput
from workflows.runtime.models import AuditEvent, HumanTask, Notification, ProcessInstance, SendBack
from workflows.runtime.services.definitions import deploy_from_files
from workflows.runtime.services.instances import start_process
from workflows.runtime.services.sweep import fire_due_timers
from workflows.runtime.services.transitions import (
    OperationRefused,
    allowed_instance_operations,
    allowed_operations,
    complete_task,
    send_back_targets,
    send_back_task,
    take_back_task,
    take_back_verdict,
    withdraw_instance,
)

FIXTURES = Path(__file__).parent / "fixtures"
APPROVE = {"decision": "approve", "comment": "同意"}


@pytest.fixture
def case(centre, clock, deploy_leave) -> ProcessInstance:
    """李四 (applicant and initiator) fills in her request; 张三 (window head) reviews; the centre office approves."""
    deploy_leave("shenxian")
    deploy_from_files("send_back_review", [FIXTURES / "send_back_review.bpmn"])
    return start_process("send_back_review", data={}, business_key="SB-1", applicant=centre["lisi"],
                         started_by=centre["lisi"])


def open_task(instance: ProcessInstance, spec: str) -> HumanTask:
    return HumanTask.objects.get(instance=instance, spec_name=spec, state=HumanTask.OPEN)


def to_approval(case, centre) -> HumanTask:
    complete_task(open_task(case, "draft").pk, centre["lisi"], {"confirmed": True})
    complete_task(open_task(case, "review").pk, centre["zhangsan"], APPROVE)
    return open_task(case, "approve")


def reminders(instance: ProcessInstance) -> int:
    instance.refresh_from_db()
    runner = runner_for(instance.definition)
    workflow = runner.restore(instance.state)
    return sum(1 for t in workflow.get_tasks(state=TaskState.COMPLETED) if t.task_spec.name == "remind")


def test_send_back_reopens_the_step_for_whoever_did_it_with_the_reason(case, centre):
    approve = to_approval(case, centre)
    office = centre["zhaobgs"]
    assert allowed_operations(approve, office)["send_back"]
    assert send_back_targets(approve) == [("draft", "填写申请"), ("review", "窗口负责人审核")]

    returned = send_back_task(approve.pk, office, "review", "请核对申请人的材料")

    assert (returned.spec_name, returned.assignee, returned.held_by) == ("review", centre["zhangsan"],
                                                                       HumanTask.BY_SEND_BACK)
    closed = HumanTask.objects.get(pk=approve.pk)
    assert (closed.state, closed.outcome, closed.completed_by) == (HumanTask.COMPLETED, "sent_back", office)
    record = SendBack.objects.get(returned_to=returned)
    assert (record.reason, record.sender_id, record.actor) == ("请核对申请人的材料", approve.pk, office)
    assert Notification.objects.get(recipient=centre["zhangsan"], kind=Notification.RETURN).task == returned
    assert AuditEvent.objects.filter(task=approve, action="task_sent_back").exists()

    complete_task(returned.pk, centre["zhangsan"], APPROVE)
    record.refresh_from_db()
    assert record.resubmitted_at is not None
    again = open_task(case, "approve")
    assert again.pk != approve.pk  # a new attempt, with its own due date
    assert AuditEvent.objects.filter(task=returned, action="task_resubmitted").exists()


def test_resubmission_carries_over_the_steps_in_between(case, centre):
    approve = to_approval(case, centre)
    returned = send_back_task(approve.pk, centre["zhaobgs"], "draft", "缺少身份证复印件")
    assert returned.assignee == centre["lisi"]
    complete_task(returned.pk, centre["lisi"], {"confirmed": True})
    assert not HumanTask.objects.filter(instance=case, spec_name="review", state=HumanTask.OPEN).exists()
    assert open_task(case, "approve").pk != approve.pk


def test_a_reminder_after_send_back_counts_from_the_new_attempt(case, centre, clock):
    approve = to_approval(case, centre)
    clock.advance(hours=20)
    returned = send_back_task(approve.pk, centre["zhaobgs"], "review", "请补充审核意见")
    case.refresh_from_db()
    assert case.next_timer_at is None  # the old attempt's reminder went with it
    clock.advance(hours=2)
    complete_task(returned.pk, centre["zhangsan"], APPROVE)
    resubmitted = clock.now()
    clock.advance(hours=3)  # past the old reminder's time (24 h after the first attempt opened)
    fire_due_timers()
    assert reminders(case) == 0
    clock.set(resubmitted + timedelta(hours=24))
    fire_due_timers()
    assert reminders(case) == 1


def test_send_back_refuses_a_step_not_listed_or_not_done_and_needs_a_reason(case, centre):
    complete_task(open_task(case, "draft").pk, centre["lisi"], {"confirmed": True})
    review = open_task(case, "review")
    with pytest.raises(InvalidInput) as caught:
        send_back_task(review.pk, centre["zhangsan"], "approve", "理由")
    assert caught.value.field == "target"
    with pytest.raises(InvalidInput) as caught:
        send_back_task(review.pk, centre["zhangsan"], "draft", " ")
    assert caught.value.field == "reason"
    with pytest.raises(OperationRefused):
        send_back_task(review.pk, centre["wangwu"], "draft", "理由")
    assert open_task(case, "review").pk == review.pk  # nothing half-done


def test_take_back_reopens_an_approval_while_the_next_step_is_untouched(case, centre):
    complete_task(open_task(case, "draft").pk, centre["lisi"], {"confirmed": True})
    review = open_task(case, "review")
    complete_task(review.pk, centre["zhangsan"], APPROVE)
    done = HumanTask.objects.get(pk=review.pk)
    assert take_back_verdict(done, centre["zhangsan"])
    reopened = take_back_task(done.pk, centre["zhangsan"])
    assert (reopened.spec_name, reopened.assignee, reopened.held_by) == ("review", centre["zhangsan"],
                                                                       HumanTask.BY_TAKE_BACK)
    assert not HumanTask.objects.filter(instance=case, spec_name="approve", state=HumanTask.OPEN).exists()
    assert AuditEvent.objects.filter(task=reopened, action="task_taken_back").exists()


def test_take_back_after_the_next_step_acted_is_refused_with_the_reason(case, centre):
    complete_task(open_task(case, "draft").pk, centre["lisi"], {"confirmed": True})
    draft = HumanTask.objects.get(instance=case, spec_name="draft")
    complete_task(open_task(case, "review").pk, centre["zhangsan"], APPROVE)
    verdict = take_back_verdict(draft, centre["lisi"])
    assert not verdict and "窗口负责人审核" in verdict.reason
    with pytest.raises(OperationRefused, match="窗口负责人审核"):
        take_back_task(draft.pk, centre["lisi"])
    assert not take_back_verdict(HumanTask.objects.get(instance=case, spec_name="review"), centre["lisi"])


def test_the_initiator_withdraws_an_undecided_case(case, centre):
    complete_task(open_task(case, "draft").pk, centre["lisi"], {"confirmed": True})  # her own step
    review = open_task(case, "review")
    assert not allowed_instance_operations(case, centre["zhangsan"])["withdraw"]
    assert allowed_instance_operations(case, centre["lisi"])["withdraw"].allowed is False  # no hook: refused
    assert "不能撤回" in allowed_instance_operations(case, centre["lisi"])["withdraw"].reason
    with pytest.raises(OperationRefused):
        withdraw_instance(case.pk, centre["lisi"], "不再需要")
    assert open_task(case, "review").pk == review.pk


@pytest.fixture
def leave(centre, clock, deploy_leave):
    """张三's leave request, waiting for its first approval step (nobody has acted on it yet)."""
    deploy_leave("shenxian")
    return submit_leave(centre["zhangsan"], LeaveApplication("事假", date(2026, 12, 2), "am", date(2026, 12, 3),
                                                             "pm", "家中有事", centre["chensx"]))


def test_the_initiator_withdraws_an_undecided_leave_request(leave, centre):
    first = HumanTask.objects.get(instance=leave.instance, state=HumanTask.OPEN)
    holders = [first.assignee_id] if first.assignee_id else list(first.candidates.values_list("pk", flat=True))
    assert not allowed_instance_operations(leave.instance, centre["lisi"])["withdraw"]

    withdraw_instance(leave.instance.pk, centre["zhangsan"], "行程取消")

    leave.refresh_from_db()
    instance = ProcessInstance.objects.get(pk=leave.instance_id)
    assert (leave.status, instance.status) == (LeaveRequest.WITHDRAWN, ProcessInstance.WITHDRAWN)
    assert HumanTask.objects.get(pk=first.pk).state == HumanTask.CANCELLED
    assert set(Notification.objects.filter(kind=Notification.RETURN, instance=instance)
               .values_list("recipient_id", flat=True)) == set(holders)
    assert AuditEvent.objects.filter(instance=instance, action="instance_withdrawn").exists()
    assert not allowed_operations(HumanTask.objects.get(pk=first.pk), centre["zhangsan"])["complete"]


def test_withdraw_is_refused_once_someone_decided(leave, centre):
    step = HumanTask.objects.get(instance=leave.instance, state=HumanTask.OPEN)
    data = (APPROVE if step.form == "approval"
            else {"confirmed": True, "substitute_id": centre["chensx"].pk, "comment": ""})
    complete_task(step.pk, step.candidates.first(), data)
    verdict = allowed_instance_operations(leave.instance, centre["zhangsan"])["withdraw"]
    assert not verdict and step.title in verdict.reason
    with pytest.raises(OperationRefused, match=step.title):
        withdraw_instance(leave.instance.pk, centre["zhangsan"], "行程取消")
    leave.refresh_from_db()
    assert leave.status != LeaveRequest.WITHDRAWN


def test_a_leave_approver_sends_the_request_back_to_the_substitute_confirmation(centre, clock, deploy_leave):
    deploy_leave("shenxian")
    leave = submit_leave(centre["lisi"], LeaveApplication("事假", date(2026, 12, 1), "am", date(2026, 12, 3), "pm",
                                                          "家中有事", centre["chensx"]))
    confirm = HumanTask.objects.get(instance=leave.instance, state=HumanTask.OPEN)
    assert confirm.form == "confirm_substitute"
    complete_task(confirm.pk, centre["zhangsan"], {"confirmed": True, "substitute_id": centre["chensx"].pk,
                                                   "comment": ""})
    first_approval = HumanTask.objects.get(instance=leave.instance, state=HumanTask.OPEN)
    assert send_back_targets(first_approval) == [("confirm_substitute", "确认顶岗人员")]

    returned = send_back_task(first_approval.pk, centre["sunfj"], "confirm_substitute", "顶岗人员当天另有任务")

    assert (returned.form, returned.assignee) == ("confirm_substitute", centre["zhangsan"])
    complete_task(returned.pk, centre["zhangsan"], {"confirmed": True, "substitute_id": centre["chensx"].pk,
                                                    "comment": "已另行安排"})
    again = HumanTask.objects.get(instance=leave.instance, state=HumanTask.OPEN)
    assert again.spec_name == first_approval.spec_name and again.pk != first_approval.pk
    assert list(again.candidates.all()) == [centre["sunfj"]]  # the approval chain starts again at its first step
