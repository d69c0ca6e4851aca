"""加签 / 减签 as services through write_instance: rows (held_by, parent), audit, notifications, refusals with reasons.

依次 on the real leave chain (bpmn/leave_approval.bpmn, approve_leave), 会签 with a 2/3 ratio on a small fixture
(tests/workflows/fixtures/countersign.bpmn: window head, deputy director and director of the applicant's case).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from engine.errors import ExecutionError
from workflows.leave.models import LeaveRequest
from workflows.leave.services import LeaveApplication, submit_leave
from workflows.org.models import Absence
from workflows.runtime.errors import InvalidInput
from workflows.runtime.models import AuditEvent, HumanTask, Notification, ProcessInstance
from workflows.runtime.registry import labels
from workflows.runtime.services.definitions import deploy_from_files
from workflows.runtime.services.instances import start_process
from workflows.runtime.services.transitions import (
    OperationRefused,
    add_signer_task,
    allowed_operations,
    complete_task,
    remove_signer_task,
)
from workflows.runtime.timeline import case_timeline

FIXTURES = Path(__file__).parent / "fixtures"
APPROVE = {"decision": "approve", "comment": "同意"}
REJECT = {"decision": "reject", "comment": "不同意"}


@pytest.fixture
def chain(centre, clock, deploy_leave) -> LeaveRequest:
    """李四's three-day leave under 神仙 rules, its substitute confirmed by 张三: 孙立平 → 王建国 in turn (依次)."""
    deploy_leave("shenxian")
    request = submit_leave(centre["lisi"], LeaveApplication("事假", date(2026, 12, 1), "am", date(2026, 12, 3), "pm",
                                                             "家中有事", centre["chensx"], False))
    confirm = the_open_task(request.instance)
    complete_task(confirm.pk, centre["zhangsan"], {"confirmed": True, "substitute_id": centre["chensx"].pk,
                                                   "comment": ""})
    return request


@pytest.fixture
def countersign(centre, clock, deploy_leave) -> ProcessInstance:
    deploy_leave("shenxian")
    deploy_from_files("countersign", [FIXTURES / "countersign.bpmn"])
    return start_process("countersign", data={"signers": ["window_head", "centre_deputy_director", "centre_director"]},
                         business_key="HQ-1", applicant=centre["lisi"])


def open_tasks(instance) -> list[HumanTask]:
    return list(HumanTask.objects.filter(instance=instance, state=HumanTask.OPEN).order_by("id"))


def the_open_task(instance) -> HumanTask:
    task, = open_tasks(instance)
    return task


def notices(official) -> list[str]:
    return list(Notification.objects.filter(recipient=official).exclude(kind=Notification.TASK)
                .values_list("message", flat=True))


def test_add_after_on_the_leave_chain_puts_the_added_signer_next(chain, centre):
    first = the_open_task(chain.instance)
    assert (first.assignee, first.approval_mode) == (centre["sunfj"], "sequential")
    ops = allowed_operations(first, centre["sunfj"])
    assert ops["add_signer"] and not ops["remove_signer"]
    assert add_signer_task(first.pk, centre["sunfj"], centre["wangwu"].pk, "after", "涉及两个窗口") is None
    assert open_tasks(chain.instance) == [first]  # 王五 signs when 张三 has
    event = AuditEvent.objects.get(action="task_signer_added")
    assert (event.task_id, event.actor, event.after) == (
        first.pk, centre["sunfj"], {"signer": "王五", "position": "after", "reason": "涉及两个窗口"})
    assert notices(centre["wangwu"]) == [f"孙立平在“审批请假”（{first.case_number}）加签，请您审批：涉及两个窗口"]

    complete_task(first.pk, centre["sunfj"], APPROVE)
    added = the_open_task(chain.instance)
    assert (added.assignee, added.held_by, added.parent) == (centre["wangwu"], HumanTask.BY_ADDED, first)
    assert list(added.candidates.all()) == [centre["wangwu"]]
    complete_task(added.pk, centre["wangwu"], APPROVE)
    complete_task(the_open_task(chain.instance).pk, centre["wangzr"], APPROVE)
    chain.refresh_from_db()
    assert chain.status == LeaveRequest.APPROVED  # three approvals for a chain of two: still all approved
    between = [entry.event.action for entry in case_timeline(chain.instance) if entry.kind == "event"]
    assert "task_signer_added" in between
    assert str(labels("action")["task_signer_added"]) == "加签"


def test_add_before_lets_the_added_signer_act_first_then_the_task_comes_back(chain, centre):
    first = the_open_task(chain.instance)
    added = add_signer_task(first.pk, centre["sunfj"], centre["wangwu"].pk, "before", "请王五先核")
    assert (added.assignee, added.held_by, added.parent) == (centre["wangwu"], HumanTask.BY_ADDED, first)
    first.refresh_from_db()
    assert first.state == HumanTask.CANCELLED
    assert the_open_task(chain.instance) == added
    assert Notification.objects.filter(recipient=centre["wangwu"], task=added).exclude(
        kind=Notification.TASK).exists()
    complete_task(added.pk, centre["wangwu"], APPROVE)
    back = the_open_task(chain.instance)
    assert (back.assignee, back.held_by) == (centre["sunfj"], HumanTask.BY_RULE)
    complete_task(back.pk, centre["sunfj"], REJECT)
    chain.refresh_from_db()
    assert chain.status == LeaveRequest.REJECTED


def test_a_rejection_by_the_added_signer_ends_the_chain(chain, centre):
    first = the_open_task(chain.instance)
    added = add_signer_task(first.pk, centre["sunfj"], centre["wangwu"].pk, "before", "请王五先核")
    complete_task(added.pk, centre["wangwu"], REJECT)
    chain.refresh_from_db()
    assert chain.status == LeaveRequest.REJECTED and open_tasks(chain.instance) == []


@pytest.mark.parametrize(("who", "reason"), [
    ("sunfj", "不能转办或委派给自己。"),
    ("lisi", "李四是本案当事人或发起人，须回避，不能办理此任务。"),
])
def test_add_refuses_oneself_and_a_party(chain, centre, who, reason):
    first = the_open_task(chain.instance)
    with pytest.raises(OperationRefused) as refused:
        add_signer_task(first.pk, centre["sunfj"], centre[who].pk, "after", "理由")
    assert str(refused.value) == reason
    assert not AuditEvent.objects.filter(action="task_signer_added").exists()


def test_add_refuses_an_official_on_leave_and_bad_input_naming_the_field(chain, centre, clock):
    first = the_open_task(chain.instance)
    Absence.objects.create(official=centre["wangwu"], first_day=date(2026, 11, 30), last_day=date(2026, 12, 4))
    with pytest.raises(OperationRefused, match="王五"):
        add_signer_task(first.pk, centre["sunfj"], centre["wangwu"].pk, "after", "理由")
    for position, to, reason, field in [("middle", centre["wujiu"].pk, "理由", "position"),
                                        ("after", None, "理由", "to"), ("after", centre["wujiu"].pk, " ", "reason")]:
        with pytest.raises(InvalidInput) as bad:
            add_signer_task(first.pk, centre["sunfj"], to, position, reason)
        assert bad.value.field == field
    assert the_open_task(chain.instance) == first


def test_only_the_handler_of_a_multi_approver_step_adds_signers(chain, centre):
    first = the_open_task(chain.instance)  # 孙立平's
    with pytest.raises(OperationRefused) as refused:
        add_signer_task(first.pk, centre["wangwu"], centre["wujiu"].pk, "after", "我来加")
    assert str(refused.value) == allowed_operations(first, centre["wangwu"])["add_signer"].reason
    deploy_from_files("window_review", [FIXTURES / "window_review.bpmn"])
    single = HumanTask.objects.get(instance=start_process("window_review", data={}, business_key="R-1",
                                                          applicant=centre["lisi"]))
    verdict = allowed_operations(single, centre["zhangsan"])["add_signer"]
    assert not verdict and verdict.reason == "只有多人审批的环节才能加签或减签。"
    with pytest.raises(OperationRefused, match="只有多人审批的环节"):
        add_signer_task(single.pk, centre["zhangsan"], centre["wujiu"].pk, "after", "理由")


def test_countersign_passes_at_two_thirds(countersign, centre):
    rows = open_tasks(countersign)
    assert [r.assignee for r in rows] == [centre["zhangsan"], centre["lifzr"], centre["wangzr"]]
    complete_task(rows[0].pk, centre["zhangsan"], APPROVE)
    complete_task(rows[1].pk, centre["lifzr"], APPROVE)
    countersign.refresh_from_db()
    assert countersign.status == ProcessInstance.COMPLETED
    assert HumanTask.objects.get(pk=rows[2].pk).state == HumanTask.CANCELLED


def test_remove_on_a_countersign_counts_the_ratio_over_those_left(countersign, centre):
    zhang, li, wang = open_tasks(countersign)
    assert allowed_operations(zhang, centre["zhangsan"])["remove_signer"]
    removed = remove_signer_task(zhang.pk, centre["zhangsan"], wang.pk, "主任出差")
    assert removed.state == HumanTask.CANCELLED
    event = AuditEvent.objects.get(action="task_signer_removed")
    assert (event.task_id, event.actor, event.after) == (wang.pk, centre["zhangsan"],
                                                         {"signer": "王建国", "reason": "主任出差"})
    assert notices(centre["wangzr"]) == ["张三在“会签（三分之二）”（HQ-1）减签，您无需再审批：主任出差"]
    complete_task(zhang.pk, centre["zhangsan"], APPROVE)
    countersign.refresh_from_db()
    assert countersign.status == ProcessInstance.RUNNING  # 2/3 of two signers: both
    complete_task(li.pk, centre["lifzr"], APPROVE)
    countersign.refresh_from_db()
    assert countersign.status == ProcessInstance.COMPLETED


def test_remove_refuses_oneself_one_who_decided_and_the_last_signer(countersign, centre):
    zhang, li, wang = open_tasks(countersign)
    with pytest.raises(OperationRefused, match="不能减去自己"):
        remove_signer_task(zhang.pk, centre["zhangsan"], zhang.pk, "理由")
    complete_task(li.pk, centre["lifzr"], APPROVE)
    with pytest.raises(OperationRefused, match="已办理"):
        remove_signer_task(zhang.pk, centre["zhangsan"], li.pk, "理由")
    with pytest.raises(InvalidInput) as bad:
        remove_signer_task(zhang.pk, centre["zhangsan"], None, "理由")
    assert bad.value.field == "signer_task"
    remove_signer_task(zhang.pk, centre["zhangsan"], wang.pk, "主任出差")
    countersign.refresh_from_db()
    assert countersign.status == ProcessInstance.RUNNING  # 李 approved; 2/3 of 2 needs 张 too


def test_add_on_a_countersign_is_one_more_parallel_signer(countersign, centre):
    zhang, li, wang = open_tasks(countersign)
    added = add_signer_task(zhang.pk, centre["zhangsan"], centre["wangwu"].pk, "after", "涉及两个窗口")
    assert (added.assignee, added.parent, added.approval_mode) == (centre["wangwu"], zhang, "all")
    assert len(open_tasks(countersign)) == 4
    with pytest.raises(OperationRefused, match="王五"):
        add_signer_task(li.pk, centre["lifzr"], centre["wangwu"].pk, "after", "再加一次")


@pytest.fixture
def named(centre, clock, deploy_leave):
    """A unanimous 会签 whose signers the case names by official (`official_variable`), on 李四's case."""
    deploy_leave("shenxian")
    deploy_from_files("named_sign", [FIXTURES / "named_sign.bpmn"])

    def start(*usernames: str) -> ProcessInstance:
        return start_process("named_sign", data={"signers": [centre[u].pk for u in usernames]},
                             business_key="HQ-2", applicant=centre["lisi"])

    return start


def test_named_signers_get_their_own_tasks_and_a_b_post_stands_in_for_one_on_leave(named, centre):
    Absence.objects.create(official=centre["wangzr"], first_day=date(2026, 11, 30), last_day=date(2026, 12, 4))
    instance = named("zhangsan", "wangzr")
    zhang, wang = open_tasks(instance)
    assert (zhang.assignee, zhang.role, zhang.approval_mode) == (centre["zhangsan"], "", "all")
    assert wang.assignee == centre["lifzr"]  # 王建国's B post
    assert list(wang.holders.all()) == [centre["wangzr"]]
    assert AuditEvent.objects.filter(task=wang, action="task_substituted").exists()
    added = add_signer_task(zhang.pk, centre["zhangsan"], centre["wangwu"].pk, "after", "涉及两个窗口")
    assert added.assignee == centre["wangwu"]
    for row, who in ((zhang, "zhangsan"), (wang, "lifzr"), (added, "wangwu")):
        complete_task(row.pk, centre[who], APPROVE)
    instance.refresh_from_db()
    assert instance.status == ProcessInstance.COMPLETED


def test_a_named_signer_who_is_a_party_to_the_case_refuses_the_start(named, centre):
    with pytest.raises(ExecutionError, match="李四是本案当事人或发起人"):
        named("zhangsan", "lisi")
    assert not ProcessInstance.objects.filter(business_key="HQ-2").exists()
