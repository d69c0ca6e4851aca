"""迁移 as a service: a dry run that writes nothing, instances moved and audited, refusals per instance."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from workflows.runtime.errors import InvalidInput
from workflows.runtime.models import AuditEvent, HumanTask, ProcessInstance
from workflows.runtime.services.definitions import deploy_definition
from workflows.runtime.services.instances import start_process
from workflows.runtime.services.moves import move_instances, plan_move
from workflows.runtime.services.transitions import complete_task

REVIEW = (Path(__file__).parent / "fixtures" / "window_review.bpmn").read_text(encoding="utf-8")
CONFIRM = """<bpmn:userTask id="confirm" name="确认">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="role" value="window_head"/>
        <spiffworkflow:property name="form" value="approval"/>
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>to_done</bpmn:incoming><bpmn:outgoing>to_end</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="to_end" sourceRef="confirm" targetRef="review_done"/>
    <bpmn:endEvent id="review_done" name="审核完成">
      <bpmn:incoming>to_end</bpmn:incoming>"""
WITH_CONFIRM = REVIEW.replace('targetRef="review_done"/>', 'targetRef="confirm"/>').replace(
    """<bpmn:endEvent id="review_done" name="审核完成">
      <bpmn:incoming>to_done</bpmn:incoming>""", CONFIRM)
RENAMED = REVIEW.replace("review_by_window_head", "head_review")
APPROVE = {"decision": "approve", "comment": "同意"}


@pytest.fixture
def versions(centre, clock):
    v1 = deploy_definition("window_review", {"window_review.bpmn": REVIEW})
    case = start_process("window_review", data={}, business_key="M-1", applicant=centre["lisi"])
    v2 = deploy_definition("window_review", {"window_review.bpmn": WITH_CONFIRM})
    v3 = deploy_definition("window_review", {"window_review.bpmn": RENAMED})
    return v1, v2, v3, case


def test_the_dry_run_lists_who_can_move_and_writes_nothing(versions):
    v1, v2, v3, case = versions
    audits = AuditEvent.objects.count()

    [ok] = plan_move(v1, v2)
    [refused] = plan_move(v1, v3)

    assert ok.instance.pk == case.pk and ok.movable
    assert not refused.movable
    assert refused.reasons == (("review_by_window_head", "正在等待的环节“窗口负责人审核”在目标版本中不存在"),)
    case.refresh_from_db()
    assert (case.definition_id, case.revision) == (v1.pk, 1)
    assert AuditEvent.objects.count() == audits


def test_a_moved_instance_runs_on_the_new_version_and_the_move_is_audited(versions, centre):
    v1, v2, _v3, case = versions

    report = move_instances([case.pk], v2, centre["zhaobgs"], "新增确认环节")

    assert (report.moved, report.refused) == ([case.pk], {})
    case.refresh_from_db()
    assert (case.definition_id, case.revision) == (v2.pk, 2)
    event = AuditEvent.objects.get(instance=case, action="instance_migrated")
    assert event.actor == centre["zhaobgs"]
    assert event.message == "第1版 → 第2版：新增确认环节"
    assert (event.before["version"], event.after["version"]) == (1, 2)
    review = HumanTask.objects.get(instance=case, state=HumanTask.OPEN)
    assert review.spec_name == "review_by_window_head"  # the open task row is the same
    complete_task(review.pk, centre["zhangsan"], APPROVE)
    assert HumanTask.objects.get(instance=case, state=HumanTask.OPEN).spec_name == "confirm"


def test_a_refused_instance_is_reported_with_its_reason_and_left_alone(versions, centre):
    v1, _v2, v3, case = versions
    done = start_process("window_review", data={}, business_key="M-2", applicant=centre["lisi"])  # on v3
    HumanTask.objects.get(instance=done, state=HumanTask.OPEN)

    report = move_instances([case.pk, done.pk], v3, centre["zhaobgs"], "改名")

    assert report.moved == []
    assert report.refused[case.pk] == ["review_by_window_head：正在等待的环节“窗口负责人审核”在目标版本中不存在"]
    assert report.refused[done.pk] == ["已在目标版本上运行"]
    case.refresh_from_db()
    assert (case.definition_id, case.revision) == (v1.pk, 1)
    assert not AuditEvent.objects.filter(action="instance_migrated").exists()
    assert ProcessInstance.objects.get(pk=case.pk).status == ProcessInstance.RUNNING


def test_a_move_needs_a_reason_and_a_version_of_the_same_process(versions, centre):
    v1, v2, _v3, case = versions
    with pytest.raises(InvalidInput) as refused:
        move_instances([case.pk], v2, centre["zhaobgs"], "  ")
    assert refused.value.field == "reason"
    with pytest.raises(InvalidInput) as same:
        plan_move(v1, v1)
    assert same.value.field == "target"


def test_a_leave_waiting_for_its_approval_moves_to_a_new_version_and_runs_on(centre, clock, deploy_leave):
    """The shipped leave process (gateways, timers, lanes): moved mid-way, it goes on to its end on the new version."""
    from workflows.leave.services import LeaveApplication, submit_leave
    from workflows.runtime.models import ProcessDefinition

    v1 = deploy_leave("shenxian")
    leave = submit_leave(centre["lisi"], LeaveApplication("事假", date(2026, 12, 1), "am", date(2026, 12, 1), "pm",
                                                          "家中有事", None))
    sources = {name: text.replace("审批请假", "审批请假申请") if name.endswith(".bpmn") else text
               for name, text in ProcessDefinition.objects.get(pk=v1.pk).sources.items()}
    v2 = deploy_definition("leave_approval", sources)
    assert [p.movable for p in plan_move(v1, v2)] == [True]

    report = move_instances([leave.instance.pk], v2, centre["zhaobgs"], "环节改名")

    assert report.moved == [leave.instance.pk]
    task = HumanTask.objects.get(instance=leave.instance, state=HumanTask.OPEN)
    complete_task(task.pk, task.candidates.get(), {"decision": "approve", "comment": "同意"})
    instance = ProcessInstance.objects.get(pk=leave.instance.pk)
    assert instance.definition_id == v2.pk and instance.status == ProcessInstance.RUNNING
    assert instance.revision == 3
