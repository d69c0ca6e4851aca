"""The centre administrator's bulk actions: 改派, 终止 with a reason, 重试; refusals reported per case."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import ExecutionError
from workflows.runtime.errors import InvalidInput
from workflows.runtime.models import AuditEvent, HumanTask, Notification, ProcessInstance
from workflows.runtime.services.bulk import bulk_administer
from workflows.runtime.services.definitions import deploy_from_files
from workflows.runtime.services.instances import start_process
from workflows.runtime.services.transitions import complete_task

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def cases(centre, clock):
    deploy_from_files("window_review", [FIXTURES / "window_review.bpmn"])
    return [start_process("window_review", data={}, business_key=f"B-{n}", applicant=centre["lisi"])
            for n in (1, 2)]


def test_reassign_moves_every_open_task_and_audits_each(cases, centre):
    first, second = cases
    outcomes = bulk_administer("reassign", [first.pk, second.pk], centre["zhaobgs"], reason="张三外出培训",
                               to_official_id=centre["wangwu"].pk)

    assert [(o.instance_id, o.done) for o in outcomes] == [(first.pk, True), (second.pk, True)]
    for case in cases:
        task = HumanTask.objects.get(instance=case, state=HumanTask.OPEN)
        assert (task.assignee, task.held_by) == (centre["wangwu"], HumanTask.BY_TRANSFER)
        event = AuditEvent.objects.get(task=task, action="task_reassigned")
        assert event.actor == centre["zhaobgs"] and "张三外出培训" in event.message
        assert Notification.objects.filter(recipient=centre["wangwu"], task=task).exists()


def test_reassign_to_a_party_of_the_case_is_refused_for_that_case(cases, centre):
    [outcome, _] = bulk_administer("reassign", [c.pk for c in cases], centre["zhaobgs"], reason="调整",
                                   to_official_id=centre["lisi"].pk)  # 李四 is the applicant
    assert not outcome.done and "李四" in outcome.message
    assert HumanTask.objects.get(instance=cases[0], state=HumanTask.OPEN).assignee == centre["zhangsan"]  # as before


def test_cancel_ends_the_case_with_the_reason_and_cancels_its_tasks(cases, centre):
    first, second = cases
    complete_task(HumanTask.objects.get(instance=second).pk, centre["zhangsan"], {"decision": "approve"})

    outcomes = bulk_administer("cancel", [first.pk, second.pk], centre["zhaobgs"], reason="重复受理")

    assert [o.done for o in outcomes] == [True, False]
    assert outcomes[1].message == "本案已不在办理中。"
    first.refresh_from_db()
    assert first.status == ProcessInstance.CANCELLED and first.ended_at is not None
    assert HumanTask.objects.get(instance=first).state == HumanTask.CANCELLED
    assert AuditEvent.objects.get(instance=first, action="instance_cancelled").message == "重复受理"
    assert ProcessInstance.objects.get(pk=second.pk).status == ProcessInstance.COMPLETED


def test_retry_runs_an_errored_case_again_and_refuses_a_running_one(centre, clock, cases):
    deploy_from_files("broken_after_review", [FIXTURES / "broken_after_review.bpmn"])
    broken = start_process("broken_after_review", data={"divisor": 0}, business_key="ERR-1", applicant=centre["lisi"])
    with pytest.raises(ExecutionError):
        complete_task(HumanTask.objects.get(instance=broken).pk, centre["zhangsan"], {"decision": "approve"})

    outcomes = bulk_administer("retry", [broken.pk, cases[0].pk], centre["zhaobgs"])

    assert [o.done for o in outcomes] == [True, False]
    assert ProcessInstance.objects.get(pk=broken.pk).status == ProcessInstance.RUNNING
    assert AuditEvent.objects.get(instance=broken, action="instance_retried").actor == centre["zhaobgs"]
    assert outcomes[1].message == "只有出错的案件可以重试。"


def test_only_the_centre_office_may_act_and_a_reason_is_needed(cases, centre):
    [outcome, _] = bulk_administer("cancel", [c.pk for c in cases], centre["wangzr"], reason="x")
    assert not outcome.done
    assert ProcessInstance.objects.get(pk=cases[0].pk).status == ProcessInstance.RUNNING
    with pytest.raises(InvalidInput) as empty:
        bulk_administer("cancel", [cases[0].pk], centre["zhaobgs"], reason=" ")
    assert empty.value.field == "reason"


def test_cancelling_a_leave_request_ends_the_request_too(centre, clock, deploy_leave):
    """The leave family closes its record when the centre office ends the process: 已终止, blocking no later leave."""
    from datetime import date

    from workflows.leave.models import LeaveRequest
    from workflows.leave.services import LeaveApplication, submit_leave

    deploy_leave("shenxian")
    leave = submit_leave(centre["lisi"], LeaveApplication("事假", date(2026, 12, 1), "am", date(2026, 12, 1), "pm",
                                                           "家中有事"))
    [outcome] = bulk_administer("cancel", [leave.instance_id], centre["zhaobgs"], reason="申请人已离职")

    assert outcome.done
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.CANCELLED and leave.status not in LeaveRequest.BLOCKING
    assert AuditEvent.objects.get(action="leave_cancelled").message == "申请人已离职"
