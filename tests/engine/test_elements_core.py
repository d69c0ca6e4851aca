"""The core BPMN elements govflow supports, each shown by a small diagram of our own that deploys and runs to its end.

One diagram per element in fixtures/elements/core_*.bpmn (the README's element table points here); each test
deploys it as a definition would be (engine.specs checks included), runs it through ProcessRunner, saving and
restoring the state where an official would act, and asserts the path taken and the data left behind.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from results import entered
from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.util.task import TaskState

from engine.calendar import WorkingCalendar
from engine.errors import DefinitionError
from engine.events import MESSAGE, SIGNAL, WaitingCatch, waiting_catches
from engine.runtime import EngineEnvironment, ProcessRunner, ServiceHandler
from engine.specs import load_bundle, load_bundle_from_files

FIXTURES = Path(__file__).parent / "fixtures"
ELEMENTS = FIXTURES / "elements"
OFFICIAL = 101


def runner(frozen_clock, *files: str, process_id: str | None = None,
           services: dict[str, ServiceHandler] | None = None) -> ProcessRunner:
    """A runner of the named fixture files (the first one's process unless `process_id` says otherwise)."""
    paths = [ELEMENTS / name if (ELEMENTS / name).exists() else FIXTURES / name for name in files]
    return ProcessRunner(load_bundle_from_files(paths, process_id),
                         EngineEnvironment(frozen_clock, WorkingCalendar(), services=services or {}))


def ready(run: ProcessRunner, workflow) -> list[str]:
    """The bpmn ids of the READY user and manual tasks, sorted."""
    return sorted(t.meta.spec_name for t in run.ready_human_tasks(workflow))


def complete(run: ProcessRunner, workflow, spec_name: str, form: dict):
    """Complete the one READY task of that element as an official would, then save and restore the state."""
    [task] = [t for t in run.ready_human_tasks(workflow) if t.meta.spec_name == spec_name]
    run.complete(workflow, task.id, form, OFFICIAL, [OFFICIAL])
    return run.restore(run.dump(workflow))


def completed(workflow) -> set[str]:
    """The bpmn ids of every element the instance went through."""
    return {t.task_spec.bpmn_id for t in workflow.get_tasks(state=TaskState.COMPLETED) if t.task_spec.bpmn_id}


def test_user_task_then_exclusive_gateway_takes_its_condition_or_the_default_flow(frozen_clock):
    run = runner(frozen_clock, "core_exclusive_default.bpmn")
    for missing, end in ((["身份证复印件"], "returned_for_correction"), ([], "accepted")):
        workflow = run.start({"case_number": "2026-001"})
        assert ready(run, workflow) == ["check_materials_by_window_head"]
        workflow = complete(run, workflow, "check_materials_by_window_head", {"missing": missing})
        assert workflow.completed and run.end_event(workflow) == end
        assert entered(workflow.last_task.data["check"]) == {"missing": missing}


def test_parallel_gateway_opens_both_reviews_and_joins_when_both_are_done(frozen_clock):
    run = runner(frozen_clock, "core_parallel_gateway.bpmn")
    workflow = run.start({})
    assert ready(run, workflow) == ["review_by_dept_deputy_leader", "review_by_window_head"]
    workflow = complete(run, workflow, "review_by_window_head", {"outcome": "同意"})
    assert not workflow.completed and ready(run, workflow) == ["review_by_dept_deputy_leader"]
    workflow = complete(run, workflow, "review_by_dept_deputy_leader", {"outcome": "不同意"})
    assert workflow.completed and run.end_event(workflow) == "reviewed"
    data = workflow.last_task.data
    assert entered(data["window_review"]) == {"outcome": "同意"}
    assert entered(data["leader_review"]) == {"outcome": "不同意"}


def test_inclusive_gateway_takes_every_branch_whose_condition_holds_and_joins_them(frozen_clock):
    run = runner(frozen_clock, "core_inclusive_gateway.bpmn")
    workflow = run.start({"inspections": ["消防", "环保"]})
    assert workflow.completed and run.end_event(workflow) == "inspected"
    assert {"inspect_fire_safety", "inspect_environment", "join_inspections"} <= completed(workflow)
    assert "inspect_hygiene" not in completed(workflow)
    data = workflow.last_task.data
    assert (data.get("fire_inspected"), data.get("hygiene_inspected"), data.get("environment_inspected")) == (
        True, None, True)


def test_embedded_subprocess_runs_its_steps_and_hands_its_data_back(frozen_clock):
    run = runner(frozen_clock, "core_subprocess.bpmn")
    workflow = run.start({"case_number": "2026-002"})
    assert ready(run, workflow) == ["sign_certificate_by_window_head"]
    workflow = complete(run, workflow, "sign_certificate_by_window_head", {"signed": True})
    assert workflow.completed and run.end_event(workflow) == "issued"
    assert {"number_certificate", "make_end", "make_certificate"} <= completed(workflow)
    assert (workflow.last_task.data["certificate_number"], workflow.last_task.data["signed"]) == ("证-2026-002", True)


def test_call_activity_runs_the_process_of_a_second_file(frozen_clock):
    run = runner(frozen_clock, "core_call_activity.bpmn", "core_call_activity_verify_identity.bpmn",
                 process_id="core_call_activity")  # several files: the definition's key names the main process
    assert set(run.bundle.subprocess_specs) == {"core_call_activity_verify_identity"}
    workflow = run.start({"applicant": "张三"})
    [task] = run.ready_human_tasks(workflow)
    assert (task.meta.spec_name, task.data["applicant"]) == ("verify_identity_by_window_head", "张三")
    workflow = complete(run, workflow, "verify_identity_by_window_head", {"id_checked": True})
    assert workflow.completed and run.end_event(workflow) == "accepted"
    assert entered(workflow.last_task.data["identity"]) == {"id_checked": True}


def test_a_user_task_id_used_in_both_the_caller_and_the_called_process_is_refused_at_deploy():
    """The inbox finds a task's role and form by its id alone: a second task of that id would get the first's."""
    caller = (ELEMENTS / "core_call_activity.bpmn").read_text(encoding="utf-8")
    twice = caller.replace(
        '<bpmn:sequenceFlow id="f2" sourceRef="call_verify_identity" targetRef="accepted"/>',
        '<bpmn:userTask id="verify_identity_by_window_head" name="复核身份"><bpmn:extensionElements>'
        '<spiffworkflow:properties><spiffworkflow:property name="role" value="centre_director"/>'
        '</spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>'
        '<bpmn:sequenceFlow id="f2" sourceRef="call_verify_identity" targetRef="verify_identity_by_window_head"/>'
        '<bpmn:sequenceFlow id="f3" sourceRef="verify_identity_by_window_head" targetRef="accepted"/>')
    assert twice != caller
    called = (ELEMENTS / "core_call_activity_verify_identity.bpmn").read_text(encoding="utf-8")
    with pytest.raises(DefinitionError) as info:
        load_bundle({"caller.bpmn": twice, "called.bpmn": called}, "core_call_activity")
    assert [(p.element_id, p.reason) for p in info.value.problems] == [
        ("verify_identity_by_window_head", "用户任务的 id 须在定义的所有流程中唯一")]


def test_error_end_event_in_a_subprocess_is_caught_by_the_error_boundary(frozen_clock):
    run = runner(frozen_clock, "core_error_boundary.bpmn")
    qualified = run.start({"age": 30})
    assert qualified.completed and run.end_event(qualified) == "accepted"
    assert "catch_unqualified" not in completed(qualified)

    unqualified = run.start({"age": 16})
    assert ready(run, unqualified) == ["notify_refusal_by_window_head"]
    assert {"unqualified", "catch_unqualified"} <= completed(unqualified)
    unqualified = complete(run, unqualified, "notify_refusal_by_window_head", {"notified": True})
    assert unqualified.completed and run.end_event(unqualified) == "refused"
    assert "accepted" not in completed(unqualified)


def test_escalation_reaches_the_non_interrupting_boundary_while_the_subprocess_goes_on(frozen_clock):
    run = runner(frozen_clock, "core_escalation.bpmn")
    small = run.start({"amount": 8000})
    assert ready(run, small) == ["review_by_window_head"]
    small = complete(run, small, "review_by_window_head", {"outcome": "同意"})
    assert small.completed and "catch_large_amount" not in completed(small)

    large = run.start({"amount": 80000})
    assert ready(run, large) == ["countersign_by_centre_director", "review_by_window_head"]
    large = complete(run, large, "review_by_window_head", {"outcome": "同意"})
    assert not large.completed and ready(run, large) == ["countersign_by_centre_director"]
    large = complete(run, large, "countersign_by_centre_director", {"noted": True})
    assert large.completed and {"reviewed", "director_informed"} <= completed(large)


def test_terminate_end_event_ends_the_instance_and_withdraws_the_other_branch(frozen_clock):
    run = runner(frozen_clock, "core_terminate_end.bpmn")
    workflow = run.start({})
    assert ready(run, workflow) == ["review_by_window_head", "withdraw_by_applicant"]
    review_id = next(t.id for t in run.ready_human_tasks(workflow) if t.meta.spec_name == "review_by_window_head")
    workflow = complete(run, workflow, "withdraw_by_applicant", {"reason": "不再办理"})
    assert workflow.completed and run.end_event(workflow) == "withdrawn"
    assert run.withdrawn(workflow, [review_id]) == {review_id}
    assert "reviewed" not in completed(workflow)


def test_service_task_calls_the_registered_operator_with_its_parameters(frozen_clock):
    calls = []

    def business_licence(context, **params):
        calls.append(params)
        return {"holder": "某某餐饮有限公司", "valid": True}

    run = runner(frozen_clock, "core_service_task.bpmn", services={"registry.business_licence": business_licence})
    workflow = run.start({"credit_code": "91330100MA2XXXXXX"})
    assert workflow.completed and run.end_event(workflow) == "looked_up"
    assert calls == [{"credit_code": "91330100MA2XXXXXX"}]
    assert workflow.last_task.data["licence"] == {"holder": "某某餐饮有限公司", "valid": True}


def test_business_rule_task_sets_the_decision_table_output(frozen_clock):
    run = runner(frozen_clock, "rule_task.bpmn", "route.dmn")  # the existing fixture shows it
    workflow = run.start({"days": 5})
    [approve] = run.ready_human_tasks(workflow)
    assert approve.data["approver"] == "centre_director"
    workflow = complete(run, workflow, "approve", {"outcome": "同意"})
    assert workflow.completed and run.end_event(workflow) == "end"


def test_parallel_multi_instance_offers_one_task_per_signer_and_collects_every_opinion(frozen_clock):
    run = runner(frozen_clock, "core_multi_instance_parallel.bpmn")
    workflow = run.start({"signer_roles": ["window_head", "dept_deputy_leader", "centre_director"]})
    tasks = run.ready_human_tasks(workflow)
    assert sorted(t.data["signer_role"] for t in tasks) == ["centre_director", "dept_deputy_leader", "window_head"]
    for task in tasks:
        run.complete(workflow, task.id, {"opinion": f"{task.data['signer_role']}同意"}, OFFICIAL, [OFFICIAL])
        workflow = run.restore(run.dump(workflow))
    assert workflow.completed and run.end_event(workflow) == "countersigned"
    assert sorted(o["opinion"] for o in entered(workflow.last_task.data["opinions"])) == [
        "centre_director同意", "dept_deputy_leader同意", "window_head同意"]


def test_sequential_multi_instance_offers_one_approver_after_the_other(frozen_clock):
    run = runner(frozen_clock, "chain.bpmn")  # the existing fixture shows it (逐级审批)
    workflow = run.start({"approver_chain": ["window_head", "centre_director"]})
    seen = []
    while not workflow.completed:
        [task] = run.ready_human_tasks(workflow)
        seen.append(task.data["approver_role"])
        run.complete(workflow, task.id, {"decision": "approve"}, OFFICIAL, [OFFICIAL])
        workflow = run.restore(run.dump(workflow))
    assert seen == ["window_head", "centre_director"]
    assert entered(workflow.last_task.data["approvals"]) == [{"decision": "approve"}] * 2


def test_manual_task_is_offered_to_its_role_and_completed_like_a_user_task(frozen_clock):
    run = runner(frozen_clock, "core_manual_task.bpmn")
    workflow = run.start({})
    [task] = run.ready_human_tasks(workflow)
    assert (task.meta.spec_name, task.meta.role) == ("hand_over_certificate_by_window_head", "window_head")
    workflow = complete(run, workflow, "hand_over_certificate_by_window_head", {"received_by": "张三"})
    assert workflow.completed and run.end_event(workflow) == "handed_over"


def test_a_manual_task_without_a_role_is_refused_at_deploy():
    source = (ELEMENTS / "core_manual_task.bpmn").read_text(encoding="utf-8")
    unassigned = source.replace('<spiffworkflow:property name="role" value="window_head"/>', "")
    assert unassigned != source
    with pytest.raises(DefinitionError) as info:
        load_bundle({"core_manual_task.bpmn": unassigned})
    assert [(p.element_id, p.reason) for p in info.value.problems] == [
        ("hand_over_certificate_by_window_head", "用户任务缺少分派规则（role、role_variable 或 official_variable）")]


def test_data_object_written_by_one_task_is_read_by_a_later_one(frozen_clock):
    run = runner(frozen_clock, "core_data_object.bpmn")
    workflow = run.restore(run.dump(run.start({"case_number": "2026-003"})))
    assert workflow.completed and run.end_event(workflow) == "receipt_printed"
    assert workflow.data_objects == {"receipt_number": "回执-2026-003"}
    assert workflow.last_task.data["receipt_text"] == "受理回执：回执-2026-003"


def test_data_inputs_and_outputs_of_a_called_process_limit_what_goes_in_and_comes_back(frozen_clock):
    run = runner(frozen_clock, "core_data_input_output.bpmn", process_id="core_data_input_output")  # both in one file
    workflow = run.start({"applicant": "张三", "floor_area": 120})
    assert workflow.completed and run.end_event(workflow) == "fee_computed"
    [inside] = [t.data for t in workflow.get_tasks() if t.task_spec.bpmn_id == "compute_fee"]
    assert inside == {"floor_area": 120, "fee": 360, "saw_applicant": False}  # only the declared input went in
    assert workflow.last_task.data == {"applicant": "张三", "floor_area": 120, "fee": 360}  # only the output came back


def test_signal_thrown_in_one_branch_reaches_the_catch_in_the_other(frozen_clock):
    run = runner(frozen_clock, "core_signal_throw.bpmn")
    workflow = run.start({})
    assert ready(run, workflow) == ["supplement_by_applicant"]
    assert waiting_catches(workflow) == {WaitingCatch(SIGNAL, "材料已补正", "{}")}
    workflow = complete(run, workflow, "supplement_by_applicant", {"files": ["营业执照"]})
    assert ready(run, workflow) == ["review_again_by_window_head"] and waiting_catches(workflow) == set()
    workflow = complete(run, workflow, "review_again_by_window_head", {"outcome": "同意"})
    assert workflow.completed and {"announce_supplemented", "wait_supplemented"} <= completed(workflow)


def test_a_signal_end_event_reaches_the_catch_in_the_other_branch(frozen_clock):
    """SpiffWorkflow 3.2's own end-event parser drops a signal definition (the branch waiting for it would wait
    forever); engine.end_events reads it, and the end event throws the signal as BPMN says."""
    run = runner(frozen_clock, "core_signal_end.bpmn")
    workflow = run.start({})
    assert waiting_catches(workflow) == {WaitingCatch(SIGNAL, "材料已补正", "{}")}
    workflow = complete(run, workflow, "supplement_by_applicant", {"files": ["营业执照"]})
    assert "announce_supplemented" in completed(workflow)
    assert waiting_catches(workflow) == set()
    assert ready(run, workflow) == ["review_again_by_window_head"]
    workflow = complete(run, workflow, "review_again_by_window_head", {"outcome": "同意"})
    assert workflow.completed


def test_non_interrupting_message_boundary_on_a_user_task_leaves_the_task_open(frozen_clock):
    run = runner(frozen_clock, "core_boundary_message.bpmn")
    workflow = run.start({})
    assert waiting_catches(workflow) == {WaitingCatch(MESSAGE, "催办", "{}")}
    run.deliver_event(workflow, MESSAGE, "催办", {"from": "12345热线"})
    workflow = run.restore(run.dump(workflow))
    assert ready(run, workflow) == ["review_by_window_head"]
    assert "log_reminder" in completed(workflow)
    workflow = complete(run, workflow, "review_by_window_head", {"outcome": "同意"})
    assert workflow.completed and run.end_event(workflow) == "reviewed"
    [logged] = [t.data for t in workflow.get_tasks() if t.task_spec.bpmn_id == "reminder_logged"]
    assert logged["reminded_by"] == "12345热线"


def test_a_message_caught_through_workflow_catch_reaches_the_boundary_too(frozen_clock):
    """SpiffWorkflow's own `catch` (queue, no refusal) reaches the same boundary; govflow delivers with send_event,
    which refuses an event nothing waits for (engine.events.deliver)."""
    run = runner(frozen_clock, "core_boundary_message.bpmn")
    workflow = run.start({})
    [boundary] = [t for t in workflow.get_tasks(state=TaskState.WAITING) if t.task_spec.bpmn_id == "reminded"]
    workflow.catch(BpmnEvent(boundary.task_spec.event_definition, payload={"from": "局长信箱"}))
    run.fire_due_timers(workflow)  # any engine step runs what the catch made ready
    assert ready(run, workflow) == ["review_by_window_head"] and "log_reminder" in completed(workflow)
