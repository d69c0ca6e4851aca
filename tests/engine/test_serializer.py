"""Instance state without the spec: what is stored, and that a restore carries on where it stopped."""

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from uuid import UUID

import pytest
from results import entered
from SpiffWorkflow.util.task import TaskState

from engine.calendar import WorkingCalendar
from engine.clock import CENTRE_TZ, FrozenClock
from engine.runtime import EngineEnvironment, ProcessRunner
from engine.serializer import VERSION_KEY, dump_state, dumped_exactly, dumps, load_state
from engine.specs import load_bundle_from_files

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 9, 25, 10, 0, tzinfo=CENTRE_TZ))


@pytest.fixture
def runner(clock) -> ProcessRunner:
    bundle = load_bundle_from_files([FIXTURES / "two_step.bpmn"])
    return ProcessRunner(bundle, EngineEnvironment(clock, WorkingCalendar()))


def fresh_runner(runner: ProcessRunner, fixture: str = "two_step.bpmn") -> ProcessRunner:
    """A runner over a newly parsed bundle, as another worker process would have."""
    return ProcessRunner(load_bundle_from_files([FIXTURES / fixture]), runner.env)


def through_text(state: dict) -> dict:
    """What comes back from the database's JSON column."""
    return json.loads(dumps(state))


def snapshot(workflow) -> list[tuple]:
    return sorted(
        (str(t.id), t.task_spec.name, t.state, json.dumps(t.data, sort_keys=True, default=str))
        for t in workflow.get_tasks()
    )


def started(runner: ProcessRunner):
    workflow = runner.start({"applicant": "张三", "reason": "请假回老家", "received_on": "2026-09-25"})
    [receive] = runner.ready_human_tasks(workflow)
    return workflow, receive


def test_dumped_state_has_no_spec(runner):
    workflow, _ = started(runner)
    state = dump_state(workflow)
    assert "spec" not in state and "subprocess_specs" not in state
    text = dumps(state)
    assert "working_days_after" not in text  # the timer expression lives in the spec only
    assert "task_specs" not in text
    assert state[VERSION_KEY]


def test_dumped_state_is_plain_json(runner):
    workflow, _ = started(runner)
    state = dump_state(workflow)
    assert json.loads(json.dumps(state)) == state


def test_restore_gives_an_equivalent_workflow(runner):
    workflow, receive = started(runner)
    runner.complete(workflow, receive.id, {"note": "材料齐全"}, actor_id=1, candidates=[1])
    state = dump_state(workflow)

    restored = load_state(through_text(state), runner.bundle.spec, runner.bundle.subprocess_specs)

    assert snapshot(restored) == snapshot(workflow)
    assert restored.last_task.id == workflow.last_task.id
    assert [e.value for e in restored.waiting_events()] == [e.value for e in workflow.waiting_events()]
    assert dump_state(restored) == state


def test_restore_keeps_ready_task_ids_and_data(runner):
    workflow, receive = started(runner)
    restored = fresh_runner(runner).restore(through_text(runner.dump(workflow)))
    [again] = runner.ready_human_tasks(restored)
    assert again.id == receive.id
    assert again.data == {"applicant": "张三", "reason": "请假回老家", "received_on": "2026-09-25"}
    assert again.meta == receive.meta


def test_chinese_text_is_stored_as_characters(runner):
    workflow, _ = started(runner)
    text = dumps(dump_state(workflow))
    assert "请假" in text
    assert "张三" in text
    assert "\\u" not in text


def test_dates_in_task_data_survive(runner):
    workflow, receive = started(runner)
    task = workflow.get_task_from_id(UUID(receive.id))
    task.data["first_day"] = date(2026, 10, 8)
    task.data["submitted_at"] = datetime(2026, 9, 25, 9, 30, tzinfo=CENTRE_TZ)
    task.data["periods"] = [{"from": date(2026, 10, 8), "to": date(2026, 10, 9)}]

    restored = load_state(through_text(dump_state(workflow)), runner.bundle.spec, runner.bundle.subprocess_specs)

    data = restored.get_task_from_id(UUID(receive.id)).data
    assert type(data["first_day"]) is date and data["first_day"] == date(2026, 10, 8)
    assert type(data["submitted_at"]) is datetime
    assert data["submitted_at"] == datetime(2026, 9, 25, 9, 30, tzinfo=CENTRE_TZ)
    assert data["submitted_at"].utcoffset() == timedelta(hours=8)
    assert data["periods"] == [{"from": date(2026, 10, 8), "to": date(2026, 10, 9)}]


def test_restored_instance_carries_on_to_the_end(runner, clock):
    workflow, receive = started(runner)
    runner.complete(workflow, receive.id, {}, actor_id=1, candidates=[1])
    other = fresh_runner(runner)
    restored = other.restore(through_text(runner.dump(workflow)))

    assert other.next_timer_due(restored) == datetime(2026, 10, 9, 23, 59, 59, tzinfo=CENTRE_TZ)
    clock.set(datetime(2026, 10, 10, 0, 0, tzinfo=CENTRE_TZ))
    other.fire_due_timers(restored)
    [approve] = other.ready_human_tasks(restored)
    other.complete(restored, approve.id, {"outcome": "同意"}, actor_id=2, candidates=[2])
    assert restored.completed
    assert other.end_event(restored) == "approved"


def test_completed_instance_round_trips(runner, clock):
    workflow, receive = started(runner)
    runner.complete(workflow, receive.id, {}, actor_id=1, candidates=[1])
    clock.set(datetime(2026, 10, 10, tzinfo=CENTRE_TZ))
    runner.fire_due_timers(workflow)
    [approve] = runner.ready_human_tasks(workflow)
    runner.complete(workflow, approve.id, {"outcome": "不同意"}, actor_id=2, candidates=[2])

    restored = runner.restore(through_text(runner.dump(workflow)))
    assert restored.completed
    assert runner.end_event(restored) == "rejected"
    assert restored.get_tasks(state=TaskState.READY) == []


def test_sequential_multi_instance_continues_after_restore_on_a_fresh_spec(runner):
    chain = fresh_runner(runner, "chain.bpmn")
    workflow = chain.start({"approver_chain": ["window_head", "dept_deputy_leader", "centre_director"]})
    [first] = chain.ready_human_tasks(workflow)
    chain.complete(workflow, first.id, {"decision": "approve"}, actor_id=1, candidates=[1])

    for expected in ["dept_deputy_leader", "centre_director"]:
        chain = fresh_runner(chain, "chain.bpmn")  # every step in another worker with its own parsed spec
        workflow = chain.restore(through_text(chain.dump(workflow)))
        [step] = chain.ready_human_tasks(workflow)
        assert step.data["approver_role"] == expected
        chain.complete(workflow, step.id, {"decision": "approve"}, actor_id=1, candidates=[1])

    assert workflow.completed
    assert entered(workflow.last_task.data["approvals"]) == [{"decision": "approve"}] * 3


def test_sequential_multi_instance_stops_at_a_rejection_after_restore(runner):
    chain = fresh_runner(runner, "chain.bpmn")
    workflow = chain.start({"approver_chain": ["window_head", "dept_deputy_leader", "centre_director"]})
    [first] = chain.ready_human_tasks(workflow)
    chain.complete(workflow, first.id, {"decision": "approve"}, actor_id=1, candidates=[1])

    chain = fresh_runner(chain, "chain.bpmn")
    workflow = chain.restore(through_text(chain.dump(workflow)))
    [second] = chain.ready_human_tasks(workflow)
    chain.complete(workflow, second.id, {"decision": "reject"}, actor_id=1, candidates=[1])
    assert workflow.completed
    assert [a["decision"] for a in workflow.last_task.data["approvals"]] == ["approve", "reject"]


def _typed(value):
    """`value` with every type spelled out, so 1, 1.0 and True or a list and a tuple do not compare equal."""
    if isinstance(value, dict):
        return {k: _typed(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return (type(value).__name__, [_typed(v) for v in value])
    return type(value).__name__, value


def assert_dumped_exactly(runner: ProcessRunner, workflow, fixture: str = "two_step.bpmn") -> None:
    """The live workflow may stand in for a restore of its dump: the same tasks, data of the same types."""
    state = dump_state(workflow)
    assert dumped_exactly(workflow)
    assert not dumped_exactly(workflow)  # asked once: a later change would make the answer stale
    restored = fresh_runner(runner, fixture).restore(through_text(state))
    assert [(t.id, t.task_spec.name, t.state, _typed(t.data)) for t in restored.get_tasks()] == \
        [(t.id, t.task_spec.name, t.state, _typed(t.data)) for t in workflow.get_tasks()]


def test_a_plain_workflow_is_dumped_exactly_after_a_completion_and_a_timer(runner, clock):
    workflow, receive = started(runner)
    assert_dumped_exactly(runner, workflow)
    runner.complete(workflow, receive.id, {"note": "材料齐全", "pages": 3, "ratio": 1.0, "ok": True}, 1, [1])
    assert_dumped_exactly(runner, workflow)
    clock.set(datetime(2026, 10, 10, tzinfo=CENTRE_TZ))
    runner.fire_due_timers(workflow)
    assert_dumped_exactly(runner, workflow)
    [approve] = runner.ready_human_tasks(workflow)
    runner.complete(workflow, approve.id, {"outcome": "同意"}, 2, [2])
    assert workflow.completed
    assert_dumped_exactly(runner, workflow)


def test_a_multi_instance_chain_is_dumped_exactly_at_every_step(runner):
    chain = fresh_runner(runner, "chain.bpmn")
    workflow = chain.start({"approver_chain": ["window_head", "dept_deputy_leader", "centre_director"]})
    while not workflow.completed:
        assert_dumped_exactly(chain, workflow, "chain.bpmn")
        [step] = chain.ready_human_tasks(workflow)
        chain.complete(workflow, step.id, {"decision": "approve"}, actor_id=1, candidates=[1])
    assert_dumped_exactly(chain, workflow, "chain.bpmn")


@pytest.mark.parametrize("value", [date(2026, 10, 8), ("a", "b"), {"a"}, len, float("nan"), {1: "一"}],
                         ids=["date", "tuple", "set", "function", "nan", "int key"])
def test_data_json_would_change_is_not_dumped_exactly(runner, value):
    workflow, receive = started(runner)
    workflow.get_task_from_id(UUID(receive.id)).data["value"] = value
    dump_state(workflow)
    assert not dumped_exactly(workflow)
