"""Timer events that ask the engine's clock instead of the wall clock: dates, durations and cycles.

SpiffWorkflow compares timer due times with `datetime.now()`; tests and the sweep need an
injected clock. The due time is still computed once, when the timer starts waiting, and
kept in the task's internal data (it survives serialization) with the engine time it was
computed at, so a calendar change can evaluate a date expression again as of that moment.

The three kinds, as ISO 8601 says:
- timeDate: a time (`"2026-03-05T17:00:00+08:00"`, or `working_days_after(...)` for deadlines in working days);
- timeDuration: a span from when the timer starts waiting (`"PT2H"`, `"P3D"` = three calendar days);
- timeCycle: `R<n>/<duration>` (first after one span), `R<n>/<start>/<duration>`, `R<n>/<duration>/<end>`;
  `R/…` repeats without end. Used on a non-interrupting boundary event, it fires once per period.
A duration counts calendar time, so a calendar override (a holiday added) does not move it; only a
timeDate, which may count working days, is evaluated again (`pending_timers`).
"""

from __future__ import annotations

import ast
from datetime import datetime, timedelta

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.util.task import TaskState

from engine.clock import CENTRE_TZ


def _now(my_task) -> datetime:
    return my_task.workflow.script_engine.clock.now()


def _aware(value: datetime) -> datetime:
    """A bare local time is the centre's, not the server's."""
    return value if value.tzinfo else value.replace(tzinfo=CENTRE_TZ)


def _evaluated(my_task, expression: str, script_engine=None) -> str:
    return str((script_engine or my_task.workflow.script_engine).evaluate(my_task, expression))


def _refused(my_task, kind: str, value: str, exc: Exception) -> WorkflowTaskException:
    return WorkflowTaskException(f"计时器表达式须给出 ISO 8601 格式的{kind}，实际得到 {value!r}", task=my_task,
                                 exception=exc)


def parse_date(text: str) -> datetime:
    """An ISO 8601 date or time as an aware time (ValueError if it is none)."""
    return _aware(datetime.fromisoformat(text.strip()))


def parse_duration(text: str) -> dict:
    """The parts of an ISO 8601 duration (`PT2H` → {'hours': 2}); ValueError if it is none or empty."""
    text = text.strip()
    if not text.upper().startswith("P"):
        raise ValueError(f"not an ISO 8601 duration: {text!r}")
    try:
        parts = TimerEventDefinition.parse_iso_duration(text)
    except Exception as exc:  # SpiffWorkflow raises a bare Exception
        raise ValueError(f"not an ISO 8601 duration: {text!r}") from exc
    if not parts or not any(parts.values()):
        raise ValueError(f"an ISO 8601 duration of nothing: {text!r}")
    return parts


def after(start: datetime, duration: str) -> datetime:
    """`start` plus an ISO 8601 duration, months and years counted in calendar months from `start`."""
    try:
        return start + TimerEventDefinition.get_timedelta_from_start(parse_duration(duration), start)
    except OverflowError as exc:  # "P99999Y": past the calendar's end is no time either
        raise ValueError(f"ISO 8601 duration out of range: {duration!r}") from exc


def before(end: datetime, duration: str) -> datetime:
    try:
        return end - TimerEventDefinition.get_timedelta_from_end(parse_duration(duration), end)
    except OverflowError as exc:
        raise ValueError(f"ISO 8601 duration out of range: {duration!r}") from exc


def parse_cycle(text: str, now: datetime) -> tuple[int, datetime, str]:
    """(repetitions, first due time, period) of an ISO 8601 repeating interval; repetitions -1 = without end.

    `R3/PT1H` first fires one period after `now`; `R3/<start>/PT1H` at `start`; `R3/PT1H/<end>` one period before
    `end`. ValueError if it is none of these.
    """
    parts = text.strip().upper().split("/")
    if len(parts) not in (2, 3) or not parts[0].startswith("R") or not (parts[0][1:] == "" or parts[0][1:].isdigit()):
        raise ValueError(f"not an ISO 8601 repeating interval: {text!r}")
    repetitions = int(parts[0][1:]) if parts[0][1:] else -1
    if len(parts) == 2:
        return repetitions, after(now, parts[1]), parts[1]
    if parts[1].startswith("P"):
        end = parse_date(parts[2])
        return repetitions, before(end, parts[1]), parts[1]
    start = parse_date(parts[1])
    parse_duration(parts[2])
    return repetitions, start, parts[2]


def literal_problem(kind: str, expression: str) -> str | None:
    """Why a timer expression that is a string literal is no ISO 8601 literal of its kind (None: fine, or no literal).

    `kind` is "date", "duration" or "cycle". Expressions that compute the value are checked when they run.
    """
    try:
        value = ast.literal_eval(expression.strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    if not isinstance(value, str):
        return f"计时器字面量须为 ISO 8601 字符串，实际为 {value!r}"
    check = {"date": parse_date, "duration": parse_duration, "cycle": lambda v: parse_cycle(v, datetime.now(CENTRE_TZ))}
    try:
        check[kind](value)
    except ValueError:
        name = {"date": "时间（timeDate）", "duration": "时长（timeDuration，如 PT2H、P3D）",
                "cycle": "周期（timeCycle，如 R3/PT1H）"}[kind]
        return f"计时器 {value!r} 不是有效的 ISO 8601 {name}"
    return None


def kind_of(event_definition) -> str | None:
    """"date", "duration" or "cycle" for a timer definition (ours or SpiffWorkflow's), else None."""
    if isinstance(event_definition, CycleTimerEventDefinition):
        return "cycle"
    if isinstance(event_definition, DurationTimerEventDefinition):
        return "duration"
    if isinstance(event_definition, TimeDateEventDefinition):
        return "date"
    return None


class ClockedTimeDateEventDefinition(TimeDateEventDefinition):
    def has_fired(self, my_task) -> bool:
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            started = _now(my_task)
            event_value = self._due(my_task).isoformat()
            my_task._set_internal_data(event_value=event_value, event_started=started.isoformat())
        if TimerEventDefinition.get_datetime(event_value) <= _now(my_task):
            my_task._set_internal_data(event_fired=True)
        return my_task._get_internal_data("event_fired", False)

    def _due(self, my_task, script_engine=None) -> datetime:
        value = _evaluated(my_task, self.expression, script_engine)
        try:
            return parse_date(value)
        except ValueError as exc:
            raise _refused(my_task, "时间", value, exc) from exc


class ClockedDurationTimerEventDefinition(DurationTimerEventDefinition):
    """Due one span after the timer started waiting, by the engine's clock."""

    def has_fired(self, my_task) -> bool:
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            started = _now(my_task)
            value = _evaluated(my_task, self.expression)
            try:
                event_value = after(started, value).isoformat()
            except ValueError as exc:
                raise _refused(my_task, "时长", value, exc) from exc
            my_task._set_internal_data(event_value=event_value, event_started=started.isoformat())
        if TimerEventDefinition.get_datetime(event_value) <= _now(my_task):
            my_task._set_internal_data(event_fired=True)
        return my_task._get_internal_data("event_fired", False)


class ClockedCycleTimerEventDefinition(CycleTimerEventDefinition):
    """Fires once per period by the engine's clock, as many times as the cycle says.

    Kept as SpiffWorkflow keeps it (`{'cycles', 'next', 'duration'}` in seconds) so waiting_events() and states
    saved before this class existed read alike; one sweep that finds several periods passed fires once per
    sweep, the next due time counted from the one that fired (no burst of catch-up firings).
    """

    def cycle_complete(self, my_task) -> bool:
        event_value = my_task._get_internal_data("event_value")
        now = _now(my_task)
        if event_value is None:
            value = _evaluated(my_task, self.expression)
            try:
                cycles, first, period = parse_cycle(value, now)
            except ValueError as exc:
                raise _refused(my_task, "周期", value, exc) from exc
            event_value = {"cycles": cycles, "next": first.isoformat(),
                           "duration": (after(first, period) - first).total_seconds()}
        ready = False
        if event_value["cycles"] != 0:
            due = datetime.fromisoformat(event_value["next"])
            if due <= now:
                event_value["next"] = (due + timedelta(seconds=event_value["duration"])).isoformat()
                event_value["cycles"] -= 1
                ready = True
        else:
            my_task.internal_data.pop("event_value", None)
            my_task.internal_data["event_fired"] = True
            return False
        my_task._set_internal_data(event_value=event_value)
        return ready


CLOCKED = {
    TimeDateEventDefinition: ClockedTimeDateEventDefinition,
    DurationTimerEventDefinition: ClockedDurationTimerEventDefinition,
    CycleTimerEventDefinition: ClockedCycleTimerEventDefinition,
}


def clocked(event_definition):
    """The clocked twin of one of SpiffWorkflow's timer definitions (same name, expression, description)."""
    return CLOCKED[type(event_definition)](event_definition.name, event_definition.expression,
                                          description=event_definition.description)


def pending_timers(workflow) -> list:
    """Waiting date timers whose due time is set and has not fired: the deadlines a calendar change may move.

    Durations and cycles count calendar time: a working-day calendar does not move them.
    """
    return [
        t for t in workflow.get_tasks(state=TaskState.WAITING)
        if isinstance(getattr(t.task_spec, "event_definition", None), ClockedTimeDateEventDefinition)
        and t._get_internal_data("event_value") is not None
        and not t._get_internal_data("event_fired", False)
    ]


def started_at(timer_task) -> datetime | None:
    """The engine time the timer's due time was computed at (None for timers saved before it was kept)."""
    started = timer_task._get_internal_data("event_started")
    return datetime.fromisoformat(started) if started else None


def set_due(timer_task, script_engine) -> tuple[str, str] | None:
    """Evaluate the timer's expression again with `script_engine`; (old, new) ISO times when the due time moved."""
    old = timer_task._get_internal_data("event_value")
    new = timer_task.task_spec.event_definition._due(timer_task, script_engine)
    if TimerEventDefinition.get_datetime(old) == new:
        return None
    timer_task._set_internal_data(event_value=new.isoformat())
    return old, new.isoformat()


def next_due(workflow) -> datetime | None:
    """The earliest due time of every pending timer: catch, boundary, start, and those an event-based gateway
    waits on (the gateway holds them in a multiple event definition, whose details carry no time)."""
    due = []
    for task in workflow.event_manager.tasks.values():
        if not timer_definitions(task.task_spec.event_definition):
            continue
        value = task._get_internal_data("event_value")
        if isinstance(value, dict):  # a cycle: its next firing, unless it has fired its last
            value = value["next"] if value.get("cycles") != 0 else None
        if isinstance(value, str):
            due.append(parse_date(value))
    return min(due) if due else None


def timer_definitions(event_definition) -> list:
    """The timer definitions in an event definition, also inside a multiple one (an event-based gateway's)."""
    inner = getattr(event_definition, "event_definitions", None) or [event_definition]
    return [d for d in inner if kind_of(d) is not None]


def fire_start_timers(workflow) -> None:
    """Fire the timer of each waiting start event now: the instance was started because its schedule came due
    (see engine.start_timers), so its start event must not wait a second time."""
    for task in list(workflow.event_manager.tasks.values()):
        if (task.workflow is workflow and isinstance(task.task_spec, StartEvent)
                and timer_definitions(task.task_spec.event_definition)):
            task.internal_data.pop("event_value", None)
            task._set_internal_data(event_fired=True)
            if not task.children:  # a cycle's start event predicts no successor: it would add one per firing
                task._sync_children(task.task_spec.outputs, TaskState.FUTURE)
            task.task_spec._update(task)
