"""ProcessRunner.recompute_timers: a calendar change moves pending working-day timers, as of when they started."""

from datetime import date, datetime
from pathlib import Path

from engine.calendar import WorkingCalendar
from engine.clock import CENTRE_TZ, FrozenClock
from engine.runtime import EngineEnvironment, MovedTimer, ProcessRunner
from engine.specs import load_bundle

TWO_STEP = (Path(__file__).parent / "fixtures" / "two_step.bpmn").read_text(encoding="utf-8")
MONDAY = datetime(2026, 11, 30, 10, 0, tzinfo=CENTRE_TZ)


def close_of(day: date) -> str:
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=CENTRE_TZ).isoformat()


def waiting(timer_expression: str, calendar: WorkingCalendar, clock: FrozenClock):
    source = TWO_STEP.replace("working_days_after(received_on, 5)", timer_expression)
    bundle = load_bundle({"two_step.bpmn": source})
    runner = ProcessRunner(bundle, EngineEnvironment(clock, calendar))
    workflow = runner.start({"received_on": "2026-11-30"})
    [receive] = runner.ready_human_tasks(workflow)
    runner.complete(workflow, receive.id, {}, 1, [1])
    return bundle, workflow


def test_a_new_holiday_moves_the_timer_one_working_day():
    clock = FrozenClock(MONDAY)
    bundle, workflow = waiting("working_days_after(received_on, 5)", WorkingCalendar(), clock)
    with_holiday = ProcessRunner(bundle, EngineEnvironment(clock, WorkingCalendar(extra_holidays=[date(2026, 12, 3)])))
    moved = with_holiday.recompute_timers(workflow)
    assert moved == [
        MovedTimer("wait_five_days", "等待五个工作日", close_of(date(2026, 12, 7)), close_of(date(2026, 12, 8)))
    ]
    assert with_holiday.next_timer_due(workflow).isoformat() == close_of(date(2026, 12, 8))
    assert with_holiday.recompute_timers(workflow) == []  # already counted with this calendar


def test_an_expression_on_today_counts_from_the_day_the_timer_started_not_from_now():
    clock = FrozenClock(MONDAY)
    bundle, workflow = waiting("working_days_after(today(), 2)", WorkingCalendar(), clock)
    assert ProcessRunner.next_timer_due(workflow).isoformat() == close_of(date(2026, 12, 2))
    clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=CENTRE_TZ))  # two days later the holiday is announced
    with_holiday = ProcessRunner(bundle, EngineEnvironment(clock, WorkingCalendar(extra_holidays=[date(2026, 12, 1)])))
    [moved] = with_holiday.recompute_timers(workflow)
    assert moved.new_due == close_of(date(2026, 12, 3))  # Monday + 2 working days without Tuesday, not Wed + 2


def test_a_deadline_stored_as_data_moves_its_timer_once_the_variable_moves():
    """A service counted the deadline and stored it; the family moves the variable, the timer that reads it follows."""
    source = TWO_STEP.replace("working_days_after(received_on, 5)", "due")
    runner = ProcessRunner(load_bundle({"two_step.bpmn": source}),
                           EngineEnvironment(FrozenClock(MONDAY), WorkingCalendar()))
    workflow = runner.start({"received_on": "2026-11-30", "due": close_of(date(2026, 12, 7))})
    [receive] = runner.ready_human_tasks(workflow)
    runner.complete(workflow, receive.id, {}, 1, [1])
    assert runner.open_data(workflow)["due"] == close_of(date(2026, 12, 7))
    assert runner.recompute_timers(workflow) == []  # the expression reads data: a calendar alone does not move it
    assert runner.set_variables(workflow, {"due": close_of(date(2026, 12, 8)), "absent": "x"}) == ["due"]
    assert runner.set_variables(workflow, {"due": close_of(date(2026, 12, 8))}) == []  # already so
    assert "absent" not in runner.open_data(workflow)  # only variables the steps hold are set
    [moved] = runner.recompute_timers(workflow)
    assert (moved.old_due, moved.new_due) == (close_of(date(2026, 12, 7)), close_of(date(2026, 12, 8)))
    assert runner.next_timer_due(workflow).isoformat() == close_of(date(2026, 12, 8))
