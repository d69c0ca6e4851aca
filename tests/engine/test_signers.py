"""Multi-approver steps (engine.signers): 会签 with a ratio, 或签, 依次, 加签 before / after, 减签, deploy checks.

Each signer's task is completed through the runner as the inbox would; the step's outcome is read from the path the
gateway after it took and from the data it left (`<bpmn id>_passed`, `<bpmn id>_votes`).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from SpiffWorkflow.util.task import TaskState

from engine.calendar import WorkingCalendar
from engine.errors import DefinitionError
from engine.runtime import EngineEnvironment, ProcessRunner
from engine.signers import SignerRefused
from engine.specs import load_bundle, load_bundle_from_files

FIXTURE = Path(__file__).parent / "fixtures" / "signing.bpmn"
ROLES = ["window_head", "centre_director", "centre_office"]


@pytest.fixture
def run(frozen_clock):
    def start(process_id: str, signers: list[str] = ROLES):
        runner = ProcessRunner(load_bundle_from_files([FIXTURE], process_id),
                               EngineEnvironment(frozen_clock, WorkingCalendar()))
        return runner, runner.start({"signers": signers})

    return start


def ready(runner, workflow):
    return runner.ready_human_tasks(workflow)


def role(task) -> str:
    return task.data[task.meta.role_variable]


def vote(runner, workflow, task, decision: str, actor: int = 7) -> None:
    runner.complete(workflow, task.id, {"decision": decision, "comment": f"{decision}意见"}, actor, [actor])


def ended_at(workflow) -> str | None:
    """The end event the step's gateway led to (None while the process runs)."""
    ends = [t.task_spec.bpmn_id for t in workflow.get_tasks(state=TaskState.COMPLETED)
            if t.task_spec.bpmn_id and t.task_spec.bpmn_id.split("_end_")[-1] in ("passed", "rejected")
            and "_end_" in t.task_spec.bpmn_id]
    return ends[0].split("_end_")[-1] if ends else None


def step_data(workflow, process_id: str) -> dict:
    gateway = next(t for t in workflow.get_tasks(state=TaskState.COMPLETED) if t.task_spec.bpmn_id ==
                   f"{process_id}_passed")
    return gateway.data


def test_countersign_passes_at_two_thirds_and_cancels_the_third(run):
    runner, wf = run("countersign")
    tasks = ready(runner, wf)
    assert len(tasks) == 3 and [role(t) for t in tasks] == ROLES
    vote(runner, wf, tasks[0], "approve", 1)
    assert ended_at(wf) is None
    vote(runner, wf, tasks[1], "approve", 2)
    assert ended_at(wf) == "passed"
    assert ready(runner, wf) == []
    assert wf.get_task_from_id(__import__("uuid").UUID(tasks[2].id)).state == TaskState.CANCELLED
    data = step_data(wf, "countersign")
    assert data["countersign_sign_passed"] is True
    assert [(v["signer"], v["decision"], v["completed_by"]) for v in data["countersign_sign_votes"]] == [
        ("window_head", "approve", 1), ("centre_director", "approve", 2)]


def test_countersign_fails_once_two_thirds_can_no_longer_be_reached(run):
    runner, wf = run("countersign")
    tasks = ready(runner, wf)
    vote(runner, wf, tasks[0], "reject")
    assert ended_at(wf) is None  # 2 of the 2 left could still pass
    vote(runner, wf, tasks[2], "reject")
    assert ended_at(wf) == "rejected"
    assert step_data(wf, "countersign")["countersign_sign_passed"] is False


def test_unanimous_countersign_stops_at_the_first_rejection(run):
    runner, wf = run("unanimous")
    tasks = ready(runner, wf)
    vote(runner, wf, tasks[0], "approve")
    vote(runner, wf, tasks[1], "reject")
    assert ended_at(wf) == "rejected" and ready(runner, wf) == []


def test_unanimous_countersign_passes_when_everyone_approves(run):
    runner, wf = run("unanimous")
    for task in ready(runner, wf):
        vote(runner, wf, task, "approve")
    assert ended_at(wf) == "passed"


@pytest.mark.parametrize("decision, end", [("approve", "passed"), ("reject", "rejected")])
def test_any_sign_the_first_decision_decides(run, decision, end):
    runner, wf = run("any_sign")
    tasks = ready(runner, wf)
    vote(runner, wf, tasks[1], decision)
    assert ended_at(wf) == end and ready(runner, wf) == []


def test_sequential_goes_on_after_an_approval_and_stops_at_a_rejection(run):
    runner, wf = run("in_turn")
    first, = ready(runner, wf)
    assert role(first) == "window_head"
    vote(runner, wf, first, "approve")
    second, = ready(runner, wf)
    assert role(second) == "centre_director"
    vote(runner, wf, second, "reject")
    assert ended_at(wf) == "rejected" and ready(runner, wf) == []
    assert [v["decision"] for v in step_data(wf, "in_turn")["in_turn_sign_votes"]] == ["approve", "reject"]


def test_sequential_passes_when_all_approve(run):
    runner, wf = run("in_turn", ROLES[:2])
    for _ in range(2):
        vote(runner, wf, ready(runner, wf)[0], "approve")
    assert ended_at(wf) == "passed"
    assert step_data(wf, "in_turn")["votes"] == [
        {"decision": "approve", "comment": "approve意见", "completed_by": 7, "completed_at": v["completed_at"]}
        for v in step_data(wf, "in_turn")["votes"]]


def test_add_after_on_a_sequential_chain_puts_the_signer_next(run):
    runner, wf = run("in_turn", ROLES[:2])
    first, = ready(runner, wf)
    assert runner.add_signer(wf, first.id, 99, "after") is None  # not a task until their turn
    assert [t.id for t in ready(runner, wf)] == [first.id]
    vote(runner, wf, first, "approve", 1)
    added, = ready(runner, wf)
    assert (added.signer, added.added_by) == (99, first.id)
    assert role(added) == "window_head"  # the item of the signer it was added from
    vote(runner, wf, added, "approve", 99)
    last, = ready(runner, wf)
    assert last.signer is None and role(last) == "centre_director"
    vote(runner, wf, last, "approve", 2)
    assert ended_at(wf) == "passed"
    assert [v["completed_by"] for v in step_data(wf, "in_turn")["in_turn_sign_votes"]] == [1, 99, 2]


def test_add_before_on_a_sequential_chain_lets_the_added_signer_act_first(run):
    runner, wf = run("in_turn", ROLES[:2])
    first, = ready(runner, wf)
    new_id = runner.add_signer(wf, first.id, 99, "before")
    added, = ready(runner, wf)
    assert added.id == new_id and added.signer == 99
    assert wf.get_task_from_id(__import__("uuid").UUID(first.id)).state == TaskState.CANCELLED
    vote(runner, wf, added, "approve", 99)
    again, = ready(runner, wf)
    assert again.id != first.id and again.signer is None and role(again) == "window_head"
    vote(runner, wf, again, "approve", 1)
    vote(runner, wf, ready(runner, wf)[0], "approve", 2)
    assert ended_at(wf) == "passed"
    assert [v["completed_by"] for v in step_data(wf, "in_turn")["in_turn_sign_votes"]] == [99, 1, 2]


def test_a_rejection_by_an_added_signer_stops_the_chain(run):
    runner, wf = run("in_turn", ROLES[:2])
    first, = ready(runner, wf)
    runner.add_signer(wf, first.id, 99, "before")
    vote(runner, wf, ready(runner, wf)[0], "reject", 99)
    assert ended_at(wf) == "rejected" and ready(runner, wf) == []


def test_add_on_a_countersign_is_one_more_parallel_signer_and_the_ratio_counts_it(run):
    runner, wf = run("unanimous", ROLES[:2])
    a, b = ready(runner, wf)
    new_id = runner.add_signer(wf, a.id, 99, "before")  # position means nothing in parallel
    assert {t.id for t in ready(runner, wf)} == {a.id, b.id, new_id}
    vote(runner, wf, a, "approve")
    vote(runner, wf, b, "approve")
    assert ended_at(wf) is None  # unanimity now needs the added signer too
    added = next(t for t in ready(runner, wf) if t.id == new_id)
    assert added.signer == 99 and added.added_by == a.id
    vote(runner, wf, added, "approve", 99)
    assert ended_at(wf) == "passed"


def test_remove_on_a_countersign_counts_the_ratio_over_the_signers_left(run):
    runner, wf = run("countersign")  # 2/3 of 3 → 2 approvals
    a, b, c = ready(runner, wf)
    vote(runner, wf, a, "approve")
    runner.remove_signer(wf, c.id)  # 2/3 of 2 → 2 approvals: still open
    assert ended_at(wf) is None and [t.id for t in ready(runner, wf)] == [b.id]
    vote(runner, wf, b, "approve")
    assert ended_at(wf) == "passed"


def test_remove_can_decide_the_step(run):
    runner, wf = run("unanimous", ROLES[:2])
    a, b = ready(runner, wf)
    vote(runner, wf, a, "approve")
    runner.remove_signer(wf, b.id)  # the only one left approved
    assert ended_at(wf) == "passed"


def test_remove_refuses_the_last_signer_and_one_who_decided(run):
    runner, wf = run("unanimous", ROLES[:2])
    a, b = ready(runner, wf)
    runner.remove_signer(wf, a.id)
    with pytest.raises(SignerRefused, match="最后一位"):
        runner.remove_signer(wf, b.id)
    with pytest.raises(SignerRefused, match="已办理"):
        runner.remove_signer(wf, a.id)


def test_signers_refused_on_a_plain_task_and_an_unknown_position(run, frozen_clock):
    runner, wf = run("in_turn")
    first, = ready(runner, wf)
    with pytest.raises(SignerRefused, match="位置"):
        runner.add_signer(wf, first.id, 99, "middle")
    plain = ProcessRunner(load_bundle_from_files([Path(__file__).parent / "fixtures" / "two_step.bpmn"]),
                          EngineEnvironment(frozen_clock, WorkingCalendar()))
    pwf = plain.start({})
    task = plain.ready_human_tasks(pwf)[0]
    with pytest.raises(SignerRefused, match="不是多人审批环节"):
        plain.add_signer(pwf, task.id, 99, "after")


def test_a_step_restored_mid_way_keeps_its_added_and_removed_signers(run):
    runner, wf = run("countersign")
    a, b, c = ready(runner, wf)
    new_id = runner.add_signer(wf, a.id, 99, "after")  # 2/3 of 4 → 3
    vote(runner, wf, a, "approve")
    runner.remove_signer(wf, b.id)  # 2/3 of 3 → 2
    wf = runner.restore(runner.dump(wf))
    assert {t.id for t in ready(runner, wf)} == {c.id, new_id}
    assert next(t for t in ready(runner, wf) if t.id == new_id).signer == 99
    vote(runner, wf, next(t for t in ready(runner, wf) if t.id == new_id), "approve", 99)
    assert ended_at(wf) == "passed"


def test_a_sequential_chain_restored_mid_way_keeps_the_queued_signer(run):
    runner, wf = run("in_turn", ROLES[:2])
    first, = ready(runner, wf)
    runner.add_signer(wf, first.id, 99, "after")
    wf = runner.restore(runner.dump(wf))
    vote(runner, wf, ready(runner, wf)[0], "approve", 1)
    assert ready(runner, wf)[0].signer == 99


def _with(props: str, sequential: str = "false", form: str = "approval") -> str:
    text = FIXTURE.read_text(encoding="utf-8")
    start = text.index('  <bpmn:process id="unanimous"')
    end = text.index("</bpmn:process>", start) + len("</bpmn:process>")
    process = text[start:end].replace('<spiffworkflow:property name="approval_mode" value="all"/>', props)
    process = process.replace('isSequential="false"', f'isSequential="{sequential}"')
    process = process.replace('name="form" value="approval"', f'name="form" value="{form}"')
    return text[:text.index("  <bpmn:process")] + process + "\n</bpmn:definitions>\n"


def _prop(name: str, value: str) -> str:
    return f'<spiffworkflow:property name="{name}" value="{value}"/>'


@pytest.mark.parametrize("props, sequential, form, reason", [
    (_prop("approval_mode", "majority"), "false", "approval", "未知的 approval_mode"),
    (_prop("approval_mode", "sequential"), "false", "approval", 'isSequential="true"'),
    (_prop("approval_mode", "all"), "true", "approval", 'isSequential="false"'),
    (_prop("approval_mode", "all") + _prop("pass_ratio", "3/2"), "false", "approval", "pass_ratio 须为"),
    (_prop("approval_mode", "all") + _prop("pass_ratio", "0"), "false", "approval", "pass_ratio 须为"),
    (_prop("approval_mode", "any") + _prop("pass_ratio", "0.5"), "false", "approval", "只能用于"),
    (_prop("approval_mode", "all"), "false", "generic", "审批表单"),
])
def test_deploy_refuses_a_signing_step_that_would_miscount(props, sequential, form, reason):
    with pytest.raises(DefinitionError) as caught:
        load_bundle({"signing.bpmn": _with(props, sequential, form)})
    assert caught.value.filename == "signing.bpmn" and caught.value.element_id == "unanimous_sign"
    assert reason in caught.value.reason


def test_deploy_refuses_a_mode_on_a_single_task():
    text = (Path(__file__).parent / "fixtures" / "chain.bpmn").read_text(encoding="utf-8")
    text = text.replace("<bpmn:multiInstanceLoopCharacteristics", "<!--").replace(
        "</bpmn:multiInstanceLoopCharacteristics>", "-->").replace(
        '<spiffworkflow:property name="role_variable"', _prop("approval_mode", "all") +
        _prop("form", "approval") + '<spiffworkflow:property name="role_variable"')
    with pytest.raises(DefinitionError, match="多实例用户任务") as caught:
        load_bundle({"chain.bpmn": text})
    assert caught.value.element_id == "approve"


def test_sending_back_to_an_earlier_task_leaves_no_signer_behind(frozen_clock):
    """退回 (`reset_from_task_id` to an earlier user task) drops the signing step, added signers included."""
    text = FIXTURE.read_text(encoding="utf-8")
    start = text.index('  <bpmn:process id="unanimous"')
    end = text.index("</bpmn:process>", start) + len("</bpmn:process>")
    process = text[start:end].replace('targetRef="unanimous_sign"/>', 'targetRef="prepare"/>').replace(
        '<bpmn:incoming>unanimous_f1</bpmn:incoming>', '<bpmn:incoming>to_sign</bpmn:incoming>').replace(
        '    <bpmn:exclusiveGateway', '''    <bpmn:userTask id="prepare" name="拟稿">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="role" value="window_staff"/>
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>unanimous_f1</bpmn:incoming>
      <bpmn:outgoing>to_sign</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="to_sign" sourceRef="prepare" targetRef="unanimous_sign"/>
    <bpmn:exclusiveGateway''', 1)
    runner = ProcessRunner(load_bundle({"prepared.bpmn": text[:text.index("  <bpmn:process")] + process
                                        + "\n</bpmn:definitions>\n"}),
                           EngineEnvironment(frozen_clock, WorkingCalendar()))
    wf = runner.start({"signers": ROLES})
    prepare, = ready(runner, wf)
    runner.complete(wf, prepare.id, {}, 5, [5])
    a, b, c = ready(runner, wf)
    runner.add_signer(wf, a.id, 99, "after")
    vote(runner, wf, b, "approve")
    wf.reset_from_task_id(__import__("uuid").UUID(prepare.id))
    again, = ready(runner, wf)
    assert again.meta.spec_name == "prepare"
    assert not [t for t in wf.get_tasks(state=TaskState.NOT_FINISHED_MASK)
                if t.task_spec.name == "unanimous_sign [child]"]
    runner.complete(wf, again.id, {}, 5, [5])
    assert [t.signer for t in ready(runner, wf)] == [None, None, None]  # the step starts over, as defined


def test_a_step_without_signers_ends_not_passed(run):
    runner, wf = run("unanimous", [])
    assert ended_at(wf) == "rejected"
    assert step_data(wf, "unanimous")["unanimous_sign_votes"] == []


@pytest.mark.parametrize("props, reason", [
    (_prop("approval_mode", "all") + _prop("official_variable", "someone"), "须为多实例的 inputDataItem"),
    (_prop("official_variable", "unanimous_signer_role"), "只能用于多人审批环节"),
])
def test_deploy_refuses_an_official_variable_that_names_nobody(props, reason):
    text = _with(props).replace('<spiffworkflow:property name="role_variable" value="unanimous_signer_role"/>', "")
    with pytest.raises(DefinitionError) as caught:
        load_bundle({"signing.bpmn": text})
    assert caught.value.element_id == "unanimous_sign" and reason in str(caught.value)


def test_deploy_refuses_both_a_role_and_a_named_official():
    with pytest.raises(DefinitionError, match="只能二选一"):
        load_bundle({"signing.bpmn": _with(_prop("approval_mode", "all") +
                                           _prop("official_variable", "unanimous_signer_role"))})


def test_a_signer_added_where_signers_are_named_is_named_too(frozen_clock):
    text = _with(_prop("approval_mode", "all") + _prop("official_variable", "unanimous_signer_role")).replace(
        '<spiffworkflow:property name="role_variable" value="unanimous_signer_role"/>', "")
    runner = ProcessRunner(load_bundle({"signing.bpmn": text}), EngineEnvironment(frozen_clock, WorkingCalendar()))
    wf = runner.start({"signers": [11, 12]})
    a, b = ready(runner, wf)
    assert (a.named_official, b.named_official) == (11, 12)
    new_id = runner.add_signer(wf, a.id, 99, "after")
    added = next(t for t in ready(runner, wf) if t.id == new_id)
    assert (added.named_official, added.signer) == (99, 99)
    for task, who in ((a, 11), (b, 12), (added, 99)):
        vote(runner, wf, task, "approve", who)
    assert [v["signer"] for v in step_data(wf, "unanimous")["unanimous_sign_votes"]] == [11, 12, 99]
