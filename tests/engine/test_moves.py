"""Moving a running instance to another version: re-bound when every waiting element exists, else the reasons."""

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from engine.calendar import WorkingCalendar
from engine.clock import CENTRE_TZ, FrozenClock
from engine.moves import move
from engine.runtime import EngineEnvironment, ProcessRunner
from engine.specs import load_bundle

TWO_STEP = (Path(__file__).parent / "fixtures" / "two_step.bpmn").read_text(encoding="utf-8")
RECEIVED = {"applicant": "张三", "received_on": "2026-09-25"}
HEAD = 101

# Version B: one more step (核对) between 受理 and the five-day wait.
WITH_CHECK = TWO_STEP.replace(
    '<bpmn:sequenceFlow id="f2" sourceRef="receive" targetRef="wait_five_days"/>',
    '<bpmn:sequenceFlow id="f2" sourceRef="receive" targetRef="check"/>'
    '<bpmn:sequenceFlow id="f2b" sourceRef="check" targetRef="wait_five_days"/>',
).replace(
    '<bpmn:intermediateCatchEvent id="wait_five_days"',
    '<bpmn:userTask id="check" name="核对"><bpmn:extensionElements><spiffworkflow:properties>'
    '<spiffworkflow:property name="role" value="window_head"/></spiffworkflow:properties></bpmn:extensionElements>'
    '<bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f2b</bpmn:outgoing></bpmn:userTask>'
    '<bpmn:intermediateCatchEvent id="wait_five_days"',
).replace("<bpmn:flowNodeRef>receive</bpmn:flowNodeRef>",
          "<bpmn:flowNodeRef>receive</bpmn:flowNodeRef><bpmn:flowNodeRef>check</bpmn:flowNodeRef>")

# Version C: 受理 dropped, the process starts with the wait.
WITHOUT_RECEIVE = TWO_STEP.replace(
    '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="receive"/>',
    '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait_five_days"/>',
).replace('<bpmn:sequenceFlow id="f2" sourceRef="receive" targetRef="wait_five_days"/>', "").replace(
    "<bpmn:flowNodeRef>receive</bpmn:flowNodeRef>", "")
WITHOUT_RECEIVE = WITHOUT_RECEIVE[:WITHOUT_RECEIVE.index('<bpmn:userTask id="receive"')] + \
    WITHOUT_RECEIVE[WITHOUT_RECEIVE.index('<bpmn:intermediateCatchEvent id="wait_five_days"'):]
WITHOUT_RECEIVE = WITHOUT_RECEIVE.replace("<bpmn:incoming>f2</bpmn:incoming>", "<bpmn:incoming>f1</bpmn:incoming>")


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 9, 25, 10, 0, tzinfo=CENTRE_TZ))


def runner(text: str, clock: FrozenClock) -> ProcessRunner:
    return ProcessRunner(load_bundle({"two_step.bpmn": text}), EngineEnvironment(clock, WorkingCalendar()))


def ready_names(runner_: ProcessRunner, workflow) -> list[str]:
    return [t.meta.spec_name for t in runner_.ready_human_tasks(workflow)]


def test_a_waiting_task_moves_and_the_road_ahead_is_the_new_versions(clock):
    old, new = runner(TWO_STEP, clock), runner(WITH_CHECK, clock)
    workflow = old.start(RECEIVED)
    [receive] = old.ready_human_tasks(workflow)

    result = move(workflow, new.bundle)

    assert result.movable and result.refusals == ()
    moved = new.adopt(result.workflow)
    assert moved.spec is new.bundle.spec
    [same] = new.ready_human_tasks(moved)
    assert (same.id, same.meta.spec_name, same.data) == (receive.id, "receive", RECEIVED)  # same task, same data
    new.complete(moved, same.id, {"note": "材料齐全"}, HEAD, [HEAD])
    assert ready_names(new, moved) == ["check"]  # the step only the new version has
    # the moved state restores against the new version like any other
    again = new.restore(new.dump(moved))
    assert ready_names(new, again) == ["check"]
    assert ready_names(old, workflow) == ["receive"]  # the given workflow was not touched


def test_a_waiting_timer_keeps_its_due_time_after_the_move(clock):
    old, new = runner(TWO_STEP, clock), runner(WITH_CHECK, clock)
    workflow = old.start(RECEIVED)
    [receive] = old.ready_human_tasks(workflow)
    old.complete(workflow, receive.id, {"note": "材料齐全"}, HEAD, [HEAD])
    due = old.next_timer_due(workflow)

    moved = new.adopt(move(workflow, new.bundle).workflow)

    assert new.next_timer_due(moved) == due
    clock.set(due + timedelta(minutes=1))
    new.fire_due_timers(moved)
    assert ready_names(new, moved) == ["approve"]


def test_a_waiting_element_missing_in_the_target_refuses_with_its_id(clock):
    old, new = runner(TWO_STEP, clock), runner(WITHOUT_RECEIVE, clock)
    workflow = old.start(RECEIVED)

    result = move(workflow, new.bundle)

    assert not result.movable and result.workflow is None
    assert [r.element_id for r in result.refusals] == ["receive"]
    assert "正在等待的环节“受理”在目标版本中不存在" in result.refusals[0].reason


def test_a_passed_element_missing_in_the_target_refuses_too(clock):
    old, new = runner(TWO_STEP, clock), runner(WITHOUT_RECEIVE, clock)
    workflow = old.start(RECEIVED)
    [receive] = old.ready_human_tasks(workflow)
    old.complete(workflow, receive.id, {"note": "材料齐全"}, HEAD, [HEAD])

    result = move(workflow, new.bundle)

    assert [(r.element_id, r.reason) for r in result.refusals] == [
        ("receive", "已经过的环节“受理”在目标版本中不存在")]


def test_a_waiting_element_of_another_kind_refuses(clock):
    old = runner(TWO_STEP, clock)
    as_manual = runner(TWO_STEP.replace('<bpmn:userTask id="receive" name="受理">', '<bpmn:manualTask id="receive" '
                                        'name="受理">').replace("</bpmn:userTask>\n    <bpmn:intermediateCatchEvent",
                                                                "</bpmn:manualTask>\n    <bpmn:intermediateCatchEvent"),
                       clock)
    workflow = old.start(RECEIVED)

    [refusal] = move(workflow, as_manual.bundle).refusals

    assert refusal.element_id == "receive" and "类型不同" in refusal.reason
