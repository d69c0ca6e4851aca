"""The complaint process (bpmn/complaint.bpmn with bpmn/duty_rule_measures.dmn), at engine level.

Who gets each task is asserted the way the inbox sees it: the ready task's assignment resolved
against a small org chart.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from results import entered
from SpiffWorkflow.util.task import TaskState

from engine.assignment import CaseContext, OfficialInfo, OrgSnapshot, resolve
from engine.calendar import WorkingCalendar
from engine.runtime import EngineEnvironment, ProcessRunner, ReadyTask
from engine.serializer import dumps
from engine.specs import SpecBundle, load_bundle_from_files

BPMN_DIR = Path(__file__).resolve().parents[2] / "bpmn"
FILES = [BPMN_DIR / "complaint.bpmn", BPMN_DIR / "duty_rule_measures.dmn"]
SERVICES = ("discipline.open_case_from_complaint", "discipline.record_complaint_reply")

# 公安局 (department 10), window 101: head 11, staff 12. Centre office 33 and 37 (效能办 sits there),
# efficiency group 34, director 32.
OFFICIALS = [
    OfficialInfo(11, "张窗口", frozenset({"window_head", "window_staff"}), 10, 101),
    OfficialInfo(12, "李四", frozenset({"window_staff"}), 10, 101),
    OfficialInfo(32, "冯主任", frozenset({"centre_director"})),
    OfficialInfo(33, "陈办公室", frozenset({"centre_office"})),
    OfficialInfo(34, "褚效能", frozenset({"efficiency_group"})),
    OfficialInfo(37, "卫办公室", frozenset({"centre_office"})),
]
ORG = OrgSnapshot({o.id: o for o in OFFICIALS})
OFFICE = (33, 37)
WINDOW_HEADS = {101: 11}
WINDOW_DEPARTMENTS = {101: 10}


@pytest.fixture(scope="module")
def bundle() -> SpecBundle:
    return load_bundle_from_files(FILES)


@pytest.fixture
def runner(bundle, frozen_clock, service_recorder) -> ProcessRunner:
    return ProcessRunner(bundle, EngineEnvironment(frozen_clock, WorkingCalendar(),
                                                   service_recorder.handlers(*SERVICES)))


def complaint(target_kind: str = "official", **overrides: Any) -> dict[str, Any]:
    data = {
        "complaint_id": 9001,
        "complaint_number": "TS-2026-0001",
        "source": "public",
        "summary": "窗口办件超过承诺时限，未说明理由",
        "target_kind": target_kind,
        "target_window_id": 101,
        "target_official_id": 12 if target_kind == "official" else None,
    }
    data.update(overrides)
    return data


def investigation(founded: bool = True, **overrides: Any) -> dict[str, Any]:
    form = {
        "founded": founded,
        "findings": "经调取办件记录核实，超过承诺时限 3 个工作日" if founded else "经核实，按期办结，投诉不属实",
        "duty_rule": "服务承诺制" if founded else "",
        "finding": "over_time_limit" if founded else "",
        "occurrence": 1,
        "rule_code": "5.6",
        "proposed_measure": "诫勉教育",
        "target_kind": "window",
    }
    form.update(overrides)
    return form


REPLY = {"reply": "您反映的问题已查实，已对该窗口立案处理。感谢监督。"}


def case_context(data: dict[str, Any]) -> CaseContext:
    """The contract: the target official, else the head of the target window."""
    window = data.get("target_window_id")
    who = data.get("target_official_id") or WINDOW_HEADS.get(window)
    return CaseContext(who, WINDOW_DEPARTMENTS.get(window), window)


def candidates(task: ReadyTask) -> tuple[int, ...]:
    return resolve(task.assignment, case_context(task.data), ORG, date(2026, 3, 2)).candidates


def only_ready(runner: ProcessRunner, workflow) -> ReadyTask:
    ready = runner.ready_human_tasks(workflow)
    assert len(ready) == 1, [t.meta.spec_name for t in ready]
    return ready[0]


def act(runner: ProcessRunner, workflow, expected: str, form: dict[str, Any]) -> ReadyTask:
    task = only_ready(runner, workflow)
    assert task.meta.spec_name == expected
    who = candidates(task)
    runner.complete(workflow, task.id, form, actor_id=who[0], candidates=who)
    return task


def data_at(workflow, bpmn_id: str) -> dict[str, Any]:
    [task] = [t for t in workflow.get_tasks(state=TaskState.COMPLETED) if t.task_spec.bpmn_id == bpmn_id]
    return task.data


def test_loads_with_schema_and_sandbox_checks(bundle):
    assert bundle.process_id == "complaint"
    metas = {name: (m.title, m.role, m.role_variable, m.form, m.result_variable, m.due_working_days, m.lane)
             for name, m in bundle.human_tasks.items()}
    assert metas == {
        "investigate_complaint": ("调查核实", "centre_office", None, "investigation", "investigation", 5,
                                  "投诉受理/中心办公室"),
        "reply_to_complainant": ("答复投诉人", "centre_office", None, "complaint_reply", "reply", 5,
                                 "投诉受理/中心办公室"),
    }
    operators = {s.bpmn_id: (s.operation_name, dict(s.operation_params))
                 for s in bundle.spec.task_specs.values() if hasattr(s, "operation_name")}
    assert operators == {
        "open_sanction_case": ("discipline.open_case_from_complaint",
                               {"complaint_id": {"type": "int", "value": "complaint_id"}}),
        "record_complaint_reply": ("discipline.record_complaint_reply",
                                   {"complaint_id": {"type": "int", "value": "complaint_id"}}),
    }


def test_founded_complaint_opens_a_case_then_answers(runner, service_recorder):
    workflow = runner.start(complaint("window"))
    investigate = act(runner, workflow, "investigate_complaint", investigation())
    assert candidates(investigate) == OFFICE

    # 服务承诺制 六 2: a window over its promised time limit the first time → 诫勉教育 of the window
    assert service_recorder.calls == [("discipline.open_case_from_complaint", {"complaint_id": 9001})]
    seen = service_recorder.contexts[0]
    assert (seen["measure"], seen["measure_target"], seen["measure_rule_code"]) == ("诫勉教育", "window", "")
    assert entered(seen["investigation"]) == investigation()
    assert (seen["duty_rule"], seen["finding"], seen["occurrence"]) == ("服务承诺制", "over_time_limit", 1)

    reply = act(runner, workflow, "reply_to_complainant", REPLY)
    assert candidates(reply) == OFFICE
    assert service_recorder.names() == ["discipline.open_case_from_complaint", "discipline.record_complaint_reply"]
    assert service_recorder.calls[-1] == ("discipline.record_complaint_reply", {"complaint_id": 9001})
    assert entered(service_recorder.contexts[-1]["reply"]) == REPLY
    assert workflow.completed and runner.end_event(workflow) == "complaint_answered"


@pytest.mark.parametrize(("form", "expected"), [
    (investigation(occurrence=2), ("效能告诫", "window", "")),  # again: escalates
    (investigation(duty_rule="限时办结制", finding="no_receipt_slip", target_kind="official"),
     ("效能告诫", "official", "6.3")),
    (investigation(duty_rule="首问负责制", finding="not_implemented", occurrence=3), ("效能告诫", "official", "6.3")),
    (investigation(occurrence=None), ("诫勉教育", "window", "")),  # no count given: the first time
    (investigation(duty_rule="", finding="", rule_code="5.11"), ("", "", "")),  # none of the six rules
])
def test_measure_proposed_by_the_table(runner, service_recorder, form, expected):
    workflow = runner.start(complaint())
    act(runner, workflow, "investigate_complaint", form)
    seen = service_recorder.contexts[0]
    assert (seen["measure"], seen["measure_target"], seen["measure_rule_code"]) == expected
    assert seen["investigation"]["rule_code"] == form["rule_code"]  # the investigator's proposal stays in data
    act(runner, workflow, "reply_to_complainant", REPLY)
    assert runner.end_event(workflow) == "complaint_answered"


def test_unfounded_complaint_is_answered_without_a_case(runner, service_recorder):
    workflow = runner.start(complaint(source="supervisor"))
    act(runner, workflow, "investigate_complaint", investigation(founded=False))
    assert service_recorder.calls == []
    act(runner, workflow, "reply_to_complainant", {"reply": "经核实，该件按期办结。"})
    assert service_recorder.calls == [("discipline.record_complaint_reply", {"complaint_id": 9001})]
    assert runner.end_event(workflow) == "complaint_answered"
    assert "measure" not in data_at(workflow, "complaint_answered")


def test_founded_must_be_a_true_boolean(runner, service_recorder):
    workflow = runner.start(complaint())
    act(runner, workflow, "investigate_complaint", investigation(founded="false"))
    assert service_recorder.calls == []  # a stray string is not a finding
    assert only_ready(runner, workflow).meta.spec_name == "reply_to_complainant"


def test_state_survives_restore_between_steps(runner, bundle, service_recorder):
    workflow = runner.start(complaint(summary="窗口人员态度蛮横"))
    act(runner, workflow, "investigate_complaint",
        investigation(duty_rule="服务承诺制", finding="rude_service", target_kind="official"))
    text = dumps(runner.dump(workflow))
    assert "态度蛮横" in text and "\\u" not in text
    fresh = ProcessRunner(load_bundle_from_files(FILES), runner.env)
    workflow = fresh.restore(json.loads(text))
    act(fresh, workflow, "reply_to_complainant", REPLY)
    assert fresh.end_event(workflow) == "complaint_answered"
    assert data_at(workflow, "complaint_answered")["measure_rule_code"] == "6.9"


def test_diagram(check_diagram):
    check_diagram(FILES[0], ["投诉受理/中心办公室", "系统"])
