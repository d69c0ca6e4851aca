"""engine.events: what a workflow waits for from outside, delivering to it, and collaborations of several pools."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.calendar import WorkingCalendar
from engine.errors import DefinitionError
from engine.events import MESSAGE, SIGNAL, EventRefused, WaitingCatch, message_start_names, waiting_catches
from engine.runtime import EngineEnvironment, ProcessRunner
from engine.specs import load_bundle, load_bundle_from_files

ELEMENTS = Path(__file__).parent / "fixtures" / "elements"


def runner(name: str, frozen_clock) -> ProcessRunner:
    return ProcessRunner(load_bundle_from_files([ELEMENTS / f"{name}.bpmn"]),
                         EngineEnvironment(frozen_clock, WorkingCalendar()))


def test_a_waiting_message_expects_the_correlation_its_data_gives(frozen_clock):
    reply = runner("messages_correlation", frozen_clock)
    workflow = reply.restore(reply.dump(reply.start({"case_number": 7})))
    assert waiting_catches(workflow) == {WaitingCatch(MESSAGE, "上级答复", '{"case_number": "7"}')}
    reply.deliver_event(workflow, MESSAGE, "上级答复", {"case_number": 7, "approved": True})
    assert workflow.completed and waiting_catches(workflow) == set()
    assert workflow.last_task.data["reply"] == {"case_number": 7, "approved": True}


def test_an_event_nothing_waits_for_is_refused(frozen_clock):
    reply = runner("messages_correlation", frozen_clock)
    workflow = reply.start({"case_number": "A-1"})
    with pytest.raises(EventRefused, match="流程没有在等待“政策调整”"):
        reply.deliver_event(workflow, SIGNAL, "政策调整", {})
    with pytest.raises(EventRefused, match="缺少关联属性"):  # the correlation cannot be read off the message
        reply.deliver_event(workflow, MESSAGE, "上级答复", {"approved": True})
    assert not workflow.completed


def test_a_signal_reaches_its_catch_event(frozen_clock):
    signal = runner("messages_signal", frozen_clock)
    workflow = signal.start({})
    assert waiting_catches(workflow) == {WaitingCatch(SIGNAL, "政策调整", "{}")}
    signal.deliver_event(workflow, SIGNAL, "政策调整", {})
    assert workflow.completed


def test_message_start_events_are_the_process_own(frozen_clock):
    assert message_start_names(runner("messages_start", frozen_clock).bundle.spec) == {"网上申报"}
    assert message_start_names(runner("messages_collaboration", frozen_clock).bundle.spec) == set()


def test_a_collaboration_loads_as_one_definition_whose_pools_exchange_messages(frozen_clock):
    collaboration = runner("messages_collaboration", frozen_clock)
    assert collaboration.bundle.process_id == "messages_collaboration"
    assert set(collaboration.bundle.subprocess_specs) == {"centre_process", "authority_process"}
    workflow = collaboration.restore(collaboration.dump(collaboration.start({"case_number": "A-1"})))
    assert workflow.completed
    centre_end = [t.data for t in workflow.get_tasks() if t.task_spec.name == "centre_end"]
    assert [data.get("answer") for data in centre_end] == [{"case_number": "A-1", "approved": True}]


def test_deploy_checks_apply_to_every_pool():
    source = (ELEMENTS / "messages_collaboration.bpmn").read_text(encoding="utf-8")
    unassigned = source.replace(
        '<bpmn:sequenceFlow id="a1" sourceRef="receive_request" targetRef="send_answer"/>',
        '<bpmn:userTask id="authority_review" name="审核"/>'
        '<bpmn:sequenceFlow id="a1" sourceRef="receive_request" targetRef="authority_review"/>'
        '<bpmn:sequenceFlow id="a1b" sourceRef="authority_review" targetRef="send_answer"/>')
    assert unassigned != source
    unsafe = source.replace('"approved": True', '"approved": __import__("os")')
    assert unsafe != source
    with pytest.raises(DefinitionError) as info:
        load_bundle({"c.bpmn": unassigned})
    assert [(p.element_id, p.reason) for p in info.value.problems] == [
        ("authority_review", "用户任务缺少分派规则（role、role_variable 或 official_variable）")]
    with pytest.raises(DefinitionError) as info:
        load_bundle({"c.bpmn": unsafe})
    assert info.value.element_id == "send_answer"
