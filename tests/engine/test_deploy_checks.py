"""Deploy checks over the whole diagram (engine.checks): each message, with file and element, all at once."""

from pathlib import Path

import pytest

from engine.errors import DefinitionError
from engine.specs import Vocabulary, load_bundle

FIXTURES = Path(__file__).parent / "fixtures"
TWO_STEP = (FIXTURES / "two_step.bpmn").read_text(encoding="utf-8")
RULE_TASK = (FIXTURES / "rule_task.bpmn").read_text(encoding="utf-8")
ROUTE_DMN = (FIXTURES / "route.dmn").read_text(encoding="utf-8")
ELEMENTS = FIXTURES / "elements"

NO_CONDITION = ('<bpmn:sequenceFlow id="f_no" sourceRef="decide" targetRef="rejected">\n'
                '      <bpmn:conditionExpression>approval["outcome"] == "不同意"</bpmn:conditionExpression>\n'
                '    </bpmn:sequenceFlow>')
FIVE_WORKING_DAYS = "<bpmn:timeDate>working_days_after(received_on, 5)</bpmn:timeDate>"
STRAY_TASK = """<bpmn:userTask id="forgotten" name="无人到达">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="role" value="window_head"/>
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:outgoing>f_stray</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f_stray" sourceRef="forgotten" targetRef="approved"/>
  </bpmn:process>"""


def mutate(source: str, old: str, new: str) -> str:
    assert source.count(old) == 1, f"fixture text not found exactly once: {old!r}"
    return source.replace(old, new)


def problems(sources: dict[str, str], vocabulary: Vocabulary | None = None) -> list[tuple[str, str | None, str]]:
    with pytest.raises(DefinitionError) as info:
        load_bundle(sources, vocabulary=vocabulary)
    return [(p.filename, p.element_id, p.reason) for p in info.value.problems]


# --- gateways ---------------------------------------------------------------------------------------------------


def test_an_exclusive_gateway_with_a_flow_without_condition_and_no_default_is_refused_naming_the_flow():
    source = mutate(TWO_STEP, NO_CONDITION, '<bpmn:sequenceFlow id="f_no" sourceRef="decide" targetRef="rejected"/>')
    [(file, element, reason)] = problems({"p.bpmn": source})
    assert (file, element) == ("p.bpmn", "decide")
    assert reason == "排他网关有 2 条出口，顺序流 f_no 既无条件也不是默认流：请为每条非默认出口写条件，或设一条默认流"


def test_the_same_gateway_with_that_flow_as_default_deploys():
    source = mutate(TWO_STEP, NO_CONDITION, '<bpmn:sequenceFlow id="f_no" sourceRef="decide" targetRef="rejected"/>')
    source = mutate(source, '<bpmn:exclusiveGateway id="decide" name="是否同意">',
                    '<bpmn:exclusiveGateway id="decide" name="是否同意" default="f_no">')
    assert load_bundle({"p.bpmn": source}).process_id == "two_step"
    assert load_bundle({"d.bpmn": (ELEMENTS / "core_exclusive_default.bpmn").read_text(encoding="utf-8")})


def test_an_inclusive_gateway_is_held_to_the_same_rule():
    source = mutate(TWO_STEP, NO_CONDITION, '<bpmn:sequenceFlow id="f_no" sourceRef="decide" targetRef="rejected"/>')
    source = source.replace("exclusiveGateway", "inclusiveGateway")
    [(_file, element, reason)] = problems({"p.bpmn": source})
    assert element == "decide"
    assert reason.startswith("包容网关有 2 条出口，顺序流 f_no 既无条件")


def test_an_empty_condition_counts_as_none():
    source = mutate(TWO_STEP, 'approval["outcome"] == "不同意"', "   ")
    [(_file, element, _reason)] = problems({"p.bpmn": source})
    assert element == "decide"


# --- timers -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("timer", ['<bpmn:timeDuration>"P5D"</bpmn:timeDuration>',
                                   '<bpmn:timeDuration>"P1W"</bpmn:timeDuration>',
                                   '<bpmn:timeDuration>"P1M"</bpmn:timeDuration>',
                                   '<bpmn:timeDuration>"P1DT2H"</bpmn:timeDuration>',
                                   '<bpmn:timeCycle>"R3/P1D"</bpmn:timeCycle>'])
def test_a_timer_literal_in_calendar_days_is_refused(timer):
    source = mutate(TWO_STEP, FIVE_WORKING_DAYS, timer)
    [(file, element, reason)] = problems({"p.bpmn": source})
    assert (file, element) == ("p.bpmn", "wait_five_days")
    literal = timer.split(">")[1].split("<")[0].strip('"')
    assert reason == (f"计时器 {literal!r} 按自然日计算（含周末、节假日）：期限请用 working_days_after(开始, 天数) 或 "
                      "close_of_day(日期) 按工作日计算，或引用流程变量")


@pytest.mark.parametrize("timer", ['<bpmn:timeDuration>"PT2H"</bpmn:timeDuration>',  # within the day: a reminder
                                   '<bpmn:timeCycle>"R3/PT1H"</bpmn:timeCycle>',
                                   '<bpmn:timeDate>"2026-04-01T08:00:00+08:00"</bpmn:timeDate>',  # a fixed date
                                   "<bpmn:timeDate>close_of_day(received_on)</bpmn:timeDate>",
                                   "<bpmn:timeDate>deadline</bpmn:timeDate>",  # a variable the process computed
                                   "<bpmn:timeDuration>wait_for</bpmn:timeDuration>"])
def test_timers_in_working_days_hours_fixed_dates_or_variables_deploy(timer):
    assert load_bundle({"p.bpmn": mutate(TWO_STEP, FIVE_WORKING_DAYS, timer)}).process_id == "two_step"


def test_a_timer_start_event_is_a_schedule_and_may_repeat_every_calendar_day():
    source = (ELEMENTS / "timers_start_cycle.bpmn").read_text(encoding="utf-8")
    assert '"R3/P1D"' in source
    assert load_bundle({"s.bpmn": source})


# --- reachability -----------------------------------------------------------------------------------------------


def test_an_element_no_path_reaches_is_refused_each_one_named():
    source = mutate(TWO_STEP, "  </bpmn:process>", STRAY_TASK)
    assert problems({"p.bpmn": source}) == [("p.bpmn", "forgotten", "从开始事件出发无法到达此元素（检查连线）")]


def test_a_flow_drawn_past_an_element_leaves_it_unreachable():
    source = mutate(TWO_STEP, '<bpmn:sequenceFlow id="f3" sourceRef="wait_five_days" targetRef="approve"/>',
                    '<bpmn:sequenceFlow id="f3" sourceRef="wait_five_days" targetRef="decide"/>')
    found = problems({"p.bpmn": source})
    assert ("p.bpmn", "approve", "从开始事件出发无法到达此元素（检查连线）") in found


@pytest.mark.parametrize("fixture", ["core_error_boundary.bpmn", "core_subprocess.bpmn", "core_escalation.bpmn",
                                     "timers_event_gateway.bpmn", "timers_interrupting_duration.bpmn",
                                     "messages_collaboration.bpmn", "core_call_activity.bpmn"])
def test_boundary_events_sub_processes_and_pools_are_reached(fixture):
    text = (ELEMENTS / fixture).read_text(encoding="utf-8")
    sources = {fixture: text}
    if fixture == "core_call_activity.bpmn":
        sources["v.bpmn"] = (ELEMENTS / "core_call_activity_verify_identity.bpmn").read_text(encoding="utf-8")
    assert load_bundle(sources, process_id=None if len(sources) == 1 else "core_call_activity")


# --- every problem at once --------------------------------------------------------------------------------------


def test_gateway_timer_unreachable_and_assignment_problems_are_reported_together():
    source = mutate(TWO_STEP, NO_CONDITION, '<bpmn:sequenceFlow id="f_no" sourceRef="decide" targetRef="rejected"/>')
    source = mutate(source, FIVE_WORKING_DAYS, '<bpmn:timeDuration>"P5D"</bpmn:timeDuration>')
    source = mutate(source, "  </bpmn:process>", STRAY_TASK)
    source = mutate(source, '<spiffworkflow:property name="role" value="dept_deputy_leader"/>', "")
    found = {(element, reason.split("：")[0][:8]) for _file, element, reason in problems({"p.bpmn": source})}
    assert {element for element, _ in found} == {"decide", "wait_five_days", "forgotten", "approve"}


# --- DMN inputs -------------------------------------------------------------------------------------------------


def rule_task(start: frozenset[str]) -> Vocabulary:
    return Vocabulary(start_variables={"rule_task": start})


def test_a_decision_input_nothing_sets_is_refused_at_the_rule_task():
    found = problems({"rule_task.bpmn": RULE_TASK, "route.dmn": ROUTE_DMN}, rule_task(frozenset()))
    [(file, element, reason)] = found
    assert (file, element) == ("rule_task.bpmn", "route")
    assert reason.startswith("决策表“") and "（route.dmn）的输入" in reason
    assert "读取的变量 days 在流程中无处赋值（开始数据、脚本、任务结果都没有）" in reason


def test_a_decision_input_from_the_declared_start_data_deploys():
    assert load_bundle({"rule_task.bpmn": RULE_TASK, "route.dmn": ROUTE_DMN}, vocabulary=rule_task(frozenset({"days"})))


def test_a_decision_input_a_script_sets_deploys():
    script = mutate(RULE_TASK, '<bpmn:businessRuleTask id="route" name="确定审批人">',
                    '<bpmn:businessRuleTask id="route" name="确定审批人">\n'
                    '      <bpmn:extensionElements><spiffworkflow:preScript>days = 3</spiffworkflow:preScript>'
                    '</bpmn:extensionElements>')
    script = script.replace("</bpmn:extensionElements>\n      <bpmn:extensionElements>", "")
    assert load_bundle({"rule_task.bpmn": script, "route.dmn": ROUTE_DMN}, vocabulary=rule_task(frozenset()))


def test_a_process_whose_start_data_nobody_declared_leaves_decision_inputs_unchecked():
    assert load_bundle({"rule_task.bpmn": RULE_TASK, "route.dmn": ROUTE_DMN}, vocabulary=Vocabulary())


# --- assignment -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rule", ["", '<spiffworkflow:property name="performer_of" value="receive"/>'])
def test_a_user_task_without_an_assignment_rule_is_refused_naming_every_way_to_give_one(rule):
    source = mutate(TWO_STEP, '<spiffworkflow:property name="role" value="dept_deputy_leader"/>', rule)
    assert problems({"p.bpmn": source}) == [
        ("p.bpmn", "approve", "用户任务缺少分派规则（role、role_variable 或 official_variable）")]
