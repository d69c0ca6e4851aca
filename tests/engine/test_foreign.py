"""Diagrams from other modelers: Camunda/Flowable attributes, lane roles, plain tasks, DMN 1.1/1.2/1.3."""

import re
from datetime import datetime
from pathlib import Path

import pytest
from SpiffWorkflow.util.task import TaskState

from engine.calendar import WorkingCalendar
from engine.clock import CENTRE_TZ, FrozenClock
from engine.errors import DefinitionError
from engine.runtime import EngineEnvironment, ProcessRunner
from engine.specs import Vocabulary, load_bundle
from workflows.org.roles import ROLE_LABELS

FIXTURES = Path(__file__).parent / "fixtures"
ELEMENTS = FIXTURES / "elements"
RULE_TASK = (FIXTURES / "rule_task.bpmn").read_text(encoding="utf-8")
OFFICIAL = 101
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
# What a deploy passes: the org chart's roles with their labels, and the registered forms.
DEPLOY = Vocabulary(forms=frozenset({"approval"}), roles=frozenset(ROLE_LABELS), role_labels=ROLE_LABELS)


def element(name: str) -> str:
    return (ELEMENTS / name).read_text(encoding="utf-8")


def refusal(sources: dict[str, str], vocabulary: Vocabulary = DEPLOY) -> dict[str | None, str]:
    """`{element id: its reasons, joined}` of every problem the deploy reports."""
    with pytest.raises(DefinitionError) as info:
        load_bundle(sources, None, vocabulary)
    reasons: dict[str | None, str] = {}
    for problem in info.value.problems:
        reasons[problem.element_id] = " / ".join(filter(None, [reasons.get(problem.element_id), problem.reason]))
    return reasons


@pytest.fixture
def env() -> EngineEnvironment:
    return EngineEnvironment(FrozenClock(datetime(2026, 9, 25, 10, 0, tzinfo=CENTRE_TZ)), WorkingCalendar())


def run_through(runner: ProcessRunner, data: dict) -> tuple[list[tuple[str, str | None]], object]:
    """Start, then complete every human task as it comes: the (task, role) pairs in order, and the workflow."""
    workflow = runner.start(data)
    offered = []
    while ready := runner.ready_human_tasks(workflow):
        [task] = ready
        offered.append((task.meta.spec_name, task.meta.role))
        runner.complete(workflow, task.id, {"outcome": "同意"}, OFFICIAL, [OFFICIAL])
    return offered, workflow


# --- Camunda Modeler and Flowable ------------------------------------------------------------------


def test_a_camunda_modeler_diagram_deploys_with_its_attributes_mapped_and_runs(env):
    bundle = load_bundle({"modelers_camunda.bpmn": element("modelers_camunda.bpmn"),
                          "route.dmn": element("modelers_route_dmn13.dmn")}, None, DEPLOY)
    receive, approve = bundle.human_tasks["receive"], bundle.human_tasks["approve"]
    assert (receive.role, receive.form, receive.due_variable) == ("window_head", "approval", "receive_due")
    assert (approve.role, approve.result_variable) == ("centre_director", "approval")  # by its label 中心主任
    offered, workflow = run_through(ProcessRunner(bundle, env), {"days": 1, "receive_due": "2026-09-28T17:00:00+08:00"})
    assert offered == [("receive", "window_head"), ("approve", "centre_director")]
    assert workflow.is_completed()
    assert workflow.data["approver"] == "window_head"  # camunda:decisionRef called the DMN table


def test_a_flowable_diagram_maps_flowable_and_activiti_attributes_and_runs(env):
    bundle = load_bundle({"modelers_flowable.bpmn": element("modelers_flowable.bpmn")}, None, DEPLOY)
    assert bundle.human_tasks["check"].form == "approval"
    offered, workflow = run_through(ProcessRunner(bundle, env), {})
    assert offered == [("check", "window_staff"), ("sign", "window_head")]
    assert workflow.is_completed()


def test_govflow_properties_given_in_the_diagram_win_over_the_foreign_attribute():
    source = element("modelers_camunda.bpmn").replace(
        "<camunda:properties>",
        '<spiffworkflow:properties><spiffworkflow:property name="role" value="centre_deputy_director" />'
        "</spiffworkflow:properties><camunda:properties>",
    ).replace("<bpmn:definitions ", f'<bpmn:definitions xmlns:spiffworkflow="{SPIFF_NS}" ')
    bundle = load_bundle({"c.bpmn": source, "route.dmn": element("modelers_route_dmn13.dmn")}, None, DEPLOY)
    approve = bundle.human_tasks["approve"]
    assert (approve.role, approve.result_variable) == ("centre_deputy_director", "approval")


@pytest.mark.parametrize(("attribute", "reason"), [
    ('camunda:assignee="zhangsan"', "不能指定具体人员"),
    ('camunda:candidateUsers="zhangsan"', "不能指定具体人员"),
    ('camunda:assignee="${initiator}"', "分派不能用表达式"),
    ('camunda:candidateGroups="window_head,centre_director"', "只有一个办理角色"),
    ('camunda:dueDate="2026-10-01T00:00:00"', "期限须为"),
    ('camunda:formKey="embedded:app:forms/approve.html"', "未知的表单"),
    ('camunda:followUpDate="${later}"', "没有与之对应的功能"),
    ('camunda:assignee="window_head" camunda:candidateGroups="centre_director"', "不一致"),
])
def test_what_cannot_be_mapped_is_refused_naming_the_element(attribute, reason):
    source = element("modelers_camunda.bpmn").replace('camunda:candidateGroups="中心主任"', attribute)
    problems = refusal({"c.bpmn": source, "route.dmn": element("modelers_route_dmn13.dmn")})
    assert set(problems) == {"approve"}
    assert reason in problems["approve"]


def test_a_listener_is_refused_naming_its_task():
    source = element("modelers_camunda.bpmn").replace(
        "<camunda:properties>", '<camunda:taskListener class="org.example.Notify" event="create" /><camunda:properties>'
    )
    problems = refusal({"c.bpmn": source, "route.dmn": element("modelers_route_dmn13.dmn")})
    assert "camunda:taskListener" in problems["approve"]


def test_a_decision_ref_with_no_such_decision_is_refused():
    with pytest.raises(DefinitionError) as info:
        load_bundle({"c.bpmn": element("modelers_camunda.bpmn")}, None, DEPLOY)
    assert "route_decision" in str(info.value)


# --- lanes and plain tasks --------------------------------------------------------------------------


def test_human_tasks_without_a_rule_take_their_lanes_role_by_key_or_label(env):
    bundle = load_bundle({"modelers_lanes.bpmn": element("modelers_lanes.bpmn")}, None, DEPLOY)
    offered, workflow = run_through(ProcessRunner(bundle, env), {})
    # check: lane 窗口工作人员 (label); sign: lane centre_director (key); deliver keeps its own role
    assert offered == [("check", "window_staff"), ("sign", "centre_director"), ("deliver", "window_head")]
    assert workflow.is_completed()


def test_a_sub_lane_naming_a_role_is_nearer_than_its_parent_lane():
    source = element("modelers_lanes.bpmn").replace(
        '<bpmn:flowNodeRef>end</bpmn:flowNodeRef>',
        '<bpmn:flowNodeRef>end</bpmn:flowNodeRef><bpmn:childLaneSet id="sub_lanes">'
        '<bpmn:lane id="lane_deputy" name="中心分管领导"><bpmn:flowNodeRef>sign</bpmn:flowNodeRef></bpmn:lane>'
        "</bpmn:childLaneSet>",
    )
    bundle = load_bundle({"l.bpmn": source}, None, DEPLOY)
    assert bundle.human_tasks["sign"].role == "centre_deputy_director"


def test_a_lane_that_names_no_role_leaves_the_task_refused():
    source = element("modelers_lanes.bpmn").replace('name="窗口工作人员"', 'name="前台"')
    problems = refusal({"l.bpmn": source})
    assert set(problems) == {"check"}
    assert "缺少分派规则" in problems["check"]


def test_a_lane_naming_a_role_the_org_chart_lacks_is_refused():
    vocabulary = Vocabulary(roles=frozenset({"window_staff"}), role_labels=ROLE_LABELS)
    assert set(refusal({"l.bpmn": element("modelers_lanes.bpmn")}, vocabulary)) == {"sign", "deliver"}


def test_a_plain_task_completes_by_itself_and_is_nobodys_task(env):
    bundle = load_bundle({"modelers_lanes.bpmn": element("modelers_lanes.bpmn")}, None, DEPLOY)
    assert "notify" not in bundle.human_tasks
    runner = ProcessRunner(bundle, env)
    workflow = runner.start({})
    [check] = runner.ready_human_tasks(workflow)
    runner.complete(workflow, check.id, {}, OFFICIAL, [OFFICIAL])
    [notify] = [t for t in workflow.get_tasks() if t.task_spec.name == "notify"]
    assert notify.state == TaskState.COMPLETED


def test_a_manual_task_without_any_rule_is_still_refused():
    """A manual task is work an official does off-system and confirms: somebody must be accountable for it."""
    source = element("modelers_lanes.bpmn").replace('<spiffworkflow:property name="role" value="window_head" />', "")
    source = source.replace("<bpmn:flowNodeRef>deliver</bpmn:flowNodeRef>", "")  # in no lane
    problems = refusal({"l.bpmn": source})
    assert set(problems) == {"deliver"}


# --- DMN 1.1, 1.2, 1.3 -------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["11", "12", "13"])
def test_dmn_files_of_each_version_deploy_and_decide(env, version):
    bundle = load_bundle({"rule_task.bpmn": RULE_TASK, "route.dmn": element(f"modelers_route_dmn{version}.dmn")})
    workflow = ProcessRunner(bundle, env).start({"days": 5})
    [approve] = workflow.get_tasks(state=TaskState.READY, manual=True)
    assert approve.data["approver"] == "centre_director"


def dmn_refusal(text: str) -> DefinitionError:
    with pytest.raises(DefinitionError) as info:
        load_bundle({"rule_task.bpmn": RULE_TASK, "route.dmn": text})
    [problem] = info.value.problems
    assert problem.filename == "route.dmn"
    return problem


@pytest.mark.parametrize("version", ["11", "12", "13"])
def test_a_dmn_file_against_its_schema_is_refused_naming_file_and_element(version):
    text = element(f"modelers_route_dmn{version}.dmn").replace(
        '<output id="approver_output"', '<colour id="bad" /><output id="approver_output"'
    )
    assert dmn_refusal(text).element_id in {"bad", "route_table"}


def test_a_dmn_parser_failure_inside_a_valid_file_is_refused_naming_the_decision():
    text = element("modelers_route_dmn13.dmn").replace('<decisionTable id="route_table" ', "<decisionTable ")
    problem = dmn_refusal(text)  # SpiffWorkflow's parser reads the table's id unchecked: a KeyError inside it
    assert problem.element_id == "route_decision"
    assert "KeyError" in problem.reason


def test_a_decision_that_is_not_a_table_is_refused_naming_it():
    text = element("modelers_route_dmn13.dmn")
    start, end = text.index("<decisionTable"), text.index("</decisionTable>") + len("</decisionTable>")
    text = text[:start] + '<literalExpression id="lit"><text>"centre_director"</text></literalExpression>' + text[end:]
    problem = dmn_refusal(text)
    assert problem.element_id == "route_decision"
    assert "决策须为决策表" in problem.reason


def test_a_dmn_file_writing_its_elements_with_a_prefix_deploys(env):
    text = element("modelers_route_dmn13.dmn").replace('xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/"',
                                                        'xmlns:semantic="https://www.omg.org/spec/DMN/20191111/MODEL/"')
    text = re.sub(r"<(/?)(?![/?]|dmndi:|dc:)", r"<\1semantic:", text)
    bundle = load_bundle({"rule_task.bpmn": RULE_TASK, "route.dmn": text})
    [approve] = ProcessRunner(bundle, env).start({"days": 1}).get_tasks(state=TaskState.READY, manual=True)
    assert approve.data["approver"] == "window_head"


def test_a_second_decision_in_one_file_is_refused_naming_it():
    text = element("modelers_route_dmn13.dmn").replace(
        "  <dmndi:DMNDI>", '  <decision id="second" name="另一决策"><decisionTable id="t2"><output id="o2" name="x" />'
        "</decisionTable></decision>\n  <dmndi:DMNDI>")
    assert dmn_refusal(text).element_id == "second"


def test_a_dmn_namespace_of_no_supported_version_is_refused_by_name():
    text = element("modelers_route_dmn13.dmn").replace("https://www.omg.org/spec/DMN/20191111/MODEL/",
                                                        "https://www.omg.org/spec/DMN/20230324/MODEL/")
    assert "DMN 1.1、1.2 或 1.3" in dmn_refusal(text).reason
