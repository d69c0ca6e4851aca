"""Timers of every kind on the engine clock: dates, durations and cycles on catch, boundary, event-based gateway
and start events; the clock is moved, nothing sleeps. Each diagram is in fixtures/elements/timers_*.bpmn."""

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

from engine.calendar import WorkingCalendar
from engine.clock import CENTRE_TZ, FrozenClock
from engine.errors import DefinitionError
from engine.runtime import EngineEnvironment, ProcessRunner
from engine.specs import load_bundle
from engine.start_timers import Due, first_due, next_due, start_timers

ELEMENTS = Path(__file__).parent / "fixtures" / "elements"
MONDAY_9 = datetime(2026, 3, 2, 9, 0, tzinfo=CENTRE_TZ)


def source(name: str) -> str:
    return (ELEMENTS / name).read_text(encoding="utf-8")


def runner_for(name: str, clock: FrozenClock, text: str | None = None) -> ProcessRunner:
    return ProcessRunner(load_bundle({name: text or source(name)}), EngineEnvironment(clock, WorkingCalendar()))


def fire(runner: ProcessRunner, workflow):
    """What the sweep does: restore the saved state, fire, keep the new state."""
    workflow = runner.restore(runner.dump(workflow))
    runner.fire_due_timers(workflow)
    return workflow


def completed(workflow, spec_name: str) -> int:
    return sum(1 for t in workflow.get_tasks() if t.task_spec.name == spec_name and t.state == TaskState.COMPLETED)


def test_non_interrupting_cycle_boundary_timer_fires_three_times_on_the_moved_clock():
    clock = FrozenClock(MONDAY_9)
    runner = runner_for("timers_cycle_boundary.bpmn", clock)
    workflow = runner.start({})
    assert runner.next_timer_due(workflow) == MONDAY_9 + timedelta(hours=1)

    clock.advance(minutes=59)
    workflow = fire(runner, workflow)
    assert completed(workflow, "remind") == 0
    for hour in (1, 2, 3):
        clock.set(MONDAY_9 + timedelta(hours=hour))
        workflow = fire(runner, workflow)
        assert completed(workflow, "remind") == hour
        assert [t.meta.spec_name for t in runner.ready_human_tasks(workflow)] == ["review"]  # not interrupted
    assert runner.next_timer_due(workflow) is None  # R3: no fourth reminder
    clock.advance(hours=5)
    workflow = fire(runner, workflow)
    assert completed(workflow, "remind") == 3
    [review] = runner.ready_human_tasks(workflow)
    runner.complete(workflow, review.id, {}, 1, [1])
    assert runner.end_event(workflow) == "reviewed"


def test_duration_intermediate_timer_waits_two_hours_from_when_it_is_reached():
    clock = FrozenClock(MONDAY_9)
    runner = runner_for("timers_duration_catch.bpmn", clock)
    workflow = runner.start({})
    assert runner.next_timer_due(workflow) == datetime(2026, 3, 2, 11, 0, tzinfo=CENTRE_TZ)
    clock.advance(hours=1, minutes=59)
    workflow = fire(runner, workflow)
    assert not workflow.completed
    clock.advance(minutes=1)
    workflow = fire(runner, workflow)
    assert runner.end_event(workflow) == "published"


def test_event_based_gateway_timer_wins_on_the_engine_clock():
    clock = FrozenClock(MONDAY_9)
    runner = runner_for("timers_event_gateway.bpmn", clock)
    workflow = runner.start({})
    assert runner.next_timer_due(workflow) == MONDAY_9 + timedelta(days=3)  # PT72H: calendar time
    clock.advance(days=2, hours=23)
    workflow = fire(runner, workflow)
    assert not workflow.completed
    clock.advance(hours=1)
    workflow = fire(runner, workflow)
    assert runner.end_event(workflow) == "timed_out"


def test_event_based_gateway_message_wins_and_the_timer_is_gone():
    clock = FrozenClock(MONDAY_9)
    runner = runner_for("timers_event_gateway.bpmn", clock)
    workflow = runner.start({})
    clock.advance(days=1)
    workflow = runner.restore(runner.dump(workflow))
    workflow.catch(BpmnEvent(MessageEventDefinition("reply"), {"answer": "同意"}))
    workflow.do_engine_steps()
    assert runner.end_event(workflow) == "answered"
    assert runner.next_timer_due(workflow) is None


def test_interrupting_boundary_duration_timer_closes_the_task():
    clock = FrozenClock(MONDAY_9)
    runner = runner_for("timers_interrupting_duration.bpmn", clock)
    workflow = runner.start({})
    assert runner.next_timer_due(workflow) == MONDAY_9 + timedelta(days=3)
    clock.advance(days=3)
    workflow = fire(runner, workflow)
    assert runner.ready_human_tasks(workflow) == []
    assert runner.end_event(workflow) == "withdrawn"


def test_interrupting_boundary_duration_timer_does_not_fire_once_the_task_is_done():
    clock = FrozenClock(MONDAY_9)
    runner = runner_for("timers_interrupting_duration.bpmn", clock)
    workflow = runner.start({})
    clock.advance(days=2)
    [supplement] = runner.ready_human_tasks(workflow)
    runner.complete(workflow, supplement.id, {}, 1, [1])
    assert runner.end_event(workflow) == "supplemented"
    assert runner.next_timer_due(workflow) is None


def test_a_cycle_saved_mid_way_round_trips_with_its_count():
    clock = FrozenClock(MONDAY_9)
    runner = runner_for("timers_cycle_boundary.bpmn", clock)
    workflow = runner.start({})
    clock.advance(hours=1)
    workflow = fire(runner, workflow)
    state = runner.dump(workflow)
    [value] = [t["internal_data"]["event_value"] for t in state["tasks"].values()
               if t["internal_data"].get("event_value")]
    assert value["cycles"] == 2
    assert runner.next_timer_due(runner.restore(state)) == MONDAY_9 + timedelta(hours=2)


def test_timer_start_event_schedules_a_cycle_and_starts_without_waiting_again():
    bundle = load_bundle({"timers_start_cycle.bpmn": source("timers_start_cycle.bpmn")})
    [timer] = start_timers(bundle.spec)
    assert (timer.element_id, timer.kind, timer.literal) == ("daily", "cycle", "R3/P1D")
    first = first_due(timer, MONDAY_9)
    assert first == Due(MONDAY_9 + timedelta(days=1), 2, "P1D")
    second = next_due(first)
    third = next_due(second)
    assert [second.at, third.at] == [MONDAY_9 + timedelta(days=2), MONDAY_9 + timedelta(days=3)]
    assert next_due(third) is None

    runner = ProcessRunner(bundle, EngineEnvironment(FrozenClock(first.at), WorkingCalendar()))
    workflow = runner.start_on_schedule({})
    assert [t.meta.spec_name for t in runner.ready_human_tasks(workflow)] == ["inspect"]
    assert runner.next_timer_due(workflow) is None


def test_a_start_timer_without_end_repeats_and_a_date_fires_once():
    [timer] = start_timers(load_bundle({"s.bpmn": source("timers_start_cycle.bpmn").replace(
        '"R3/P1D"', '"R/PT12H"')}).spec)
    due = first_due(timer, MONDAY_9)
    assert (due.at, due.remaining) == (MONDAY_9 + timedelta(hours=12), -1)
    assert next_due(next_due(due)).at == MONDAY_9 + timedelta(hours=36)
    [dated] = start_timers(load_bundle({"s.bpmn": source("timers_start_cycle.bpmn").replace(
        '<bpmn:timeCycle>"R3/P1D"</bpmn:timeCycle>', '<bpmn:timeDate>"2026-04-01T08:00:00"</bpmn:timeDate>')}).spec)
    once = first_due(dated, MONDAY_9)
    assert once.at == datetime(2026, 4, 1, 8, 0, tzinfo=CENTRE_TZ)
    assert next_due(once) is None


# --- refused at deploy ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("file", "literal", "replacement", "element"),
    [
        ("timers_duration_catch.bpmn", '"PT2H"', '"2 hours"', "wait_two_hours"),
        ("timers_duration_catch.bpmn", '"PT2H"', '"P"', "wait_two_hours"),
        ("timers_cycle_boundary.bpmn", '"R3/PT1H"', '"every hour"', "hourly"),
        ("timers_cycle_boundary.bpmn", '"R3/PT1H"', '"R3/PT1X"', "hourly"),
        ("timers_cycle_boundary.bpmn", '"R3/PT1H"', '"R3/P99999Y"', "hourly"),
        ("timers_event_gateway.bpmn", '"PT72H"', '"3 days"', "await_reply"),
        ("timers_start_cycle.bpmn", '"R3/P1D"', '"Rx/P1D"', "daily"),
        ("timers_duration_catch.bpmn", '<bpmn:timeDuration>"PT2H"</bpmn:timeDuration>',
         '<bpmn:timeDate>"2026-13-01"</bpmn:timeDate>', "wait_two_hours"),
    ],
)
def test_a_timer_literal_that_is_no_iso_8601_is_refused_naming_file_and_element(file, literal, replacement, element):
    text = source(file).replace(literal, replacement)
    with pytest.raises(DefinitionError) as info:
        load_bundle({file: text})
    [problem] = info.value.problems
    assert (problem.filename, problem.element_id) == (file, element)
    assert "ISO 8601" in problem.reason


def test_a_computed_start_timer_is_refused_since_no_data_exists_at_deploy():
    text = source("timers_start_cycle.bpmn").replace('"R3/P1D"', 'cycle_text')
    with pytest.raises(DefinitionError) as info:
        load_bundle({"s.bpmn": text})
    [problem] = info.value.problems
    assert problem.element_id == "daily"
    assert "字面量" in problem.reason


def test_a_computed_duration_is_checked_when_it_runs():
    clock = FrozenClock(MONDAY_9)
    text = source("timers_duration_catch.bpmn").replace('"PT2H"', '"PT" + str(hours) + "H"')
    runner = runner_for("d.bpmn", clock, text)
    workflow = runner.start({"hours": 5})
    assert runner.next_timer_due(workflow) == MONDAY_9 + timedelta(hours=5)


# --- states saved before durations and cycles existed -----------------------------------------------------------

SAVED = json.loads((Path(__file__).parent / "fixtures" / "timers_states_saved_before_8b.json").read_text("utf-8"))


def test_a_state_saved_by_the_old_code_waiting_on_a_date_timer_loads_and_fires():
    clock = FrozenClock(datetime.fromisoformat(SAVED["saved_at"]))
    two_step = (Path(__file__).parent / "fixtures" / "two_step.bpmn").read_text(encoding="utf-8")
    runner = runner_for("two_step.bpmn", clock, two_step)
    workflow = runner.restore(SAVED["two_step"])
    due = runner.next_timer_due(workflow)
    assert due == datetime(2026, 3, 9, 23, 59, 59, tzinfo=CENTRE_TZ)
    clock.set(due)
    runner.fire_due_timers(workflow)
    assert [t.meta.spec_name for t in runner.ready_human_tasks(workflow)] == ["approve"]


def test_an_old_gateway_state_whose_timer_ran_on_the_wall_clock_now_runs_on_the_engine_clock():
    clock = FrozenClock(datetime.fromisoformat(SAVED["saved_at"]))
    text = source("timers_event_gateway.bpmn").replace('"PT72H"', '"2099-03-05T09:00:00+08:00"').replace(
        "timeDuration", "timeDate")
    runner = runner_for("gw.bpmn", clock, text)
    workflow = runner.restore(SAVED["gateway_time_date"])
    assert runner.next_timer_due(workflow) == datetime(2099, 3, 5, 9, 0, tzinfo=CENTRE_TZ)
    clock.set(datetime(2099, 3, 5, 9, 0, tzinfo=CENTRE_TZ))
    runner.fire_due_timers(workflow)
    assert runner.end_event(workflow) == "timed_out"


def test_a_calendar_change_moves_working_day_dates_but_not_calendar_durations():
    clock = FrozenClock(MONDAY_9)
    workflow_runner = runner_for("timers_interrupting_duration.bpmn", clock)
    workflow = workflow_runner.start({})
    with_holiday = ProcessRunner(workflow_runner.bundle, EngineEnvironment(
        clock, WorkingCalendar(extra_holidays=[date(2026, 3, 3)])))
    assert with_holiday.recompute_timers(workflow) == []
    assert with_holiday.next_timer_due(workflow) == MONDAY_9 + timedelta(days=3)
