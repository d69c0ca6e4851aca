"""A deployed definition's DMN decision evaluated outside a running process (engine.decisions)."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import budget
from engine.calendar import WorkingCalendar
from engine.decisions import evaluate_decision
from engine.errors import ExecutionError
from engine.runtime import EngineEnvironment
from engine.specs import load_bundle, load_bundle_from_files

BPMN_DIR = Path(__file__).resolve().parents[2] / "bpmn"


@pytest.fixture(scope="module")
def complaint_bundle():
    return load_bundle_from_files([BPMN_DIR / "complaint.bpmn", BPMN_DIR / "duty_rule_measures.dmn"])


@pytest.fixture
def env(frozen_clock) -> EngineEnvironment:
    return EngineEnvironment(frozen_clock, WorkingCalendar())


def test_the_complaint_process_table_decides_outside_an_instance(complaint_bundle, env):
    first = evaluate_decision(complaint_bundle, "duty_rule_measure",
                              {"duty_rule": "限时办结制", "finding": "over_time_limit", "occurrence": 1}, env)
    again = evaluate_decision(complaint_bundle, "duty_rule_measure",
                              {"duty_rule": "限时办结制", "finding": "over_time_limit", "occurrence": 2}, env)
    assert first == {"measure": "诫勉教育", "measure_target": "window", "measure_rule_code": ""}
    assert again == {"measure": "效能告诫", "measure_target": "window", "measure_rule_code": "6.3"}


def test_the_catch_all_row_gives_empty_outputs(complaint_bundle, env):
    assert evaluate_decision(complaint_bundle, "duty_rule_measure",
                             {"duty_rule": "", "finding": "", "occurrence": 1}, env) == {
        "measure": "", "measure_target": "", "measure_rule_code": ""}


def test_a_decision_no_task_calls_is_an_error_naming_it(complaint_bundle, env):
    with pytest.raises(ExecutionError, match="leave_route"):
        evaluate_decision(complaint_bundle, "leave_route", {}, env)


DMN_WITH_BAD_CELL = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="sizes" name="sizes" namespace="x">
  <decision id="size" name="size">
    <decisionTable id="size_table" hitPolicy="FIRST">
      <input id="n_input" label="n">
        <inputExpression id="n_expr" typeRef="number"><text>n * n</text></inputExpression>
      </input>
      <output id="label_output" name="label" typeRef="string"/>
      <rule id="big">
        <inputEntry id="big_n"><text>? &gt; limit</text></inputEntry>
        <outputEntry id="big_label"><text>"big"</text></outputEntry>
      </rule>
    </decisionTable>
  </decision>
</definitions>
"""

BPMN_CALLING_SIZE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d" targetNamespace="x">
  <bpmn:process id="sizing" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:businessRuleTask id="decide_size">
      <bpmn:extensionElements><spiffworkflow:calledDecisionId>size</spiffworkflow:calledDecisionId>
      </bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:businessRuleTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="decide_size"/>
    <bpmn:sequenceFlow id="f2" sourceRef="decide_size" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


@pytest.fixture(scope="module")
def sizing_bundle():
    return load_bundle({"sizing.bpmn": BPMN_CALLING_SIZE, "size.dmn": DMN_WITH_BAD_CELL})


def test_no_matching_row_gives_nothing(sizing_bundle, env):
    assert evaluate_decision(sizing_bundle, "size", {"n": 1, "limit": 5}, env) == {}
    assert evaluate_decision(sizing_bundle, "size", {"n": 9, "limit": 5}, env) == {"label": "big"}


def test_a_failing_cell_is_an_execution_error_naming_the_calling_task(sizing_bundle, env):
    with pytest.raises(ExecutionError) as caught:
        evaluate_decision(sizing_bundle, "size", {"n": 9}, env)  # `limit` is not defined
    assert caught.value.element_id == "decide_size"


def test_cells_run_under_the_budget(sizing_bundle, frozen_clock):
    tight = EngineEnvironment(frozen_clock, WorkingCalendar(), limits=budget.Limits(max_int_bits=64))
    with pytest.raises(ExecutionError, match="上限 64 位") as caught:
        evaluate_decision(sizing_bundle, "size", {"n": 2 ** 200, "limit": 5}, tight)
    assert caught.value.element_id == "decide_size"
